"""The audit trail: signoffs/audit.jsonl, append-only and hash-chained (21 CFR 11.10(e)).

One JSON object per line, keys sorted, written once and never rewritten:

    {"event":"approve","hash":"…","id":"acne","n":7,"prev":"…","ts":"2026-11-27T15:04:05Z",…}

- `n` is the 1-based line number, so a deleted or moved line is named at once;
- `prev` is the SHA-256 of the previous line's exact bytes (64 zeros on line 1);
- `hash` is the SHA-256 of the line's own canonical JSON without `hash`, so an
  edited line is caught on that very line, the last one included;
- `ts` is the UTC time of writing.

Events: create, approve, reject, retire (these three carry the full sign-off
record, see handouts.signoff), edit and publish. The log is the commit point of
every sign-off; signoffs/ID.json files are readable copies checked against it.

Every write holds one lock (fcntl on .handouts/signoff.lock), re-entrant within
a thread, so concurrent commands never interleave or fork the chain.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path

LOG_NAME = "signoffs/audit.jsonl"
GENESIS = "0" * 64
EVENTS = ("create", "approve", "reject", "retire", "edit", "publish")
RECORD_EVENTS = ("approve", "reject", "retire")

_held = threading.local()


# -- encoding --------------------------------------------------------------------------


def canonical(obj) -> str:
    """The one JSON encoding we hash: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def utc_now() -> str:
    return format_ts(datetime.now(timezone.utc))


def format_ts(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware (UTC)")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _self_hash(entry: dict) -> str:
    return sha256_text(canonical({k: v for k, v in entry.items() if k != "hash"}))


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


def events(project) -> list[dict]:
    """Every complete line that parses, in order. Use verify() to know they are genuine."""
    out = []
    lines, _tail = _read_raw(project)
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            out.append(entry)
    return out


def history(project, handout_id: str) -> list[dict]:
    """One handout's events, oldest first (publish events that included it count too)."""
    return [
        e for e in events(project)
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


def append(project, event: dict, *, now: datetime | None = None) -> dict:
    """Append one event; returns the entry as written. Never rewrites earlier lines."""
    kind = event.get("event")
    if kind not in EVENTS:
        raise ValueError(f"unknown audit event {kind!r}; expected one of {', '.join(EVENTS)}")
    reserved = {"n", "prev", "hash", "ts"} & set(event)
    if reserved:
        raise ValueError(f"audit events may not set {', '.join(sorted(reserved))}")
    path = log_path(project)
    with lock(project):
        repair_tail(project)
        lines, _ = _read_raw(project)
        prev = sha256_text(lines[-1]) if lines else GENESIS
        entry = dict(event, n=len(lines) + 1, prev=prev,
                     ts=format_ts(now) if now else utc_now())
        entry["hash"] = _self_hash(entry)
        raw = (canonical(entry) + "\n").encode("utf-8")
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


def verify_chain(project) -> list[str]:
    """Problems with the log itself, the first bad line first ([] if it is intact)."""
    lines, tail = _read_raw(project)
    prev_line = None
    for i, line in enumerate(lines, 1):
        problem = _line_problem(i, line, prev_line)
        if problem:
            return [problem]
        prev_line = line
    if tail:
        return [f"{LOG_NAME}:{len(lines) + 1}: incomplete last line (no newline): an interrupted "
                f"write, or the line was cut; the next sign-off command removes an interrupted write"]
    return []


def verify(project) -> list[str]:
    """[] if the audit log and the sign-off records are intact; else every problem found.

    The first problem names the first bad line of the log. Sign-off records
    (signoffs/ID.json) must be copies of the records committed in the log.
    """
    problems = verify_chain(project)
    if problems:
        return problems
    from handouts import signoff  # records are defined there; no import cycle at load time

    return signoff.verify_records(project)


def format_event(entry: dict) -> str:
    """One readable line for `handouts audit show`."""
    kind = entry.get("event", "")
    rec = entry.get("record") or {}
    by = entry.get("by", "")
    if kind == "approve":
        what = (f'{by}: "{rec.get("meaning", "")}", content {str(rec.get("content_sha256", ""))[:12]}, '
                f'sheet {str(rec.get("sheet_sha256", ""))[:12]}')
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
    line = f"{entry.get('n', ''):>5}  {entry.get('ts', '')}  {kind:<8} {what}".rstrip()
    acks = rec.get("acknowledgements") or entry.get("acknowledged") or []
    for a in acks if isinstance(acks, list) else []:
        if isinstance(a, dict):
            line += (f"\n{'':>5}  {'':<20}  {'':<8} acknowledged by {a.get('by', '')} at {a.get('at', '')}: "
                     f"{a.get('fact', '')}: {a.get('finding', '')}")
    return line
