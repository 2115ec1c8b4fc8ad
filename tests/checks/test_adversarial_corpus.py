"""The adversarial corpus: real SmolLM2-135M outputs and hand-made corruptions.

Each line of tests/data/adversarial.jsonl is a source fact, a candidate rewrite, the
section, a hand label (accept/reject), the reason for the label, where the candidate
came from ("model:..." or "hand") and the kind of fault. Every wrong candidate must be
rejected, every faithful one accepted.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from handouts.checks import check_rewrite

CORPUS = Path(__file__).parent.parent / "data" / "adversarial.jsonl"
PAIRS = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
REQUIRED_KINDS = {"frequency", "copied-few-shot", "urgency", "invented-claim", "strength", "drug", "loop",
                  "html", "empty", "preamble", "question", "url", "invisible", "negation", "limit"}


def test_corpus_shape():
    assert len(PAIRS) >= 80
    labels = Counter(p["label"] for p in PAIRS)
    assert set(labels) == {"accept", "reject"}
    assert labels["accept"] >= 25
    for p in PAIRS:
        assert set(p) >= {"source", "candidate", "label", "reason", "origin", "kind"}, p
        assert p["reason"].strip(), p
    assert REQUIRED_KINDS <= {p["kind"] for p in PAIRS if p["label"] == "reject"}
    assert any(p["origin"].startswith("model:") for p in PAIRS)


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{i + 1}-{p['label']}-{p['kind']}" for i, p in enumerate(PAIRS)])
def test_corpus_pair(pair):
    v = check_rewrite(pair["source"], pair["candidate"], section=pair.get("section", ""))
    if pair["label"] == "reject":
        assert not v.accepted, f"accepted a wrong candidate ({pair['reason']})"
        assert v.reasons and all(r.strip() for r in v.reasons)
    else:
        assert v.accepted, f"rejected a faithful candidate: {v.reasons}"
