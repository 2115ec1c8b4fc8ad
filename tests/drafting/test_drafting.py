"""Drafting with a scripted model: adversarial outputs never reach a draft unmarked."""

from __future__ import annotations

import pytest

from handouts.core.drafts import Origin
from handouts.core.exceptions import ModelTimeout
from handouts.drafting.drafting import Drafter, cache_key
from handouts.drafting.models import Generation, Params
from tests.doubles import ScriptedModel
from tests.conftest import make_sheet

TREATMENT = "Apply hydrocortisone 1% cream twice daily for up to 7 days."
GOOD = "Put hydrocortisone 1% cream on the skin twice daily for up to 7 days."


def sheet_one(fact=TREATMENT, section="treatment"):
    s = make_sheet()
    # keep only the summary plus one fact so scripts stay short
    from dataclasses import replace
    from handouts.sources.sheets import Fact, Section
    return replace(s, sections=(Section(section, "H", (Fact(f"{section}.1", fact, section),)),))


def drafter_for(model, candidates=3):
    return Drafter(lambda: model, Params(), candidates=candidates, progress=False)


def replies_for(fact_reply, summary_reply="Demo disease is a common rash."):
    def respond(user_text, params):
        if user_text.startswith("Demo disease"):
            return summary_reply
        return fact_reply(params) if callable(fact_reply) else fact_reply
    return respond


@pytest.mark.parametrize("bad", [
    "Put hydrocortisone 10% cream on the skin twice daily for up to 7 days.",  # wrong strength
    "Put hydrocortisone 1% cream on the skin twice daily for up to 14 days.",  # wrong duration
    "Put hydrocortisone 1% cream on the skin once a week for up to 7 days.",  # wrong frequency
    "Put hydrocortisone 1% cream and tacrolimus on the skin twice daily for up to 7 days.",  # new drug
    "Put the cream on. Put the cream on. Put the cream on. Put the cream on. Put the cream on.",  # loop
    "<b>Put hydrocortisone 1% cream</b> on the skin twice daily for up to 7 days.",  # HTML
    "",  # empty
    "Here is the rewritten sentence: Put hydrocortisone 1% cream on twice daily for up to 7 days.",
])
def test_unfaithful_candidates_fall_back_to_the_marked_source(bad):
    model = ScriptedModel(respond=replies_for(bad))
    draft, prov = drafter_for(model).draft_sheet(sheet_one(), None, None)
    fact = draft.sections[0].facts[0]
    assert not fact.origin is Origin.MODEL and fact.origin.value in ("clinician's words unchanged", "word swaps")
    assert bad not in fact.text or bad == ""
    rec = prov.facts["treatment.1"]
    model = [c for c in rec.candidates if c.kind == "model"]
    assert len(model) == 3
    assert all(not c.accepted and c.reasons for c in model)


def test_cut_off_output_is_a_failed_candidate():
    model = ScriptedModel(respond=replies_for(lambda p: Generation(GOOD, "length", 0, 5)))
    draft, prov = drafter_for(model).draft_sheet(sheet_one(), None, None)
    assert draft.sections[0].facts[0].origin is not Origin.MODEL
    assert "cut off" in prov.facts["treatment.1"].candidates[0].reasons[0]


def test_best_faithful_candidate_wins_and_links_sentences_to_the_fact():
    outputs = iter([
        "Put hydrocortisone 10% cream on twice daily for up to 7 days.",  # wrong
        GOOD,
        "Use hydrocortisone 1% cream twice daily for up to 7 days.",  # shorter, faithful
    ])
    model = ScriptedModel(respond=replies_for(lambda p: next(outputs)))
    draft, prov = drafter_for(model).draft_sheet(sheet_one(), None, None)
    fact = draft.sections[0].facts[0]
    rec = prov.facts["treatment.1"]
    assert fact.origin is Origin.MODEL and rec.origin is Origin.MODEL
    assert [c.accepted for c in rec.candidates if c.kind == "model"] == [False, True, True]
    assert fact.text == rec.candidates[rec.chosen_candidate].text
    assert rec.to_dict("treatment.1")["sentences"] == [{"n": 1, "text": fact.text, "fact": "treatment.1"}]


def test_every_call_is_seeded_with_temperature_and_limits():
    model = ScriptedModel(respond=replies_for(GOOD))
    drafter_for(model).draft_sheet(sheet_one(), None, None)
    seen = [(p.seed, p.temperature) for _, p in model.requests]
    assert seen[:3] == [(1, 0.0), (2, 0.3), (3, 0.3)]
    assert all(p.max_tokens == 120 and p.n_ctx == 2048 and p.timeout_seconds == 60 for _, p in model.requests)
    # the shared few-shot prefix is identical for every fact
    prefixes = {str(m[:-1]) for m, _ in model.requests}
    assert len(prefixes) == 1


