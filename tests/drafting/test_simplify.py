"""The sentence rules: each fires where it should, stays silent where it must, and its
output passes the guard. Sentences are written for these tests (psoriasis, hives,
rosacea, warts...), not taken from the starter sheets."""

from __future__ import annotations

import pytest

from handouts.checks import check_rewrite
from handouts.drafting.simplify import RULES, apply_rule, has_finite_verb, restructure

RULE = {r.name: r for r in RULES}

FIRES = [
    ("shared-subject", "A hot, red, painful lump on the leg may be cellulitis and needs same-day care.",
     "A hot, red, painful lump on the leg may be cellulitis. It needs same-day care."),
    ("gapped-instruction", "Apply the foam to the scalp, and the cream to the elbows and knees.",
     "Apply the foam to the scalp. Apply the cream to the elbows and knees."),
    ("purpose-last", "To prevent sunburn, wear a hat with a wide brim outdoors.",
     "Wear a hat with a wide brim outdoors. This is to prevent sunburn."),
    ("time-in-own-sentence", "Keep using the antifungal cream after the rash fades, usually 2 weeks.",
     "Keep using the antifungal cream after the rash fades. This usually takes 2 weeks."),
    ("verb-list", "Rosacea is common, cannot be cured and does not spread to others.",
     "Rosacea is common. It cannot be cured. It does not spread to others."),
    ("verb-list", "Hives appear quickly, fade within a day and can come back.",
     "Hives appear quickly. They fade within a day. They can come back."),
    ("named-in-own-sentence", "Long use of strong steroid creams can thin the skin and leave stretch marks (striae).",
     "Long use of strong steroid creams can thin the skin and leave stretch marks. This is called striae."),
    ("named-in-own-sentence", "Warts on the soles can grow inward and hurt when walking (plantar warts).",
     "Warts on the soles can grow inward and hurt when walking. This is called plantar warts."),
    ("either-condition", "Book a visit if the itch keeps you awake, or the rash has not faded in 2 weeks.",
     "Book a visit if the itch keeps you awake. Also book a visit if the rash has not faded in 2 weeks."),
    ("either-condition", "Call the clinic if the wart bleeds after filing, or if you have diabetes.",
     "Call the clinic if the wart bleeds after filing. Also call the clinic if you have diabetes."),
    ("purpose-clause", "A mole that grows needs a biopsy to rule out melanoma.",
     "A mole that grows needs a biopsy. This is to rule out melanoma."),
    ("purpose-clause", "Soak the feet in warm water for 10 minutes before filing to avoid cutting the skin.",
     "Soak the feet in warm water for 10 minutes before filing. This is to avoid cutting the skin."),
    ("purpose-clause", "Cover the wart with duct tape for 6 days to keep the virus from spreading.",
     "Cover the wart with duct tape for 6 days. This is to keep the virus from spreading."),
    ("instruction-list", "Trim the nails straight across, wear roomy shoes and keep the feet dry.",
     "Trim the nails straight across. Wear roomy shoes. Keep the feet dry."),
    ("instruction-list", "Take the antihistamine at bedtime and drink plenty of water.",
     "Take the antihistamine at bedtime. Drink plenty of water."),
    ("shared-subject", "Calcipotriene 0.005% clears plaques and also softens the scale.",
     "Calcipotriene 0.005% clears plaques. It also softens the scale."),
    ("shared-subject", "Scalp psoriasis (sebopsoriasis) often itches at night and is often mistaken for dandruff.",
     "Scalp psoriasis (sebopsoriasis) often itches at night. It is often mistaken for dandruff."),
    ("semicolon", "Psoriasis is not contagious; it runs in families.",
     "Psoriasis is not contagious. It runs in families."),
    ("semicolon", "Use the foam on the scalp at night; wash it out in the morning.",
     "Use the foam on the scalp at night. Wash it out in the morning."),
    ("coordinated-clauses", "Hives usually fade within a day, and new ones may appear elsewhere.",
     "Hives usually fade within a day. New ones may appear elsewhere."),
    ("coordinated-clauses", "Rosacea cannot be cured, but treatment controls the redness and bumps.",
     "Rosacea cannot be cured. But treatment controls the redness and bumps."),
    ("coordinated-clauses", "Soak the nail in warm water for 10 minutes, and file the wart gently.",
     "Soak the nail in warm water for 10 minutes. File the wart gently."),
    ("which-clause", "Doctors may prescribe methotrexate, which needs regular blood tests.",
     "Doctors may prescribe methotrexate. Methotrexate needs regular blood tests."),
    ("appositive", "Calcipotriene, usually used twice a day, is a vitamin D cream for plaques.",
     "Calcipotriene is a vitamin D cream for plaques. It is usually used twice a day."),
    ("trailing-participle", "Cetirizine 10 mg is the usual first medicine, taken once a day.",
     "Cetirizine 10 mg is the usual first medicine. It is taken once a day."),
    ("copular-participle", "Rosacea is a long-term facial rash triggered by heat, alcohol and spicy food.",
     "Rosacea is a long-term facial rash. It is triggered by heat, alcohol and spicy food."),
    ("shared-subject", "Psoriasis affects about 3% of adults and often starts between ages 15 and 35.",
     "Psoriasis affects about 3% of adults. It often starts between ages 15 and 35."),
    ("including-list", "Psoriasis has several common triggers, including stress, infections and some medicines.",
     "Psoriasis has several common triggers. These triggers include stress, infections and some medicines."),
    ("such-as-examples", "A vitamin D cream, such as calcipotriene 0.005%, is often used with a steroid.",
     "A vitamin D cream is often used with a steroid. Examples are calcipotriene 0.005%."),
    ("trailing-appositive", "Long courses of steroid creams can cause striae, a kind of permanent stretch mark.",
     "Long courses of steroid creams can cause striae. This is a kind of permanent stretch mark."),
    ("because-clause", "Do not scratch the plaques, because this can make new ones form.",
     "Do not scratch the plaques. This can make new ones form."),
    ("because-clause", "Keep the nails short because long nails can spread the warts.",
     "Keep the nails short. This is because long nails can spread the warts."),
    ("so-that-clause", "Cover the wart with tape so that it does not spread to other skin.",
     "Cover the wart with tape. This is so that it does not spread to other skin."),
    ("action-first", "If the hives come with swelling of the lips, call 911.",
     "Call 911 if the hives come with swelling of the lips."),
]

