"""The orchestrator with a scripted model: gate, caching, stale drafts, tampering."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from handouts import pipeline
from handouts.core.drafts import draft_path, load_draft, save_draft
from handouts.core.exceptions import InputError, ModelTimeout
from tests.doubles import ScriptedModel
from handouts.core import files
from handouts.signoff import signoff
from tests.conftest import FIXTURES
from handouts.pipeline import verify_audit


def echo_model():
    """Returns each fact unchanged: faithful by construction, no weights needed."""
    return ScriptedModel(respond=lambda text, params: text)


def build(root, model=None):
    return pipeline.build(root, model=model or echo_model(), progress=False)


def site_text(root: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in (root / "site").rglob("*")
                     if p.is_file() and p.suffix in (".html", ".json", ".xml", ".txt"))


def test_nothing_is_published_before_approval(tiny):
    result = build(tiny)
    assert [(r.id, r.state) for r in result.rows] == [("hives", "awaiting review")]
    assert result.published == []
    assert (tiny / "site" / "index.html").exists()
    assert "cetirizine" not in site_text(tiny).lower()


def test_approve_then_build_publishes_and_a_changed_fact_withdraws(tiny):
    build(tiny)
    project, sheets = pipeline.load(tiny)
    draft = load_draft(project.drafts, "hives")
    signoff.approve(project, "hives", "Dana Reyes, MD, FAAD", draft=draft, sheet_sha256=sheets[0].sha256,
                    provenance=pipeline.provenance_for(project, "hives"),
                    report=pipeline.check_draft(project, sheets[0], draft))
    result = build(tiny)
    assert result.published == ["hives"]
    page = (tiny / "site" / "hives" / "index.html")
    assert page.exists() and "Dana Reyes" in page.read_text()

    sheet = tiny / "sources" / "hives.yaml"
    sheet.write_text(sheet.read_text().replace("cetirizine 10 mg", "cetirizine 20 mg"))
    result = build(tiny)
    assert [(r.id, r.state) for r in result.rows] == [("hives", "awaiting review")]
    assert not (tiny / "site" / "hives").exists()
    assert "cetirizine" not in site_text(tiny).lower()


def test_no_change_rebuild_makes_zero_model_calls(tiny):
    first = echo_model()
    build(tiny, first)
    assert first.calls > 0
    again = ScriptedModel(respond=lambda *a: pytest.fail("the model was called"))
    result = build(tiny, again)
    assert again.calls == 0 and result.stats.model_calls == 0


def test_invalid_sheet_stops_everything_before_any_write(tiny):
    (tiny / "sources" / "broken.yaml").write_text("- just\n- a list\n")
    with pytest.raises(InputError) as exc:
        build(tiny)
    assert exc.value.problems == ["sources/broken.yaml:1:1: (top): expected a mapping of fields, got a list"]
    assert not draft_path(tiny / "drafts", "hives").exists()
    assert not (tiny / "site").exists()


def test_a_new_condition_is_drafted_and_checked_with_no_code_change(tiny):
    shutil.copy(FIXTURES / "sheets" / "psoriasis.yaml", tiny / "sources" / "psoriasis.yaml")
    result = build(tiny)
    assert {r.id for r in result.rows} == {"hives", "psoriasis"}
    assert (tiny / "drafts" / "psoriasis.yaml").exists()
    report = json.loads((tiny / "drafts" / "psoriasis.report.json").read_text())
    assert report["grade"]["fk"] is not None


def test_model_timeout_keeps_earlier_drafts(tiny):
    shutil.copy(FIXTURES / "sheets" / "psoriasis.yaml", tiny / "sources" / "psoriasis.yaml")
    calls = {"n": 0}

    def respond(text, params):
        calls["n"] += 1
        if calls["n"] > 20:  # hives (7 facts x 2) is done, psoriasis is not
            return ModelTimeout("generation took longer than 60s")
        return text

    assert isinstance(build(tiny, ScriptedModel(respond=respond)).error, ModelTimeout)
    assert (tiny / "drafts" / "hives.yaml").exists()
    assert not (tiny / "drafts" / "psoriasis.yaml").exists()
    prov = json.loads((tiny / "drafts" / "psoriasis.provenance.json").read_text())
    assert len(prov["pending"]) == 4  # finished model output is kept for the next run, as cache only
    again = echo_model()
    build(tiny, again)
    project, sheets = pipeline.load(tiny)
    pso = next(s for s in sheets if s.id == "psoriasis")
    assert again.calls == 2 * (len(pso.facts()) - 4)


def test_interrupted_redraft_with_a_new_model_is_not_mistaken_for_an_edit(tiny):
    build(tiny)
    calls = {"n": 0}

    def respond(text, params):
        calls["n"] += 1
        return ModelTimeout("generation took longer than 60s") if calls["n"] > 5 else text

    assert isinstance(build(tiny, ScriptedModel(respond=respond, id="bigger-model")).error, ModelTimeout)
    build(tiny, ScriptedModel(respond=lambda text, p: text, id="bigger-model"))
    from handouts.signoff import audit
    project, _ = pipeline.load(tiny)
    assert "edit" not in [e["event"] for e in audit.events(project)]
    assert all(f.origin.value != "clinician edit" for f in load_draft(project.drafts, "hives").facts())


def test_hand_edit_of_a_draft_is_rechecked_and_voids_approval(tiny):
    build(tiny)
    project, sheets = pipeline.load(tiny)
    d = load_draft(project.drafts, "hives")
    signoff.approve(project, "hives", "Dana Reyes, MD, FAAD", draft=d, sheet_sha256=sheets[0].sha256,
                    provenance={}, report=pipeline.check_draft(project, sheets[0], d))
    path = draft_path(project.drafts, "hives")
    text = d.section("treatment").facts[0].text
    assert "10 mg" in text
    path.write_text(path.read_text().replace(f"text: {text}", f"text: {text.replace('10 mg', '20 mg')}"))
    result = build(tiny)
    row = result.rows[0]
    # A hand edit is a clinician's text: not published, its findings shown for acknowledgement
    assert row.state == "awaiting review" and result.published == []
    assert load_draft(project.drafts, "hives").section("treatment").facts[0].origin.value == "clinician edit"
    acks = [f for f in result.reports["hives"].findings if f.severity == "acknowledge"]
    assert acks and acks[0].fact == "treatment.1" and "20 mg" in acks[0].message
    events = [e["event"] for e in __import__("handouts.signoff.audit", fromlist=["x"]).events(project)]
    assert events.count("edit") == 1


def test_tampered_audit_log_refuses_to_publish(tiny):
    build(tiny)
    log = tiny / "signoffs" / "audit.jsonl"
    lines = log.read_text().splitlines()
    lines[0] = lines[0].replace("hives", "hivez")
    log.write_text("\n".join(lines) + "\n")
    from handouts.core.exceptions import SignoffError
    with pytest.raises(SignoffError, match="audit log failed verification"):
        build(tiny)


def test_unapproved_text_appears_nowhere_in_site(tiny):
    """A unique marker planted in an unapproved draft: not in pages, search index, sitemap or 404."""
    shutil.copy(FIXTURES / "sheets" / "psoriasis.yaml", tiny / "sources" / "psoriasis.yaml")
    marker = "Zqxmarker7731"
    cfg = tiny / "site_config" / "clinic.yaml"
    cfg.write_text(cfg.read_text() + "site:\n  url: https://derm.example.org/\n")  # a sitemap needs an address
    build(tiny)
    project, sheets = pipeline.load(tiny)
    hives = next(s for s in sheets if s.id == "hives")
    d = load_draft(project.drafts, "hives")
    signoff.approve(project, "hives", "Dana Reyes, MD, FAAD", draft=d, sheet_sha256=hives.sha256,
                    provenance={}, report=pipeline.check_draft(project, hives, d))
    path = draft_path(project.drafts, "psoriasis")
    pso = load_draft(project.drafts, "psoriasis")
    pso.sections[0].facts[0].text += f" {marker}"  # as a reviewer's hand edit would
    save_draft(project.drafts, pso)
    result = build(tiny)
    assert result.published == ["hives"]
    assert marker in path.read_text()  # the reviewer's edit is kept, awaiting checks/review
    files = [p for p in (tiny / "site").rglob("*") if p.is_file()]
    names = {p.relative_to(tiny / "site").as_posix() for p in files}
    assert {"404.html", "sitemap.xml", "search/search_index.json", "hives/index.html"} <= names
    for p in files:
        data = p.read_bytes()
        assert marker.encode() not in data, p
        assert b"psoriasis" not in data.lower() or p.suffix == ".pdf", p


def approve_now(root, handout_id="hives"):
    project, sheets = pipeline.load(root)
    sheet = next(s for s in sheets if s.id == handout_id)
    d = load_draft(project.drafts, handout_id)
    signoff.approve(project, handout_id, "Dana Reyes, MD, FAAD", draft=d, sheet_sha256=sheet.sha256,
                    provenance={}, report=pipeline.check_draft(project, sheet, d))
    return project


def test_model_failure_still_publishes_what_is_approved(tiny):
    build(tiny)
    approve_now(tiny)
    shutil.copy(FIXTURES / "sheets" / "psoriasis.yaml", tiny / "sources" / "psoriasis.yaml")
    broken = ScriptedModel(respond=lambda text, p: ModelTimeout("generation took longer than 60s"))
    result = build(tiny, broken)
    assert isinstance(result.error, ModelTimeout)
    assert result.published == ["hives"] and (tiny / "site" / "hives" / "index.html").exists()
    assert dict((r.id, r.state) for r in result.rows)["psoriasis"] == "no draft yet"


def test_rollback_refuses_a_release_with_a_handout_no_longer_approved(tiny):
    from handouts.core.exceptions import PublishError

    build(tiny)
    project = approve_now(tiny)
    build(tiny)  # publishes hives; site.prev/ is the empty release
    signoff.retire(project, "hives", "Dana Reyes, MD, FAAD", "replaced by a new handout")
    build(tiny)  # hives withdrawn; site.prev/ now holds the release that published it
    with pytest.raises(PublishError, match="the previous release publishes hives, which is not approved now"):
        pipeline.rollback(tiny)
    assert not (tiny / "site" / "hives").exists()


def test_rollback_restores_an_approved_release_and_status_shows_what_is_live(tiny):
    build(tiny)
    project = approve_now(tiny)
    build(tiny)
    _, sheets = pipeline.load(tiny)
    states = pipeline.statuses(project, sheets, pipeline.check(project, sheets, save=False))
    assert pipeline.published_ids(project, states) == {"hives"}
    pipeline.rollback(tiny)  # back to the release before hives was published: allowed
    assert not (tiny / "site" / "hives").exists()


def test_rollback_refuses_a_release_superseded_by_a_newer_approval(tiny):
    from handouts.core.exceptions import PublishError

    build(tiny)
    project = approve_now(tiny)  # v1
    build(tiny)
    path = draft_path(project.drafts, "hives")
    d = load_draft(project.drafts, "hives")
    d.section("self_care").facts[0].text = "Avoid tight clothing and hot showers."
    save_draft(project.drafts, d)
    pipeline.check(project, pipeline.load(tiny)[1])  # the hand edit is logged
    approve_now(tiny)  # v2
    build(tiny)  # site/ has v2, site.prev/ has v1
    live = (tiny / "site").joinpath("hives", "index.html").read_text()
    assert "Avoid tight clothing and hot showers." in live
    with pytest.raises(PublishError) as exc:
        pipeline.rollback(tiny)
    message = exc.value.format_message()
    assert message.startswith("the previous release publishes content that a newer approval replaced: hives (content ")
    assert message.endswith("; nothing was changed. Run `handouts build` instead.")
    assert (tiny / "site").joinpath("hives", "index.html").read_text() == live
    assert path.exists()


def test_a_partial_previous_release_is_refused_by_rollback_with_exit_6(tiny):
    build(tiny)
    approve_now(tiny)
    build(tiny)  # site.prev/ is the empty release
    prev = tiny / "site.prev"
    victim = sorted(p for p in prev.rglob("*") if p.is_file())[0]
    victim.unlink()
    from handouts.core.exceptions import PublishError

    with pytest.raises(PublishError, match="site.prev/ is not a complete release") as exc:
        pipeline.rollback(tiny)
    assert exc.value.exit_code == 6
    assert (tiny / "site" / "hives" / "index.html").exists()


def test_a_bad_site_url_is_an_input_error_before_any_drafting(tiny):
    cfg = tiny / "site_config" / "clinic.yaml"
    cfg.write_text(cfg.read_text().replace("site:\n", "site:\n  url: \"javascript:alert(1)\"\n", 1)
                   if "site:\n" in cfg.read_text() else cfg.read_text() + "site:\n  url: \"javascript:alert(1)\"\n")
    model = ScriptedModel(respond=lambda *a: pytest.fail("the model was called"))
    with pytest.raises(InputError) as exc:
        build(tiny, model)
    assert exc.value.exit_code == 3
    [problem] = exc.value.problems
    assert problem.startswith("site_config/clinic.yaml:")
    assert problem.endswith(": site.url: expected an http(s) URL such as https://clinic.example.org/handouts/, "
                            "got 'javascript:alert(1)'")
    assert model.calls == 0 and not (tiny / "drafts").exists()


def test_a_hand_edit_logged_by_check_survives_the_next_build(tiny):
    build(tiny)
    project, sheets = pipeline.load(tiny)
    d = load_draft(project.drafts, "hives")
    d.section("self_care").facts[0].text = "Avoid tight clothing and hot showers."
    save_draft(project.drafts, d)  # as a reviewer's edit of drafts/hives.yaml would
    pipeline.check(project, sheets)  # logs the edit
    build(tiny)
    assert load_draft(project.drafts, "hives").section("self_care").facts[0].text == \
        "Avoid tight clothing and hot showers."
    from handouts.signoff import audit
    assert [e["event"] for e in audit.events(project)].count("edit") == 1


def test_attack_a_cut_log_cannot_bring_back_a_retired_handout(tiny):
    """Retire, publish, then drop the log's last lines and the sign-off file: build and audit verify refuse."""
    from click.testing import CliRunner

    from handouts.signoff import audit
    from handouts.cli import cli
    from handouts.core.exceptions import SignoffError

    build(tiny)
    project = approve_now(tiny)
    assert build(tiny).published == ["hives"]
    log = tiny / "signoffs" / "audit.jsonl"
    before_retire = log.read_bytes()
    signoff.retire(project, "hives", "Dana Reyes, MD, FAAD", "merged into urticaria")
    assert build(tiny).published == []
    assert not (tiny / "site" / "hives").exists()
    # the attacker cuts the retirement (and what followed) and rewrites the record file to match
    full = len(log.read_bytes().splitlines())
    log.write_bytes(before_retire)
    (tiny / "signoffs" / "hives.json").unlink()
    signoff.recover(project)  # nothing to finish: the log itself is intact
    cut = len(before_retire.splitlines())
    expected = (f"signoffs/audit.jsonl: has {cut} lines, but the live site was published from a log of "
                f"{full - 1} lines; the log was cut: restore it (e.g. `git checkout signoffs/`)")
    assert verify_audit(project) == [expected]
    with pytest.raises(SignoffError) as exc:
        build(tiny)
    assert exc.value.message == "the audit log failed verification; nothing was published:\n" + expected
    assert not (tiny / "site" / "hives").exists()
    r = CliRunner().invoke(cli, ["audit", "verify", "--root", str(tiny)])
    assert r.exit_code == 5 and expected in r.output