def test_unchanged_rebuild_makes_zero_model_calls():
    sheet = sheet_one()
    first = ScriptedModel(respond=replies_for(GOOD))
    d1, prov = drafter_for(first).draft_sheet(sheet, None, None)
    assert first.calls == 6
    second = ScriptedModel(respond=replies_for("should not be called"))
    d2, prov2 = drafter_for(second).draft_sheet(sheet, d1, prov)
    assert second.calls == 0
    assert d2.content_sha256() == d1.content_sha256()


def test_changed_fact_redrafts_only_that_fact():
    sheet = sheet_one()
    m1 = ScriptedModel(respond=replies_for(GOOD))
    d1, prov = drafter_for(m1).draft_sheet(sheet, None, None)
    changed = sheet_one("Apply hydrocortisone 1% cream twice daily for up to 5 days.")
    m2 = ScriptedModel(respond=replies_for("Use hydrocortisone 1% cream twice daily for up to 5 days."))
    d2, _ = drafter_for(m2).draft_sheet(changed, d1, prov)
    assert m2.calls == 3  # the summary came from the cache
    assert d2.sections[0].facts[0].text.endswith("5 days.")


def test_cache_key_covers_model_prompt_and_parameters():
    fact = sheet_one().sections[0].facts[0]
    base = cache_key(fact, "a" * 64, Params(), 3)
    assert base == cache_key(fact, "a" * 64, Params(timeout_seconds=600, n_ctx=4096), 3)
    assert base != cache_key(fact, "b" * 64, Params(), 3)
    assert base != cache_key(fact, "a" * 64, Params(temperature=0.5), 3)
    assert base != cache_key(fact, "a" * 64, Params(), 4)


def test_clinician_edit_survives_redrafting():
    sheet = sheet_one()
    m1 = ScriptedModel(respond=replies_for(GOOD))
    d1, prov = drafter_for(m1).draft_sheet(sheet, None, None)
    d1.sections[0].facts[0].text = "Use hydrocortisone 1% cream twice daily, for up to 7 days."
    d2, prov2 = drafter_for(ScriptedModel()).draft_sheet(sheet, d1, prov)
    f = d2.sections[0].facts[0]
    assert f.origin is Origin.EDITED and f.text.startswith("Use hydrocortisone")
    assert prov2.facts["treatment.1"].edited_by_clinician is True


def test_model_error_keeps_finished_output_for_the_next_run():
    sheet = make_sheet()
    calls = {"n": 0}

    def respond(text, params):
        calls["n"] += 1
        if calls["n"] > 4:
            return ModelTimeout("generation took longer than 60s")
        return text  # echo: faithful by construction

    saved = []
    with pytest.raises(ModelTimeout):
        drafter_for(ScriptedModel(respond=respond), candidates=2).draft_sheet(
            sheet, None, None, save_partial=saved.append)
    assert len(saved[0].pending) == 2 and not saved[0].facts  # cache only; no draft changed
    m2 = ScriptedModel(respond=lambda text, p: text)
    drafter_for(m2, candidates=2).draft_sheet(sheet, None, saved[0])
    assert m2.calls == 2 * (len(sheet.facts()) - 2)


def test_a_copy_of_the_fact_is_labelled_unchanged_not_a_rewrite():
    fact = "Use a moisturizer every day."
    draft, prov = drafter_for(ScriptedModel(respond=replies_for(fact))).draft_sheet(
        sheet_one(fact, "self_care"), None, None)
    f = draft.sections[0].facts[0]
    assert (f.text, f.origin, f.changes) == (fact, Origin.UNCHANGED, [])


def test_word_swaps_are_labelled_and_each_swap_is_listed():
    fact = "Pruritus is worse at night."
    draft, prov = drafter_for(ScriptedModel(respond=replies_for("no"))).draft_sheet(
        sheet_one(fact, "about"), None, None)
    f = draft.sections[0].facts[0]
    assert f.origin is Origin.WORD_SWAPS and f.text == "Itch is worse at night."
    assert f.changes == ["Pruritus -> Itch"] == prov.facts["about.1"].changes


def test_provenance_round_trips_and_reads_the_old_status_field():
    from handouts.core.drafts import Provenance

    draft, prov = drafter_for(ScriptedModel(respond=replies_for(GOOD))).draft_sheet(sheet_one(), None, None)
    assert Provenance.from_dict(prov.to_dict()) == prov
    old = prov.to_dict()
    rec = old["facts"]["treatment.1"]
    del rec["origin"]
    rec["status"] = "simplified"
    assert Provenance.from_dict(old).facts["treatment.1"].origin is Origin.MODEL
    rec["status"] = "not simplified"
    rec["chosen_text"] = rec["source"]
    assert Provenance.from_dict(old).facts["treatment.1"].origin is Origin.UNCHANGED


