"""The one sign-off service and the CLI on top of it: real sheets, real drafts, real checks (no model)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from handouts import service
from handouts.cli import cli
from handouts.core.drafts import draft_path, load_draft, load_provenance, save_draft, save_provenance
from handouts.core.exceptions import SignoffError
from handouts.service import Service
from handouts.signoff import audit
from tests.signoff_support import REVIEWER, real_clinic
from handouts.pipeline import verify_audit

REPO = Path(__file__).parent.parent
SUMMARY = ("Acne is a common, long-lasting skin problem of the hair follicle and oil gland. It can be itchy. "
           "Early, steady treatment clears most acne and limits scarring and dark spots.")


@pytest.fixture
def clinic(tmp_path):
    return real_clinic(tmp_path)


def run(clinic, *args, input=None):
    return CliRunner().invoke(cli, [*args, "--root", str(clinic.root)], input=input)


# -- states --------------------------------------------------------------------------------


def test_one_vocabulary_of_states(clinic):
    shutil.copy(REPO / "sources" / "melasma.yaml", clinic.sources)  # a sheet with no draft yet
    r = run(clinic, "status")
    assert r.exit_code == 0, r.output
    rows = {line.split()[0]: line for line in r.output.splitlines()[2:]}
    assert "  no draft yet  " in rows["melasma"] and "  awaiting review  " in rows["acne"]
    assert set(service.STATE_WORDS) == {"no draft yet", "awaiting review", "changes requested",
                                        "approved (not yet published)", "published", "checks failed",
                                        "review due", "retired"}
    r = run(clinic, "check", "acne")
    assert r.output.startswith("acne: passed with warnings; state: awaiting review\n")  # the grade is over 6
    sheet = clinic.sources / "melasma.yaml"
    shutil.copy(REPO / "drafts" / "melasma.yaml", clinic.drafts)
    sheet.write_text(sheet.read_text().replace("title: Melasma", "title: Melasma (chloasma)"))
    r = run(clinic, "check", "melasma")  # a draft whose sheet changed since: the same words everywhere
    assert r.exit_code == 1 and r.output.startswith("melasma: checks failed; state: checks failed\n")
    assert "  checks failed  " in run(clinic, "status").output
    run(clinic, "approve", "acne", "--reviewer", REVIEWER, "--yes")
    assert json.loads(run(clinic, "status", "--json").output)[0]["state"] == "approved (not yet published)"


def test_check_of_the_library_is_one_line_each_and_the_full_report_of_each_failure(clinic):
    shutil.copy(REPO / "sources" / "melasma.yaml", clinic.sources)
    shutil.copy(REPO / "drafts" / "melasma.yaml", clinic.drafts)
    sheet = clinic.sources / "melasma.yaml"
    sheet.write_text(sheet.read_text().replace("title: Melasma", "title: Melasma (chloasma)"))  # draft now stale
    r = run(clinic, "check")
    assert r.exit_code == 1
    lines = r.output.splitlines()
    assert lines[0].split() == ["handout", "checks", "state", "grade", "findings"]
    rows = {line.split()[0]: line for line in lines[2:4]}
    assert "  passed with warnings  awaiting review  " in rows["acne"]
    assert "  checks failed  " in rows["melasma"] and "1 error" in rows["melasma"]
    assert "melasma: checks failed; state: checks failed\n" in r.output  # the failure's full report
    assert "acne: passed with warnings; state:" not in r.output  # a passing handout: its line only
    assert lines[-2] == "2 sheet(s) valid; 2 draft(s) checked: 1 passed (1 with warnings), 1 failed (their reports above)."
    details = run(clinic, "check", "--details")
    assert details.exit_code == 1
    assert details.output.startswith("acne: passed with warnings; state: awaiting review\n")
    assert "melasma: checks failed; state: checks failed\n" in details.output


# -- clinician edits -----------------------------------------------------------------------


def test_cli_edit_lists_the_findings_and_saves_once_each_is_acknowledged(clinic):
    before = draft_path(clinic.drafts, "acne").read_bytes()
    r = run(clinic, "edit", "acne", "summary", SUMMARY, "--reviewer", REVIEWER, input="y\nn\n")
    assert r.exit_code == 1 and "and 'itchy' (a symptom), which your fact does not say" in r.output
    assert draft_path(clinic.drafts, "acne").read_bytes() == before and audit.events(clinic) == []

    keys = [f.key for f in Service(clinic).check_text(load_draft(clinic.drafts, "acne"), "summary", SUMMARY)]
    assert len(keys) == 2
    r = run(clinic, "edit", "acne", "summary", SUMMARY, "--reviewer", REVIEWER,
            *[a for k in keys for a in ("--acknowledge", k)])
    assert r.exit_code == 0, r.output
    assert r.output == ("acne: summary: saved as a clinician edit with 2 finding(s) acknowledged; logged. "
                        "Any earlier approval no longer applies.\n")
    [e] = audit.events(clinic)
    assert (e["event"], e["by"], e["new"]) == ("edit", "dana-reyes", SUMMARY) and e["sig"]
    assert [a["key"] for a in e["acknowledged"]] == keys
    assert load_draft(clinic.drafts, "acne").summary.text == SUMMARY


def test_cli_approve_shows_everything_signed_and_asks_for_each_acknowledgement(clinic):
    svc = Service(clinic)
    keys = [f.key for f in svc.check_text(svc.draft("acne"), "summary", SUMMARY)]
    svc.edit("acne", "summary", SUMMARY, REVIEWER, acknowledged=keys)
    r = run(clinic, "approve", "acne", "--reviewer", REVIEWER, "--yes")
    assert r.exit_code == 5 and "acknowledge each finding on clinician-written text first" in r.output
    r = run(clinic, "approve", "acne", "--reviewer", REVIEWER, input="y\ny\ny\n")
    assert r.exit_code == 0, r.output
    d = load_draft(clinic.drafts, "acne")
    for shown in ("Also called: acne vulgaris, pimples, breakouts", "What is acne?", "When to get help",
                  "  sebum: the natural oil made by glands in the skin", "References\n  1. Reynolds RV",
                  f"Content SHA-256: {d.content_sha256()}", f"[{keys[0]}] summary: drops 'inflammatory'",
                  '"approved for publication"'):
        assert shown in r.output
    rec = json.loads((clinic.signoffs / "acne.json").read_text())["records"][-1]
    assert [(a["key"], a["by"], a["fact"]) for a in rec["acknowledgements"]] == [
        (k, REVIEWER, "summary") for k in keys]
    shown = run(clinic, "audit", "show", "acne").output
    assert shown.count("acknowledged by Dana Reyes, MD, FAAD at ") == 4  # twice on the edit, twice on the approval
    assert "and 'itchy' (a symptom), which your fact does not say" in shown


def test_the_approval_after_an_edit_judges_nothing_again(clinic, monkeypatch):
    """The edit checks the edited handout (its verdicts and report are memoised); approving it checks nothing anew."""
    from handouts import checks, pipeline

    svc = Service(clinic)
    source = svc.draft("acne").section("about").facts[0].source
    assert svc.edit("acne", "about.1", source, REVIEWER).outcome == "saved"  # the clinician's own words

    def refuse(*a, **k):
        raise AssertionError("judged again")

    monkeypatch.setattr(checks, "_check_rewrite", refuse)
    monkeypatch.setattr(checks, "handout_report", refuse)
    project, _ = pipeline.load(clinic.root, ["acne"])  # as `handouts approve` does: a new process, the memo on disk
    checks._remembered.cache_clear()
    fresh = Service(project)
    snap = fresh.load("acne")
    a = fresh.approve("acne", REVIEWER, expected_content_sha256=snap.content_sha256,
                      acknowledged=[f.key for f in snap.to_acknowledge()])
    assert a.content_sha256 == snap.content_sha256


def test_a_degenerate_clinician_text_is_not_saved(clinic):
    with pytest.raises(SignoffError, match=r"^acne: summary: .*this text cannot be published as it is"):
        Service(clinic).edit("acne", "summary", "Acne <script>x</script> see https://evil.example", REVIEWER,
                             acknowledged=["x"])


# -- approvals bind to what was shown ---------------------------------------------------------


def test_cli_approve_binds_to_the_text_it_printed(clinic, monkeypatch):
    real_confirm = click.confirm

    def confirm_after_a_colleague_saves(text, **kw):
        if text == "Do you confirm?":  # the draft changes while the reviewer reads
            new = "Acne is not caused by dirt, and it is not catching."
            Service(clinic).edit("acne", "about.3", new, "Sam Okafor, MD", acknowledged=_keys(clinic, "about.3", new))
        return real_confirm(text, **kw)

    monkeypatch.setattr(click, "confirm", confirm_after_a_colleague_saves)
    r = run(clinic, "approve", "acne", "--reviewer", REVIEWER, input="y\n")
    assert r.exit_code == 5
    assert ("acne: cannot approve: the draft changed since you opened it (someone saved a change); "
            "reload it and review the new text") in r.output
    assert [e["event"] for e in audit.events(clinic)] == ["edit"]


def hand_edit(clinic, fact_id: str, extra: str) -> str:
    """A reviewer's edit of drafts/acne.yaml by hand: `extra` appended to one fact's text."""
    d = load_draft(clinic.drafts, "acne")
    f = next(f for f in d.facts() if f.fact_id == fact_id)
    f.text += extra
    save_draft(clinic.drafts, d)
    return f.text


def _keys(clinic, fact, text):
    svc = Service(clinic)
    return [f.key for f in svc.check_text(svc.draft("acne"), fact, text)]


def test_cli_approve_with_a_hash_refuses_other_text(clinic):
    r = run(clinic, "approve", "acne", "--reviewer", REVIEWER, "--sha256", "0" * 64, "--yes")
    assert r.exit_code == 5 and "the draft changed since you opened it" in r.output
    sha = load_draft(clinic.drafts, "acne").content_sha256()
    assert run(clinic, "approve", "acne", "--reviewer", REVIEWER, "--sha256", sha, "--yes").exit_code == 0


def test_machine_text_that_fails_is_refused_by_the_cli_even_acknowledged(clinic):
    key = _make_machine_text_fail(clinic)
    r = run(clinic, "approve", "acne", "--reviewer", REVIEWER, "--acknowledge", key, "--yes")
    assert r.exit_code == 5
    assert "machine text that fails its checks can never be approved, acknowledged or not" in r.output
    r = run(clinic, "approve", "acne", "--reviewer", REVIEWER)  # refused before asking anything
    assert r.exit_code == 5 and "cannot approve: checks failed" in r.output and "Do you confirm?" not in r.output
    assert not (clinic.signoffs / "acne.json").exists()


def _make_machine_text_fail(clinic) -> str:
    """A model rewrite in the draft now fails its checks (as if the guard got stricter); returns the finding key."""
    d = load_draft(clinic.drafts, "acne")
    f = next(f for f in d.facts() if f.origin.value == "model rewrite")
    f.text += " Use it twice a day."
    save_draft(clinic.drafts, d)
    prov = load_provenance(clinic.drafts, "acne")
    prov.facts[f.fact_id].chosen_text = f.text  # what drafting chose: machine text, not a hand edit
    save_provenance(clinic.drafts, prov)
    snap = Service(clinic).load("acne")
    assert snap.status.state.value == "checks failed"
    return next(x.key for x in snap.report.findings if x.severity == "error" and x.fact == f.fact_id)


# -- hand edits of drafts/ID.yaml ------------------------------------------------------------------


def test_a_hand_edit_shows_as_a_clinician_edit_and_is_logged_once_before_an_action(clinic):
    path = draft_path(clinic.drafts, "acne")
    hand_edit(clinic, "about.3", " It is itchy.")
    before = path.read_bytes()
    snap = Service(clinic).load("acne")  # viewing writes nothing ...
    assert service.origin_label(snap.draft.sections[0].facts[2]) == "clinician edit"
    assert audit.events(clinic) == [] and path.read_bytes() == before
    key = next(f.key for f in snap.to_acknowledge())
    with pytest.raises(SignoffError, match="acknowledge each finding"):
        Service(clinic).approve("acne", REVIEWER, expected_content_sha256=snap.content_sha256)
    [e] = audit.events(clinic)  # ... but any action logs the hand edit first, once
    assert (e["event"], e["fact"]) == ("edit", "about.3") and e["by"] == "unsigned: hand edit of drafts/acne.yaml"
    assert "sig" not in e  # nobody's name is claimed for it ...
    Service(clinic).approve("acne", REVIEWER, expected_content_sha256=snap.content_sha256, acknowledged=[key])
    assert [e["event"] for e in audit.events(clinic)] == ["edit", "approve"]
    assert audit.events(clinic)[1]["record"]["signs_for_edits"] == [1]  # ... until a listed reviewer signs for it
    assert verify_audit(clinic) == []


@pytest.mark.parametrize("state, reason, flag, approved, published, word", [
    ("NO_DRAFT", "no draft yet; run `handouts draft acne`", "", False, False, "no draft yet"),
    ("OUT_OF_DATE", "sources/acne.yaml changed since the draft was made", "", False, False, "checks failed"),
    ("CHECKS_FAILED", "treatment.3 (model rewrite): ...", "", False, False, "checks failed"),
    ("AWAITING_REVIEW", "needs a clinician's sign-off", "", False, False, "awaiting review"),
    ("CHANGES_REQUESTED", "changes requested by ...", "", False, False, "changes requested"),
    ("APPROVED", "approved by ...", "", True, False, "approved (not yet published)"),
    ("APPROVED", "approved by ...", "", True, True, "published"),
    ("APPROVED", "approved by ...; review due 2026-12-01", "review due", True, True, "review due"),
    ("AWAITING_REVIEW", "review overdue since ...; withdrawn until re-approved", "overdue", False, False,
     "review due"),
    ("RETIRED", "retired by ...", "", False, False, "retired"),
])
def test_state_words(state, reason, flag, approved, published, word):
    from handouts.signoff.signoff import Approval, HandoutStatus, State

    approval = Approval("acne", "Dana Reyes", "MD", "2024-12-01T09:00:00Z", "c" * 64, "s" * 64) if approved else None
    st = HandoutStatus("acne", State[state], reason, approval, review_flag=flag)
    assert service.state_label(st, published) == word
    assert word in service.STATE_WORDS


def test_a_finding_key_names_one_finding_on_one_exact_text():
    k = service.finding_key("summary", "It can be itchy.", "added_word", "adds 'itchy' (a symptom)")
    assert k == service.finding_key("summary", "It can be itchy.", "added_word", "adds 'itchy' (a symptom)")
    assert len(k) == 10
    assert k != service.finding_key("summary", "It can be very itchy.", "added_word", "adds 'itchy' (a symptom)")
    assert k != service.finding_key("about.1", "It can be itchy.", "added_word", "adds 'itchy' (a symptom)")


def test_check_says_passed_with_warnings_when_a_grade_is_over_target():
    from handouts.checks.handout import Grade, Report

    assert service.check_verdict(Report(id="a", grade=Grade(5.0, 6.0, 6, True))) == "passed"
    assert service.check_verdict(Report(id="a", grade=Grade(8.6, 10.5, 6, False))) == "passed with warnings"
    failed = Report(id="a", grade=Grade(5.0, 6.0, 6, True))
    failed.add("error", "skin-of-color", "no section on how the condition looks on darker skin")
    assert service.check_verdict(failed) == "checks failed"


def test_published_is_a_fact_of_the_site_not_a_signoff_state():
    from handouts.signoff.signoff import HandoutStatus, State

    assert "published" not in [s.value for s in State]  # sign-off never assigns it
    awaiting = HandoutStatus("acne", State.AWAITING_REVIEW, "needs a clinician's sign-off")
    assert service.state_label(awaiting, published=True) == "awaiting review"  # only approved content is live
