"""The orchestrator: one readable function per command.

build():   load config -> load and validate every sheet -> verify the audit log
           -> draft what is missing or stale -> check -> sign-off gate -> publish.
Nothing is drafted or written until every sheet has validated.

Work costs in proportion to what changed: validated sheets, parsed drafts, check
verdicts and reports are kept in a persisted memo (handouts.core.memo) keyed by the
bytes and code they come from, and a sheet whose draft is up to date is not
drafted again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from handouts import checks
from handouts.checks.handout import Report
from handouts.core import memo
from handouts.core.drafts import (
    Draft,
    DraftFact,
    DraftSection,
    Origin,
    Provenance,
    draft_path,
    dump_draft,
    load_draft,
    load_provenance,
    provenance_path,
    report_path,
    save_draft,
    save_json,
    save_provenance,
)
from handouts.core.exceptions import ContextOverflow, InputError, ModelError, PublishError, SignoffError
from handouts.core.files import atomic_write, sha256_bytes
from handouts.core.yamlsafe import MAX_BYTES, read_limited
from handouts.drafting.models import Model, bundled_model_path, estimate_tokens, fits_context, load_model, params_from
from handouts.drafting.prompts import fact_message, prefix_messages
from handouts.publish import releases
from handouts.signoff import audit, labels, signoff
from handouts.signoff.reviewers import list_path
from handouts.sources.config import Project, load_project
from handouts.sources.sheets import Sheet, load_sheets

if TYPE_CHECKING:  # drafting is imported by the commands that use it
    from handouts.drafting.drafting import Drafter, Stats


def _stats() -> "Stats":
    from handouts.drafting.drafting import Stats  # deferred for start-up: drafting loads the rewrite rules

    return Stats()


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
    stats: "Stats" = field(default_factory=_stats)
    published: list[str] = field(default_factory=list)
    reports: dict[str, "Report"] = field(default_factory=dict)
    error: ModelError | None = None  # drafting stopped; what was approved was still published
    notes: list[str] = field(default_factory=list)  # printed under the closing table
    unchanged: str = ""  # the live release, when nothing changed since it was made (the fast path)


# -- stages --------------------------------------------------------------------


def load(root: Path | str = ".", ids: list[str] | None = None) -> tuple[Project, list[Sheet]]:
    """Settings and every sheet, validated; `ids` narrows the result, not the validation."""
    project = load_project(root)
    sheets = load_sheets(project.sources, memo=memo.for_project(project))
    # every verdict of this command is kept in the project's memo: the approval that
    # follows a clinician's edit finds the edit's verdict instead of judging it again
    checks.use_memo(memo.for_project(project))
    if ids:
        known = {s.id for s in sheets}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise InputError([f"sources/{i}.yaml:1:1: (file): no such condition sheet; check the id or add sources/{i}.yaml" for i in unknown])
        sheets = [s for s in sheets if s.id in ids]
    problems = context_problems(project, sheets)
    if problems:
        raise InputError(problems)
    return project, sheets


def context_problems(project: Project, sheets: list[Sheet]) -> list[str]:
    """Facts too long for the model's context, one located line each (found before any drafting)."""
    params = params_from(project.settings)
    prefix = estimate_tokens(prefix_messages())  # the same for every fact: counted once
    problems = []
    for sheet in sheets:
        where = {sheet.summary.id: "summary"}
        for i, section in enumerate(sheet.sections, start=1):
            where.update({f.id: f"sections[{i}].facts[{j}]" for j, f in enumerate(section.facts, start=1)})
        for fact in sheet.facts():
            ok, tokens = fits_context([fact_message(fact.text)], params, before=prefix)  # = rewrite_messages()
            if not ok:
                problems.append(
                    f"sources/{sheet.id}.yaml:{fact.line}:{fact.col}: {where[fact.id]}: too long for the model's "
                    f"context (about {tokens} tokens with the prompt, plus up to {params.max_tokens} for the answer; "
                    f"model.n_ctx is {params.n_ctx}); split it into shorter facts, one idea each")
    return problems