def test_words_to_know_lists_exactly_the_hard_terms_the_text_uses():
    from handouts.drafting.drafting import words_to_know

    glossary = {"sebum": "skin oil", "nodule": "a deep lump", "comedone": "a clogged pore"}
    texts = ["Sebum (skin oil) builds up.", "Comedones form.", "Use retinoids (vitamin A medicines)."]
    assert words_to_know(texts, glossary) == {"sebum": "skin oil", "comedone": "a clogged pore",
                                              "retinoid": "a vitamin A medicine"}


def test_a_term_is_explained_at_its_first_use_in_the_handout_only():
    s = make_sheet()
    from dataclasses import replace
    from handouts.sources.sheets import Fact, Section
    s = replace(s, glossary={}, sections=(Section("about", "H", (
        Fact("about.1", "Retinoids unclog pores.", "about"),
        Fact("about.2", "A retinoid can dry the skin.", "about"))),))
    draft, _ = drafter_for(ScriptedModel(respond=replies_for("no"))).draft_sheet(s, None, None)
    a, b = draft.sections[0].facts
    # the explanation reads best in a sentence of its own (the bracket form is a candidate too)
    assert a.text == "Retinoids unclog pores. Retinoids are vitamin A medicines."
    assert a.changes == ["rule: explained-in-own-sentence", "explained: retinoids"] and a.origin is Origin.RESTRUCTURED
    assert b.text == "A retinoid can dry the skin." and b.origin is Origin.UNCHANGED
    assert draft.glossary == {"retinoid": "a vitamin A medicine"}


def test_faithful_first_a_rewrite_that_drops_a_word_never_wins():
    fact = "Apply a moisturizer to all of the skin twice daily, and it should be fragrance-free."
    dropped = "Put a moisturizer on the skin twice a day. It should be fragrance-free."  # drops "all"
    draft, prov = drafter_for(ScriptedModel(respond=replies_for(dropped))).draft_sheet(
        sheet_one(fact, "self_care"), None, None)
    f = draft.sections[0].facts[0]
    assert "all of the skin" in f.text and f.origin is Origin.RESTRUCTURED
    assert f.text == "Apply a moisturizer to all of the skin twice a day. It should be fragrance-free."
    assert f.changes == ["rule: coordinated-clauses", "twice daily -> twice a day"]


def test_keeps_all_content_counts_quantifiers_and_lexicon_synonyms():
    from handouts.drafting.drafting import keeps_all_content

    assert keeps_all_content("Pruritus affects all patients.", "Itch affects all patients.")
    assert not keeps_all_content("Pruritus affects all patients.", "Itch affects patients.")
    assert not keeps_all_content("Use it only at night.", "Use it at night.")
    assert keeps_all_content("Use it at night; wash it off.", "Use it at night. Wash it off.")


def test_progress_line_shows_facts_done_time_left_and_speed(monkeypatch):
    """The bar is click's; the time left comes from the average time per fact so far."""
    import io

    import click._termui_impl as termui

    from handouts.drafting.drafting import Progress, Stats

    clock = [1000.0]
    monkeypatch.setattr(termui.time, "time", lambda: clock[0])
    out = io.StringIO()
    bar = Progress(4, "drafting acne", stream=out)
    stats = Stats(tokens=240, seconds=5.0)
    for n in (1, 2):
        clock[0] += 10  # 10 s per fact
        bar.update(n, stats, f"about.{n}")
    assert bar.line() == "drafting acne  [############------------]  2/4  00:00:20   48.0 tok/s  about.2"
    clock[0] += 10
    bar.update(3, stats, "about.3")
    clock[0] += 10
    bar.update(4, stats, "about.4")
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("drafting acne  [######------------------]  1/4")  # the first line at once
    assert lines[-1] == "drafting acne  [########################]  4/4   48.0 tok/s  about.4"  # done: no ETA left


def test_a_model_sentence_that_only_names_again_what_was_named_is_refused():
    from handouts.drafting.drafting import renamed

    source = "Scratching thickens warts into hard plaques (hyperkeratosis)."
    assert renamed(source, "Scratching thickens warts into hard plaques (hyperkeratosis). "
                           "This condition is known as hyperkeratosis.") == "hyperkeratosis"
    # naming something for the first time, or a name the fact itself repeats, is fine
    assert renamed(source, "Scratching thickens warts into hard plaques. This is called hyperkeratosis.") == ""
    assert renamed("Warts (verrucae) are common. Verrucae are also called warts.",
                   "Warts (verrucae) are common. Verrucae are also called warts.") == ""
