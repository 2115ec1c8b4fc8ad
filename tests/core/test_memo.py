"""The persisted memo: unchanged inputs are never re-validated, re-parsed, re-judged or re-drafted,
and any change to the code or data behind a result invalidates it."""

from __future__ import annotations

import shutil

import pytest

from handouts import checks, pipeline
from handouts.core import memo
from handouts.core.drafts import load_draft
from handouts.core.exceptions import InputError
from tests.doubles import ScriptedModel
from handouts.sources import sheets


def echo_model():
    return ScriptedModel(respond=lambda text, params: text)


def _refuse(*args, **kwargs):
    raise AssertionError("recomputed although its inputs did not change")


def test_a_second_check_judges_nothing_again(tiny, monkeypatch):
    pipeline.build(tiny, model=echo_model(), progress=False)
    project, found = pipeline.load(tiny)
    first = pipeline.check(project, found)
    memo.for_project(project).close()
    checks._remembered.cache_clear()
    checks._check_rewrite.cache_clear()
    monkeypatch.setattr(checks, "_check_rewrite", _refuse)
    monkeypatch.setattr(checks, "handout_report", _refuse)
    monkeypatch.setattr(sheets, "_validated", _refuse)
    monkeypatch.setattr(pipeline, "load_draft", _refuse)
    project, found = pipeline.load(tiny)
    assert pipeline.check(project, found) == first


def test_verdicts_are_kept_on_disk_and_read_back_equal(tiny):
    project, _ = pipeline.load(tiny)
    m = memo.for_project(project)
    checks.use_memo(m)
    try:
        v = checks.check_rewrite("Take cetirizine 10 mg once a day.", "Take cetirizine 20 mg every day.")
        assert not v.accepted and v.findings
        m.flush()
        checks._remembered.cache_clear()
        again = checks.check_rewrite("Take cetirizine 10 mg once a day.", "Take cetirizine 20 mg every day.")
    finally:
        checks.use_memo(None)
    assert again == v and again.reasons == v.reasons
    assert (tiny / ".handouts" / memo.FILE_NAME).is_file()


def test_a_change_to_the_checks_code_or_data_changes_the_version(tmp_path, monkeypatch):
    package = tmp_path / "handouts"
    shutil.copytree(memo.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(memo, "PACKAGE", package)
    memo.version.cache_clear()
    try:
        before = {k: memo.version(k) for k in ("verdict", "report", "sheet")}
        with open(package / "data" / "plain_words.txt", "a", encoding="utf-8") as fh:
            fh.write("zebra\n")
        memo.version.cache_clear()
        after = {k: memo.version(k) for k in ("verdict", "report", "sheet")}
    finally:
        memo.version.cache_clear()
    assert after["verdict"] != before["verdict"] and after["report"] != before["report"]
    assert after["sheet"] == before["sheet"]  # the sheet validator does not read the word lists


@pytest.mark.parametrize("module", ["simplify.py", "fluency.py", "grammar.py", "drafting.py", "prompts.py"])
def test_a_change_to_any_drafting_module_means_drafting_again(tmp_path, monkeypatch, module):
    """A new sentence rule (or fluency scorer, or grammar) must redraft on the next build."""
    package = tmp_path / "handouts"
    shutil.copytree(memo.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(memo, "PACKAGE", package)
    memo.version.cache_clear()
    try:
        before = memo.version("drafting")
        with open(package / "drafting" / module, "a", encoding="utf-8") as fh:
            fh.write("\n# changed\n")
        memo.version.cache_clear()
        after = memo.version("drafting")
    finally:
        memo.version.cache_clear()
    assert after != before


def test_a_new_checks_version_drops_the_old_verdicts(tiny, monkeypatch):
    project, _ = pipeline.load(tiny)
    m = memo.Memo(tiny / ".handouts" / "other.sqlite3")
    m.put("verdict", "k1", {"accepted": True, "findings": []})
    m.flush()
    memo._current.clear()
    monkeypatch.setattr(memo, "version", lambda kind: "a new version")
    m.put("verdict", "k2", {"accepted": True, "findings": []})
    assert m.get("verdict", "k1") is None and m.get("verdict", "k2") is not None


def test_an_edited_sheet_is_validated_again(tiny):
    project, (sheet,) = pipeline.load(tiny)
    path = tiny / "sources" / "hives.yaml"
    path.write_text(path.read_text().replace("title:", "title: [", 1))
    with pytest.raises(InputError) as exc:
        pipeline.load(tiny)
    assert exc.value.problems[0].startswith("sources/hives.yaml:")


def test_a_remembered_sheet_equals_a_validated_one(tiny):
    _, (first,) = pipeline.load(tiny)
    _, (again,) = pipeline.load(tiny)
    assert again == sheets.load_sheet(tiny / "sources" / "hives.yaml", "sources/hives.yaml") == first


def test_read_draft_equals_load_draft_and_follows_edits(tiny):
    pipeline.build(tiny, model=echo_model(), progress=False)
    project, _ = pipeline.load(tiny)
    assert pipeline.read_draft(project, "hives") == load_draft(project.drafts, "hives")
    assert pipeline.read_draft(project, "hives") == load_draft(project.drafts, "hives")  # from the memo
    path = project.drafts / "hives.yaml"
    path.write_text(path.read_text().replace("cetirizine", "Cetirizine", 1))
    assert pipeline.read_draft(project, "hives") == load_draft(project.drafts, "hives")
    assert pipeline.read_draft(project, "nope") is None


def test_an_up_to_date_sheet_is_not_drafted_again(tiny, monkeypatch):
    pipeline.build(tiny, model=echo_model(), progress=False)
    project, found = pipeline.load(tiny)
    pipeline.draft(project, found, pipeline.make_drafter(project, echo_model(), progress=False))  # notes it
    from handouts.drafting.drafting import Drafter

    monkeypatch.setattr(Drafter, "draft_sheet", _refuse)
    stats = pipeline.draft(project, found, pipeline.make_drafter(project, echo_model(), progress=False))
    assert stats.facts == len(found[0].facts()) and stats.model_calls == 0
    # a changed fact is drafted again
    path = tiny / "sources" / "hives.yaml"
    path.write_text(path.read_text().replace("cetirizine 10 mg", "cetirizine 20 mg"))
    project, found = pipeline.load(tiny)
    with pytest.raises(AssertionError, match="recomputed"):
        pipeline.draft(project, found, pipeline.make_drafter(project, echo_model(), progress=False))


def test_a_broken_memo_file_is_a_cold_memo(tiny):
    work = tiny / ".handouts"
    work.mkdir()
    (work / memo.FILE_NAME).write_bytes(b"this is not a database" * 100)
    result = pipeline.build(tiny, model=echo_model(), progress=False)
    assert [r.id for r in result.rows] == ["hives"]


def test_a_page_found_clean_is_not_scanned_again_but_a_changed_one_is(tmp_path, monkeypatch):
    from handouts.publish import sitescan

    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text("<p>fine</p>")
    m = memo.Memo(tmp_path / "memo.sqlite3")
    assert sitescan.scan_site(site, memo=m) == []
    calls = []
    real = sitescan.scan_html
    monkeypatch.setattr(sitescan, "scan_html", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    assert sitescan.scan_site(site, memo=m) == [] and calls == []
    (site / "a.html").write_text('<p>fine</p><a href="javascript:alert(1)">x</a>')
    problems = sitescan.scan_site(site, memo=m)
    assert calls == ["a.html"] and problems and problems[0].startswith("a.html:")
    assert sitescan.scan_site(site, memo=m) == problems  # a page with problems is never remembered
