"""`handouts eval-model`: figures from a scratch draft, nothing in drafts/ touched."""

from __future__ import annotations

from handouts import pipeline
from tests.doubles import ScriptedModel
from handouts.evaluate import evaluate, format_evaluation


def test_evaluation_reports_rates_grades_and_leaves_drafts_alone(tiny, tmp_path):
    project, sheets = pipeline.load(tiny)
    echo = ScriptedModel(respond=lambda text, params: text)
    ev = evaluate(project, sheets, echo, scratch=tmp_path / "scratch", progress=False)
    assert not (tiny / "drafts").exists()
    assert (tmp_path / "scratch" / "hives.yaml").exists()
    assert ev["facts"] == 6 and ev["model_calls"] == 12
    assert 0 <= ev["acceptance_rate"] <= 1 and abs(sum(ev["origins"].values()) - 1) < 0.01
    assert ev["candidate_acceptance_rate"] == 1.0  # an echo of the fact is always faithful
    assert set(ev["per_section"]) == {"summary", "about", "skin_of_color", "treatment", "self_care",
                                      "when_to_get_help"}
    assert ev["median_grade_before"]["fk"] is not None and ev["median_grade_after"]["smog"] is not None
    text = format_evaluation(ev)
    assert "model rewrite kept" in text and "how the texts were made" in text and "when_to_get_help" in text


def test_wrong_model_outputs_all_fall_back(tiny, tmp_path):
    project, sheets = pipeline.load(tiny)
    liar = ScriptedModel(respond=lambda text, params: "Take ibuprofen 800 mg three times a day.")
    ev = evaluate(project, sheets, liar, scratch=tmp_path / "s", progress=False)
    assert ev["acceptance_rate"] == 0 and "model rewrite" not in ev["origins"] and ev["candidate_acceptance_rate"] == 0


def test_scratch_folder_is_removed_unless_kept(tiny, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    project, sheets = pipeline.load(tiny)
    echo = ScriptedModel(respond=lambda text, params: text)
    ev = evaluate(project, sheets, echo, progress=False)
    assert ev["scratch"] is None and list((tmp_path / "tmp").iterdir()) == []  # nothing left behind
    assert "drafts: not kept (--keep DIR keeps them)" in format_evaluation(ev)
    kept = evaluate(project, sheets, echo, scratch=tmp_path / "kept", progress=False)
    assert (tmp_path / "kept" / "hives.yaml").exists()
    assert f"drafts kept in: {tmp_path / 'kept'}" in format_evaluation(kept)
