"""Content words: recall through lexicon synonyms, precision against invention."""

from __future__ import annotations

import pytest

from handouts.checks import content


def test_faithful_rewrite_passes():
    assert content.check(
        "Apply a pea-sized amount of adapalene 0.1% gel to the whole face once nightly.",
        "Put a pea-sized amount of adapalene 0.1% gel on your whole face once each night.",
    ) == []


@pytest.mark.parametrize("source,candidate", [
    ("Erythema and pruritus are common.", "Redness and itching are common."),
    ("Apply an emollient after bathing.", "Put on a moisturizer after you bathe."),
    ("Apply emollients liberally.", "Use moisturizers liberally."),
    ("Moisturizers help.", "Moisturizing helps."),
    ("Topical corticosteroids reduce inflammation.", "Steroid creams reduce inflammation."),
    ("Consult a dermatologist.", "Talk to a skin doctor."),
])
def test_lexicon_synonyms_and_stems(source, candidate):
    assert content.check(source, candidate) == []


def test_glossary_explanations_count_as_synonyms():
    src = "Comedones are common."
    cand = "Blocked pores are common."
    assert content.check(src, cand, glossary={"comedones": "blocked pores"}) == []
    assert content.check(src, cand) == ["drops 'comedones' (or 'clogged pores')",
                                        "adds 'blocked', which your fact does not say"]


def test_copied_few_shot_words_are_invented():
    reasons = content.check(
        "Seek urgent care if you develop facial swelling, hives, or difficulty breathing.",
        "Get help right away if you have fever, redness that spreads.",
    )
    assert reasons == [
        "drops 'difficulty breathing' (or 'trouble breathing'), 'facial swelling' "
        "(or 'swelling of the face') and 'hives'",
        "adds 'fever' (a symptom), 'redness' (a symptom) and 'spreads', which your fact does not say",
    ]


def test_nonsense_word_and_invented_claim():
    reasons = content.check(
        "Leave the ketoconazole 2% shampoo on the scalp for 5 minutes before rinsing.",
        "Leave the ketoconazole 2% shampoo on your scalp for 5 minutes before rinsing, "
        "which kills the flurbish mold.",
    )
    assert reasons == ["adds 'kills', 'flurbish' (not an English word) and 'mold', which your fact does not say"]


def test_added_body_part():
    assert content.check("Apply to the face.", "Apply to the face and neck.") == [
        "adds 'neck' (a body part), which your fact does not say"]


def test_plain_words_may_be_dropped_except_in_strict_mode():
    src = "Stop the cream and see a doctor."
    cand = "Stop the cream."
    assert content.check(src, cand) == []
    assert content.check(src, cand, strict=True) == ["drops 'see' and 'doctor'"]


def test_negation_scope_must_survive():
    src = "Do not use hydrocortisone on the face."
    assert content.check(src, "Do not use hydrocortisone. Use it on the face.") == [
        "no longer says 'not' before 'face'"]
    assert content.check(src, "Do not put hydrocortisone on your face.") == []
    assert content.check("Acne is not caused by dirt or poor hygiene.",
                         "Dirt or poor hygiene does not cause acne.") == []


def test_source_phrase_reused_for_something_else():
    src = ("Dupilumab, an injection every 2 to 4 weeks, treats eczema not controlled by topical treatment.")
    cand = ("Dupilumab, an injection every 2 to 4 weeks. It is a topical treatment for eczema not "
            "controlled by topical treatment.")
    assert content.check(src, cand) == [
        "says 'topical treatment' twice where your fact says it once, so it may now describe "
        "something else"]


