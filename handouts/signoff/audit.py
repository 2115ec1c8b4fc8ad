"""The audit trail: signoffs/audit.jsonl, append-only and hash-chained (21 CFR 11.10(e)).

One JSON object per line, keys sorted, written once and never rewritten:

    {"event":"approve","hash":"…","id":"acne","n":7,"prev":"…","ts":"2026-11-27T15:04:05Z",…}

- `n` is the 1-based line number, so a deleted or moved line is named at once;
- `prev` is the SHA-256 of the previous line's exact bytes (64 zeros on line 1);
- `hash` is the SHA-256 of the line's own canonical JSON without `hash`, so an
  edited line is caught on that very line, the last one included;
- `ts` is the UTC time of writing; times never go back from one line to the next;
- `by` and `sig` (on the lines a reviewer makes): the listed reviewer's id
  (signoffs/reviewers.yaml) and their SSH signature (handouts.signoff.reviewers) over the
  canonical JSON of the whole line except `sig` and `hash`. The signature thus
  covers the event, its record (content and sheet hashes, meaning, name), `ts`,
  `n` and `prev`: the chain head the line extends. Nobody without the key can
  write, change, re-chain, back-date or move such a line to another handout, and
  editing any earlier line breaks every later signature.

Events: create, approve, reject, retire (these three carry the full sign-off
record, see handouts.signoff.signoff and must be signed), edit (signed by the reviewer
who made it on the review page, or `by: "unsigned: hand edit of drafts/ID.yaml"`
for an edit found in the file; an approval then signs for it) and publish. The
log is the commit point of every sign-off; signoffs/ID.json files are readable
copies checked against it.

Every write holds one lock (fcntl on .handouts/signoff.lock), re-entrant within
a thread, so concurrent commands never interleave or fork the chain.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import subprocess
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from handouts.core.exceptions import SignoffError
from handouts.core.files import atomic_write, canonical_json, sha256_bytes, sha256_text
from handouts.signoff import reviewers

LOG_NAME = "signoffs/audit.jsonl"
GENESIS = "0" * 64
EVENTS = ("create", "approve", "reject", "retire", "edit", "publish")
RECORD_EVENTS = ("approve", "reject", "retire")
SIGNED_EVENTS = RECORD_EVENTS  # must carry a listed reviewer's signature; an edit may
UNSIGNED = "unsigned: "  # how an unsigned edit names its author, e.g. "unsigned: hand edit of drafts/acne.yaml"

_held = threading.local()


# -- encoding --------------------------------------------------------------------------


def utc_now() -> str:
    return format_ts(datetime.now(timezone.utc))


def format_ts(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware (UTC)")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _self_hash(entry: dict) -> str:
    return sha256_text(canonical_json({k: v for k, v in entry.items() if k != "hash"}))


def signed_payload(entry: dict) -> bytes:
    """What a reviewer signs: the whole line but its signature and its own hash."""
    return canonical_json({k: v for k, v in entry.items() if k not in ("hash", "sig")}).encode("utf-8")


def parse_ts(ts) -> datetime | None:
    try:
        return datetime.strptime(str(ts), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


# -- paths and the lock ----------------------------------------------------------------


def log_path(project) -> Path:
    return Path(project.root) / LOG_NAME


def _lock_path(project) -> Path:
    return Path(project.work) / "signoff.lock"


@contextlib.contextmanager
def lock(project):
    """Hold the sign-off lock. Re-entrant within one thread; blocks other processes and threads."""
    path = _lock_path(project)
    key = os.path.abspath(path)
    held = getattr(_held, "paths", None)
    if held is None:
        held = _held.paths = {}
    if held.get(key):
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        held[key] = 1
        try:
            yield
        finally:
            held[key] = 0
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# -- reading ---------------------------------------------------------------------------


def _read_raw(project) -> tuple[list[str], str]:
    """(complete lines without their newline, unterminated tail or "")."""
    path = log_path(project)
    if not path.exists():
        return [], ""
    data = path.read_bytes().decode("utf-8", errors="replace")
    parts = data.split("\n")
    return parts[:-1], parts[-1]


def read_lines(project) -> list[str]:
    """The log's complete lines, without their newline (an unterminated tail is left out)."""
    return _read_raw(project)[0]


def head(project) -> dict:
    """{"head": SHA-256 of the last complete line (GENESIS if none), "length": lines}: what a release records."""
    done = read_lines(project)
    return {"head": sha256_text(done[-1]) if done else GENESIS, "length": len(done)}


