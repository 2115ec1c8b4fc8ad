"""The guard on hand-labelled pairs across conditions (tests/data/labelled.jsonl).

Faithful plain rewrites (aligned from the review's hand rewrite of acne, the review's own
rewrites, the model candidates it says were wrongly rejected, and paraphrases of facts of
other conditions) and unfaithful ones (the issue's accepted-but-wrong candidates, dropped
quantifiers, changed relations, stray pronouns, missing verbs, doubled words, a/an errors,
swapped numbers, invented symptoms, unequal synonyms). Every unfaithful pair must be
rejected; at least 85% of the faithful ones accepted (the target is 80% on a held-out set).

`labelled_more.jsonl` is a second set, written later for conditions the first barely has
(shingles, scabies, tinea, sunburn, moles, hidradenitis, cold sores, head lice, ...):
every unfaithful pair rejected, at least 80% of the faithful ones accepted.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from handouts.checks import check_rewrite

DATA = Path(__file__).parent.parent / "data"


def _pairs(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


PAIRS = _pairs("labelled.jsonl")
MORE = _pairs("labelled_more.jsonl")
REJECTS = [p for p in PAIRS + MORE if p["label"] == "reject"]
FAITHFUL = [p for p in PAIRS if p["label"] == "accept"]
MORE_FAITHFUL = [p for p in MORE if p["label"] == "accept"]


def test_shape():
    assert len(REJECTS) >= 60 and len(FAITHFUL) >= 60
    assert len({p["condition"] for p in PAIRS}) >= 12
    kinds = Counter(p["kind"] for p in REJECTS)
    for kind in ("quantifier", "relation", "pronoun", "no-verb", "doubled-word", "article", "swapped-number",
                 "invented-claim", "bad-synonym", "garble"):
        assert kinds[kind] >= 1, kind


@pytest.mark.parametrize("pair", REJECTS, ids=[f"{p['condition']}-{p['kind']}-{i}" for i, p in enumerate(REJECTS)])
def test_unfaithful_is_rejected(pair):
    v = check_rewrite(pair["source"], pair["candidate"], section=pair["section"])
    assert not v.accepted, pair["reason"]


def test_most_faithful_rewrites_are_accepted():
    rejected = [(p["candidate"], check_rewrite(p["source"], p["candidate"], section=p["section"]).reasons)
                for p in FAITHFUL]
    rejected = [r for r in rejected if r[1]]
    assert len(FAITHFUL) - len(rejected) >= 0.85 * len(FAITHFUL), rejected


def test_second_set_shape():
    assert len(MORE) >= 90 and not {p["source"] for p in MORE} & {p["source"] for p in PAIRS}
    assert len([p for p in MORE if p["label"] == "reject"]) > len(MORE_FAITHFUL)


def test_most_faithful_rewrites_of_the_second_set_are_accepted():
    rejected = [(p["candidate"], check_rewrite(p["source"], p["candidate"], section=p["section"]).reasons)
                for p in MORE_FAITHFUL]
    rejected = [r for r in rejected if r[1]]
    assert len(MORE_FAITHFUL) - len(rejected) >= 0.80 * len(MORE_FAITHFUL), rejected
