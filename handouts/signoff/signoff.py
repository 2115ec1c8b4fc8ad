"""Review states and hash-bound approvals (21 CFR Part 11 as the benchmark).

A handout's state comes from one place: the sign-off records committed in the
audit log (signoffs/audit.jsonl). Each approval, rejection and retirement is a
record that carries its own SHA-256 (`record_sha256`) over every field,
the handout id included, so a record copied onto another handout, or edited,
no longer checks. An approval also binds:

- the printed name and credentials, the UTC time and the meaning (11.50);
- the SHA-256 of the exact content (Draft.content_sha256(): any byte, a trailing
  newline or another Unicode normal form included, voids it) and the exact
  content itself, so the next review can diff against it (11.70);
- the sheet's SHA-256 and the model / prompt / parameter provenance.

Writing a record, under one lock (handouts.signoff.audit.lock):

1. append the audit line holding the full record: this is the commit point;
2. copy the handout's committed records to signoffs/ID.json (temp file, fsync,
   rename), a readable view that `handouts audit verify` checks against the log.

A crash before 1 leaves the old state; after 1, the new state, and the next
sign-off command (or recover()) brings signoffs/ID.json up to date. An
interrupted write of the line itself leaves an unterminated tail, which was
never committed and is dropped by the next command.

Every record is signed by the reviewer who makes it, with their own SSH key
(handouts.signoff.reviewers); the record names them as printed in signoffs/reviewers.yaml
and its `signed_at` is the signed line's time. A record in a line whose signature
does not verify, or that disagrees with its line, does not count.
"""

from __future__ import annotations

import calendar
import contextlib
import enum
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from handouts.core import textfields
from handouts.core.drafts import Draft
from handouts.core.exceptions import SignoffError
from handouts.core.files import atomic_write, canonical_sha256
from handouts.signoff import audit, reviewers
from handouts.signoff.reviewers import Signer

if TYPE_CHECKING:  # pragma: no cover
    from handouts.checks.handout import Report

MEANING = "approved for publication"

APPROVAL, REJECTION, RETIREMENT = "approval", "rejection", "retirement"
KIND_OF_EVENT = {"approve": APPROVAL, "reject": REJECTION, "retire": RETIREMENT}
RECORDS_NOTE = ("Sign-off records copied from signoffs/audit.jsonl, where they are committed. "
                "Do not edit: `handouts audit verify` checks this file against the log.")


class State(enum.Enum):
    """Where a handout stands in sign-off. Whether the live site serves it is not a
    sign-off state but a fact of the release (pipeline.published_ids); the words a
    clinician reads combine both (labels.state_label)."""

    NO_DRAFT = "no draft yet"
    OUT_OF_DATE = "out of date"  # the draft is another handout's, or older than its sheet
    CHECKS_FAILED = "checks failed"
    AWAITING_REVIEW = "awaiting review"
    CHANGES_REQUESTED = "changes requested"
    APPROVED = "approved"
    RETIRED = "retired"


# States in which nothing can be approved, whatever is acknowledged.
UNAPPROVABLE = (State.NO_DRAFT, State.OUT_OF_DATE, State.CHECKS_FAILED, State.RETIRED)


@dataclass(frozen=True)
class Approval:
    handout_id: str
    reviewer: str  # printed name
    credentials: str  # e.g. "MD, FAAD"
    signed_at: str  # ISO 8601 UTC, e.g. "2026-11-27T15:04:05Z"
    content_sha256: str  # Draft.content_sha256() of the exact content approved
    sheet_sha256: str
    meaning: str = MEANING
    provenance: dict = field(default_factory=dict)  # model sha256, prompt version, parameters
    content: dict = field(default_factory=dict)  # Draft.content() as approved, for diffs
    record_sha256: str = ""

    def signed_date(self) -> date:
        return date.fromisoformat(self.signed_at[:10])

    def signature(self) -> str:
        """What a page shows (11.50): 'Dana Reyes, MD, FAAD, 2026-11-27 15:04 UTC, approved for publication'."""
        when = self.signed_at.replace("T", " ")[:16] + " UTC"
        return f"{self.reviewer}, {self.credentials}, {when}, {self.meaning}"

    @classmethod
    def from_record(cls, rec: dict) -> "Approval":
        return cls(
            handout_id=rec["handout_id"], reviewer=rec["reviewer"], credentials=rec["credentials"],
            signed_at=rec["signed_at"], content_sha256=rec["content_sha256"],
            sheet_sha256=rec["sheet_sha256"], meaning=rec["meaning"],
            provenance=dict(rec.get("provenance") or {}), content=dict(rec.get("content") or {}),
            record_sha256=rec["record_sha256"],
        )


