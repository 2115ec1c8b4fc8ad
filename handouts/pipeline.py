"""The orchestrator: one readable function per command.

build():   load config -> load and validate every sheet -> verify the audit log
           -> draft what is missing or stale -> check -> sign-off gate -> publish.
Nothing is drafted or written until every sheet has validated.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from handouts import audit, checks, signoff
from handouts.config import Project, load_project
from handouts.drafting import Drafter, Stats
from handouts.drafts import (
    EDITED,
    Draft,
    dump_draft,
    draft_path,
    load_draft,
    load_json,
    provenance_path,
    report_path,
    save_json,
    atomic_write,
)
from handouts.exceptions import InputError, ModelError, PublishError, SignoffError
from handouts.models import Model, load_model, params_from
from handouts.sheets import Sheet, load_sheets


@dataclass
class Row:
    """One line of the closing table."""

    id: str
    state: str
    grade: str = ""
    reason: str = ""


@dataclass
class Result:
    rows: list[Row] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)
    published: list[str] = field(default_factory=list)
    reports: dict = field(default_factory=dict)
    error: ModelError | None = None  # drafting stopped; what was approved was still published


# -- stages --------------------------------------------------------------------


def load(root: Path | str = ".", ids: list[str] | None = None) -> tuple[Project, list[Sheet]]:
    """Settings and every sheet, validated; `ids` narrows the result, not the validation."""
    project = load_project(root)
    sheets = load_sheets(project.sources)
    if ids:
        known = {s.id for s in sheets}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise InputError([f"sources/{i}.yaml:1:1: (file): no such condition sheet; check the id or add sources/{i}.yaml" for i in unknown])
        sheets = [s for s in sheets if s.id in ids]
    return project, sheets


def make_drafter(project: Project, model: Model | str | None = None, progress: bool = True) -> Drafter:
    settings = project.settings

    def factory() -> Model:
        if isinstance(model, Model):
            return model
        return load_model(settings, project.root, override=model)

    return Drafter(factory, params_from(settings), settings.model.candidates, progress=progress)


def draft(project: Project, sheets: list[Sheet], drafter: Drafter) -> Stats:
    """Draft every sheet whose draft is missing or stale; cached output costs no model call."""
    for sheet in sheets:
        old = load_draft(project.drafts, sheet.id)
        old_prov = load_json(provenance_path(project.drafts, sheet.id))
        new, prov = drafter.draft_sheet(
            sheet, old, old_prov,
            save_partial=lambda p, s=sheet: save_json(provenance_path(project.drafts, s.id), p),
        )
        _log_file_edits(project, new, old_prov)
        if prov != old_prov:
            save_json(provenance_path(project.drafts, sheet.id), prov)
        text = dump_draft(new)
        path = draft_path(project.drafts, sheet.id)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            atomic_write(path, text)
            if old is None or old.content_sha256() != new.content_sha256():
                signoff.record_create(project, sheet.id, new.content_sha256(), sheet.sha256)
    return drafter.stats


def _editor(handout_id: str) -> str:
    who = os.environ.get("HANDOUTS_EDITOR") or os.environ.get("USER") or "unknown"
    return f"{who} (edited drafts/{handout_id}.yaml)"


def _log_file_edits(project: Project, new: Draft, old_prov: dict) -> None:
    """Edits a reviewer made in drafts/ID.yaml by hand are logged once, when first seen."""
    old_facts = (old_prov or {}).get("facts", {})
    for f in new.facts():
        before = old_facts.get(f.fact_id, {})
        if f.status == EDITED and not before.get("edited_by_clinician"):
            signoff.record_edit(project, new.id, _editor(new.id), f.fact_id,
                                before.get("chosen_text", ""), f.text)


def record_hand_edits(project: Project, draft: Draft) -> None:
    """Log hand edits of drafts/ID.yaml before anything is checked or signed.

    A text that differs from what drafting chose, and was not logged yet, is an
    edit: it is logged once and flagged in provenance as clinician-written.
    """
    path = provenance_path(project.drafts, draft.id)
    prov = load_json(path)
    entries = prov.get("facts", {})
    changed = False
    for f in draft.facts():
        entry = entries.get(f.fact_id)
        if entry is None or entry.get("edited_by_clinician") or entry.get("chosen_text") in (None, f.text):
            continue
        signoff.record_edit(project, draft.id, _editor(draft.id), f.fact_id, entry["chosen_text"], f.text)
        entry["edited_by_clinician"] = True
        changed = True
    if changed:
        save_json(path, prov)


def check_draft(project: Project, sheet: Sheet, draft: Draft) -> dict:
    """Every check on one draft. Pure apart from reading nothing: no model, no files."""
    report = checks.handout_report(
        draft,
        target_grade=project.settings.readability.target_grade,
        fact_statuses={f.fact_id: f.status for f in draft.facts()},
    )
    report["content_sha256"] = draft.content_sha256()
    stale = draft.sheet_sha256 != sheet.sha256
    if stale:
        report.setdefault("findings", []).append({
            "severity": "error", "check": "stale", "fact": None,
            "message": f"sources/{sheet.id}.yaml changed since this draft was made; run `handouts draft {sheet.id}`"})
    sources = {f.id: f for f in sheet.facts()}
    findings = report.setdefault("findings", [])
    if not stale and [f.fact_id for f in draft.facts()] != list(sources):
        findings.append({"severity": "error", "check": "stale", "fact": None,
                         "message": f"drafts/{sheet.id}.yaml does not have the sheet's facts; "
                                    f"run `handouts draft {sheet.id}`"})
    for f in draft.facts():
        src = sources.get(f.fact_id)
        if src is None:
            continue  # covered by the stale finding
        if src.text != f.source:
            findings.append({"severity": "error", "check": "stale", "fact": f.fact_id,
                             "message": f"{f.fact_id}: `source:` in drafts/{sheet.id}.yaml differs from "
                                        f"the sheet; run `handouts draft {sheet.id}`"})
            continue
        verdict = checks.check_rewrite(f.source, f.text, section=src.section, glossary=sheet.glossary)
        if not verdict.accepted:
            who = "clinician edit" if f.status == EDITED else f.status
            report.setdefault("findings", []).append({
                "severity": "error", "check": "faithfulness", "fact": f.fact_id,
                "message": f"{f.fact_id} ({who}) does not match its source: " + "; ".join(verdict.reasons)})
    if any(x.get("severity") == "error" for x in report.get("findings", [])):
        report["passed"] = False
    return report


def check(project: Project, sheets: list[Sheet], *, save: bool = True) -> dict[str, dict]:
    """Run the checks on existing drafts (and save each report). Never calls the model.

    Hand edits in drafts/ID.yaml are logged here too, when first seen.
    """
    reports = {}
    for sheet in sheets:
        d = load_draft(project.drafts, sheet.id)
        if d is None:
            continue
        if save:
            record_hand_edits(project, d)
        reports[sheet.id] = check_draft(project, sheet, d)
        if save:
            save_json(report_path(project.drafts, sheet.id), reports[sheet.id])
    return reports


def statuses(project: Project, sheets: list[Sheet], reports: dict[str, dict]) -> dict[str, signoff.HandoutStatus]:
    return {
        s.id: signoff.status_of(project, s.id, load_draft(project.drafts, s.id),
                                sheet_sha256=s.sha256, report=reports.get(s.id))
        for s in sheets
    }


def _grade(report: dict | None) -> str:
    g = (report or {}).get("grade") or {}
    if g.get("fk") is None:
        return ""
    return f"FK {g['fk']:.1f} / SMOG {g['smog']:.1f}"


def rows(sheets: list[Sheet], states: dict, reports: dict, published: set[str]) -> list[Row]:
    out = []
    for s in sheets:
        st = states[s.id]
        state = "published" if s.id in published else st.state.value
        reason = st.reason
        if st.review_flag:
            reason = f"{st.review_flag}: {reason}" if reason else st.review_flag
        out.append(Row(s.id, state, _grade(reports.get(s.id)), reason))
    return out


def build(root: Path | str = ".", *, model: Model | str | None = None, progress: bool = True) -> Result:
    """The main job: validate, draft, check, gate, publish."""
    from handouts import publish as publishing

    project, sheets = load(root)  # raises before anything is written
    signoff.recover(project)  # finish a sign-off torn by a crash, if any
    problems = audit.verify(project)
    if problems:
        raise SignoffError("the audit log failed verification; nothing was published:\n" + "\n".join(problems))
    drafter = make_drafter(project, model, progress)
    error = None
    try:
        stats = draft(project, sheets, drafter)
    except ModelError as exc:  # keep serving what is approved; report the error after
        error, stats = exc, drafter.stats
    reports = check(project, sheets)
    states = statuses(project, sheets, reports)
    items = []
    for s in sheets:
        if states[s.id].is_publishable():
            d = load_draft(project.drafts, s.id)
            items.append(publishing.PublishItem(draft=d, status=states[s.id],
                                                grade=(reports.get(s.id) or {}).get("grade", {})))
    publishing.publish(project, items)
    published = [i.draft.id for i in items]
    signoff.record_publish(project, published,  # logged only when the published set changes
                           contents={i.draft.id: i.draft.content_sha256() for i in items})
    return Result(rows(sheets, states, reports, set(published)), stats, published, reports, error)


def published_ids(project: Project, states: dict[str, signoff.HandoutStatus]) -> set[str]:
    """Handouts the last publish put on the site with the content that is approved now."""
    last = next((e for e in reversed(audit.events(project)) if e.get("event") == "publish"), None)
    if last is None or not project.site_dir.is_dir():
        return set()
    items = last.get("items", {})
    return {i for i, st in states.items()
            if st.is_publishable() and items.get(i) == st.approval.content_sha256}


def rollback(root: Path | str = ".") -> Path:
    """Restore the previous release, but only if everything on it is publishable now."""
    from handouts import publish as publishing

    project, sheets = load(root)
    problems = audit.verify(project)
    if problems:
        raise SignoffError("the audit log failed verification; nothing was changed:\n" + "\n".join(problems))
    states = statuses(project, sheets, check(project, sheets, save=False))
    allowed = {i for i, st in states.items() if st.is_publishable()}
    prev = publishing.previous_dir(project)
    on_prev = {p.parent.name for p in prev.glob("*/*.pdf") if p.name == f"{p.parent.name}.pdf"}
    refused = sorted(on_prev - allowed)
    if refused:
        raise PublishError(f"the previous release publishes {', '.join(refused)}, which "
                           f"{'is' if len(refused) == 1 else 'are'} not approved now; nothing was changed. "
                           "Run `handouts build` instead.")
    path = publishing.rollback(project)
    signoff.record_publish(project, sorted(on_prev))
    return path


def provenance_for(project: Project, handout_id: str) -> dict:
    """What an approval records about how the text was made."""
    prov = load_json(provenance_path(project.drafts, handout_id))
    return {k: prov.get(k) for k in ("model", "prompt_version", "params", "candidates_per_fact")}


__all__ = ["build", "load", "draft", "check", "statuses", "make_drafter", "check_draft", "load_project"]
