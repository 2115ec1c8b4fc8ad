"""Drug names (generic and brand) and their strengths."""

from __future__ import annotations

import pytest

from handouts.checks import drugs


def test_mentions_with_strengths():
    ms = drugs.mentions("Use adapalene 0.1% gel and Benzoyl Peroxide 2.5% wash; Differin works too.")
    assert [(m.name, m.generic, m.strength) for m in ms] == [
        ("adapalene", "adapalene", "0.1%"),
        ("benzoyl peroxide", "benzoyl peroxide", "2.5%"),
        ("differin", "adapalene", ""),
    ]


def test_brand_equals_generic():
    assert drugs.check("Apply Differin 0.1% gel nightly.", "Put adapalene 0.1% gel on each night.") == []


@pytest.mark.parametrize("source,candidate,reason", [
    ("Apply adapalene 0.1% gel.", "Apply the gel.",
     "drops the drug 'adapalene'"),
    ("Apply adapalene 0.1% gel.", "Apply adapalene 0.1% gel and clindamycin.",
     "adds the drug 'clindamycin', which your fact does not name"),
    ("Apply adapalene 0.1% gel.", "Apply adapalene 0.3% gel.",
     "changes the strength of 'adapalene' from 0.1% to 0.3%"),
    ("Use a gentle cleanser.", "Use a gentle cleanser and zorbamycin.",
     "adds 'zorbamycin', which looks like a drug name and is not in your fact"),
])
def test_drug_changes(source, candidate, reason):
    assert reason in drugs.check(source, candidate)


def test_swapped_strengths_are_caught():
    src = "Use adapalene 0.1% and benzoyl peroxide 2.5%."
    cand = "Use adapalene 2.5% and benzoyl peroxide 0.1%."
    assert drugs.check(src, cand) == [
        "changes the strength of 'adapalene' from 0.1% to 2.5%",
        "changes the strength of 'benzoyl peroxide' from 2.5% to 0.1%",
    ]


@pytest.mark.parametrize("word", ["person", "reason", "escort", "season", "lesson", "maximum"])
def test_common_words_are_not_drug_like(word):
    assert not drugs.drug_like(word)


def test_drugs_swapping_body_sites_are_caught():
    src = "Use hydrocortisone 1% on the face and triamcinolone 0.1% on the body."
    assert drugs.check(src, "Use triamcinolone 0.1% on the face and hydrocortisone 1% on the body.") == [
        "moves 'hydrocortisone' from the face to the body",
        "moves 'triamcinolone' from the body to the face",
    ]
    assert drugs.check(src, "On the face, use hydrocortisone 1%. On the body, use triamcinolone 0.1%.") == []
