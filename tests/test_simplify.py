"""The sentence rules: each fires where it should, stays silent where it must, and its
output passes the guard. Sentences are written for these tests (psoriasis, hives,
rosacea, warts...), not taken from the starter sheets."""

from __future__ import annotations

import pytest

from handouts.checks import check_rewrite
from handouts.simplify import RULES, apply_rule, has_finite_verb, restructure

RULE = {r.name: r for r in RULES}

FIRES = [
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
