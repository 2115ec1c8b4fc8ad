from __future__ import annotations

import pytest

from handouts.core.text import split_at_stops, split_sentences


@pytest.mark.parametrize("text, want", [
    ("Use it daily. It helps.", ["Use it daily.", "It helps."]),
    ("Use it\n  daily.  Then   stop.", ["Use it daily.", "Then stop."]),  # white space folded
    ('He said "stop." Then rest.', ['He said "stop."', "Then rest."]),  # closing quote kept
    ("Use it (twice a day.) Then rest.", ["Use it (twice a day.)", "Then rest."]),
    ("It is 2.5 mg. 3 doses help.", ["It is 2.5 mg.", "3 doses help."]),
    ("Ask why? (Or not.) Fine!", ["Ask why?", "(Or not.)", "Fine!"]),
    ("e.g. the face. use it.", ["e.g. the face. use it."]),  # a lower-case word does not start one
    ("", []),
    ("   ", []),
])
def test_split_sentences(text, want):
    assert split_sentences(text) == want


def test_split_at_stops_splits_before_lower_case_too():
    assert split_at_stops("use it. use it. Use it") == ["use it.", "use it.", "Use it"]


@pytest.mark.parametrize("value, ok", [
    ("acne", True), ("atopic-dermatitis", True), ("h2", True),
    ("Acne", False), ("a_b", False), ("a--b", False), ("-a", False), ("a-", False), ("acne\n", False), ("", False),
])
def test_one_slug_rule_for_every_id(value, ok):
    from handouts.core.text import is_slug

    assert is_slug(value) is ok