@dataclass(frozen=True)
class HandoutStatus:
    handout_id: str
    state: State
    reason: str = ""
    approval: Approval | None = None
    review_due: date | None = None  # signed date + review interval
    review_flag: str = ""  # "", "review due", "overdue"
    last_approval: Approval | None = None  # the latest approval of any content, for diffs
    rejection: dict | None = None  # the latest request for changes, if any

    def is_publishable(self) -> bool:
        return self.state is State.APPROVED and self.approval is not None


# -- records ---------------------------------------------------------------------------


def record_sha256(record: dict) -> str:
    return canonical_sha256({k: v for k, v in record.items() if k != "record_sha256"})


def content_sha256_of(content: dict) -> str:
    """The same hash as Draft.content_sha256(), for a stored content dict."""
    return canonical_sha256(content)


def record_problem(record, handout_id: str) -> str | None:
    """Why a record is not a valid record for `handout_id`, or None."""
    if not isinstance(record, dict):
        return "not a record"
    if record.get("record_sha256") != record_sha256(record):
        return "the record does not match its record_sha256; it was edited"
    if record.get("handout_id") != handout_id:
        return (f"the record belongs to handout {record.get('handout_id')!r}, not {handout_id!r}; "
                f"a record cannot be copied or moved to another handout")
    kind = record.get("kind")
    if kind not in (APPROVAL, REJECTION, RETIREMENT):
        return f"unknown record kind {kind!r}"
    if kind == APPROVAL:
        content = record.get("content")
        if not isinstance(content, dict) or content_sha256_of(content) != record.get("content_sha256"):
            return "the approved content does not match its content_sha256"
        if content.get("id") != handout_id:
            return f"the approved content is handout {content.get('id')!r}, not {handout_id!r}"
        if record.get("meaning") != MEANING:
            return f"unknown meaning {record.get('meaning')!r}; expected {MEANING!r}"
    return None


_cache: dict[str, tuple[tuple[tuple, int], dict[str, list[tuple[int, dict, str | None]]], list[dict]]] = {}


def _line_record_problem(entry: dict, rec: dict, listed: dict[str, reviewers.Reviewer]) -> str | None:
    """Why the record in a (signed, intact) line does not count, or None."""
    why = record_problem(rec, entry.get("id"))
    if why:
        return why
    if rec.get("signed_at") != entry.get("ts"):
        return (f"the record says it was signed at {rec.get('signed_at')}, but its line is dated "
                f"{entry.get('ts')}; it was back-dated")
    who = listed.get(entry.get("by"))
    if rec.get("reviewer_id") != entry.get("by") or who is None or rec.get("reviewer") != who.name:
        return (f"the record names {rec.get('reviewer')!r} ({rec.get('reviewer_id')!r}) but the line is "
                f"signed by {entry.get('by')!r}")
    return None


def _committed(project) -> dict[str, list[tuple[int, dict, str | None]]]:
    """handout id -> [(audit line, record, problem or None)] for the sign-off records in the intact log.

    Only the log's intact part counts (audit.scan: chained, in time order, every
    signature verified), so a forged or edited line never counts, even before
    `audit verify` is run.
    """
    path = audit.log_path(project)
    at, stamp = audit.read_stamp(project)  # before reading: a write meanwhile is seen next time
    if stamp[0] is None:
        return {}
    key = str(path.absolute())
    hit = _cache.get(key)
    if hit and audit.stamp_holds(hit[0], stamp):
        return hit[1]
    entries, _ = audit.scan(project)
    out: dict[str, list[tuple[int, dict, str | None]]] = {}
    done = 0
    if hit and hit[0][0][1] == stamp[1] and len(hit[2]) <= len(entries) and all(
            a is b for a, b in zip(hit[2], entries)):  # the log only grew: look at the new lines only
        out, done = {hid: list(recs) for hid, recs in hit[1].items()}, len(hit[2])
    listed = {r.id: r for r in reviewers.load(project)} if len(entries) > done else {}
    for entry in entries[done:]:
        kind = KIND_OF_EVENT.get(entry.get("event"))
        rec = entry.get("record")
        hid = entry.get("id")
        if kind and isinstance(rec, dict) and isinstance(hid, str) and rec.get("kind") == kind:
            out.setdefault(hid, []).append((entry["n"], rec, _line_record_problem(entry, rec, listed)))
    _cache[key] = ((stamp, at), out, entries)
    return out


