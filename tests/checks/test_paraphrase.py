"""Paraphrase equivalences (paraphrases.tsv) and pairs that never count as equal (unequal.tsv)."""

from __future__ import annotations

import pytest

from handouts.checks import check_rewrite
from handouts.checks.paraphrase import canonical, rules, unequal


@pytest.mark.parametrize("text,plain", [
    ("It's common for melasma to return.", "melasma often return."),
    ("Pus can be a sign of infection.", "pus suggest infection."),
    ("Pus suggests infection.", "pus suggest infection."),
    ("They're also often referred to as follicular eczema.", "they are called follicular eczema."),
    ("See a clinician within 2 days for further evaluation.", "see a clinician within 2 days ."),
    ("Put sunscreen on again every 2 hours.", "reapply sunscreen every 2 hours."),
    ("Oil-based pomades", "oil pomades"),
    ("Stress can set eczema off.", "stress can trigger eczema ."),
])
def test_canonical_forms(text, plain):
    assert canonical(text) == plain


def test_data_files_load():
    assert len(rules()) >= 30 and len(unequal()) >= 10


@pytest.mark.parametrize("source,candidate", [
    ("Fading usually takes at least 3 months of consistent treatment, and melasma often returns with sun "
     "exposure or hormonal changes.",
     "Fading usually takes at least 3 months of consistent treatment, and it's common for melasma to return "
     "after sun exposure or hormonal changes."),
    ("Small bumps around hair follicles (follicular eczema) are more common in people of African descent.",
     "Small bumps around hair follicles are more common in people of African descent. They're also often "
     "referred to as \"follicular eczema.\""),
])
def test_review_paraphrases_are_accepted(source, candidate):
    v = check_rewrite(source, candidate)
    assert v.accepted, v.reasons


def test_warning_paraphrase_is_accepted():
    v = check_rewrite("Yellow crusts, pus, pain or rapidly spreading rash suggest bacterial infection; see a "
                      "clinician within 1 to 2 days.",
                      "Yellow crusts, pus, pain or rapidly spreading rash can be a sign of bacterial infection. "
                      "See a clinician within 1 to 2 days for further evaluation.", section="when_to_get_help")
    assert v.accepted, v.reasons


@pytest.mark.parametrize("source,candidate,word", [
    ("Lesions include papules and pustules.", "Lesions include papules and whiteheads.", "whiteheads"),
    ("Seek emergency care for chest pain.", "Seek emergency care for chest soreness.", "soreness"),
    ("Use an ointment at night.", "Use a greasy cream at night.", "greasy"),
    ("Bathe with a gentle cleanser.", "Bathe with a gentle soap.", "soap"),
    ("Ultraviolet light darkens melasma.", "Sun darkens melasma.", "sun"),
    ("Visible light darkens melasma.", "Light darkens melasma.", None),
])
def test_bad_secondary_synonyms_are_not_equal(source, candidate, word):
    v = check_rewrite(source, candidate)
    assert not v.accepted
    if word:
        assert any(word in f.words for f in v.findings), v.reasons