SILENT = [
    ("shared-subject", "On darker skin, flares may look gray and can be missed."),  # an opening phrase, not a subject
    ("gapped-instruction", "Wash the face, and the neck."),  # too short to gain anything
    ("gapped-instruction", "Do not use the gel on the face, and the cream on the eyes."),  # a "not" to keep
    ("gapped-instruction", "Apply the cream at night, and the rash fades in a week."),  # a clause, not an object
    ("purpose-last", "To be safe, the doctor may check your blood."),  # not an instruction
    ("time-in-own-sentence", "Warts often go away on their own, usually 2 years."),
    ("verb-list", "Psoriasis affects the scalp, elbows and knees."),  # one verb, a list of places
    ("verb-list", "Wash the scalp, rinse it and dry it."),  # an instruction has no subject
    ("verb-list", "Warts are common, harmless and often gone in 2 years."),  # not verb phrases
    ("named-in-own-sentence", "Use tacrolimus 0.1% ointment twice a day (age 16 and older)."),  # a limit, not a name
    ("named-in-own-sentence", "Psoriasis often affects the scalp (a common first sign)."),  # an explanation
    ("named-in-own-sentence", "Hives can appear on the face (angioedema) and swell the lips."),  # not at the end
    ("either-condition", "Call us if you have a fever, chills, or a stiff neck."),  # a list of signs, not clauses
    ("either-condition", "Use the cream if the rash itches, or use the pill."),  # the second part is an instruction
    ("either-condition", "The rash fades if you rest, or it may spread."),  # not an instruction
    ("purpose-clause", "Do not pop blisters to reduce the pain."),  # "do not ... to": split, it says something else
    ("purpose-clause", "The cream is never used alone to prevent resistance."),
    ("purpose-clause", "If it itches, use the cream to reduce the itch."),  # inside a condition
    ("purpose-clause", "Wait 10 minutes to see if the sting stops."),  # not a purpose verb of the list
    ("instruction-list", "Stop the cream and call us if the rash spreads."),  # the condition covers both
    ("instruction-list", "Wash the scalp and rinse it well."),  # "it" points into the first part
    ("instruction-list", "Use a cream or a gel."),  # alternatives, not steps
    ("instruction-list", "Wash the area with soap and water."),  # one instruction
    ("instruction-list", "Rinse well and dry the skin to prevent chafing."),  # a purpose that covers both
    ("shared-subject", "Wash the face gently and pat it dry."),  # an instruction has no subject to repeat
    ("coordinated-clauses", "Scented lotions, tight collars or belts, and medicines such as lithium can trigger psoriasis."),
    # a semicolon between phrases that are not clauses
    ("semicolon", "Common places: elbows; knees; scalp."),
    # "and" joining a verb phrase or a list item, not a clause with its own subject
    ("coordinated-clauses", "Apply the cream to the plaques, and to the scalp if needed."),
    ("coordinated-clauses", "Plaques are thick, red, and scaly."),
    # "which" after a list or after "X and the Y" may point at any item: no guess
    ("which-clause", "Psoriasis often affects the scalp, elbows and knees, which are easy to check."),
    ("which-clause", "Options include light therapy and the biologic drugs, which need injections."),
    ("which-clause", "Use a tinted sunscreen with iron oxides, which blocks visible light."),
    ("which-clause", "Use the cream every day, which helps."),
    # a "which" clause that does not end the sentence
    ("which-clause", "Methotrexate, which needs blood tests, is taken weekly."),
    ("shared-subject", "Most people with psoriasis have plaques on the elbows and knees and itch a lot."),
    ("shared-subject", "Psoriasis is common and runs in families."),
    ("including-list", "Avoid triggers in daily life, including heat and stress."),
    ("including-list", "Avoid common rosacea triggers, including heat, alcohol and spicy food."),
    ("so-that-clause", "It is not so that you can skip doses."),
    ("appositive", "Methotrexate, a pill, once a week."),
    ("because-clause", "It happens not because of dirt but because of genes."),
    ("action-first", "If it itches, scratch it gently."),  # a pronoun in the action may point back
    ("trailing-appositive", "Wash with a gentle cleanser, a cream or a gel."),
]