def make_drafter(project: Project, model: Model | str | None = None, progress: bool = True) -> "Drafter":
    from handouts.drafting.drafting import Drafter  # deferred for start-up: drafting loads the rewrite rules

    checks.use_memo(memo.for_project(project))
    settings = project.settings

    def factory() -> Model:
        if isinstance(model, Model):
            return model
        return load_model(settings, project.root, override=model)

    return Drafter(factory, params_from(settings), settings.model.candidates, progress=progress)


def draft(project: Project, sheets: list[Sheet], drafter: "Drafter") -> "Stats":
    """Draft every sheet whose draft is missing or stale; cached output costs no model call."""
    draft_all(project, sheets, drafter)
    return drafter.stats


def draft_all(project: Project, sheets: list[Sheet], drafter: "Drafter") -> dict[str, Draft]:
    """`draft`, returning the new drafts so a build reads none of them again.

    A sheet whose draft and provenance are exactly what drafting wrote last time
    from the same sheet, model, prompt, parameters and code is skipped: drafting
    it again would write the same bytes.
    """
    out: dict[str, Draft] = {}
    m = memo.for_project(project)
    overflow: ContextOverflow | None = None
    for sheet in sheets:
        up_to_date = _drafting_key(project, sheet, drafter)
        if up_to_date and m.get("drafting", up_to_date):
            out[sheet.id] = read_draft(project, sheet.id)
            _count_unchanged(drafter.stats, out[sheet.id])
            continue
        try:
            new, prov, old, wrote = _draft_one(project, sheet, drafter)
        except ContextOverflow as exc:  # one fact's fault: draft the other sheets, report it after
            overflow = overflow or ContextOverflow(f"sources/{sheet.id}.yaml: {exc.format_message()}")
            old = load_draft(project.drafts, sheet.id)
            if old is not None:
                out[sheet.id] = old
            continue
        if not wrote and up_to_date and up_to_date == _drafting_key(project, sheet, drafter):
            m.put("drafting", up_to_date, True)  # nothing changed: next time, skip it
        out[sheet.id] = new
    m.flush()
    if overflow is not None:
        raise overflow
    return out