def events(project, *, mentioning: str | None = None) -> list[dict]:
    """Every complete line that parses, in order. Use scan() to know they are genuine.

    `mentioning`: only lines whose text holds that string, or a \\u escape that could spell it
    (the others are not parsed at all).
    """
    out = []
    lines, _tail = _read_raw(project)
    for line in lines:
        if mentioning is not None and mentioning not in line and "\\u" not in line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            out.append(entry)
    return out


def last_event(project, kind: str) -> dict | None:
    """The last line of event `kind` among events(), found from the end of the log."""
    lines, _tail = _read_raw(project)
    mentions = re.compile(r'"event"\s*:\s*' + re.escape(json.dumps(kind)))
    for line in reversed(lines):
        if not mentions.search(line):  # most lines are other events: not parsed at all
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("event") == kind:
            return entry
    return None


def history(project, handout_id: str) -> list[dict]:
    """One handout's events, oldest first (publish events that included it count too)."""
    return [
        e for e in events(project, mentioning=json.dumps(handout_id))  # quoted: "acne", not "acne-2"
        if e.get("id") == handout_id or handout_id in (e.get("ids") or [])
    ]


# -- writing ---------------------------------------------------------------------------


def repair_tail(project) -> bool:
    """Drop an unterminated last line left by a write that was cut off. Call under lock().

    A line is committed once it ends in a newline, and we write each line and
    its newline in a single write(), so a torn tail was never committed.
    Returns True if something was removed.
    """
    path = log_path(project)
    if not path.exists():
        return False
    data = path.read_bytes()
    if not data or data.endswith(b"\n"):
        return False
    keep = data.rfind(b"\n") + 1
    with open(path, "r+b") as fh:
        fh.truncate(keep)
        fh.flush()
        os.fsync(fh.fileno())
    return True


def append(project, event: dict, *, now: datetime | None = None, signer=None) -> dict:
    """Append one event; returns the entry as written. Never rewrites earlier lines.

    With a `signer` (handouts.signoff.reviewers.Signer) the line is signed by that reviewer
    and names them in `by`; a signed line dated before the last line is refused
    (the signer's clock is behind). An unsigned line takes the last line's time
    instead, so a build is not stopped by a reviewer whose clock ran ahead.
    """
    kind = event.get("event")
    if kind not in EVENTS:
        raise ValueError(f"unknown audit event {kind!r}; expected one of {', '.join(EVENTS)}")
    reserved = {"n", "prev", "hash", "ts", "sig"} & set(event)
    if reserved:
        raise ValueError(f"audit events may not set {', '.join(sorted(reserved))}")
    if kind in SIGNED_EVENTS and signer is None:
        raise ValueError(f"a {kind} event must be signed by a listed reviewer")
    path = log_path(project)
    with lock(project):
        repair_tail(project)
        lines, _ = _read_raw(project)
        prev = sha256_text(lines[-1]) if lines else GENESIS
        ts = format_ts(now) if now else utc_now()
        last_ts = _last_ts(lines)
        if last_ts and ts < last_ts and signer is None:
            ts = last_ts  # a machine event (create, publish, hand edit) never goes back: a signer's clock ran ahead
        elif last_ts and ts < last_ts:
            raise SignoffError(f"{LOG_NAME}: the time now ({ts}) is before the log's last entry ({last_ts}); "
                               f"times in the log never go back: check the computer's clock")
        entry = dict(event, n=len(lines) + 1, prev=prev, ts=ts)
        if signer is not None:
            listed = reviewers.load(project)
            mine = next((r for r in listed if r.id == signer.reviewer.id), None)
            if mine is not None and mine.until and ts[:10] > mine.until:
                raise SignoffError(f"{mine.printed} may no longer sign: their signing ended on {mine.until} "
                                   f"({reviewers.LIST_NAME}); nothing was recorded")
            entry["by"] = signer.reviewer.id
            entry["sig"] = signer.sign(signed_payload(entry))
            if not reviewers.verify_many(listed, [(entry["by"], signed_payload(entry), entry["sig"])])[0]:
                raise SignoffError(f"the signature does not verify against {reviewers.LIST_NAME}: the key used "
                                   f"is not the key listed for {signer.reviewer.printed} ({signer.reviewer.id}); "
                                   f"nothing was recorded")
        entry["hash"] = _self_hash(entry)
        raw = (canonical_json(entry) + "\n").encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            written = os.write(fd, raw)
            if written != len(raw):  # a full disk; leave a torn tail that repair_tail drops
                raise OSError(f"{LOG_NAME}: short write ({written} of {len(raw)} bytes)")
            os.fsync(fd)
        finally:
            os.close(fd)
    return entry


