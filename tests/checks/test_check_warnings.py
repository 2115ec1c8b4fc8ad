"""when_to_get_help: the strictest mode, through check_rewrite."""

from __future__ import annotations

from handouts.checks import check_rewrite, warnings

SRC = "Seek urgent care if you develop facial swelling, hives, or difficulty breathing."


def test_faithful_warning_is_accepted():
    v = check_rewrite(SRC, "Get urgent care if you get swelling of the face, hives, or trouble breathing.",
                      section="when_to_get_help")
    assert v.accepted, v.reasons


def test_or_becomes_and():
    assert warnings.check(SRC, "Get urgent care if you get face swelling, hives and trouble breathing.") == [
        "drops 'or' between the signs: your fact says any one of them is reason enough to get help"]


def test_copied_few_shot_symptoms_are_rejected():
    v = check_rewrite(SRC, "Get help right away if you have fever, redness that spreads.",
                      section="when_to_get_help")
    assert not v.accepted
    assert v.reasons == (
        "drops 'difficulty breathing' (or 'trouble breathing'), 'facial swelling' "
        "(or 'swelling of the face'), 'urgent care' and 'hives'",
        "adds 'fever' (a symptom), 'redness' (a symptom) and 'spreads', which your fact does not say",
        "drops 'or' between the signs: your fact says any one of them is reason enough to get help",
    )


def test_strict_mode_keeps_plain_instructions():
    src = "Stop the cream and see a doctor if the skin blisters."
    cand = "Stop the cream if the skin blisters."
    assert check_rewrite(src, cand).accepted
    v = check_rewrite(src, cand, section="when_to_get_help")
    assert v.reasons == ("drops 'see' and 'doctor'",)


def test_urgency_lost():
    v = check_rewrite("Seek urgent care for a rapidly spreading rash.",
                      "Schedule medical care to address any concerns.", section="when_to_get_help")
    assert "drops 'urgent' (urgency)" in v.reasons
