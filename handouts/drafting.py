"""Turn a condition sheet into a draft, fact by fact, with full provenance.

For each fact: ask the model for N candidates (best-of-N, one seed each), check
every candidate against the fact, keep the best that passes (lowest reading
grade, then shortest) if it reads more simply than the clinician's fact after the
deterministic lexicon repair. Otherwise keep that repaired fact, marked
"not simplified" for the reviewer.

Model outputs are cached by the hash of everything that made them (fact text,
section, model hash, prompt version, parameters), inside the provenance file.
A rebuild with nothing changed makes zero model calls. The checks, being cheap
and pure, are re-run on cached candidates every time.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

from handouts import checks
from handouts.drafts import (
    EDITED,
    NOT_SIMPLIFIED,
    SIMPLIFIED,
    Draft,
    DraftFact,
    DraftSection,
    split_sentences,
)
from handouts.models import Generation, Model, Params
from handouts.prompts import PROMPT_VERSION, rewrite_messages
from handouts.sheets import Fact, Sheet

MAX_SENTENCES = 3


@dataclass
class Stats:
    facts: int = 0
    model_calls: int = 0
    tokens: int = 0
    seconds: float = 0.0
    simplified: int = 0
    fallback: int = 0
    edited: int = 0

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0

    def add(self, other: "Stats") -> None:
        for name in ("facts", "model_calls", "tokens", "seconds", "simplified", "fallback", "edited"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


class Progress:
    """A one-line progress display on stderr: facts done and tokens per second."""

    def __init__(self, total: int, label: str = "drafting", stream=None, enabled: bool = True):
        self.total, self.label = total, label
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.done = 0
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last = 0.0

    def update(self, done: int, stats: Stats, note: str = "") -> None:
        self.done = done
        if not self.enabled:
            return
        now = time.monotonic()
        final = done >= self.total
        if not self.tty and not final and now - self._last < 5:
            return
        self._last = now
        width = 24
        filled = int(width * done / self.total) if self.total else width
        line = (f"{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} facts"
                f"  {stats.tokens_per_second:5.1f} tok/s  {note}")
        end = "\n" if (final or not self.tty) else ""
        self.stream.write(("\r" if self.tty else "") + line[:110].ljust(110 if self.tty else 0) + end)
        self.stream.flush()


def cache_key(fact: Fact, model_sha256: str, params: Params, candidates: int) -> str:
    # Only what changes the output: not the time limit, not n_ctx (both still recorded).
    output_params = {k: v for k, v in params.as_dict().items() if k not in ("timeout_seconds", "n_ctx")}
    inputs = {
        "fact": fact.text,
        "section": fact.section,
        "model_sha256": model_sha256,
        "prompt_version": PROMPT_VERSION,
        "params": output_params,
        "candidates": candidates,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode("utf-8")).hexdigest()


def candidate_params(params: Params, i: int) -> Params:
    """Candidate 0 is greedy; the others sample with their own seed."""
    return params.with_seed(params.seed + i, temperature=0.0 if i == 0 else None)


def judge(fact: Fact, text: str, finish_reason: str, glossary: dict) -> tuple[bool, list[str], float | None]:
    """Verdict on one candidate: accepted, reasons, reading grade."""
    reasons: list[str] = []
    if finish_reason == "length":
        reasons.append("cut off: the model hit max_tokens before finishing")
    elif finish_reason not in ("stop", "eos", ""):
        reasons.append(f"unexpected finish reason {finish_reason!r}")
    if not text.strip():
        reasons.append("empty output")
    else:
        limit = max(MAX_SENTENCES, len(split_sentences(fact.text)))
        if len(split_sentences(text)) > limit:
            reasons.append(f"more than {limit} sentences")
        verdict = checks.check_rewrite(fact.text, text, section=fact.section, glossary=glossary)
        reasons.extend(verdict.reasons)
        if not verdict.accepted and not verdict.reasons:
            reasons.append("rejected by the guard")
    grade = _grade(text) if not reasons else None
    if grade == float("inf"):
        reasons.append("no prose to score")
    return (not reasons), reasons, grade


def choose(entries: list[dict]) -> dict | None:
    ok = [c for c in entries if c["accepted"]]
    return min(ok, key=lambda c: (c["grade"], len(c["text"]))) if ok else None


@dataclass
class Drafter:
    """Drafts sheets with one model, loaded only when a fact actually needs it."""

    model_factory: Callable[[], Model]
    params: Params
    candidates: int = 3
    progress: bool = True
    stats: Stats = field(default_factory=Stats)
    _model: Model | None = None
    _model_sha: str | None = None

    @property
    def model(self) -> Model:
        if self._model is None:
            self._model = self.model_factory()
        return self._model

    @property
    def model_sha256(self) -> str:
        if self._model_sha is None:
            self._model_sha = self.model.sha256
        return self._model_sha

    def draft_sheet(self, sheet: Sheet, old_draft: Draft | None, old_prov: dict,
                    save_partial: Callable[[dict], None] | None = None) -> tuple[Draft, dict]:
        """A fresh draft of `sheet`, reusing cached model output and clinician edits."""
        facts = sheet.facts()
        old_texts = {f.fact_id: f for f in (old_draft.facts() if old_draft else [])}
        old_entries = old_prov.get("facts", {}) if old_prov else {}
        by_key = {e.get("cache_key"): e for e in old_entries.values() if e.get("cache_key")}
        by_key.update((old_prov or {}).get("pending", {}))  # output saved by an interrupted run
        prov = {
            "id": sheet.id,
            "sheet_sha256": sheet.sha256,
            "model": self.model.describe(),
            "prompt_version": PROMPT_VERSION,
            "params": self.params.as_dict(),
            "candidates_per_fact": self.candidates,
            "facts": {},
        }
        local = Stats()
        bar = Progress(len(facts), f"drafting {sheet.id}", enabled=self.progress)
        out: dict[str, DraftFact] = {}
        try:
            for n, fact in enumerate(facts, 1):
                out[fact.id], prov["facts"][fact.id] = self._draft_fact(
                    sheet, fact, old_texts.get(fact.id), old_entries.get(fact.id, {}), by_key, local)
                bar.update(n, local if local.seconds else self.stats, fact.id)
        except BaseException:  # a model error, a timeout, Ctrl-C
            # Keep every finished model output for the next run, as cache only: the old
            # draft and its provenance stay as they were, so nothing looks like an edit.
            done = {e["cache_key"]: {"candidates": e["candidates"]}
                    for e in prov["facts"].values() if e.get("candidates")}
            if save_partial is not None and done:
                pending = {**(old_prov or {}).get("pending", {}), **done}
                save_partial(dict(old_prov or {}, pending=pending))
            raise
        finally:
            self.stats.add(local)
        draft = Draft(
            id=sheet.id,
            title=sheet.title,
            also_called=list(sheet.also_called),
            summary=out[sheet.summary.id],
            sections=[DraftSection(s.key, s.heading, [out[f.id] for f in s.facts]) for s in sheet.sections],
            glossary=dict(sheet.glossary),
            references=list(sheet.references),
            sheet_sha256=sheet.sha256,
            review_interval_months=sheet.review_interval_months,
        )
        return draft, prov

    def _draft_fact(self, sheet: Sheet, fact: Fact, old: DraftFact | None, old_entry: dict,
                    by_key: dict, stats: Stats) -> tuple[DraftFact, dict]:
        stats.facts += 1
        # A clinician's edit survives redrafting while its source fact is unchanged.
        if old is not None and old.source == fact.text and (
            old.status == EDITED or (old_entry.get("chosen_text") not in (None, old.text))
        ):
            stats.edited += 1
            entry = dict(old_entry, status=EDITED, chosen_text=old.text,
                         sentences=_sentences(fact.id, old.text), edited_by_clinician=True)
            return DraftFact(fact.id, fact.text, old.text, EDITED, old.cache_key), entry

        key = cache_key(fact, self.model_sha256, self.params, self.candidates)
        cached = by_key.get(key)
        if cached is not None:
            raw = [{k: c[k] for k in ("seed", "temperature", "output", "finish_reason", "tokens", "seconds")}
                   for c in cached.get("candidates", [])]
        else:
            raw = []
            messages = rewrite_messages(fact.text)
            for i in range(self.candidates):
                p = candidate_params(self.params, i)
                gen: Generation = self.model.generate(messages, p)
                stats.model_calls += 1
                stats.tokens += gen.completion_tokens
                stats.seconds += gen.seconds
                raw.append({"seed": p.seed, "temperature": p.temperature, "output": gen.text,
                            "finish_reason": gen.finish_reason, "tokens": gen.completion_tokens,
                            "seconds": round(gen.seconds, 3)})

        candidates = []
        for c in raw:
            text = " ".join(c["output"].split())  # the raw output stays in "output"
            accepted, reasons, grade = judge(fact, text, c["finish_reason"], sheet.glossary)
            candidates.append(dict(c, text=text, accepted=accepted, reasons=reasons, grade=grade))
        # The lexicon repair of the clinician's fact is the baseline every rewrite must
        # beat: a model candidate is kept only if it passed and reads more simply.
        fallback = checks.repair(fact.text, sheet.glossary)
        if not checks.check_rewrite(fact.text, fallback, section=fact.section, glossary=sheet.glossary).accepted:
            fallback = fact.text  # the lexicon must never make a fact unfaithful: keep it verbatim
        fallback_grade = _grade(fallback)
        best = choose(candidates)
        if best is not None and (best["grade"], len(best["text"])) < (fallback_grade, len(fallback)):
            stats.simplified += 1
            text, status, why = best["text"], SIMPLIFIED, ""
        else:
            stats.fallback += 1
            text, status = fallback, NOT_SIMPLIFIED
            why = ("no candidate passed the checks" if best is None else
                   f"no accepted candidate read more simply than the lexicon repair "
                   f"(grade {best['grade']} vs {fallback_grade})")
        entry = {
            "section": fact.section,
            "source": fact.text,
            "line": fact.line,
            "cache_key": key,
            "status": status,
            "chosen_text": text,
            "chosen_candidate": candidates.index(best) if status == SIMPLIFIED else None,
            "fallback_grade": fallback_grade,
            "not_simplified_because": why,
            "sentences": _sentences(fact.id, text),
            "candidates": candidates,
        }
        return DraftFact(fact.id, fact.text, text, status, key), entry


def _grade(text: str) -> float:
    try:
        return round(checks.readability(text).fk_grade, 2)
    except ValueError:
        return float("inf")


def _sentences(fact_id: str, text: str) -> list[dict]:
    """The sentence -> fact links shown in provenance."""
    return [{"n": i, "text": s, "fact": fact_id} for i, s in enumerate(split_sentences(text), 1)]