def _last_ts(lines: list[str]) -> str:
    if not lines:
        return ""
    try:
        return str(json.loads(lines[-1]).get("ts") or "")
    except (ValueError, AttributeError):
        return ""


# -- verification ----------------------------------------------------------------------


def _line_problem(i: int, line: str, prev_line: str | None) -> str | None:
    where = f"{LOG_NAME}:{i}"
    if not line.strip():
        return f"{where}: empty line; a line was blanked or inserted"
    try:
        entry = json.loads(line)
    except ValueError:
        return f"{where}: not valid JSON; the line was edited or cut"
    if not isinstance(entry, dict):
        return f"{where}: not a JSON object; the line was edited"
    if entry.get("hash") != _self_hash(entry):
        return f"{where}: the line's content does not match its hash; it was edited"
    if entry.get("n") != i:
        return (f"{where}: this is entry {entry.get('n')!r} but sits on line {i}; "
                f"a line was deleted, inserted or moved")
    expected = sha256_text(prev_line) if prev_line is not None else GENESIS
    if entry.get("prev") != expected:
        if prev_line is None:
            return f"{where}: the first line does not start the chain; lines were deleted or moved"
        return (f"{where}: does not chain to line {i - 1} (its `prev` is not the SHA-256 of line "
                f"{i - 1}); line {i - 1} was edited, or lines were deleted or moved")
    if entry.get("event") not in EVENTS:
        return f"{where}: unknown event {entry.get('event')!r}"
    return None


def _order_problem(i: int, entry: dict, prev_entry: dict | None) -> str | None:
    where = f"{LOG_NAME}:{i}"
    if parse_ts(entry.get("ts")) is None:
        return f"{where}: `ts` is not a UTC time like 2026-01-15T09:30:00Z"
    if prev_entry is not None and str(entry["ts"]) < str(prev_entry.get("ts")):
        return (f"{where}: dated {entry['ts']}, before line {i - 1} ({prev_entry.get('ts')}); times in the log "
                f"never go back: the line was back-dated or moved")
    return None


def _author_problem(i: int, entry: dict) -> str | None:
    """A line that names an author must carry a signature, unless it says it is unsigned."""
    where = f"{LOG_NAME}:{i}"
    kind, by = entry.get("event"), entry.get("by")
    if "sig" in entry:
        if not isinstance(entry.get("sig"), str) or not isinstance(by, str):
            return f"{where}: `sig` and `by` must be text"
        return None
    if kind in SIGNED_EVENTS:
        return (f"{where}: {kind} by {by!r} is not signed; only the signature of a reviewer on the list "
                f"(signoffs/reviewers.yaml) makes a sign-off count")
    if by is not None and not (kind == "edit" and isinstance(by, str) and by.startswith(UNSIGNED)):
        return f"{where}: names {by!r} as its author but is not signed by them"
    return None


CHECKPOINT = "audit-verified.json"  # in .handouts/: how far the log was last verified, signatures included


def _checkpoint_path(project) -> Path:
    return Path(project.work) / CHECKPOINT


def _reviewers_sha(project) -> str:
    path = reviewers.list_path(project)
    return sha256_bytes(path.read_bytes()) if path.exists() else ""


def _trusted_length(project, lines: list[str], reviewers_sha: str) -> int:
    """Lines whose signatures this machine already verified (same lines, same reviewer list), else 0."""
    try:
        cp = json.loads(_checkpoint_path(project).read_text(encoding="utf-8"))
        n = int(cp["length"])
        if cp["reviewers"] == reviewers_sha and 0 < n <= len(lines) and sha256_text(lines[n - 1]) == cp["head"]:
            return n
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return 0


def _save_checkpoint(project, lines: list[str], n: int, reviewers_sha: str) -> None:
    try:
        atomic_write(_checkpoint_path(project), json.dumps(
            {"length": n, "head": sha256_text(lines[n - 1]), "reviewers": reviewers_sha}) + "\n")
    except OSError:
        pass  # a cache only: the next run verifies again


def files_stamp(project) -> tuple:
    """The log's and the reviewer list's identity now, from the file system: device, inode,
    size and change times. Any write to either file changes its size or its change time."""
    def stat(path: Path):
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns

    return stat(log_path(project)), stat(reviewers.list_path(project))


_RACY_NS = 100_000_000  # 0.1 s: far more than the file system's time-stamp tick


def read_stamp(project) -> tuple[int, tuple]:
    """(the time now in ns, files_stamp): taken before reading what the stamp vouches for."""
    return time.time_ns(), files_stamp(project)


