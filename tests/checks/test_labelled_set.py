"""The guard on hand-labelled pairs across conditions (tests/data/labelled.jsonl).

Faithful plain rewrites (aligned from the review's hand rewrite of acne, the review's own
rewrites, the model candidates it says were wrongly rejected, and paraphrases of facts of
other conditions) and unfaithful ones (the issue's accepted-but-wrong candidates, dropped
quantifiers, changed relations, stray pronouns, missing verbs, doubled words, a/an errors,
swapped numbers, invented symptoms, unequal synonyms). Every unfaithful pair must be
rejected; at least 85% of the faithful ones accepted (the target is 80% on a held-out set).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from handouts.checks import check_rewrite

PAIRS = [json.loads(line) for line in (Path(__file__).parent.parent / "data" / "labelled.jsonl")
         .read_text(encoding="utf-8").splitlines() if line.strip()]
REJECTS = [p for p in PAIRS if p["label"] == "reject"]
FAITHFUL = [p for p in PAIRS if p["label"] == "accept"]


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