def test_attack_a_forged_approval_is_not_published(tiny):
    import json

    from handouts.signoff import audit
    from handouts.core.exceptions import SignoffError

    build(tiny)
    project, sheets = pipeline.load(tiny)
    d = load_draft(project.drafts, "hives")
    log = tiny / "signoffs" / "audit.jsonl"
    lines = log.read_text().splitlines()
    rec = {"kind": "approval", "handout_id": "hives", "reviewer_id": "dana-reyes", "reviewer": "Dana Reyes",
           "credentials": "MD, FAAD", "signed_at": "2099-01-15T09:30:00Z", "meaning": "approved for publication",
           "content_sha256": d.content_sha256(), "sheet_sha256": sheets[0].sha256, "provenance": {},
           "content": d.content(), "signs_for_edits": []}
    rec["record_sha256"] = signoff.record_sha256(rec)
    e = {"event": "approve", "id": "hives", "by": "dana-reyes", "record": rec, "ts": rec["signed_at"],
         "n": len(lines) + 1, "prev": files.sha256_text(lines[-1]), "sig": "U1NIU0lH" + "A" * 100}
    e["hash"] = files.sha256_text(files.canonical_json(e))
    log.write_text("\n".join(lines + [files.canonical_json(e)]) + "\n")
    with pytest.raises(SignoffError) as exc:
        build(tiny)
    assert f"signoffs/audit.jsonl:{len(lines) + 1}: the signature of 'dana-reyes' does not verify" in exc.value.message
    assert not (tiny / "site" / "hives").exists()
    assert json.loads((tiny / "signoffs" / "audit.jsonl").read_text().splitlines()[-1])["sig"].startswith("U1NI")


