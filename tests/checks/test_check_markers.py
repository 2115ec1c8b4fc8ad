"""Negation, limits, conditions and urgency must survive a rewrite."""

from __future__ import annotations

import pytest

from handouts.checks import markers


@pytest.mark.parametrize("source,candidate,reason", [
    ("Do not scrub the skin.", "Scrub the skin gently.",
     "drops the negation 'not'"),
    ("Never pop pimples.", "Pop pimples carefully.",
     "drops the negation 'never'"),
    ("Apply the cream.", "Do not apply the cream.",
     "adds the negation 'not', which your fact does not say"),
    ("Use it unless your skin burns.", "Use it if your skin burns.",
     "drops 'unless'"),
    ("Use only a pea-sized amount.", "Use a pea-sized amount.",
     "drops 'only'"),
    ("Use no more than 2 times a day.", "Use 2 times a day.",
     "drops the upper limit 'no more than'"),
    ("Use up to 2 times a day.", "Use 2 times a day.",
     "drops the upper limit 'up to'"),
    ("Apply at least twice daily.", "Apply twice a day.",
     "drops the lower limit 'at least'"),
    ("Apply twice daily.", "Apply only twice a day.",
     "adds 'only', which your fact does not say"),
    ("Seek urgent care.", "Schedule medical care to address any concerns.",
     "drops 'urgent' (urgency)"),
    ("Call us if it spreads.", "Call 911 if it spreads.",
     "adds '911' (emergency care), which your fact does not say"),
    ("Stop and call us right away.", "Stop and call us.",
     "drops 'right away' (urgency)"),
    ("Call us if the rash spreads.", "The rash may spread.",
     "drops 'call' (telling them to contact you)"),
    ("Apply after bathing.", "Apply before bathing.",
     "drops 'after'"),
])
def test_marker_changes(source, candidate, reason):
    assert reason in markers.check(source, candidate)


@pytest.mark.parametrize("source,candidate", [
    ("Do not pick or squeeze spots.", "Don't pick or squeeze spots."),
    ("Never pick or squeeze spots.", "Do not pick or squeeze spots."),
    ("Avoid harsh scrubs.", "Do not use harsh scrubs."),
    ("Do not pick or squeeze.", "Do not pick. Do not squeeze."),
    ("Use no more than 2 times a day.", "Use it up to 2 times a day."),
    ("Apply at least twice daily.", "Apply 2 or more times a day."),
    ("Seek urgent care.", "Get care right away."),
    ("Call us if it spreads.", "Contact us when it spreads."),
    ("Use a non-comedogenic moisturizer.", "Use a moisturizer that won't clog pores."),
    ("Melasma is benign.", "Melasma is not cancer."),
])
def test_equivalent_markers(source, candidate):
    assert markers.check(source, candidate) == []


@pytest.mark.parametrize("source,candidate,reason", [
    ("Apply it to all of the skin.", "Apply it to the skin.", "drops 'all'"),
    ("Check every toe web.", "Check the toe web.", "drops 'every'"),
    ("Treatment clears most acne.", "Treatment clears acne.", "drops 'most'"),
    ("Most patches fade.", "All patches fade.", "drops 'most'"),
    ("Some creams contain mercury.", "They contain mercury.", "drops 'some'"),
    ("Oral antibiotics are limited to 3 months.", "Oral antibiotics are used for 3 months.", "drops 'limited to'"),
])
def test_dropped_quantifiers(source, candidate, reason):
    assert reason in markers.check(source, candidate)
    assert any(f.kind.value == "quantifier" for f in markers.findings(source, candidate))


@pytest.mark.parametrize("source,candidate", [
    ("Apply it every day.", "Apply it daily."),  # a frequency, owned by the quantities check
    ("Oral antibiotics are limited to 3 months.", "Antibiotic pills are used for only 3 months."),
    ("Hives usually fade within 24 hours.", "Each one usually fades within 24 hours."),
    ("Use the whole tube.", "Use all of the tube."),
])
def test_equivalent_quantifiers(source, candidate):
    assert markers.check(source, candidate) == []


@pytest.mark.parametrize("source,candidate,reason", [
    ("Common triggers include stress.", "Common triggers include heat. They can be caused by stress.",
     "says 'caused' where your fact says 'triggers': a cause is not the same thing"),
    ("Stress can trigger flares.", "Stress causes psoriasis.",
     "says 'causes' where your fact says 'trigger': a cause is not the same thing"),
    ("Treatment controls psoriasis.", "Treatment cures psoriasis.", "adds 'cures', which your fact does not say"),
    ("Sunscreen lowers the risk of skin cancer.", "Sunscreen prevents skin cancer.",
     "says 'prevents' where your fact says 'risk': prevention is not the same thing"),
])
def test_relation_changed(source, candidate, reason):
    assert reason in markers.check(source, candidate)


@pytest.mark.parametrize("source,candidate", [
    ("Stress can trigger flares.", "Stress can set off flares."),
    ("Pregnancy can trigger or worsen melasma.", "Pregnancy can trigger melasma or make it worse."),
    ("Impetigo is a bacterial skin infection.", "Impetigo is a skin infection caused by germs."),
    ("Acne is not caused by dirt.", "Dirt does not cause acne."),
])
def test_same_relation(source, candidate):
    from handouts.checks.paraphrase import canonical

    assert markers.check(canonical(source), canonical(candidate)) == []


@pytest.mark.parametrize("source,candidate", [
    ("Lesions look dark brown rather than red.", "Lesions look dark brown, not red."),
    ("Use a fragrance-free cleanser.", "Use a cleanser with no fragrance."),
    ("Take a non-drowsy antihistamine.", "Take an antihistamine that does not make you drowsy."),
    ("Hydroquinone is avoided in pregnancy.", "Do not use hydroquinone in pregnancy."),
])
def test_negation_said_another_way(source, candidate):
    assert markers.check(source, candidate) == []


