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
     "dropped drug: source names 'adapalene', the rewrite does not"),
    ("Apply adapalene 0.1% gel.", "Apply adapalene 0.1% gel and clindamycin.",
     "added drug: rewrite names 'clindamycin', which the source does not"),
    ("Apply adapalene 0.1% gel.", "Apply adapalene 0.3% gel.",
     "changed strength of 'adapalene': source says 0.1%, rewrite says 0.3%"),
    ("Use a gentle cleanser.", "Use a gentle cleanser and zorbamycin.",
     "added drug: rewrite names 'zorbamycin', which looks like a drug and is not in the source"),
])
def test_drug_changes(source, candidate, reason):
    assert reason in drugs.check(source, candidate)


def test_swapped_strengths_are_caught():
    src = "Use adapalene 0.1% and benzoyl peroxide 2.5%."
    cand = "Use adapalene 2.5% and benzoyl peroxide 0.1%."
    assert drugs.check(src, cand) == [
        "changed strength of 'adapalene': source says 0.1%, rewrite says 2.5%",
        "changed strength of 'benzoyl peroxide': source says 2.5%, rewrite says 0.1%",
    ]


@pytest.mark.parametrize("word", ["person", "reason", "escort", "season", "lesson", "maximum"])
def test_common_words_are_not_drug_like(word):
    assert not drugs.drug_like(word)


def test_drugs_swapping_body_sites_are_caught():
    src = "Use hydrocortisone 1% on the face and triamcinolone 0.1% on the body."
    assert drugs.check(src, "Use triamcinolone 0.1% on the face and hydrocortisone 1% on the body.") == [
        "moved a drug: source puts 'hydrocortisone' on the face, the rewrite on the body",
        "moved a drug: source puts 'triamcinolone' on the body, the rewrite on the face",
    ]
    assert drugs.check(src, "On the face, use hydrocortisone 1%. On the body, use triamcinolone 0.1%.") == []