def test_removing_a_reviewer_withdraws_their_approvals_at_the_next_build(tiny):
    from tests.signoff_support import write_reviewers

    build(tiny)
    approve_now(tiny)
    assert build(tiny).published == ["hives"]
    assert build(tiny).published == ["hives"]  # the no-change fast path
    write_reviewers(tiny, ["Sam Okafor, MD"])  # Dana Reyes is taken off the list
    from handouts.core.exceptions import SignoffError
    with pytest.raises(SignoffError, match="signed as 'dana-reyes', who is not on the reviewer list"):
        build(tiny)


# -- stale drafts -----------------------------------------------------------------------------


def _draft_of(sheet):
    from handouts.core.drafts import Draft, DraftFact, DraftSection

    facts = {f.id: DraftFact(f.id, f.text, f.text) for f in sheet.facts()}
    return Draft(id=sheet.id, title=sheet.title, summary=facts["summary"],
                 sections=[DraftSection(s.key, s.heading, [facts[f.id] for f in s.facts]) for s in sheet.sections],
                 references=list(sheet.references), sheet_sha256=sheet.sha256)


def test_check_draft_reports_each_way_a_draft_can_be_stale(project):
    import copy
    import dataclasses

    from handouts.checks import Verdict
    from tests.conftest import make_sheet

    sheet = make_sheet()
    judged = []

    def accept(source, text, **_):
        judged.append(source)
        return Verdict(True)

    def stale(draft):
        judged.clear()
        report = pipeline.check_draft(project, sheet, draft, check_rewrite=accept)
        found = [(f.severity, f.message, f.fact) for f in report.findings if f.check == "stale"]
        assert report.passed is not found
        return found

    fresh = _draft_of(sheet)
    assert stale(fresh) == [] and len(judged) == len(sheet.facts())

    assert stale(dataclasses.replace(fresh, sheet_sha256="an older sheet")) == [
        ("error", "sources/demo.yaml changed since this draft was made; run `handouts draft demo`", None)]

    extra = copy.deepcopy(fresh)
    extra.sections[0].facts.append(extra.sections[0].facts[0].__class__("about.2", "Old fact.", "Old fact."))
    assert stale(extra) == [
        ("error", "drafts/demo.yaml does not have the sheet's facts; run `handouts draft demo`", None)]

    edited_source = copy.deepcopy(fresh)
    edited_source.sections[0].facts[0].source = "Demo disease is a rare rash."
    assert stale(edited_source) == [
        ("error", "about.1: `source:` in drafts/demo.yaml differs from the sheet; run `handouts draft demo`",
         "about.1")]
    assert "Demo disease is a rare rash." not in judged  # a fact with a stale source is not judged