def stamp_holds(cached: tuple | None, now: tuple) -> bool:
    """Does a result cached with `cached` ((files_stamp, read at in ns)) still hold for files stamped `now`?

    Not for files changed within a time-stamp tick of when they were read (as git's
    "racily clean" index entries): a second write in that tick could leave the stamp as it was.
    """
    if cached is None or cached[0] != now:
        return False
    return all(s is None or s[4] < cached[1] - _RACY_NS for s in now)


_scans: dict[tuple[str, bool], tuple[tuple[tuple, int], list[dict], list[str], tuple | None]] = {}


def scan(project, *, full: bool = False) -> tuple[list[dict], list[str]]:
    """(entries of the log's intact part, [the first problem] or []).

    Intact: well-formed, numbered, chained, in time order, every author listed,
    and every signature verifies against signoffs/reviewers.yaml. Reading stops at
    the first line that fails, so a forged or edited line never counts, nor
    anything after it.

    Checking a signature costs an ssh-keygen process, so a machine remembers how
    far it has verified the log (.handouts/audit-verified.json: length, head and
    the reviewer list's hash) and checks the signatures of new lines only, while
    those lines and the list are unchanged; every structural check still runs on
    every line. `full=True` (`handouts audit verify`) verifies every signature.

    Kept in memory for the rest of the command while the log and the reviewer list
    are unchanged (files_stamp): a command reads and verifies the log once, not once
    per handout.
    """
    where = (str(log_path(project).absolute()), full)
    at, stamp = read_stamp(project)
    hit = _scans.get(where)
    if hit is not None and stamp_holds(hit[0], stamp):
        return list(hit[1]), list(hit[2])
    # a log that only grew since an intact scan of this command (its own sign-off, say) is
    # checked from the first new line on: the lines before are the very bytes checked then
    known = hit[3] if hit is not None and hit[0][0][1] == stamp[1] else None
    data, entries, problems = _scan(project, full=full, known=known)
    _scans[where] = ((stamp, at), entries, problems, None if problems else (data, entries))
    return list(entries), list(problems)


def _scan(project, *, full: bool, known: tuple[bytes, list[dict]] | None = None
          ) -> tuple[bytes, list[dict], list[str]]:
    """(the bytes read, the intact entries, problems) of a fresh scan; `known`: (bytes, entries)
    of an earlier intact scan with the same reviewer list, whose lines need no second look
    if the log still starts with those very bytes."""
    path = log_path(project)
    data = path.read_bytes() if path.exists() else b""
    parts = data.decode("utf-8", errors="replace").split("\n")
    lines, tail = parts[:-1], parts[-1]
    entries: list[dict] = []
    problem = None
    prev_line, prev_entry = None, None
    start = 0
    if known is not None and known[1] and data.startswith(known[0]) and len(known[1]) <= len(lines):
        entries = list(known[1])
        start = len(entries)
        prev_line, prev_entry = lines[start - 1], entries[-1]
    for i, line in enumerate(lines[start:], start + 1):
        problem = _line_problem(i, line, prev_line)
        if problem is None:
            entry = json.loads(line)
            problem = _order_problem(i, entry, prev_entry) or _author_problem(i, entry)
        if problem:
            break
        entries.append(entry)
        prev_line, prev_entry = line, entry
    signed = [e for e in entries if "sig" in e]
    listed_sha = _reviewers_sha(project) if signed else ""
    trusted = 0 if full or not signed else _trusted_length(project, lines, listed_sha)
    trusted = max(trusted, start)  # `known` lines had their signatures verified by this command
    if signed:
        listed = reviewers.load(project)
        by_id = {r.id: r for r in listed}
        todo = [e for e in signed if e["n"] > trusted]
        checked = dict(zip(map(id, todo), reviewers.verify_many(
            listed, [(e["by"], signed_payload(e), e["sig"]) for e in todo])))
        ok = [checked.get(id(e), e["by"] in by_id) for e in signed]
        late = {id(e) for e in signed
                if e["by"] in by_id and by_id[e["by"]].until and str(e.get("ts"))[:10] > by_id[e["by"]].until}
        bad = next((e for e, good in zip(signed, ok) if not good or id(e) in late), None)
        if bad is not None and id(bad) in late:
            i = bad["n"]
            entries = entries[: i - 1]
            problem = (f"{LOG_NAME}:{i}: signed by {bad['by']!r} on {str(bad['ts'])[:10]}, after their signing "
                       f"ended ({by_id[bad['by']].until}, signoffs/reviewers.yaml); the signature does not count")
        elif bad is not None:
            i = bad["n"]
            entries = entries[: i - 1]
            where = f"{LOG_NAME}:{i}"
            if bad["by"] not in by_id:
                problem = (f"{where}: signed as {bad['by']!r}, who is not on the reviewer list "
                           f"(signoffs/reviewers.yaml); the signature does not count")
            else:
                problem = (f"{where}: the signature of {bad['by']!r} does not verify against "
                           f"signoffs/reviewers.yaml: the line was forged, changed or re-chained after "
                           f"signing, or signed with a key that is not theirs")
        elif problem is None and len(entries) > trusted:
            _save_checkpoint(project, lines, len(entries), listed_sha)
    if problem is None and tail:
        problem = (f"{LOG_NAME}:{len(lines) + 1}: incomplete last line (no newline): an interrupted "
                   f"write, or the line was cut; the next sign-off command removes an interrupted write")
    return data, entries, ([problem] if problem else [])


