"""Negation, limits, conditions and urgency must survive a rewrite."""

from __future__ import annotations

import pytest

from handouts.checks import markers


@pytest.mark.parametrize("source,candidate,reason", [
    ("Do not scrub the skin.", "Scrub the skin gently.",
     "dropped negation: source says 'not' (1x), rewrite has none"),
    ("Never pop pimples.", "Pop pimples carefully.",
     "dropped negation: source says 'never' (1x), rewrite has none"),
    ("Apply the cream.", "Do not apply the cream.",
     "added negation: rewrite says 'not', the source has no negation"),
    ("Use it unless your skin burns.", "Use it if your skin burns.",
     "dropped 'unless': source says 'unless', the rewrite does not"),
    ("Use only a pea-sized amount.", "Use a pea-sized amount.",
     "dropped 'only': source says 'only', the rewrite does not"),
    ("Use no more than 2 times a day.", "Use 2 times a day.",
     "dropped upper limit: source says 'no more than', the rewrite does not"),
    ("Use up to 2 times a day.", "Use 2 times a day.",
     "dropped upper limit: source says 'up to', the rewrite does not"),
    ("Apply at least twice daily.", "Apply twice a day.",
     "dropped lower limit: source says 'at least', the rewrite does not"),
    ("Apply twice daily.", "Apply only twice a day.",
     "added 'only': rewrite says 'only', the source does not"),
    ("Seek urgent care.", "Schedule medical care to address any concerns.",
     "lost urgency (urgent): source says 'urgent', the rewrite does not"),
    ("Call us if it spreads.", "Call 911 if it spreads.",
     "added urgency (emergency): rewrite says '911', the source does not"),
    ("Stop and call us right away.", "Stop and call us.",
     "lost urgency (urgent): source says 'right away', the rewrite does not"),
    ("Call us if the rash spreads.", "The rash may spread.",
     "lost urgency (contact): source says 'call', the rewrite does not"),
    ("Apply after bathing.", "Apply before bathing.",
     "dropped 'after': source says 'after', the rewrite does not"),
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