def _read_or_none(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _draft_one(project: Project, sheet: Sheet, drafter: "Drafter", attempts: int = 3):
    """Draft one sheet and write it, never over an edit made while drafting: (new, prov, old, wrote).

    Drafting runs without the sign-off lock (it may take minutes); the write happens
    under it, and only if drafts/ID.yaml is still what drafting started from. If a
    reviewer saved an edit meanwhile (page, CLI or by hand), the sheet is drafted
    again from the edited draft, reusing this run's model output (no new model calls).
    Order of the writes, each atomic: the create event (logged once per content),
    then provenance, then the draft; a kill between any two is repaired by the next run.
    """
    path = draft_path(project.drafts, sheet.id)
    carried: dict = {}
    for _attempt in range(attempts):
        before = _read_or_none(path)
        old = load_draft(project.drafts, sheet.id)
        if old is not None:
            record_hand_edits(project, old)  # logged before redrafting; the drafter keeps them
            before = _read_or_none(path)
        old_prov = load_provenance(project.drafts, sheet.id)
        if carried:
            old_prov = dataclasses.replace(old_prov, pending={**old_prov.pending, **carried})
        new, prov = drafter.draft_sheet(
            sheet, old, old_prov,
            save_partial=lambda p: save_provenance(project.drafts, p),
        )
        carried = {**carried, **prov.cached_generations()}
        prov = dataclasses.replace(prov, pending={})
        text = dump_draft(new)
        with audit.lock(project):
            if _read_or_none(path) != before:
                continue  # edited while we drafted: draft again from the edit
            wrote = before != text
            if wrote and (old is None or old.content_sha256() != new.content_sha256()):
                _record_create_once(project, sheet.id, new.content_sha256(), sheet.sha256)
            if prov != old_prov:
                save_provenance(project.drafts, prov)
            if wrote:
                atomic_write(path, text)
        return new, prov, old, wrote
    raise SignoffError(f"drafts/{sheet.id}.yaml kept changing while it was drafted; nothing was overwritten. "
                       f"Run `handouts draft {sheet.id}` again when the edits are done.")


def _record_create_once(project: Project, handout_id: str, content_sha256: str, sheet_sha256: str) -> None:
    """The create event, unless the last one for this handout already names this content."""
    last = next((e for e in reversed(audit.history(project, handout_id)) if e.get("event") == "create"), None)
    if last is None or last.get("content_sha256") != content_sha256:
        signoff.record_create(project, handout_id, content_sha256, sheet_sha256)


def _file_sha256(path: Path) -> str | None:
    try:
        return sha256_bytes(read_limited(path, f"{path.parent.name}/{path.name}", 20 * MAX_BYTES))
    except FileNotFoundError:
        return None


def _sheet_fingerprint(sheet: Sheet) -> list:
    """What checks and drafting read from a sheet (a hand-built sheet may have no real sha256)."""
    return [sheet.id, sheet.sha256, sheet.title, sheet.glossary, list(sheet.also_called),
            list(sheet.references), sheet.review_interval_months,
            [[f.id, f.text, f.section, f.line] for f in sheet.facts()],
            [[s.key, s.heading] for s in sheet.sections]]


def _drafting_key(project: Project, sheet: Sheet, drafter: "Drafter") -> str | None:
    draft_sha = _file_sha256(draft_path(project.drafts, sheet.id))
    prov_sha = _file_sha256(provenance_path(project.drafts, sheet.id))
    if draft_sha is None or prov_sha is None:
        return None
    try:
        model = drafter.model.describe()
    except ModelError:  # no model to be had: draft_sheet keeps a current draft without one
        return None
    return memo.key("drafting", _sheet_fingerprint(sheet), draft_sha, prov_sha, model,
                    drafter.params.as_dict(), drafter.candidates)


def _count_unchanged(stats: "Stats", d: Draft | None) -> None:
    for f in d.facts() if d else []:
        stats.facts += 1
        stats.count(f.origin)


def read_draft(project: Project, handout_id: str) -> Draft | None:
    """load_draft, memoised by the file's bytes: each distinct draft is parsed once."""
    path = draft_path(project.drafts, handout_id)
    try:
        data = read_limited(path, f"drafts/{path.name}", root=project.root)
    except FileNotFoundError:
        return None
    digest = sha256_bytes(data)
    m = memo.for_project(project)
    k = memo.key("draft", digest, handout_id)
    hit = m.get("draft", k)
    if hit is not None:
        return _draft_from_dict(hit)
    d = load_draft(project.drafts, handout_id)
    if d is not None and _file_sha256(path) == digest:  # not changed while it was read
        m.put("draft", k, dataclasses.asdict(d))
    return d


def _draft_from_dict(d: dict) -> Draft:
    def fact(f: dict) -> DraftFact:
        return DraftFact(**dict(f, origin=Origin(f["origin"])))

    return Draft(**dict(d, summary=fact(d["summary"]),
                        sections=[DraftSection(**dict(s, facts=[fact(f) for f in s["facts"]]))
                                  for s in d["sections"]]))




def record_hand_edits(project: Project, draft: Draft) -> None:
    """Log hand edits of drafts/ID.yaml before anything is checked or signed.

    A text that differs from what drafting chose, and was not logged yet, is an
    edit: it is logged once, as unsigned (nobody's name is claimed for it; the
    next approval signs for it), recorded in provenance as a clinician edit and
    marked one in the draft (so its findings are shown for acknowledgement, not
    refused as machine text). The one place hand edits are logged: `draft`,
    `check` and the sign-off service (page and CLI) all call it.
    """
    with audit.lock(project):
        prov = load_provenance(project.drafts, draft.id)
        events = audit.history(project, draft.id)
        last_edit = {e.get("fact"): e for e in events if e.get("event") == "edit"}
        last_create = max((e.get("n", 0) for e in events if e.get("event") == "create"), default=0)
        changed = False
        for f in draft.facts():
            rec = prov.facts.get(f.fact_id)
            if rec is None:
                continue
            logged = last_edit.get(f.fact_id)
            if (logged is not None and logged.get("n", 0) > last_create
                    and logged.get("old") == f.text and logged.get("new") != f.text
                    and not rec.edited_by_clinician and rec.chosen_text == f.text):
                # An edit committed to the log whose save was cut off (a kill): finish it.
                f.text = str(logged.get("new", f.text))
            if rec.edited_by_clinician and rec.chosen_text == f.text:
                continue
            if rec.chosen_text in ("", f.text):
                continue
            if f.cache_key and rec.cache_key and f.cache_key != rec.cache_key:
                continue  # provenance from another drafting run (a write cut off): not an edit
            if logged is not None and logged.get("new") == f.text:
                who = str(logged.get("by", ""))  # logged already (a kill came before provenance): once
            else:
                who = f"{audit.UNSIGNED}hand edit of drafts/{draft.id}.yaml"
                signoff.record_edit(project, draft.id, f.fact_id, rec.chosen_text, f.text,
                                    signer=None)  # unsigned until a listed reviewer approves
            rec.origin, rec.chosen_text, rec.changes = Origin.EDITED, f.text, []
            rec.edited_by_clinician, rec.edited_by = True, who
            f.origin, f.changes = Origin.EDITED, []
            changed = True
        if changed:
            save_provenance(project.drafts, prov)
            save_draft(project.drafts, draft)


def check_draft(project: Project, sheet: Sheet, draft: Draft, *, check_rewrite=None) -> "Report":
    """Every check on one draft. Pure apart from reading nothing: no model, no files.

    A fact's text that does not match its source is an error when the machine
    made it (it can never be approved) and a finding to acknowledge when a
    clinician wrote it (shown; the signer acknowledges it on the record).

    Memoised (handouts.core.memo, kind "report") by the draft, the sheet, the target grade
    and the checks' code and data: a report is computed once per distinct input.
    A scripted `check_rewrite` (tests) bypasses the memo.
    """
    if check_rewrite is not None:
        return _check_draft(project, sheet, draft, check_rewrite)
    m = memo.for_project(project)
    k = memo.key("report", memo.plain(draft), _sheet_fingerprint(sheet),
                 project.settings.readability.target_grade)
    hit = m.get("report", k)
    if hit is not None:
        return Report.from_dict(hit)
    report = _check_draft(project, sheet, draft)
    m.put("report", k, report.to_dict())
    return report


def _check_draft(project: Project, sheet: Sheet, draft: Draft, check_rewrite=None) -> "Report":
    checks.use_memo(memo.for_project(project))
    check_rewrite = check_rewrite or checks.check_rewrite
    report = checks.handout_report(draft, target_grade=project.settings.readability.target_grade)
    stale = draft.sheet_sha256 != sheet.sha256
    if stale:
        report.add("error", "stale",
                   f"sources/{sheet.id}.yaml changed since this draft was made; run `handouts draft {sheet.id}`")
    sources = {f.id: f for f in sheet.facts()}
    if not stale and [f.fact_id for f in draft.facts()] != list(sources):
        report.add("error", "stale", f"drafts/{sheet.id}.yaml does not have the sheet's facts; "
                                     f"run `handouts draft {sheet.id}`")
    for f in draft.facts():
        src = sources.get(f.fact_id)
        if src is None:
            continue  # covered by the stale finding
        if src.text != f.source:
            report.add("error", "stale", f"{f.fact_id}: `source:` in drafts/{sheet.id}.yaml differs from "
                                         f"the sheet; run `handouts draft {sheet.id}`", f.fact_id)
            continue
        verdict = check_rewrite(f.source, f.text, section=src.section, glossary=sheet.glossary)
        if not verdict.accepted:
            report.findings += labels.fact_findings(f.fact_id, f.text, verdict, origin=f.origin)
    return report


def check(project: Project, sheets: list[Sheet], *, save: bool = True,
          drafts: dict[str, Draft] | None = None) -> dict[str, "Report"]:
    """Run the checks on existing drafts (and save each report). Never calls the model.

    Hand edits in drafts/ID.yaml are logged here too, when first seen. `drafts`
    are drafts already in memory (a build passes what it just drafted).
    """
    reports = {}
    m = memo.for_project(project)
    for sheet in sheets:
        d = drafts[sheet.id] if drafts and sheet.id in drafts else read_draft(project, sheet.id)
        if d is None:
            continue
        if save and not m.get("report", _no_new_edits_key(project, sheet.id)):
            record_hand_edits(project, d)  # a draft and provenance seen before need no new look
            m.put("report", _no_new_edits_key(project, sheet.id), True)
        reports[sheet.id] = check_draft(project, sheet, d)
        if save:
            _save_json_if_changed(report_path(project.drafts, sheet.id), reports[sheet.id].to_dict())
    m.flush()
    return reports


def _no_new_edits_key(project: Project, handout_id: str) -> str:
    return memo.key("report", "hand edits logged", _file_sha256(draft_path(project.drafts, handout_id)),
                    _file_sha256(provenance_path(project.drafts, handout_id)))


def _save_json_if_changed(path: Path, data: dict) -> None:
    try:
        if json.loads(path.read_text(encoding="utf-8")) == data:
            return
    except (OSError, ValueError):
        pass
    save_json(path, data)


def statuses(project: Project, sheets: list[Sheet], reports: dict[str, Report],
             drafts: dict[str, Draft | None] | None = None) -> dict[str, signoff.HandoutStatus]:
    drafts = drafts or {}
    return {
        s.id: signoff.status_of(project, s.id,
                                drafts[s.id] if s.id in drafts else read_draft(project, s.id),
                                sheet_sha256=s.sha256, report=reports.get(s.id))
        for s in sheets
    }


def grade_text(report: "Report | None") -> str:
    """A report's reading grade, as the tables show it."""
    if report is None or report.grade.fk is None:
        return ""
    return f"FK {report.grade.fk:.1f} / SMOG {report.grade.smog:.1f}"


def rows(sheets: list[Sheet], states: dict, reports: dict, published: set[str]) -> list[Row]:
    out = []
    for s in sheets:
        st = states[s.id]
        state = labels.state_label(st, s.id in published)
        reason = st.reason
        if st.review_flag:
            reason = f"{st.review_flag}: {reason}" if reason else st.review_flag
        out.append(Row(s.id, state, grade_text(reports.get(s.id)), reason))
    return out


def site_url_note(project: Project) -> str:
    """What a build without a public site.url leaves out, and what to set; "" when it has one."""
    site = project.settings.site
    if site.is_public():
        return ""
    where = "is not set" if not site.base_url() else f"is {site.url}, this machine"
    return (f"preview: site.url {where}, so the PDFs carry no QR code"
            + (" and the site has no sitemap or canonical links" if not site.base_url() else "")
            + ". Set site.url in site_config/clinic.yaml to the address patients will use "
              "(e.g. https://clinic.example.org/handouts/), then publish with `handouts build --release`.")


def check_release(project: Project) -> None:
    """A release (`handouts build --release`) needs the public address the site is served from."""
    site = project.settings.site
    if not site.is_public():
        got = "it is empty" if not site.base_url() else f"{site.url} is this machine (localhost)"
        raise InputError([f"site_config/clinic.yaml: site.url: a release needs the public address patients "
                          f"will use, e.g. https://clinic.example.org/handouts/; {got}"])


def build(root: Path | str = ".", *, model: Model | str | None = None, progress: bool = True,
          release: bool = False) -> Result:
    """The main job: validate, draft, check, gate, publish.

    `release`: a production publish; refused (before anything is written) unless
    site.url is a public address.
    """
    if release:
        check_release(load_project(root))
    with build_lock(load_project(root)):
        return _build(root, model, progress)


def _build(root: Path | str, model: Model | str | None, progress: bool) -> Result:
    from handouts.publish import publish as publishing  # deferred for start-up: publishing loads jinja2, nh3 and mkdocs

    remove_stale_temp_files(load_project(root))
    fast = _unchanged_since_release(load_project(root), model)
    if fast is not None:
        return fast
    project, sheets = load(root)  # raises before anything is written
    signoff.recover(project)  # finish a sign-off torn by a crash, if any
    problems = verify_audit(project)
    if problems:
        raise SignoffError("the audit log failed verification; nothing was published:\n" + "\n".join(problems))
    drafter = make_drafter(project, model, progress)
    error = None
    drafts: dict[str, Draft | None] = {}
    try:
        drafts.update(draft_all(project, sheets, drafter))
    except ModelError as exc:  # keep serving what is approved; report the error after
        error = exc
    stats = drafter.stats
    for s in sheets:  # each draft is read once per build (none, if this build just wrote it)
        if s.id not in drafts:
            drafts[s.id] = read_draft(project, s.id)
    reports = check(project, sheets, drafts={k: v for k, v in drafts.items() if v is not None})
    states = statuses(project, sheets, reports, drafts)
    items = []
    for s in sheets:
        if states[s.id].is_publishable():
            items.append(publishing.PublishItem(draft=drafts[s.id], status=states[s.id],
                                                grade=reports[s.id].grade.scores()))
    inputs = releases.input_fingerprint(project)
    publishing.publish(project, items, inputs=inputs)
    published = [i.draft.id for i in items]
    signoff.record_publish(project, published,  # logged only when the published set changes
                           contents={i.draft.id: i.draft.content_sha256() for i in items})
    notes = [n for n in [site_url_note(project)] if n]
    result = Result(rows(sheets, states, reports, set(published)), stats, published, reports, error, notes)
    if error is None:
        _remember_release(project, inputs, result, model)
    return result


# -- the no-change fast path -------------------------------------------------------------


def _fast_path_inputs(project: Project, model: Model | str | None) -> dict:
    """What the release manifest's input fingerprint leaves to the build itself: the
    drafting cache (provenance), the model, and the audit log and reviewer list as they stand
    (a reviewer removed from the list voids their signatures)."""
    provenance = {p.name: _file_sha256(p) for p in sorted(Path(project.drafts).glob("*.provenance.json"))}
    m = project.settings.model
    if isinstance(model, Model):
        used = model.describe()
    else:  # the model file by its size and time (hashing it is for drafting to do)
        try:
            path = (Path(model) if model and "://" not in model else bundled_model_path()
                    if not model and m.backend == "bundled" else Path(project.root) / m.path
                    if not model and m.backend == "gguf" else None)
            st = path.stat() if path is not None else None
            used = [str(path), st.st_size, st.st_mtime_ns] if st else [m.backend, m.url, m.name, model]
        except (ModelError, OSError):
            used = ["missing", model]
    return {"provenance": provenance, "model": used, "audit": _file_sha256(audit.log_path(project)) or "",
            "reviewers": _file_sha256(list_path(project)) or ""}


def _unchanged_since_release(project: Project, model: Model | str | None) -> Result | None:
    """The Result of the last build if nothing it was made from has changed, else None.

    Holds when the live site/ is exactly the release its manifest describes, the
    manifest's input fingerprint (sheets, drafts, sign-offs, clinic settings,
    templates, code and package versions) equals this build's, no review date has
    come due since (`valid_until`), and the drafting cache, model file and audit log
    are those the last full build finished with. Then checks, PDFs and mkdocs would
    only make the same site again, so the build verifies that and stops.
    """
    m = memo.for_project(project)
    inputs = releases.input_fingerprint(project)
    last = m.get("release", memo.key("release", inputs["sha256"], _fast_path_inputs(project, model)))
    if last is None:
        return None
    until = last.get("valid_until")
    if until and audit.utc_now()[:10] >= until:
        return None
    live = releases.live_manifest(project)  # every file of site/ against its manifest
    if live is None or live["release"] != last["release"] or live.get("inputs", {}).get("sha256") != inputs["sha256"]:
        return None
    stats = _stats()
    stats.facts, stats.origins = last["facts"], dict(last["origins"])
    notes = [n for n in [site_url_note(project)] if n]
    return Result([Row(**r) for r in last["rows"]], stats, list(last["published"]), {}, None, notes,
                  unchanged=live["release"])


def _remember_release(project: Project, inputs: dict, result: Result, model: Model | str | None) -> None:
    live = releases.live_manifest(project)
    if live is None or live.get("inputs", {}).get("sha256") != inputs["sha256"]:
        return
    m = memo.for_project(project)
    m.put("release", memo.key("release", inputs["sha256"], _fast_path_inputs(project, model)), {
        "release": live["release"], "valid_until": live.get("valid_until"),
        "rows": [dataclasses.asdict(r) for r in result.rows], "published": result.published,
        "facts": result.stats.facts, "origins": result.stats.origins})
    m.flush()


def published_ids(project: Project, states: dict[str, signoff.HandoutStatus]) -> set[str]:
    """Handouts the last publish put on the site with the content that is approved now."""
    if not project.site_dir.is_dir():
        return set()
    last = audit.last_event(project, "publish")
    if last is None:
        return set()
    items = last.get("items", {})
    return {i for i, st in states.items()
            if st.is_publishable() and items.get(i) == st.approval.content_sha256}


def verify_audit(project: Project, *, full: bool = False) -> list[str]:
    """[] if the audit log and the sign-off records are intact; else every problem found.

    The first problem names the first bad line of the log. The log must extend
    the one the live site was published from (handouts.publish.releases.anchor_problem).
    Sign-off records (signoffs/ID.json) must be copies of the records committed in
    the log. `full`: verify every signature again, not only those of lines this
    machine has not verified yet (`handouts audit verify`).
    """
    problems = audit.verify_chain(project, full=full)
    if problems:
        return problems
    cut = releases.anchor_problem(project)
    if cut:
        return [cut]
    return signoff.verify_records(project)


def remove_stale_temp_files(project: Project, age_seconds: float = 60) -> list[str]:
    """Remove temp files of atomic writes a kill cut off in drafts/ (older than a minute,
    so a write in progress elsewhere, e.g. on the review page, is never disturbed)."""
    removed = []
    folder = Path(project.drafts)
    for tmp in folder.glob(".*.tmp") if folder.is_dir() else []:
        try:
            if tmp.is_file() and time.time() - tmp.stat().st_mtime > age_seconds:
                tmp.unlink()
                removed.append(tmp.name)
        except FileNotFoundError:
            pass
    return removed


@contextlib.contextmanager
def build_lock(project: Project, stream=None):
    """One build (or draft, or rollback) at a time per project: a second one waits, saying so.

    An fcntl lock on .handouts/build.lock, released by the kernel if the holder dies.
    """
    path = Path(project.work) / "build.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
            out = stream or sys.stderr
            out.write(f"another build is running in this project (pid {holder}); "
                      f"waiting for it to finish (Ctrl-C to stop waiting)...\n")
            out.flush()
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def rollback(root: Path | str = ".") -> Path:
    """Restore the previous release, but only if it is whole and publishes exactly what is approved now.

    site.prev/ must match its release manifest file for file, and every handout on it
    must be approved now with the same content (a release superseded by a newer
    approval is refused: the log and `status` would name content that is not live).
    """
    with build_lock(load_project(root)):
        return _rollback(root)


def _rollback(root: Path | str) -> Path:
    from handouts.publish import publish as publishing  # deferred for start-up: publishing loads jinja2, nh3 and mkdocs

    project, sheets = load(root)
    problems = verify_audit(project)
    if problems:
        raise SignoffError("the audit log failed verification; nothing was changed:\n" + "\n".join(problems))
    states = statuses(project, sheets, check(project, sheets, save=False))

    def allow(manifest: dict) -> None:
        refused, superseded = [], []
        for hid, entry in sorted(manifest["handouts"].items()):
            st = states.get(hid)
            if st is None or not st.is_publishable():
                refused.append(hid)
            elif st.approval.content_sha256 != entry.get("content_sha256"):
                superseded.append(f"{hid} (content {str(entry.get('content_sha256'))[:12]} approved by "
                                  f"{entry.get('reviewer')} on {str(entry.get('signed_at'))[:10]}; approved now: "
                                  f"{st.approval.content_sha256[:12]} by {st.approval.reviewer}, "
                                  f"{st.approval.credentials} on {st.approval.signed_at[:10]})")
        if refused:
            raise PublishError(f"the previous release publishes {', '.join(refused)}, which "
                               f"{'is' if len(refused) == 1 else 'are'} not approved now; nothing was changed. "
                               "Run `handouts build` instead.")
        if superseded:
            raise PublishError("the previous release publishes content that a newer approval replaced: "
                               f"{'; '.join(superseded)}; nothing was changed. Run `handouts build` instead.")

    manifest = publishing.rollback(project, allow)
    signoff.record_publish(project, sorted(manifest["handouts"]),
                           contents={h: e["content_sha256"] for h, e in manifest["handouts"].items()})
    return project.site_dir


def provenance_for(project: Project, handout_id: str) -> dict:
    """What an approval records about how the text was made."""
    return load_provenance(project.drafts, handout_id).summary()


__all__ = ["build", "load", "draft", "check", "statuses", "make_drafter", "check_draft", "load_project"]