def test_affix_negation_must_be_kept():
    assert markers.check("Use a fragrance-free cleanser.", "Use a cleanser.") == ["drops the negation 'free'"]


# Cases from the second labelled set (tests/data/labelled_more.jsonl), issue 8.
def test_one_side_is_not_both_sides():
    src = "Shingles usually appears as a painful band of blisters on one side of the body."
    assert markers.check(src, src.replace("on one side", "on both sides")) == [
        "adds 'both', which your fact does not say", "drops 'one'"]
    assert markers.check(src, src.replace("on one side", "on the side")) == ["drops 'one'"]
    assert markers.check("Both drugs need blood tests.", "Methotrexate and cyclosporine need blood tests.") == []


def test_during_is_not_after():
    src = "Vacuum carpets and furniture daily during treatment."
    assert markers.check(src, "Vacuum carpets and furniture daily after treatment.") == ["drops 'during'"]
    assert markers.check(src, "Vacuum carpets and furniture each day while you are being treated.") == []
    assert markers.check("During pregnancy, hydroquinone is avoided.",
                         "If you are pregnant, do not use hydroquinone.") == []


def test_as_soon_as_you_can_is_urgent():
    assert markers.check("Change wet or dirty diapers as soon as possible.",
                         "Change a wet or dirty diaper as soon as you can.") == []
    assert markers.check("Change wet or dirty diapers as soon as possible.",
                         "Change a wet or dirty diaper.") == ["drops 'as soon as possible' (urgency)"]


@pytest.mark.parametrize("source,candidate,reason", [
    ("Pain can last for months after the rash heals.", "Pain lasts for months after the rash heals.",
     "drops 'can': the rewrite says for certain what your fact says may happen"),
    ("Psoriasis may improve in summer.", "Psoriasis will improve in summer.",
     "drops 'may': the rewrite says for certain what your fact says may happen"),
    ("Sun protection helps prevent dark spots from returning.", "Sun protection stops dark spots from returning.",
     "drops 'helps': the rewrite says for certain what your fact says may happen"),
    ("Untreated scabies will not go away on its own.", "Untreated scabies may not go away on its own.",
     "adds 'may': the rewrite makes your fact less certain"),
    ("You should see a dermatologist.", "You may see a dermatologist.",
     "adds 'may': the rewrite makes your fact less certain"),
])
def test_a_hedge_is_kept_and_none_is_added(source, candidate, reason):
    assert reason in markers.check(source, candidate)


@pytest.mark.parametrize("source,candidate", [
    ("A mole that bleeds may suggest melanoma.", "A mole that bleeds can be a sign of melanoma."),
    ("Spreading redness suggests infection.", "Spreading redness can be a sign of infection."),
    ("Clindamycin is combined with benzoyl peroxide to prevent resistance.",
     "Clindamycin is used with benzoyl peroxide. This helps prevent resistance."),
    ("Shingles is contagious to people who have never had chickenpox.",
     "Shingles can spread to people who have never had chickenpox."),
    ("Head lice do not jump or fly.", "Head lice cannot jump or fly."),
    ("Change wet diapers as soon as possible.", "Change a wet diaper as soon as you can."),
])
def test_the_same_hedge_said_another_way(source, candidate):
    from handouts.checks.paraphrase import canonical

    assert markers.check(canonical(source), canonical(candidate)) == []


@pytest.mark.parametrize("source,candidate,word", [
    ("Rosacea is more common in women than in men.", "Rosacea is more common in men than in women.", "than"),
    ("Apply the moisturizer after the steroid cream has soaked in.",
     "Apply the steroid cream after the moisturizer has soaked in.", "after"),
    ("Use the cream on the scalp, not on the face.", "Use the cream on the face, not on the scalp.", "not"),
    ("Lice eggs are glued to the hair shaft near the scalp.", "Lice eggs are glued to the scalp near the hair shaft.",
     "near"),
])
def test_two_things_swapped_around_a_connector(source, candidate, word):
    assert markers.check(source, candidate) == [
        f"swaps what stands on either side of '{word}': your fact and the rewrite put the same things the "
        "other way round"]


@pytest.mark.parametrize("source,candidate", [
    ("Use the cream on the scalp, not on the face.", "Do not use the cream on the face. Use it on the scalp."),
    ("Rosacea is more common in women than in men.", "Women get rosacea more often than men."),
    ("Keep using the cream for 2 weeks after the rash has cleared.",
     "After the rash has cleared, keep using the cream for 2 weeks."),
])
def test_reordering_without_a_swap(source, candidate):
    assert markers.check(source, candidate) == []


def test_away_from_is_a_new_direction():
    assert markers.check("Sunburn draws fluid to the skin surface.",
                         "Sunburn draws fluid away from the skin surface.") == [
        "adds 'away from', which your fact does not say"]


def test_doctors_call_this_is_a_name_not_a_phone_call():
    assert markers.check("This is called postherpetic neuralgia.", "Doctors call this postherpetic neuralgia.") == []
    assert markers.check("See a doctor.", "Call a doctor.") == [
        "adds 'call' (telling them to contact you), which your fact does not say"]


def test_a_hedge_inside_an_invented_sentence_is_left_to_the_content_check():
    src = "Early treatment clears most acne."
    assert markers.check(src, "Acne is common. It can be itchy. Early treatment clears most acne.") == []
    assert markers.check("Early treatment clears most acne.", "Early treatment can clear most acne.") == [
        "adds 'can': the rewrite makes your fact less certain"]