def verify_chain(project, *, full: bool = False) -> list[str]:
    """Problems with the log itself, the first bad line first ([] if it is intact)."""
    return scan(project, full=full)[1]


def extends_git(project, ref: str) -> list[str]:
    """[] if the log committed at git revision `ref` is the start of the log now; else the problem.

    The anchor for a repository: on a protected branch the committed log only grows,
    so a pull request that cuts or rewrites it is refused (`audit verify --since origin/main`).
    """
    root = Path(project.root).resolve()
    try:
        top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, timeout=60)
        rel = (root / LOG_NAME).relative_to(Path(top.stdout.strip())).as_posix() if top.returncode == 0 else ""
        shown = subprocess.run(["git", "-C", str(root), "show", f"{ref}:{rel}"], capture_output=True, timeout=60)
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        return [f"{LOG_NAME}: cannot read it at {ref!r} with git: {exc}"]
    if top.returncode != 0:
        return [f"{LOG_NAME}: --since {ref}: this project is not in a git repository"]
    if shown.returncode != 0:
        why = shown.stderr.decode("utf-8", "replace").strip().splitlines()
        if why and ("does not exist" in why[-1] or "exists on disk, but not in" in why[-1]):
            return []  # no log committed there yet: anything extends it
        return [f"{LOG_NAME}: cannot read it at {ref!r}: {why[-1] if why else 'git show failed'}"]
    then = shown.stdout.decode("utf-8", "replace").split("\n")[:-1]
    now, _ = _read_raw(project)
    if len(now) < len(then):
        return [f"{LOG_NAME}: has {len(now)} lines, but {len(then)} at {ref}; the log was cut"]
    for i, (a, b) in enumerate(zip(then, now), 1):
        if a != b:
            return [f"{LOG_NAME}:{i}: differs from line {i} at {ref}; the log was rewritten (it may only grow)"]
    return []


def format_event(entry: dict) -> str:
    """One readable line for `handouts audit show`."""
    kind = entry.get("event", "")
    rec = entry.get("record") or {}
    by = entry.get("by", "")
    if rec.get("reviewer"):
        by = f"{rec.get('reviewer')}, {rec.get('credentials', '')}"
    if kind == "approve":
        what = (f'{by}: "{rec.get("meaning", "")}", content {str(rec.get("content_sha256", ""))[:12]}, '
                f'sheet {str(rec.get("sheet_sha256", ""))[:12]}')
        if rec.get("signs_for_edits"):
            what += ", signs for the unsigned edits on lines " + ", ".join(map(str, rec["signs_for_edits"]))
    elif kind in ("reject", "retire"):
        what = f"{by}: {rec.get('reason', '')}"
    elif kind == "edit":
        what = f"{by}: {entry.get('fact', '')}: {entry.get('old', '')!r} -> {entry.get('new', '')!r}"
    elif kind == "publish":
        what = ", ".join(entry.get("ids") or []) or "(nothing published)"
    elif kind == "create":
        what = f"content {str(entry.get('content_sha256', ''))[:12]}"
    else:
        what = ""
    signed = "  [signed]" if "sig" in entry else ""
    line = f"{entry.get('n', ''):>5}  {entry.get('ts', '')}  {kind:<8} {what}{signed}".rstrip()
    acks = rec.get("acknowledgements") or entry.get("acknowledged") or []
    for a in acks if isinstance(acks, list) else []:
        if isinstance(a, dict):
            line += (f"\n{'':>5}  {'':<20}  {'':<8} acknowledged by {a.get('by', '')} at {a.get('at', '')}: "
                     f"{a.get('fact', '')}: {a.get('finding', '')}")
    return line
