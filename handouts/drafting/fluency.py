"""Fluency: does a candidate read clearly less fluently than its source?

The bundled model scores a text by its mean log-probability per token (natural log;
higher reads more like ordinary English to the model). Scoring is deterministic: one
forward pass, no sampling. The rule is pure: a candidate whose score falls more than
`MARGIN` below its source's reads clearly less fluently, and is dropped.

`MARGIN` (1.0 nat per token) was set on tests/data/labelled.jsonl with the bundled
SmolLM2-135M: the 76 faithful rewrites score from 0.91 below to 2.2 above their sources
(mean 0.31 above), so 1.0 below keeps every one of them. Broken English lands 0.04 to
0.8 below its source, inside that range, so fluency is a backstop: the guard's own
rules (no verb, doubled word, a/an) refuse those by name.

A backend that cannot score (the OpenAI-compatible server) degrades cleanly: the
candidate is not dropped and the result says "not scored" for the provenance.
"""

from __future__ import annotations

from dataclasses import dataclass

from handouts import checks
from handouts.checks.findings import Finding, Kind
from handouts.core.memo import key

MARGIN = 1.0  # nats per token


@dataclass(frozen=True)
class Fluency:
    scored: bool
    source: float | None  # mean log-probability per token of the clinician's fact
    candidate: float | None  # ... of the candidate
    ok: bool
    note: str  # one line for the provenance

    @property
    def drop(self) -> float | None:
        """How much less fluent the candidate reads than its source (positive = worse)."""
        if self.source is None or self.candidate is None:
            return None
        return self.source - self.candidate

    def finding(self) -> Finding | None:
        """The clinician-facing finding when the candidate is dropped, else None."""
        if self.ok:
            return None
        return Finding(Kind.FLUENCY, (), "reads clearly less fluently than your fact (the model finds it "
                       "much less like ordinary English)", "fluency")

    def to_dict(self) -> dict:
        return {"scored": self.scored, "source_logprob": self.source, "candidate_logprob": self.candidate,
                "ok": self.ok, "note": self.note}


def less_fluent(source_logprob: float, candidate_logprob: float, margin: float = MARGIN) -> bool:
    """The pure rule: True if the candidate reads clearly less fluently than its source."""
    return candidate_logprob < source_logprob - margin


_scores: dict[tuple[str, str], float | None] = {}


def score(model, text: str) -> float | None:
    """`model.score_text(text)`, remembered: a forward pass costs up to seconds on a busy
    machine, and a fact's source is scored once per candidate, at every redraft. Kept in
    memory and, when the guard's memo is on (handouts.checks.use_memo), on disk, keyed
    by the model file's SHA-256 and the text (scoring is deterministic)."""
    if not getattr(model, "deterministic_scores", False):  # a test double scores as scripted
        return model.score_text(text)
    sha = model.sha256
    if (sha, text) in _scores:
        return _scores[(sha, text)]
    memo = checks._persisted
    k = None
    if memo is not None:
        k = key("logprob", sha, text)
        hit = memo.get("logprob", k)
        if hit is not None:
            _scores[(sha, text)] = hit["logprob"]
            return hit["logprob"]
    value = model.score_text(text)
    _scores[(sha, text)] = value
    if memo is not None and value is not None:
        memo.put("logprob", k, {"logprob": value})
    return value


def remember(model_sha256: str, scores: dict[str, float]) -> None:
    """Take scores made earlier by the model file `model_sha256` (a draft's provenance
    carries them), so a fresh clone or a new machine does not score the same texts again."""
    for text, value in scores.items():
        _scores.setdefault((model_sha256, text), value)


def known(model_sha256: str, texts) -> dict[str, float]:
    """The remembered scores of `texts` by the model file `model_sha256`, for the provenance."""
    return {t: _scores[(model_sha256, t)] for t in sorted(set(texts))
            if _scores.get((model_sha256, t)) is not None}


def judge(model, source: str, candidate: str, *, margin: float = MARGIN) -> Fluency:
    """Score both texts with `model` (any handouts.drafting.models.Model) and apply the rule."""
    src = score(model, source)
    cand = score(model, candidate) if src is not None else None
    if src is None or cand is None:
        return Fluency(False, None, None, True,
                       f"fluency not scored: the {getattr(model, 'id', 'model')} backend cannot score text")
    bad = less_fluent(src, cand, margin)
    note = (f"reads less fluently than the fact ({cand:.2f} vs {src:.2f} nats per token, margin {margin:g})"
            if bad else f"fluency {cand:.2f} vs the fact's {src:.2f} nats per token")
    return Fluency(True, round(src, 4), round(cand, 4), not bad, note)
