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