@pytest.mark.parametrize("name,source,expected", FIRES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(FIRES)])
def test_rule_fires_and_its_output_passes_the_guard(name, source, expected):
    assert apply_rule(RULE[name], source) == expected
    verdict = check_rewrite(source, expected)
    assert verdict.accepted, verdict.reasons


@pytest.mark.parametrize("name,source", SILENT, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SILENT)])
def test_rule_stays_silent(name, source):
    assert apply_rule(RULE[name], source) is None


def test_every_rule_has_cases_both_ways():
    assert {n for n, _, _ in FIRES} | {"percent-as-frequency"} == set(RULE)
    assert len({n for n, _ in SILENT}) >= 9


def test_percent_as_frequency_keeps_the_exact_figure():
    out = apply_rule(RULE["percent-as-frequency"], "About 30% of people with psoriasis get joint pain.")
    assert out == "About 30 in 100 people (30%) with psoriasis get joint pain."
    assert apply_rule(RULE["percent-as-frequency"], "Use a 2% shampoo.") is None


def test_restructure_applies_rules_in_turn_and_lists_them():
    text, fired = restructure("Psoriasis is not contagious; it runs in families, and stress can trigger flares.")
    assert text == "Psoriasis is not contagious. It runs in families. Stress can trigger flares."
    assert fired == ["semicolon", "coordinated-clauses"]


def test_restructure_keeps_a_rule_only_if_accepted():
    text, fired = restructure("Psoriasis is not contagious; it runs in families.", accept=lambda t: False)
    assert (text, fired) == ("Psoriasis is not contagious; it runs in families.", [])