# Cases from the second labelled set (tests/data/labelled_more.jsonl), issue 8.
def test_a_hard_word_explained_in_brackets():
    src = "Nail psoriasis can cause pitting, thickening and lifting of the nail."
    assert content.check(src, "Psoriasis of the nails can cause small dents (pitting), thickening and "
                              "lifting of the nail.") == []
    assert content.check(src, "Psoriasis of the nails can cause pitting (small dents), thickening and "
                              "lifting of the nail.") == []
    # the explanation may not bring in a symptom, and it must stand next to the fact's own word
    assert content.check(src, "Psoriasis of the nails can cause bleeding dents (pitting), thickening and "
                              "lifting of the nail.") == ["adds 'bleeding' (a symptom), which your fact does not say"]
    assert content.check(src, "Psoriasis of the nails can cause small dents, thickening and lifting of the "
                              "nail.") == ["drops 'pitting'", "adds 'small' and 'dents', which your fact does not say"]
    # a warning keeps its own words only
    assert content.check("Nail psoriasis can cause pitting.", "Psoriasis of the nails can cause pitting "
                         "(small dents).", strict=True) == ["adds 'small' and 'dents', which your fact does not say"]


def test_an_adverb_keeps_its_adjective():
    assert content.check("Repigmentation is slow.", "Repigmentation happens slowly.") == []


def test_negation_scope_ends_at_as():
    src = "Avoid scratching, as it can cause infection."
    assert content.check(src, "Try not to scratch, because scratching can cause infection.") == []
    assert content.check(src, "Scratching can cause infection.") == ["no longer says 'avoid' before 'scratching'"]


@pytest.mark.parametrize("source,candidate,accepted", [
    # a "not" ends at ", and" before a clause of its own: splitting there keeps its scope
    ("Psoriasis is common. It is not contagious, and effective treatment is available for every severity.",
     "Psoriasis is common. It is not contagious. Effective treatment is available for every severity.", True),
    ("Rosacea is not contagious, and it can be controlled.", "Rosacea is not contagious. It can be controlled.", True),
    # ... but a split that moves words out from under their "not" is still refused
    ("Do not apply the cream to the face and neck.", "Do not apply the cream to the face. Apply it to the neck.", False),
    ("Hives are not contagious, and they are not dangerous.", "Hives are not contagious. They are dangerous.", False),
    ("Do not use the cream on broken skin, and the eyelids.",
     "Do not use the cream on broken skin. Use it on the eyelids.", False),
])
def test_negation_scope_ends_at_a_coordinated_clause(source, candidate, accepted):
    from handouts.checks import check_rewrite

    assert check_rewrite(source, candidate).accepted is accepted


@pytest.mark.parametrize("source,candidate,word", [
    ("Apply terbinafine 1% cream twice daily for 2 weeks.",
     "Apply terbinafine 1% cream twice daily for 2 weeks. Talk to your doctor about it.", "doctor"),
    ("Apply terbinafine 1% cream twice daily for 2 weeks.",
     "Ask your doctor before you apply terbinafine 1% cream twice daily for 2 weeks.", "doctor"),
    ("Warts are common in children.", "Warts are common in children. They need treatment.", "treatment"),
])
def test_care_and_treatment_are_claims_of_their_own(source, candidate, word):
    assert f"adds '{word}', which your fact does not say" in content.check(source, candidate)


@pytest.mark.parametrize("source,candidate", [
    ("Biologic injections such as adalimumab are used for severe psoriasis.",
     "Biologic medicines given as shots, such as adalimumab, are used for severe psoriasis."),
    ("Scabies requires treatment of all household members.", "Everyone in the household needs treatment."),
    ("Genital warts need a clinician's assessment.", "A clinician needs to check genital warts."),
])
def test_treatment_words_where_the_fact_speaks_of_treatment(source, candidate):
    assert "adds" not in " ".join(content.check(source, candidate))


def test_a_fact_word_may_not_come_under_a_new_negation():
    # the fact has a 'not' elsewhere, so counting negations alone would miss it
    assert content.check("Acne is not caused by dirt, and it is contagious.",
                         "Acne is not caused by dirt, and it is not contagious.") == [
        "says 'not' before 'contagious', where your fact does not"]
    assert content.check("Do not pick or squeeze spots.", "Do not pick spots. Do not squeeze them.") == []
    assert content.check("Hydroquinone and retinoids are avoided in pregnancy.",
                         "If you are pregnant, do not use hydroquinone or retinoids.") == []
