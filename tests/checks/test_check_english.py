"""Broken English: no verb, doubled word, a/an, pronouns, a person for a thing."""

from __future__ import annotations

import pytest

from handouts.checks import Kind, check_rewrite, english


def kinds(source, candidate):
    return [f.kind for f in english.findings(source, candidate)]


def test_sentence_without_a_verb_is_refused():
    src = ("Dupilumab, an injection every 2 to 4 weeks approved from 6 months of age, treats moderate to "
           "severe eczema not controlled by topical treatment.")
    cand = ("Dupilumab, an injection every 2 to 4 weeks approved from 6 months of age for moderate to "
            "severe eczema not controlled by topical treatment.")
    assert english.check(src, cand) == [f"has no verb in '{cand}'"]
    assert kinds("Clobetasol 0.05% ointment is used twice daily.", "Clobetasol 0.05% ointment twice daily.") == [
        Kind.NO_VERB]
    assert kinds("Metronidazole gel applied once daily reduces bumps.",
                 "Metronidazole gel applied once daily. Reduces bumps.") == [Kind.NO_VERB]


@pytest.mark.parametrize("text", [
    "Use the retinoid at night.",
    "It kills acne germs.",
    "This keeps new acne from forming.",
    "Most treatments take 4 to 6 weeks to clear acne.",
    "Hives are itchy, raised welts.",
    "Acne often lasts into adult life.",
    "Scratching makes the inflammation worse.",
    "Azelaic acid 15-20%, put on twice a day, can be used instead of hydroquinone.",
    "If treated skin turns blue-black or gray, stop hydroquinone and see a dermatologist.",
    "Some contain mercury or strong steroids.",
    "Both need blood tests.",
])
def test_sentences_with_a_verb_pass(text):
    assert english._has_finite_verb(text)
    assert Kind.NO_VERB not in kinds("A fact.", text)


def test_a_source_without_a_verb_allows_one_in_the_rewrite():
    assert english.check("Dupilumab: an injection every 2 weeks.", "Dupilumab: a shot every 2 weeks.") == []


@pytest.mark.parametrize("candidate,word", [
    ("Small bumps around hair hair roots are common.", "hair hair"),
    ("Wash the the face.", "the the"),
])
def test_doubled_word(candidate, word):
    assert english.check("Small bumps are common.", candidate) == [f"repeats a word: '{word}'"]


def test_a_word_repeated_across_a_sentence_break_is_not_doubled():
    assert english.check("Doctors may prescribe methotrexate, which needs regular blood tests.",
                         "Doctors may prescribe methotrexate. Methotrexate needs regular blood tests.") == []


@pytest.mark.parametrize("candidate,bad", [
    ("Azelaic acid is an another choice to hydroquinone.", "an another"),
    ("Basal cell carcinoma is an a common skin cancer.", "an a"),
    ("Eczema is a itchy skin disease.", "a itchy"),
    ("An topical retinoid is first-line.", "An topical"),
    ("Use a 8-week course.", "a 8"),
])
def test_article_errors(candidate, bad):
    assert english.check("A fact.", candidate) == [f"has a wrong 'a' or 'an': '{bad.lower()}'"]


@pytest.mark.parametrize("text", [
    "Wait an hour.", "Use a one-time dose.", "Use a UV lamp.", "Take an 8-week course.",
    "Vitamin A is in the cream.", "Use a university clinic.", "Use an SPF 30 sunscreen.",
])
def test_correct_articles_pass(text):
    assert english.check("A fact.", text) == []


def test_pronoun_with_no_referent_in_the_rewrite():
    src = "Methotrexate and cyclosporine, which need regular blood tests, are options for severe psoriasis."
    cand = "They need regular blood tests. Methotrexate and cyclosporine are options for severe psoriasis."
    assert english.check(src, cand) == ["starts a sentence with 'They', and it is not clear what 'They' means"]


def test_which_clause_split_off_as_a_pronoun_sentence():
    src = ("Other options for severe eczema include narrowband UVB phototherapy and the oral JAK inhibitors "
           "upadacitinib and abrocitinib, which need blood test monitoring.")
    cand = ("Other options for severe eczema include narrowband UVB phototherapy and the oral JAK inhibitors "
            "upadacitinib and abrocitinib. They need blood test monitoring.")
    assert kinds(src, cand) == [Kind.PRONOUN]
    # a "which" right after the subject may become "It": the subject is what "It" means
    assert english.check("Azelaic acid 15-20%, which is safe in pregnancy, fades dark spots.",
                         "Azelaic acid 15-20% fades dark spots. It is safe in pregnancy.") == []


@pytest.mark.parametrize("source,candidate", [
    ("Acne affects about 85% of people aged 12 to 24 and often persists into adulthood.",
     "Acne affects about 85% of people aged 12 to 24. It often persists into adulthood."),
    ("It often occurs with asthma, and it is not contagious.", "It often occurs with asthma. It is not contagious."),
    ("Melasma often returns.", "It is common for melasma to return."),
])
def test_pronouns_that_are_clear_pass(source, candidate):
    assert english.check(source, candidate) == []


def test_a_state_of_the_skin_said_of_the_person():
    src = "Apply the cream to all of the skin daily, including when the skin is clear."
    v = check_rewrite(src, "Apply the cream to all of the skin daily, including when you are clear.")
    assert v.reasons == ("says 'you are clear' where your fact says 'skin is clear'",)
    assert v.findings[0].kind is Kind.SUBJECT
    assert check_rewrite(src, "Put the cream on all of your skin every day, even when your skin is clear.").accepted


def test_a_singular_subject_with_a_plural_verb_is_refused():
    src = "Dark or light patches often follow a flare and fade slowly over months."
    assert kinds(src, "Dark or light patches often follow a flare. It fade slowly over months.") == [
        Kind.AGREEMENT]
    assert not check_rewrite(src, "Dark or light patches often follow a flare. It fade slowly over months.").accepted
    assert kinds(src, "Dark or light patches often follow a flare. They fade slowly over months.") == []


@pytest.mark.parametrize("text", ["It fades slowly.", "It can fade.", "It often comes back.", "He has acne.",
                                  "It does not spread to others.", "It helps.", "She takes it at night."])
def test_a_singular_subject_with_its_own_verb_is_fine(text):
    assert english._agreement_errors(text) == []


# Model outputs the adversarial corpus had accepted (relabelled in issue 8).
def test_a_participle_after_a_comma_is_not_a_verb():
    src = "Crisaborole 2% ointment, used twice daily from 3 months of age, is another steroid-free option."
    assert english.check(src, "Crisaborole 2% ointment, used twice daily from 3 months of age. It is a "
                              "steroid-free option.") == [
        "has no verb in 'Crisaborole 2% ointment, used twice daily from 3 months of age.'"]
    assert english.check(src, "Crisaborole 2% ointment, used twice daily from 3 months of age, is a "
                              "steroid-free option.") == []
    assert english.check("The cream is used twice daily.", "The cream, used twice daily, works.") == []


def test_a_pronoun_that_changes_number_points_at_something_else():
    src = "Avoid waxing the affected areas, because it can irritate the skin and worsen melasma."
    assert english.check(src, "Do not wax the affected areas. They can irritate your skin and worsen melasma.") == [
        "starts a sentence with 'They', and it is not clear what 'They' means"]
    assert english.check(src, "Do not wax the affected areas. It can irritate your skin and worsen melasma.") == []
    assert english.check("Head lice do not jump or fly; they spread by head-to-head contact.",
                         "Head lice cannot jump or fly. They spread when one head touches another.") == []
