"""Fluency: the model's log-probability per token, and the pure rule on top of it."""

from __future__ import annotations

import pytest

from handouts.checks import Kind
from handouts.drafting import fluency
from handouts.drafting.models import OpenAIServerModel
from tests.doubles import ScriptedModel

SRC = "Wash the face twice daily with a gentle cleanser."


def test_the_rule_is_a_margin_below_the_source():
    assert not fluency.less_fluent(-5.0, -5.9)
    assert fluency.less_fluent(-5.0, -6.1)
    assert not fluency.less_fluent(-5.0, -3.0)  # plainer English scores higher: never dropped for that
    assert fluency.less_fluent(-5.0, -5.6, margin=0.5)


def test_judge_drops_a_clearly_less_fluent_candidate():
    scores = {SRC: -5.0, "Wash face face the twice.": -7.5, "Wash your face twice a day.": -4.2}
    model = ScriptedModel(score=scores.get)
    bad = fluency.judge(model, SRC, "Wash face face the twice.")
    assert not bad.ok and bad.scored and bad.drop == pytest.approx(2.5)
    assert bad.finding().kind is Kind.FLUENCY
    assert bad.note == "reads less fluently than the fact (-7.50 vs -5.00 nats per token, margin 1)"
    good = fluency.judge(model, SRC, "Wash your face twice a day.")
    assert good.ok and good.finding() is None
    assert good.to_dict() == {"scored": True, "source_logprob": -5.0, "candidate_logprob": -4.2, "ok": True,
                              "note": "fluency -4.20 vs the fact's -5.00 nats per token"}


def test_a_backend_that_cannot_score_degrades_and_says_so():
    server = OpenAIServerModel("http://127.0.0.1:9", "some-model")
    f = fluency.judge(server, SRC, "Wash face face the twice.")
    assert f.ok and not f.scored and f.source is None
    assert f.note == "fluency not scored: the some-model backend cannot score text"
    assert fluency.judge(ScriptedModel(), SRC, "x").note.startswith("fluency not scored")


@pytest.mark.model
def test_bundled_model_scores_deterministically_and_prefers_fluent_text():
    from handouts.drafting.models import LlamaCppModel, bundled_model_path

    model = LlamaCppModel(bundled_model_path(), n_ctx=512, threads=1)
    try:
        fluent = model.score_text("Wash your face twice a day with a gentle cleanser.")
        broken = model.score_text("Wash the the your face a twice day with gentle a cleanser.")
        assert fluent == model.score_text("Wash your face twice a day with a gentle cleanser.")
        assert fluent > broken
    finally:
        model.close()


def test_drafting_drops_a_clearly_less_fluent_candidate_and_records_the_score():
    from tests.drafting.test_drafting import GOOD, TREATMENT, drafter_for, replies_for, sheet_one

    def score(text):
        return -9.0 if text == GOOD else -5.0

    model = ScriptedModel(respond=replies_for(GOOD), score=score)
    draft, prov = drafter_for(model, candidates=1).draft_sheet(sheet_one(), None, None)
    rec = prov.facts["treatment.1"]
    model_candidates = [c for c in rec.candidates if c.kind == "model"]
    assert model_candidates[0].text == GOOD and not model_candidates[0].accepted
    assert model_candidates[0].reasons[-1].startswith("reads clearly less fluently than your fact")
    assert model_candidates[0].fluency == ("reads less fluently than the fact "
                                           "(-9.00 vs -5.00 nats per token, margin 1)")
    assert rec.chosen_text != GOOD
    assert rec.source == TREATMENT


def test_drafting_with_a_backend_that_cannot_score_keeps_candidates_and_says_so():
    from tests.drafting.test_drafting import GOOD, drafter_for, replies_for, sheet_one

    model = ScriptedModel(respond=replies_for(GOOD))
    draft, prov = drafter_for(model, candidates=1).draft_sheet(sheet_one(), None, None)
    c = [c for c in prov.facts["treatment.1"].candidates if c.kind == "model"][0]
    assert c.accepted and c.fluency == "fluency not scored: the scripted backend cannot score text"
    assert c.to_dict()["fluency"] == c.fluency


class _CountingModel(ScriptedModel):
    """A model whose scores depend only on its file and the text, as llama.cpp's do."""

    deterministic_scores = True

    def __init__(self, sha: str):
        super().__init__(score=lambda text: -float(len(text)))
        self.scored: list[str] = []
        self._sha = sha

    @property
    def sha256(self) -> str:
        return self._sha

    def score_text(self, text):
        self.scored.append(text)
        return super().score_text(text)


def test_scores_are_remembered_per_model_file_and_text(tmp_path, monkeypatch):
    from handouts import checks
    from handouts.core.memo import Memo

    monkeypatch.setattr(fluency, "_scores", {})
    monkeypatch.setattr(checks, "_persisted", Memo(tmp_path / "memo.sqlite3"))
    model = _CountingModel("a" * 64)
    fluency.judge(model, SRC, "Wash your face.")
    fluency.judge(model, SRC, "Wash your face twice a day.")
    assert model.scored == [SRC, "Wash your face.", "Wash your face twice a day."]  # the source once
    monkeypatch.setattr(fluency, "_scores", {})  # a new process: the memo on disk answers
    again = _CountingModel("a" * 64)
    assert fluency.judge(again, SRC, "Wash your face.").candidate == -15.0 and again.scored == []
    other = _CountingModel("b" * 64)  # another model file is scored afresh
    fluency.judge(other, SRC, "Wash your face.")
    assert other.scored == [SRC, "Wash your face."]


def test_a_scripted_model_is_never_remembered():
    calls = []
    model = ScriptedModel(score=lambda t: calls.append(t) or -1.0)
    fluency.judge(model, SRC, "x y z")
    fluency.judge(model, SRC, "x y z")
    assert len(calls) == 4


def test_a_drafts_provenance_carries_its_scores_so_a_fresh_clone_scores_nothing_again(monkeypatch):
    """The committed provenance holds the fluency scores of the model file that made it:
    a fresh clone (empty memo) redrafts from it without one scoring pass; another model
    file's scores are never taken."""
    from handouts.core.drafts import Provenance
    from tests.drafting.test_drafting import GOOD, drafter_for, replies_for, sheet_one

    class Model(_CountingModel):
        def describe(self):
            return {**super().describe(), "sha256": self.sha256}

    monkeypatch.setattr(fluency, "_scores", {})
    first = Model("a" * 64)
    first.respond = replies_for(GOOD)
    draft, prov = drafter_for(first, candidates=1).draft_sheet(sheet_one(), None, None)
    assert first.scored and set(first.scored) <= set(prov.logprobs)
    assert prov.logprobs[GOOD] == -float(len(GOOD))
    carried = Provenance.from_dict(prov.to_dict())  # through the JSON file
    assert carried.logprobs == prov.logprobs

    monkeypatch.setattr(fluency, "_scores", {})  # a fresh clone: nothing remembered
    again = Model("a" * 64)
    again.respond = replies_for(GOOD)
    draft2, prov2 = drafter_for(again, candidates=1).draft_sheet(sheet_one(), draft, carried)
    assert again.scored == [] and draft2 == draft and prov2.logprobs == prov.logprobs

    monkeypatch.setattr(fluency, "_scores", {})
    other = Model("b" * 64)  # another model file: its own scores
    other.respond = replies_for(GOOD)
    drafter_for(other, candidates=1).draft_sheet(sheet_one(), draft, carried)
    assert other.scored
