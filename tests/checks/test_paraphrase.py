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


# Cases from the second labelled set (tests/data/labelled_more.jsonl), issue 8.
@pytest.mark.parametrize("source,candidate", [
    ("Rosacea is a long-term condition that cannot be cured but can be controlled.",
     "Rosacea lasts a long time. It cannot be cured, but it can be controlled."),
    ("Plantar warts on the soles of the feet can be painful when walking.",
     "Warts on the soles of your feet (plantar warts) can hurt when you walk."),
    ("Genital warts need a clinician's assessment and should not be treated with over-the-counter wart products.",
     "Genital warts need to be checked by a clinician. Do not treat them with wart products you can buy "
     "without a prescription."),
    ("The shingles vaccine is recommended for adults aged 50 and older.",
     "Adults aged 50 and older should get the shingles vaccine."),
    ("On darker skin, affected areas may look lighter than the surrounding skin rather than red.",
     "On darker skin, the affected areas may look lighter than the skin around them, not red."),
    ("Cold sores are caused by herpes simplex virus and often return at the same spot.",
     "Cold sores are caused by the herpes simplex virus. They often come back in the same place."),
    ("Apply the lice treatment to dry hair and repeat it after 9 days.",
     "Put the lice treatment on dry hair. Use it again after 9 days."),
    ("Keep using the antifungal cream for 1 to 2 weeks after the rash has cleared.",
     "After the rash has cleared, keep using the antifungal cream for 1 to 2 more weeks."),
])
def test_second_set_paraphrases_are_accepted(source, candidate):
    v = check_rewrite(source, candidate)
    assert v.accepted, v.reasons


@pytest.mark.parametrize("source,candidate", [
    ("Plantar warts can be painful when walking.", "Plantar warts do not hurt when you walk."),
    ("The shingles vaccine is recommended for adults aged 50 and older.",
     "Adults aged 60 and older should get the shingles vaccine."),
    ("Cold sores often return at the same spot.", "Cold sores often come back in a new place."),
    ("Apply the lice treatment to dry hair and repeat it after 9 days.", "Put the lice treatment on dry hair."),
])
def test_second_set_paraphrases_do_not_hide_a_change(source, candidate):
    assert not check_rewrite(source, candidate).accepted


@pytest.mark.parametrize("source,candidate", [
    ("Pain can last for months after the rash heals; this is called postherpetic neuralgia.",
     "Pain can last for months after the rash heals. Doctors call this postherpetic neuralgia."),
    ("Phototherapy with narrowband UVB is usually given two to three times a week.",
     "Light treatment with narrowband UVB is usually given 2 to 3 times a week. Doctors call this phototherapy."),
])
def test_doctors_call_this_names_a_term(source, candidate):
    v = check_rewrite(source, candidate)
    assert v.accepted, v.reasons


def test_you_cannot_catch_it_is_not_contagious():
    cand = "Acne is not caused by dirt or by not keeping clean. You cannot catch acne from someone or give it to anyone."
    v = check_rewrite("Acne is not caused by dirt or poor hygiene, and it is not contagious.", cand)
    assert v.accepted, v.reasons
    assert not check_rewrite("Acne is not caused by dirt or poor hygiene, and it is contagious.", cand).accepted
