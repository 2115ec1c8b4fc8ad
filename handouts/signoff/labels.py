"""The words shown for states, checks and findings: one vocabulary for the CLI, the review page and `build`.

State words (`state_label`): no draft yet, awaiting review, changes requested,
approved (not yet published), published, checks failed, review due, retired.
A finding on one fact's text is an error for machine text and one to
acknowledge for a clinician's own text (`fact_findings`); `finding_key` is the
short stable id that `--acknowledge` names.
"""

from __future__ import annotations

from handouts.checks.handout import Finding, Report
from handouts.core.drafts import DraftFact, Origin
from handouts.core.files import sha256_bytes
from handouts.signoff.signoff import HandoutStatus, State

ACK = "acknowledge"  # severity of a finding on clinician-written text: shown, acknowledged, not blocking

# -- one vocabulary of states ---------------------------------------------------------

NO_DRAFT = "no draft yet"
AWAITING = "awaiting review"
CHANGES = "changes requested"
APPROVED = "approved (not yet published)"
PUBLISHED = "published"
FAILED = "checks failed"
DUE = "review due"
RETIRED = "retired"
STATE_WORDS = (NO_DRAFT, AWAITING, CHANGES, APPROVED, PUBLISHED, FAILED, DUE, RETIRED)
_LABEL = {State.NO_DRAFT: NO_DRAFT, State.AWAITING_REVIEW: AWAITING, State.CHANGES_REQUESTED: CHANGES,
          State.APPROVED: APPROVED, State.CHECKS_FAILED: FAILED, State.RETIRED: RETIRED,
          State.OUT_OF_DATE: FAILED}  # a draft that no longer matches its sheet: `check` fails it too


def state_label(st: HandoutStatus, published: bool = False) -> str:
    """The one word for a handout's state, shared by `status`, `check`, the page and `build`."""
    if st.review_flag and st.state in (State.APPROVED, State.AWAITING_REVIEW) and (
            st.approval is not None or st.review_flag == "overdue"):
        return DUE
    if published and st.is_publishable():
        return PUBLISHED
    return _LABEL.get(st.state, st.state.value)


def check_verdict(report: Report) -> str:
    """What `handouts check` says of one report: passed, passed with warnings, or checks failed."""
    if not report.passed:
        return FAILED
    warned = not report.grade.passed or any(f.severity in ("warning", ACK) for f in report.findings)
    return "passed with warnings" if warned else "passed"


# -- facts: origin, findings ----------------------------------------------------------


def is_edited(fact: DraftFact) -> bool:
    return fact.origin is Origin.EDITED


def origin_label(fact: DraftFact) -> str:
    """How the text was made: clinician's words unchanged, word swaps, restructured, model rewrite, clinician edit."""
    return fact.origin.value


def finding_key(fact_id: str, text: str, kind: str, message: str) -> str:
    """A short stable id for one finding on one exact text (what `--acknowledge` names)."""
    raw = "\n".join([fact_id, text, kind, message]).encode("utf-8")
    return sha256_bytes(raw)[:10]


def fact_findings(fact_id: str, text: str, verdict, *, origin: Origin) -> list[Finding]:
    """Report findings for one fact's text: errors for machine text, to acknowledge for a clinician's."""
    out = []
    for f in verdict.findings:
        kind = str(getattr(f, "kind", ""))
        message = str(getattr(f, "message", f))
        out.append(Finding("error" if origin is not Origin.EDITED else ACK, "faithfulness",
                           f"{fact_id} ({origin.value}): {message}", fact_id, kind,
                           [str(w) for w in getattr(f, "words", ())], finding_key(fact_id, text, kind, message)))
    return out


def plain_message(f: Finding) -> str:
    """A finding's words without the 'fact (origin): ' prefix, for where the fact is already shown."""
    if f.fact and f.message.startswith(f"{f.fact} ("):
        head, sep, rest = f.message.partition("): ")
        if sep:
            return rest
    return f.message


def to_acknowledge(report: Report | None) -> list[Finding]:
    return [f for f in (report.findings if report else []) if f.severity == ACK]