@pytest.mark.parametrize("clause,expected", [
    ("Isotretinoin causes birth defects", True), ("it can bleach towels", True),
    ("Wash the face", True), ("dark brown or purple spots", False), ("the elbows and knees", False),
])
def test_has_finite_verb(clause, expected):
    assert has_finite_verb(clause) is expected


def test_the_noun_phrase_stops_at_the_verb_after_a_modal():
    out = apply_rule(RULE["which-clause"], "Acne on the back can leave keloids, which are more common on brown skin.")
    assert out == "Acne on the back can leave keloids. Keloids are more common on brown skin."


def test_so_before_an_instruction_starts_its_own_sentence():
    out = apply_rule(RULE["coordinated-clauses"], "Smoking raises the risk of clots with this pill, so tell your doctor if you smoke.")
    assert out == "Smoking raises the risk of clots with this pill. So tell your doctor if you smoke."


def test_a_subject_repeated_across_a_full_stop_is_not_a_doubled_word():
    src = "Acne on the back can leave keloids, which are more common on brown skin."
    assert check_rewrite(src, apply_rule(RULE["which-clause"], src)).accepted
    assert not check_rewrite("Wash the hair roots.", "Wash the hair hair roots.").accepted


def test_shared_subject_takes_its_pronoun_from_the_verb_of_the_source():
    # "patches ... follow ... and fade": plural, whatever the subject's last word is
    out, rules = restructure("Dark or light patches (a pigment change) often follow a flare "
                             "and fade slowly over months.")
    assert rules == ["shared-subject"]
    assert out.endswith("They fade slowly over months.")
    out, _ = restructure("Vitiligo affects about 1 in 100 people and often starts before age 30.")
    assert "It often starts before age 30." in out


# -- list-items: a long list at the end of a fact becomes a lead and bullet points ------------

LISTS = [
    ("Call the clinic if the wart bleeds, changes color, or hurts after filing.",
     "Call the clinic if any of these happen:\n- the wart bleeds\n- the wart changes color\n"
     "- the wart hurts after filing"),
    ("Stop the cream if it causes burning, blistering, new dark patches, or a rash that spreads.",
     "Stop the cream if it causes any of these:\n- burning\n- blistering\n- new dark patches\n"
     "- a rash that spreads"),
    ("Scented lotions, tight collars or belts, and medicines such as lithium can trigger or worsen psoriasis.",
     "These can trigger or worsen psoriasis:\n- scented lotions\n- tight collars or belts\n"
     "- medicines such as lithium"),
    ("Warning signs include a spreading red streak, a fever over 38 C, pus under the nail and a throbbing pain.",
     "Warning signs include:\n- a spreading red streak\n- a fever over 38 C\n- pus under the nail\n"
     "- a throbbing pain"),
    ("After a bee sting, get emergency care right away for a swollen tongue, trouble swallowing, or a faint feeling.",
     "After a bee sting, get emergency care right away for any of these:\n- a swollen tongue\n"
     "- trouble swallowing\n- a faint feeling"),
    ("Hives are common. Cold air, tight straps on the shoulders, or hot showers can bring them on.",
     "Hives are common. Any of these can bring them on:\n- cold air\n- tight straps on the shoulders\n"
     "- hot showers"),
]

NOT_LISTS = [
    "The cream causes burning, stinging or redness in some people.",  # "in some people": of the last or all?
    "See us if your child has a fever, a stiff neck, or a rash and a cough.",  # "or" must join verb phrases
    "Call us if the wart bleeds or hurts.",  # two, not a list
    "Wash the scalp, rinse it well, and dry it gently.",  # clauses, not noun phrases
    "Rosacea is common in people of Irish, English and Scottish descent.",  # adjectives of one noun
    "Stress, heat and alcohol make rosacea worse.",  # too short to gain anything
    "Heat, a history of sunburn and greasy or scented creams also add to the risk.",  # which "and" ends it?
    "If the rash spreads to the eyes, mouth, genitals or palms, get urgent care.",  # a condition first
    "Cold air, tight straps, or a hot shower makes hives worse for many people in winter.",  # singular verb
    "Warts spread on the hands, the feet and the knees, mainly in children, in the summer.",  # no lead verb
    "Calamine lotion helps with itching, and cool baths, loose cotton clothes and fans help too.",
    "Get care for a fever. Wash the area, dry it and cover it with a clean bandage.",
]


