"""The no-change fast path: a build whose inputs match the live release's manifest verifies
site/ and stops, without checks, PDFs or mkdocs; any change to an input makes a full build."""

from __future__ import annotations

import pytest

from handouts import pipeline
from tests.doubles import ScriptedModel
from handouts.publish import publish
from handouts.signoff import audit, signoff


def echo_model():
    return ScriptedModel(respond=lambda text, params: text)


def _approved_and_built(root):
    pipeline.build(root, model=echo_model(), progress=False)
    project, sheets = pipeline.load(root)
    d = pipeline.read_draft(project, "hives")
    signoff.approve(project, "hives", "Dana Reyes, MD, FAAD", draft=d, sheet_sha256=sheets[0].sha256,
                    provenance=pipeline.provenance_for(project, "hives"),
                    report=pipeline.check_draft(project, sheets[0], d))
    first = pipeline.build(root, model=echo_model(), progress=False)
    assert first.published == ["hives"] and not first.unchanged
    return first


def _no_full_build(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("a full build ran although nothing changed")

    monkeypatch.setattr(pipeline, "check", refuse)
    monkeypatch.setattr(publish, "publish", refuse)


def test_a_no_change_build_verifies_and_stops(tiny, monkeypatch):
    first = _approved_and_built(tiny)
    log = (tiny / audit.LOG_NAME).read_bytes()
    _no_full_build(monkeypatch)
    again = pipeline.build(tiny, model=echo_model(), progress=False)
    assert again.unchanged and again.published == ["hives"]
    assert [(r.id, r.state, r.grade) for r in again.rows] == [(r.id, r.state, r.grade) for r in first.rows]
    assert again.stats.model_calls == 0 and again.stats.facts == first.stats.facts
    assert (tiny / audit.LOG_NAME).read_bytes() == log  # nothing written


@pytest.mark.parametrize("change", ["sheet", "draft", "provenance", "signoff", "clinic", "template", "audit"])
def test_any_changed_input_makes_a_full_build(tiny, change):
    _approved_and_built(tiny)
    edit = {
        "sheet": ("sources/hives.yaml", lambda t: t + "\n# a comment\n"),
        "draft": ("drafts/hives.yaml", lambda t: t + "\n# a comment\n"),
        "provenance": ("drafts/hives.provenance.json", lambda t: t.rstrip() + "\n\n"),
        "signoff": ("signoffs/hives.json", lambda t: t + "\n"),
        "clinic": ("site_config/clinic.yaml", lambda t: t + "\n# a comment\n"),
        "template": ("site_config/extra.css", lambda t: "p { margin: 0 }\n"),
        "audit": (audit.LOG_NAME, None),
    }[change]
    path = tiny / edit[0]
    if change == "audit":
        project, _ = pipeline.load(tiny)
        signoff.record_create(project, "other", "0" * 64)
    else:
        path.write_text(edit[1](path.read_text() if path.exists() else ""))
    result = pipeline.build(tiny, model=echo_model(), progress=False)
    assert not result.unchanged


def test_an_altered_site_is_rebuilt_not_trusted(tiny):
    _approved_and_built(tiny)
    page = tiny / "site" / "hives" / "index.html"
    page.write_text(page.read_text().replace("cetirizine", "cetirizine (and more)"))
    result = pipeline.build(tiny, model=echo_model(), progress=False)
    assert not result.unchanged
    assert "(and more)" not in page.read_text()


def test_a_review_date_coming_due_makes_a_full_build(tiny, monkeypatch):
    _approved_and_built(tiny)
    monkeypatch.setattr(audit, "utc_now", lambda: "2999-01-01T00:00:00Z")
    assert not pipeline.build(tiny, model=echo_model(), progress=False).unchanged


def test_another_model_makes_a_full_build(tiny):
    _approved_and_built(tiny)
    other = ScriptedModel(respond=lambda text, params: text, id="another-model")
    assert not pipeline.build(tiny, model=other, progress=False).unchanged
