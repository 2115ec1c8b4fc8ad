"""The one sign-off service: what the review page and the CLI both call.

Every action on a handout goes through here, so the same action gives the same
audit events whichever way a clinician takes it:

- `load(id)`: read the draft, log hand edits of drafts/ID.yaml (once, when first
  seen), run every check and save the report. A `Snapshot` is what a reviewer sees.
- `edit(id, fact, text, editor, acknowledged=...)`: a clinician's own text. It is
  checked; each finding is shown and the text is saved only once the clinician
  has acknowledged every one. The acknowledgements (finding, who, when) go into
  the edit event.
- `approve(id, reviewer, expected_content_sha256=..., acknowledged=...)`: signs
  the exact text the reviewer saw. Findings on clinician-written text must each
  be acknowledged by the signer, and are kept in the approval record. Machine
  text that fails its checks can never be approved, acknowledged or not.
- `reject`, `retire`.

State words are the same everywhere (`state_label`, from handouts.signoff.labels): no draft yet, awaiting
review, changes requested, approved (not yet published), published, checks
failed, review due, retired.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from handouts import pipeline
from handouts.checks import check_rewrite
from handouts.checks.handout import Finding, Report
from handouts.core import memo, textfields
from handouts.core.drafts import (
    Draft,
    FactRecord,
    Origin,
    Provenance,
    load_json,
    load_provenance,
    provenance_path,
    report_path,
    save_draft,
    save_provenance,
)
from handouts.core.exceptions import HandoutsError, SignoffError
from handouts.core.files import sha256_bytes
from handouts.core.text import is_slug
from handouts.publish import releases
from handouts.signoff import audit, signoff
from handouts.signoff.labels import (ACK, APPROVED, AWAITING, CHANGES, DUE, FAILED, NO_DRAFT, PUBLISHED, RETIRED, STATE_WORDS,
                                     check_verdict, fact_findings, finding_key, is_edited, origin_label, plain_message,
                                     state_label, to_acknowledge)
from handouts.signoff.signoff import MEANING, UNAPPROVABLE, HandoutStatus, State
from handouts.sources.sheets import load_sheet



def _section_of(draft: Draft, fact_id: str):
    if draft.summary.fact_id == fact_id:
        return "summary", draft.summary
    for s in draft.sections:
        for f in s.facts:
            if f.fact_id == fact_id:
                return s.key, f
    return None, None


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(timezone.utc)


def _ack(f: Finding, who: str, moment: datetime) -> dict:
    return {"key": f.key, "fact": f.fact, "kind": f.kind, "words": list(f.words), "finding": plain_message(f),
            "by": who, "at": audit.format_ts(moment)}


# -- what a reviewer sees -----------------------------------------------------------------


@dataclass
class Snapshot:
    id: str
    draft: Draft | None
    sheet_sha256: str
    report: Report | None
    status: HandoutStatus
    provenance: Provenance = field(default_factory=Provenance)
    published: bool = False  # the site serves this exact approved content

    @property
    def content_sha256(self) -> str:
        return self.draft.content_sha256() if self.draft is not None else ""

    def to_acknowledge(self) -> list[Finding]:
        return to_acknowledge(self.report)


@dataclass
class EditResult:
    outcome: str  # "saved", "unchanged" or "needs acknowledgement" (nothing saved)
    findings: list[Finding] = field(default_factory=list)
    missing: list[Finding] = field(default_factory=list)  # findings not acknowledged yet


class Service:
    """Drafts, checks and sign-off for one project. Tests may override `report` and `check_rewrite`.

    Every decision is signed with a listed reviewer's SSH key (handouts.signoff.reviewers):
    `signer` (a key file or agent key chosen up front, e.g. by --key-file), or else
    the key ssh-agent holds for the reviewer named in the action.
    """

    def __init__(self, project, signer=None):
        self.project = project
        self.signer = signer

    def signer_for(self, reviewer: str | None):
        """The signer for an action by `reviewer` (who must be the listed owner of the key)."""
        return signoff.signer_for(self.project, reviewer, self.signer)

    # reading ------------------------------------------------------------------------
    def ids(self) -> list[str]:
        found = set()
        for folder in (self.project.drafts, self.project.sources):
            if Path(folder).is_dir():
                found |= {p.stem for p in Path(folder).glob("*.yaml") if is_slug(p.stem)}
        return sorted(found)

    def draft(self, handout_id: str) -> Draft | None:
        return pipeline.read_draft(self.project, handout_id)

    def sheet(self, handout_id: str):
        path = Path(self.project.sources) / f"{handout_id}.yaml"
        if not path.exists():
            return None
        return load_sheet(path, f"sources/{handout_id}.yaml", memo=memo.for_project(self.project))

    def sheet_sha256(self, handout_id: str) -> str:
        path = Path(self.project.sources) / f"{handout_id}.yaml"
        return sha256_bytes(path.read_bytes()) if path.exists() else ""

    def provenance(self, handout_id: str) -> Provenance:
        return load_provenance(self.project.drafts, handout_id)

    def report(self, handout_id: str, draft: Draft) -> Report | None:
        """Every check on exactly this draft (no model); saved as drafts/ID.report.json."""
        try:
            sheet = self.sheet(handout_id)
        except HandoutsError as exc:
            rep = Report(id=handout_id, content_sha256=draft.content_sha256())
            rep.add("error", "sheet", exc.format_message())
            return rep
        if sheet is None:
            saved = load_json(report_path(self.project.drafts, handout_id))
            return Report.from_dict(saved) if saved else None
        # shown, not saved: viewing writes nothing (`handouts check` saves reports).
        # The guard's own check_rewrite goes through the persisted memo; a scripted one (tests) does not.
        scripted = getattr(type(self), "check_rewrite") is not Service.check_rewrite or "check_rewrite" in vars(self)
        return pipeline.check_draft(self.project, sheet, draft, check_rewrite=self.check_rewrite if scripted else None)

    def check_rewrite(self, source: str, text: str, *, section: str, glossary: dict):
        return check_rewrite(source, text, section=section, glossary=glossary)

    def log_hand_edits(self, draft: Draft) -> None:
        pipeline.record_hand_edits(self.project, draft)

    def load(self, handout_id: str, *, today=None, log_hand_edits: bool = False) -> Snapshot:
        """What a reviewer sees now. Hand edits of drafts/ID.yaml count as clinician edits.

        Viewing writes nothing; every action (edit, approve, request changes)
        loads with `log_hand_edits=True`, so a hand edit is logged before it is acted on.
        """
        with audit.lock(self.project):
            draft = self.draft(handout_id)
            if draft is not None and log_hand_edits:
                self.log_hand_edits(draft)
            elif draft is not None:
                prov = self.provenance(handout_id)
                for f in draft.facts():
                    rec = prov.facts.get(f.fact_id)
                    if rec is not None and not rec.edited_by_clinician and rec.chosen_text not in ("", f.text):
                        f.origin, f.changes = Origin.EDITED, []
            sheet = self.sheet_sha256(handout_id)
            report = self.report(handout_id, draft) if draft is not None else None
            st = signoff.status_of(self.project, handout_id, draft, sheet_sha256=sheet, report=report,
                                   today=today)
            return Snapshot(handout_id, draft, sheet, report, st, self.provenance(handout_id),
                            handout_id in self.published_ids({handout_id: st}))

    def published_ids(self, states: dict) -> set[str]:
        return pipeline.published_ids(self.project, states)

    def history(self, handout_id: str) -> list[str]:
        """One readable line per audit event of this handout, oldest first."""
        return [audit.format_event(e) for e in audit.history(self.project, handout_id)]

    def records(self, handout_id: str) -> list[dict]:
        """The sign-off records committed in the audit log for this handout."""
        return signoff.records(self.project, handout_id)

    def check_text(self, draft: Draft, fact_id: str, text: str) -> list[Finding]:
        """The findings a clinician's text for one fact would have (nothing is saved)."""
        section, fact = _section_of(draft, fact_id)
        if fact is None:
            raise SignoffError(f"{draft.id}: no fact {fact_id!r} in this draft")
        verdict = self.check_rewrite(fact.source, text, section=section, glossary=dict(draft.glossary))
        return [] if verdict.accepted else fact_findings(fact_id, text, verdict, origin=Origin.EDITED)

    # deciding -----------------------------------------------------------------------
    def edit(self, handout_id: str, fact_id: str, new_text: str, editor: str | None, *,
             expected_content_sha256: str | None = None, acknowledged=(), now: datetime | None = None) -> EditResult:
        """A clinician's own text for one fact. Saved only when each finding is acknowledged.

        The edit is signed with the editor's key; the text may not carry control
        characters, bidirectional overrides or look-alike letters (handouts.core.textfields).
        """
        signer = self.signer_for(editor)
        editor = signer.reviewer.printed
        new_text = textfields.clean(new_text, f"{handout_id}: {fact_id}", max_len=2000)
        with audit.lock(self.project):
            snap = self.load(handout_id, log_hand_edits=True)
            draft = snap.draft
            if draft is None:
                raise SignoffError(f"{handout_id}: no draft to edit")
            if snap.status.state is State.RETIRED:
                raise SignoffError(f"{handout_id}: retired; it cannot be edited")
            if expected_content_sha256 is not None and draft.content_sha256() != expected_content_sha256:
                raise SignoffError(f"{handout_id}: the draft changed since you opened it "
                                   f"(someone else saved a change); reload it and review the new text")
            section, fact = _section_of(draft, fact_id)
            if fact is None:
                raise SignoffError(f"{handout_id}: no fact {fact_id!r} in this draft")
            text = " ".join(str(new_text or "").split())
            if not text:
                raise SignoffError(f"{handout_id}: {fact_id}: the text is empty; write the sentence or leave it")
            if text == fact.text:
                return EditResult("unchanged")
            findings = self.check_text(draft, fact_id, text)
            unusable = [f for f in findings if f.kind == "degenerate"]
            if unusable:
                raise SignoffError(f"{handout_id}: {fact_id}: {plain_message(unusable[0])}; this text cannot be "
                                   f"published as it is, so it was not saved")
            missing = [f for f in findings if f.key not in set(acknowledged)]
            if missing:
                return EditResult("needs acknowledgement", findings, missing)
            moment = _now(now)
            old = fact.text
            fact.text, fact.origin, fact.changes = text, Origin.EDITED, []
            # The log is the commit point: a kill after it is finished by the next command
            # (pipeline.record_hand_edits), never logged twice or as someone else's edit.
            signoff.record_edit(self.project, handout_id, fact_id, old, text, signer=signer,
                                acknowledged=[_ack(f, editor, moment) for f in findings], now=now)
            save_draft(self.project.drafts, draft)
            self._mark_provenance(handout_id, fact_id, text, editor)
        saved = self.draft(handout_id)
        if saved is not None:  # the edited handout's report, as the approval that follows reads it (memoised)
            self.report(handout_id, saved)
        return EditResult("saved", findings)

    def _mark_provenance(self, handout_id: str, fact_id: str, text: str, editor: str) -> None:
        if not provenance_path(self.project.drafts, handout_id).exists():
            return
        prov = load_provenance(self.project.drafts, handout_id)
        prov.id = prov.id or handout_id
        rec = prov.facts.get(fact_id) or FactRecord(section="", source="", origin=Origin.EDITED, chosen_text=text)
        rec.origin, rec.chosen_text, rec.changes = Origin.EDITED, text, []
        rec.edited_by_clinician, rec.edited_by = True, editor
        prov.facts[fact_id] = rec
        save_provenance(self.project.drafts, prov)

    def _refuse_cut_log(self, handout_id: str, verb: str) -> None:
        """A log cut or rewritten below the live release refuses every decision (signoff checks the rest)."""
        cut = releases.anchor_problem(self.project)
        if cut:
            raise SignoffError(f"{handout_id}: cannot {verb}: the audit log failed verification; restore it "
                               f"(e.g. `git checkout signoffs/`) and retry:\n{cut}")

    def approve(self, handout_id: str, reviewer: str | None, *, expected_content_sha256: str | None,
                acknowledged=(), now: datetime | None = None) -> signoff.Approval:
        """Sign the exact text the reviewer saw (its SHA-256), with every finding on clinician text acknowledged."""
        signer = self.signer_for(reviewer)
        reviewer = signer.reviewer.printed
        moment = _now(now)
        with audit.lock(self.project):
            snap = self.load(handout_id, today=moment.date(), log_hand_edits=True)
            draft = snap.draft
            if draft is None:
                raise SignoffError(f"{handout_id}: no draft to approve; run `handouts draft {handout_id}` first")
            if expected_content_sha256 is not None and expected_content_sha256 != draft.content_sha256():
                raise SignoffError(f"{handout_id}: cannot approve: the draft changed since you opened it "
                                   f"(someone saved a change); reload it and review the new text")
            given = set(acknowledged)
            refused = [f for f in (snap.report.findings if snap.report else [])
                       if f.severity == "error" and f.key and f.key in given]
            if refused:
                raise SignoffError(f"{handout_id}: cannot approve: machine text that fails its checks can never be "
                                   f"approved, acknowledged or not: {refused[0].message}; correct the text "
                                   f"yourself (a clinician edit) or redraft")
            missing = [f for f in snap.to_acknowledge() if f.key not in given]
            if missing and snap.status.state not in UNAPPROVABLE:
                raise SignoffError(f"{handout_id}: cannot approve: acknowledge each finding on clinician-written "
                                   f"text first: " + "; ".join(f"[{f.key}] {f.message}" for f in missing))
            acks = [_ack(f, reviewer, moment) for f in snap.to_acknowledge()]
            self._refuse_cut_log(handout_id, "approve")
            return signoff.approve(self.project, handout_id, draft=draft,
                                   sheet_sha256=snap.sheet_sha256, provenance=pipeline.provenance_for(self.project, handout_id),
                                   report=snap.report, now=now, expected_content_sha256=expected_content_sha256,
                                   acknowledgements=acks, signer=signer)

    def reject(self, handout_id: str, reviewer: str | None, reason: str, *,
               expected_content_sha256: str | None = None, now: datetime | None = None) -> None:
        signer = self.signer_for(reviewer)
        with audit.lock(self.project):
            snap = self.load(handout_id, log_hand_edits=True)
            if snap.draft is None:
                raise SignoffError(f"{handout_id}: no draft yet; run `handouts draft {handout_id}` first")
            self._refuse_cut_log(handout_id, "request changes")
            signoff.reject(self.project, handout_id, None, reason, draft=snap.draft, now=now,
                           expected_content_sha256=expected_content_sha256, signer=signer)

    def retire(self, handout_id: str, reviewer: str | None, reason: str, *, now: datetime | None = None) -> None:
        signer = self.signer_for(reviewer)
        with audit.lock(self.project):
            self._refuse_cut_log(handout_id, "retire")
            signoff.retire(self.project, handout_id, None, reason, now=now, signer=signer)


__all__ = ["Service", "Snapshot", "EditResult", "State", "UNAPPROVABLE", "MEANING", "state_label", "origin_label", "plain_message",
           "finding_key", "fact_findings", "check_verdict", "ACK", "STATE_WORDS"]