def records(project, handout_id: str) -> list[dict]:
    """The handout's valid committed records, oldest first."""
    return [r for _, r, why in _committed(project).get(handout_id, []) if why is None]


def records_path(project, handout_id: str) -> Path:
    return Path(project.signoffs) / f"{handout_id}.json"


def _file_records(path: Path) -> list:
    doc = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or not isinstance(doc.get("records"), list):
        raise ValueError("expected an object with a `records` list")
    return doc["records"]


def _write_records(project, handout_id: str) -> None:
    recs = [r for _, r, _ in _committed(project).get(handout_id, [])]
    doc = {"handout_id": handout_id, "note": RECORDS_NOTE, "records": recs}
    atomic_write(records_path(project, handout_id),
                 json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def verify_records(project) -> list[str]:
    """Problems with sign-off records: in the log, and signoffs/ID.json against the log."""
    problems = []
    committed = _committed(project)
    for hid, recs in sorted(committed.items()):
        for line, rec, why in recs:
            if why:
                problems.append(f"{audit.LOG_NAME}:{line}: sign-off record for {hid!r}: {why}")
    folder = Path(project.signoffs)
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        shown = f"signoffs/{path.name}"
        hid = path.stem
        try:
            recs = _file_records(path)
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append(f"{shown}: not a sign-off record file: {exc}")
            continue
        logged = [(r, why) for _, r, why in committed.get(hid, [])]
        for k, rec in enumerate(recs):
            if k < len(logged) and logged[k][1] is None and rec == logged[k][0]:
                continue  # a copy of a sound logged record (record_problem passed on that very record)
            why = record_problem(rec, hid)
            if why:
                problems.append(f"{shown}: records[{k}]: {why}")
            elif k >= len(logged) or rec != logged[k][0]:
                problems.append(f"{shown}: records[{k}]: not the record committed in {audit.LOG_NAME}; "
                                f"it was added, removed or moved by hand, or the log was cut")
    return problems


def recover(project) -> list[str]:
    """Finish or undo what an interrupted command left behind. Returns what was done.

    - drops an unterminated (never committed) last line of the audit log;
    - removes temp files of interrupted atomic writes in signoffs/;
    - brings each signoffs/ID.json up to the records committed in the log,
      only when the file is behind the log (a file that disagrees otherwise is
      left for `audit verify` to report, never overwritten).
    """
    done = []
    folder = Path(project.signoffs)
    with audit.lock(project):
        if audit.repair_tail(project):
            done.append(f"{audit.LOG_NAME}: removed an interrupted last line")
        for tmp in folder.glob(".*.tmp") if folder.is_dir() else []:
            tmp.unlink(missing_ok=True)
            done.append(f"signoffs/{tmp.name}: removed an interrupted write")
        for hid, recs in _committed(project).items():
            path = records_path(project, hid)
            logged = [r.get("record_sha256") for _, r, _ in recs]
            try:
                have = [r.get("record_sha256") for r in _file_records(path)] if path.exists() else []
            except (ValueError, UnicodeDecodeError, AttributeError):
                continue
            if len(have) < len(logged) and have == logged[: len(have)]:
                _write_records(project, hid)
                done.append(f"signoffs/{hid}.json: brought up to date with {audit.LOG_NAME}")
    return done


# -- state -----------------------------------------------------------------------------


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _by(rec: dict) -> str:
    return f"{rec.get('reviewer')}, {rec.get('credentials')} on {str(rec.get('signed_at', ''))[:10]}"


def status_of(project, handout_id: str, draft: Draft | None, *, sheet_sha256: str,
              report: Report | None, today: date | None = None) -> HandoutStatus:
    """The one explicit state of a handout. build publishes only if is_publishable()."""
    recs = records(project, handout_id)
    approvals = [r for r in recs if r["kind"] == APPROVAL]
    rejections = [r for r in recs if r["kind"] == REJECTION]
    last_approval = Approval.from_record(approvals[-1]) if approvals else None
    last_rejection = rejections[-1] if rejections else None
    common = dict(last_approval=last_approval, rejection=last_rejection)

    retired = [r for r in recs if r["kind"] == RETIREMENT]
    if retired:
        r = retired[-1]
        return HandoutStatus(handout_id, State.RETIRED, f"retired by {_by(r)}: {r.get('reason', '')}", **common)
    if draft is None:
        return HandoutStatus(handout_id, State.NO_DRAFT,
                             f"no draft yet; run `handouts draft {handout_id}`", **common)
    if draft.id != handout_id:
        return HandoutStatus(handout_id, State.OUT_OF_DATE,
                             f"drafts/{handout_id}.yaml holds handout {draft.id!r}; redraft it", **common)
    if draft.sheet_sha256 != sheet_sha256:
        return HandoutStatus(handout_id, State.OUT_OF_DATE,
                             f"sources/{handout_id}.yaml changed since the draft was made; "
                             f"run `handouts draft {handout_id}`", **common)
    if report is not None and not report.passed:
        return HandoutStatus(handout_id, State.CHECKS_FAILED, report.first_error(), **common)

    content = draft.content_sha256()
    for rec in reversed(recs):  # the latest decision on this exact content wins
        if rec["kind"] == REJECTION and rec["content_sha256"] == content:
            return HandoutStatus(handout_id, State.CHANGES_REQUESTED,
                                 f"changes requested by {_by(rec)}: {rec.get('reason', '')}", **common)
        if rec["kind"] == APPROVAL and rec["content_sha256"] == content and rec["sheet_sha256"] == sheet_sha256:
            return _approved(project, Approval.from_record(rec), draft, today, common)

    if last_approval is not None:
        reason = f"changed since approved by {_by(approvals[-1])}; needs a new sign-off"
    elif last_rejection is not None:
        reason = f"changed since changes were requested ({last_rejection.get('reason', '')}); needs review"
    else:
        reason = "needs a clinician's sign-off"
    return HandoutStatus(handout_id, State.AWAITING_REVIEW, reason, **common)


def _approved(project, approval: Approval, draft: Draft, today: date | None, common: dict) -> HandoutStatus:
    review = project.settings.review
    today = today or datetime.now(timezone.utc).date()
    due = add_months(approval.signed_date(), draft.review_interval_months)
    days_left = (due - today).days
    who = f"approved by {approval.reviewer}, {approval.credentials} on {approval.signed_at[:10]}"
    if days_left < 0:
        if review.overdue == "withdraw":
            return HandoutStatus(approval.handout_id, State.AWAITING_REVIEW,
                                 f"review overdue since {due.isoformat()} ({who}); withdrawn until re-approved",
                                 approval, due, "overdue", **common)
        return HandoutStatus(approval.handout_id, State.APPROVED,
                             f"{who}; review overdue since {due.isoformat()}", approval, due, "overdue", **common)
    flag = "review due" if days_left <= review.due_soon_days else ""
    reason = f"{who}; review due {due.isoformat()}" if flag else who
    return HandoutStatus(approval.handout_id, State.APPROVED, reason, approval, due, flag, **common)


# -- commands --------------------------------------------------------------------------


def parse_reviewer(reviewer: str) -> tuple[str, str]:
    """'Dana Reyes, MD, FAAD' -> ('Dana Reyes', 'MD, FAAD'). Refuses a name without credentials,
    control characters, bidirectional overrides and look-alike letters from another alphabet."""
    return reviewers.parse_printed(reviewer)


def _clean_reason(reason: str, what: str) -> str:
    text = textfields.clean(reason, what, max_len=2000)
    if not text:
        raise SignoffError(f"{what}: give a reason")
    return text


def _when(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(timezone.utc)


def signer_for(project, reviewer: str | None, signer: Signer | None) -> Signer:
    """The reviewer's signer; a typed name must be the name listed for that key."""
    if reviewer is not None:
        parse_reviewer(reviewer)  # a clean message for a malformed name comes first
    if signer is None:
        return reviewers.find_signer(project, reviewer)
    if reviewer is not None and parse_reviewer(reviewer) != (signer.reviewer.name, signer.reviewer.credentials):
        raise SignoffError(f"reviewer {reviewer!r} does not match the signing key: it is the key of "
                           f"{signer.reviewer.printed}")
    return signer


def verify(project, *, full: bool = False) -> list[str]:
    """[] if the audit log's chain and the sign-off records (signoffs/ID.json) are intact; else the problems.

    The first problem names the first bad line of the log. Whether the log is at
    least the one the live site was published from is the release's question
    (handouts.publish.releases.anchor_problem); handouts.pipeline.verify_audit asks both.
    """
    return audit.verify_chain(project, full=full) or verify_records(project)


def _refuse_bad_log(project, handout_id: str, verb: str) -> None:
    problems = verify(project)
    if problems:
        raise SignoffError(f"{handout_id}: cannot {verb}: the audit log failed verification; restore it "
                           f"(e.g. `git checkout signoffs/`) and retry:\n" + "\n".join(problems))


def _commit(project, event: str, handout_id: str, record: dict, now: datetime, signer: Signer) -> dict:
    """Append the record's signed audit line (the commit point), then refresh signoffs/ID.json. Under lock."""
    record = dict(record, reviewer_id=signer.reviewer.id, reviewer=signer.reviewer.name,
                  credentials=signer.reviewer.credentials)
    record["record_sha256"] = record_sha256(record)
    audit.append(project, {"event": event, "id": handout_id, "record": record}, now=now, signer=signer)
    _write_records(project, handout_id)
    return record


def _unsigned_edits(project, handout_id: str) -> list[int]:
    """Lines of unsigned (hand) edits of this handout since its last approval: the next approval signs for them."""
    out: list[int] = []
    for e in audit.scan(project)[0]:
        if e.get("id") != handout_id:
            continue
        if e.get("event") == "approve":
            out = []
        elif e.get("event") == "edit" and "sig" not in e:
            out.append(e["n"])
    return out


@contextlib.contextmanager
def _whole_log(project, handout_id: str, action: str):
    """Hold the sign-off lock over a log that is whole: an interrupted write recovered,
    and a broken or cut log refused before `action` is recorded."""
    with audit.lock(project):
        recover(project)
        _refuse_bad_log(project, handout_id, action)
        yield


def _retired(project, handout_id: str) -> bool:
    return any(r["kind"] == RETIREMENT for r in records(project, handout_id))


def approve(project, handout_id: str, reviewer: str | None = None, *, draft: Draft, sheet_sha256: str,
            provenance: dict, report: Report | None, meaning: str = MEANING, now: datetime | None = None,
            expected_content_sha256: str | None = None, acknowledgements: list[dict] = (),
            signer: Signer | None = None) -> Approval:
    """Sign the exact current content of a handout for publication, with the reviewer's key.

    `expected_content_sha256` is the hash of what the reviewer saw; if the
    draft changed since, nothing is signed. Every finding the report asks a
    clinician to acknowledge (on clinician-written text) must be in
    `acknowledgements` ({key, fact, finding, by, at}); they are kept in the record.
    The approval also signs for the unsigned hand edits of drafts/ID.yaml made
    since the last approval (`signs_for_edits`: their log lines).
    """
    signer = signer_for(project, reviewer, signer)
    if meaning != MEANING:
        raise SignoffError(f"{handout_id}: the only meaning an approval can have is {MEANING!r}")
    moment = _when(now)
    with _whole_log(project, handout_id, "approve"):
        st = status_of(project, handout_id, draft, sheet_sha256=sheet_sha256, report=report,
                       today=moment.date())
        if st.state in UNAPPROVABLE:
            raise SignoffError(f"{handout_id}: cannot approve: {st.state.value}: {st.reason}")
        content = draft.content_sha256()
        if report is None:
            raise SignoffError(f"{handout_id}: cannot approve: the checks have not been run on this draft; "
                               f"run `handouts check {handout_id}`")
        if report.content_sha256 not in (None, content):
            raise SignoffError(f"{handout_id}: cannot approve: the check report is for other content; "
                               f"run `handouts check {handout_id}`")
        if expected_content_sha256 is not None and expected_content_sha256 != content:
            raise SignoffError(f"{handout_id}: cannot approve: the draft changed since you opened it; "
                               f"reload it and review the new text")
        acked = {a.get("key") for a in acknowledgements}
        missing = [f for f in report.findings if f.severity == "acknowledge" and f.key not in acked]
        if missing:
            raise SignoffError(f"{handout_id}: cannot approve: {len(missing)} finding(s) on clinician-written "
                               f"text not acknowledged, first: {missing[0].message}")
        record = _commit(project, "approve", handout_id, {
            "kind": APPROVAL,
            "handout_id": handout_id,
            "signed_at": audit.format_ts(moment),
            "meaning": meaning,
            "content_sha256": content,
            "sheet_sha256": sheet_sha256,
            "provenance": dict(provenance or {}),
            "content": draft.content(),
            "acknowledgements": [dict(a) for a in acknowledgements],
            "signs_for_edits": _unsigned_edits(project, handout_id),
        }, moment, signer)
    return Approval.from_record(record)


def reject(project, handout_id: str, reviewer: str | None, reason: str, *, draft: Draft,
           now: datetime | None = None, expected_content_sha256: str | None = None,
           signer: Signer | None = None) -> None:
    """Request changes to the current content; the reason is kept and shown to the next reviewer."""
    signer = signer_for(project, reviewer, signer)
    reason = _clean_reason(reason, f"{handout_id}: request changes")
    moment = _when(now)
    with _whole_log(project, handout_id, "request changes"):
        if _retired(project, handout_id):
            raise SignoffError(f"{handout_id}: cannot request changes: the handout is retired")
        content = draft.content_sha256()
        if expected_content_sha256 is not None and expected_content_sha256 != content:
            raise SignoffError(f"{handout_id}: cannot request changes: the draft changed since you opened it; "
                               f"reload it")
        _commit(project, "reject", handout_id, {
            "kind": REJECTION,
            "handout_id": handout_id,
            "signed_at": audit.format_ts(moment),
            "reason": reason,
            "content_sha256": content,
            "sheet_sha256": draft.sheet_sha256,
        }, moment, signer)


def retire(project, handout_id: str, reviewer: str | None, reason: str, *, now: datetime | None = None,
           signer: Signer | None = None) -> None:
    """Take a handout off the site for good. Its history stays in the log and signoffs/ID.json."""
    signer = signer_for(project, reviewer, signer)
    reason = _clean_reason(reason, f"{handout_id}: retire")
    moment = _when(now)
    with _whole_log(project, handout_id, "retire"):
        if _retired(project, handout_id):
            raise SignoffError(f"{handout_id}: already retired")
        _commit(project, "retire", handout_id, {
            "kind": RETIREMENT,
            "handout_id": handout_id,
            "signed_at": audit.format_ts(moment),
            "reason": reason,
        }, moment, signer)


def record_edit(project, handout_id: str, fact_id: str, old: str, new: str, *,
                signer: Signer | None, acknowledged: list[dict] = (), now: datetime | None = None) -> None:
    """Log a correction of one text, with both values (nothing earlier is hidden).

    Signed by the reviewer who made it (`signer`), or, for a hand edit of
    drafts/ID.yaml found by a command (`signer=None`), recorded as unsigned:
    no name is claimed, and the next approval signs for it.
    `acknowledged`: the findings on the new text the editor acknowledged ({key, fact, finding, by, at}).
    """
    event = {"event": "edit", "id": handout_id, "fact": fact_id, "old": old, "new": new}
    if signer is None:
        event["by"] = f"{audit.UNSIGNED}hand edit of drafts/{handout_id}.yaml"
    if acknowledged:
        event["acknowledged"] = [dict(a) for a in acknowledged]
    audit.append(project, event, now=now, signer=signer)


def record_create(project, handout_id: str, content_sha256: str, sheet_sha256: str = "") -> None:
    audit.append(project, {"event": "create", "id": handout_id, "content_sha256": content_sha256,
                           "sheet_sha256": sheet_sha256})


def record_publish(project, handout_ids: list[str], *, contents: dict[str, str] | None = None) -> None:
    """Log what the site now publishes: id -> approved content hash.

    Logged only when that differs from the last publish event, so a rebuild
    with nothing changed adds no line. Pass every published id, even none.
    """
    items = {}
    for hid in sorted(set(handout_ids)):
        if contents and hid in contents:
            items[hid] = contents[hid]
        else:
            apps = [r for r in records(project, hid) if r["kind"] == APPROVAL]
            items[hid] = apps[-1]["content_sha256"] if apps else ""
    with audit.lock(project):
        last = next((e for e in reversed(audit.events(project)) if e.get("event") == "publish"), None)
        if last is None and not items:
            return
        if last is not None and last.get("items") == items:
            return
        audit.append(project, {"event": "publish", "ids": sorted(items), "items": items})
