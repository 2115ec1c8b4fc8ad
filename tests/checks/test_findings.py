"""Typed findings: a kind, the quoted words and a message for the clinician."""

from __future__ import annotations

import pytest

from handouts.checks import Finding, Kind, Verdict, check_rewrite


def test_verdict_carries_typed_findings_and_a_reasons_view():
    v = check_rewrite("Bathe for 5 to 10 minutes, then see a doctor in 1 to 2 days.",
                      "Bathe for 5 to 10 minutes, then see a doctor.")
    assert not v.accepted
    assert v.findings == (Finding(Kind.DROPPED_QUANTITY, ("1 to 2 days",), "drops the duration '1 to 2 days'",
                                  "quantities"),)
    assert v.reasons == ("drops the duration '1 to 2 days'",)
    assert v.kinds() == {Kind.DROPPED_QUANTITY}


def test_accepted_verdict_has_no_findings():
    v = check_rewrite("Apply adapalene 0.1% gel nightly.", "Put adapalene 0.1% gel on every night.")
    assert v == Verdict(True, ())
    assert v.reasons == ()


# One rewrite per finding kind that its check must refuse by that kind: each fails if
# its check is broken (returns nothing). FLUENCY needs a model's scores: tested below.
EXAMPLES = {
    Kind.DROPPED_QUANTITY: ("Bathe for 5 to 10 minutes, then see a doctor in 1 to 2 days.",
                            "Bathe for 5 to 10 minutes, then see a doctor."),
    Kind.CHANGED_QUANTITY: ("Use it twice weekly.", "Use it twice a day."),
    Kind.ADDED_QUANTITY: ("Use it.", "Use it twice a day."),
    Kind.DROPPED_DRUG: ("Apply adapalene gel.", "Apply the gel."),
    Kind.ADDED_DRUG: ("Apply adapalene gel.", "Apply adapalene gel and clindamycin."),
    Kind.CHANGED_STRENGTH: ("Apply adapalene 0.1% gel.", "Apply adapalene 0.3% gel."),
    Kind.MOVED_DRUG: ("Apply clobetasol to the body and hydrocortisone to the face.",
                      "Apply clobetasol to the face and hydrocortisone to the body."),
    Kind.NEGATION: ("Do not scrub the skin.", "Scrub the skin gently."),
    Kind.LIMIT: ("Use no more than 2 times a day.", "Use 2 times a day."),
    Kind.COMPARISON: ("Hives are common in children.", "Hives are more common in children."),
    Kind.QUANTIFIER: ("Use only a pea-sized amount.", "Use a pea-sized amount."),
    Kind.RELATION: ("Stress can trigger a flare.", "Stress can cause a flare."),
    Kind.SUBJECT: ("Apply the cream to all of the skin daily, including when the skin is clear.",
                   "Apply the cream to all of the skin daily, including when you are clear."),
    Kind.URGENCY: ("Stop and call us right away.", "Stop and call us."),
    Kind.WARNING: ("Call 911 if you have facial swelling or difficulty breathing.",
                   "Call 911 if you have facial swelling and difficulty breathing."),
    Kind.DROPPED_WORD: ("Eczema is itchy and scaly.", "Eczema is itchy."),
    Kind.ADDED_WORD: ("Eczema is itchy.", "Eczema is itchy and red."),
    Kind.REPEATED_PHRASE: ("Use a gentle cleanser on the face.",
                           "Use a gentle cleanser. A gentle cleanser goes on the face."),
    Kind.PRONOUN: ("Methotrexate and cyclosporine, which need regular blood tests, are options for severe psoriasis.",
                   "They need regular blood tests. Methotrexate and cyclosporine are options for severe psoriasis."),
    Kind.NO_VERB: ("Metronidazole gel is applied once daily and reduces bumps.",
                   "Metronidazole gel applied once daily. Reduces bumps."),
    Kind.DOUBLED_WORD: ("Use the cream every day.", "Use the the cream every day."),
    Kind.ARTICLE: ("Use a moisturizer every day.", "Use an moisturizer every day."),
    Kind.AGREEMENT: ("Dark or light patches often follow a flare and fade slowly over months.",
                     "Dark or light patches often follow a flare. It fade slowly over months."),
    Kind.HEDGE: ("Pain can last for months.", "Pain lasts for months."),
    Kind.SWAPPED: ("Rosacea is more common in women than in men.", "Rosacea is more common in men than in women."),
    Kind.DEGENERATE: ("Apply the cream.", ""),
}
SECTION = {Kind.WARNING: "when_to_get_help"}


def test_every_finding_kind_has_an_example():
    assert set(EXAMPLES) | {Kind.FLUENCY} == set(Kind)


@pytest.mark.parametrize("kind", list(EXAMPLES), ids=str)
def test_each_check_names_its_kind(kind):
    source, candidate = EXAMPLES[kind]
    v = check_rewrite(source, candidate, section=SECTION.get(kind, ""))
    assert not v.accepted and kind in v.kinds(), v.reasons


def test_the_fluency_kind():
    from handouts.drafting import fluency
    from tests.doubles import ScriptedModel

    model = ScriptedModel(score=lambda text: -2.0 if text == "Eczema is itchy." else -4.0)
    assert fluency.judge(model, "Eczema is itchy.", "Eczema itchy is.").finding().kind is Kind.FLUENCY
    assert fluency.judge(model, "Eczema is itchy.", "Eczema is itchy.").finding() is None


def test_messages_speak_to_the_clinician():
    v = check_rewrite("Eczema is itchy.", "Eczema is itchy and red.")
    assert v.reasons == ("adds 'red', which your fact does not say",)
    v = check_rewrite("Do not use hydrocortisone on the face.", "Do not use hydrocortisone. Use it on the face.")
    assert v.reasons == ("no longer says 'not' before 'face'",)
    assert v.findings[0].kind is Kind.NEGATION and v.findings[0].words == ("not", "face")


def test_findings_round_trip_through_json_dicts():
    f = Finding(Kind.ADDED_WORD, ("itchy",), "adds 'itchy', which your fact does not say", "content")
    assert f.to_dict() == {"kind": "added_word", "words": ["itchy"],
                           "message": "adds 'itchy', which your fact does not say", "check": "content"}
    assert Finding.from_dict(f.to_dict()) == f
    assert str(f) == f.message and str(Kind.ADDED_WORD) == "added_word"