@pytest.mark.parametrize("source,expected", LISTS)
def test_list_items_fire_and_the_guard_judges_the_same_words(source, expected):
    from handouts.core.drafts import as_prose, list_parts
    from handouts.drafting.simplify import as_list

    out = as_list(source)
    assert out == expected
    assert list_parts(out) is not None
    assert check_rewrite(source, out, section="when_to_get_help" if "care" in source else "").accepted, \
        check_rewrite(source, out).reasons
    assert restructure(source, lambda t: check_rewrite(source, t).accepted)[1][-1:] == ["list-items"]
    assert as_prose(out).rstrip(".").split()[-1] == source.rstrip(".").split()[-1] or "These" in out or "Any" in out


@pytest.mark.parametrize("source", NOT_LISTS)
def test_list_items_stay_silent(source):
    from handouts.drafting.simplify import as_list

    assert as_list(source) is None


def test_a_list_counts_as_sentences_when_choosing_between_candidates():
    from handouts.drafting.drafting import _grade

    source, listed = next(pair for pair in LISTS if pair[0].startswith("Scented"))
    assert _grade(listed) < _grade(source) - 3


def test_a_list_lead_that_names_what_follows_is_not_an_unclear_pronoun():
    source, listed = next(pair for pair in LISTS if pair[0].startswith("Scented"))
    assert check_rewrite(source, listed).accepted
    # a "These" with nothing after the colon to point at is still unclear
    assert not check_rewrite("Scented lotions and tight collars can trigger psoriasis.",
                             "These can trigger psoriasis. Scented lotions and tight collars do.").accepted


# -- explained-in-own-sentence: a lexicon explanation as a sentence of its own -----------------

@pytest.mark.parametrize("source,expected", [
    ("Cellulitis needs antibiotics by mouth.", "Cellulitis needs antibiotics by mouth. Cellulitis is a deep skin infection."),
    ("Scratching damages the skin barrier and lets germs in.",
     "Scratching damages the skin barrier and lets germs in. The skin barrier is the skin's protective layer."),
    ("Start a retinoid slowly. It can sting at first.",  # "It" follows what it points at; then the definition
     "Start a retinoid slowly. It can sting at first. A retinoid is a vitamin A medicine."),
    ("Androgens and an exfoliant can both dry the skin.",
     "Androgens and an exfoliant can both dry the skin. Androgens are a type of hormone. "
     "An exfoliant is a product that removes dead skin."),
])
def test_explanations_move_into_their_own_sentence_and_pass_the_guard(source, expected):
    from handouts.sources.lexicon import lexicon_repair
    from handouts.drafting.simplify import definitions

    fixed = lexicon_repair(source)
    out = definitions(fixed.text, fixed.explained_terms)
    assert out == expected
    assert check_rewrite(source, out).accepted, check_rewrite(source, out).reasons


@pytest.mark.parametrize("source", [
    "Bathe the baby in lukewarm water.",  # "slightly warm" is not a noun phrase
    "Choose a non-comedogenic sunscreen.",  # "won't clog pores" is not either
    "Triggers include:\n- a retinoid\n- heat",  # the term sits in a list
])
def test_explanations_that_are_not_noun_phrases_stay_in_brackets(source):
    from handouts.sources.lexicon import lexicon_repair
    from handouts.drafting.simplify import definitions

    fixed = lexicon_repair(source)
    assert definitions(fixed.text, fixed.explained_terms) is None


def test_a_definition_the_lexicon_does_not_hold_is_judged_as_an_added_claim():
    source = "Cellulitis needs antibiotics by mouth."
    assert check_rewrite(source, "Cellulitis needs antibiotics by mouth. Cellulitis is a deep skin infection.").accepted
    assert not check_rewrite(source, "Cellulitis needs antibiotics by mouth. Cellulitis is a deadly blood infection.").accepted
