"""Typed findings: a kind, the quoted words and a message for the clinician."""

from __future__ import annotations

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


def test_each_check_names_its_kind():
    cases = {
        ("Use it twice weekly.", "Use it twice a day."): Kind.CHANGED_QUANTITY,
        ("Use it.", "Use it twice a day."): Kind.ADDED_QUANTITY,
        ("Apply adapalene gel.", "Apply the gel."): Kind.DROPPED_DRUG,
        ("Apply adapalene gel.", "Apply adapalene gel and clindamycin."): Kind.ADDED_DRUG,
        ("Apply adapalene 0.1% gel.", "Apply adapalene 0.3% gel."): Kind.CHANGED_STRENGTH,
        ("Do not scrub the skin.", "Scrub the skin gently."): Kind.NEGATION,
        ("Use no more than 2 times a day.", "Use 2 times a day."): Kind.LIMIT,
        ("Use only a pea-sized amount.", "Use a pea-sized amount."): Kind.QUANTIFIER,
        ("Stop and call us right away.", "Stop and call us."): Kind.URGENCY,
        ("Eczema is itchy.", "Eczema is itchy and red."): Kind.ADDED_WORD,
        ("Eczema is itchy and scaly.", "Eczema is itchy."): Kind.DROPPED_WORD,
        ("Apply the cream.", ""): Kind.DEGENERATE,
    }
    for (source, candidate), kind in cases.items():
        assert kind in check_rewrite(source, candidate).kinds(), (source, candidate)


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
