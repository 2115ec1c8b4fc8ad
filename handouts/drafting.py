"""Turn a condition sheet into a draft, fact by fact, with full provenance.

For each fact: ask the model for N candidates (best-of-N, one seed each), check
every candidate against the fact, keep the best that passes (lowest reading
grade, then shortest) if it reads more simply than the clinician's fact after the
deterministic lexicon repair. Otherwise keep that repaired fact. Each fact
records its `Origin` (clinician's words unchanged, word swaps, model rewrite,
clinician edit) and the changes made, so the reviewer sees what the tool did.

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
from dataclasses import dataclass, field, replace
from typing import Callable

from handouts import checks
from handouts.drafts import (
    Candidate,
    Draft,
    DraftFact,
    DraftSection,
    FactRecord,
    Origin,
    Provenance,
    split_sentences,
)
from handouts.lexicon import EXPLAIN, lexicon_repair, plain_terms, stems, term_key
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
    origins: dict[str, int] = field(default_factory=dict)  # Origin value -> facts

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0

    def count(self, origin: Origin) -> None:
        self.origins[origin.value] = self.origins.get(origin.value, 0) + 1

    def of(self, origin: Origin) -> int:
        return self.origins.get(origin.value, 0)

    def add(self, other: "Stats") -> None:
        for name in ("facts", "model_calls", "tokens", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for k, v in other.origins.items():
            self.origins[k] = self.origins.get(k, 0) + v

    def describe_origins(self) -> str:
        """"3 clinician's words unchanged, 20 word swaps, ...", in the order of `Origin`."""
        return ", ".join(f"{self.of(o)} {o.value}" for o in Origin if self.of(o)) or "none"


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


def choose(candidates: list[Candidate]) -> Candidate | None:
    ok = [c for c in candidates if c.accepted]
    return min(ok, key=lambda c: (c.grade, len(c.text))) if ok else None


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

    def draft_sheet(self, sheet: Sheet, old_draft: Draft | None, old_prov: Provenance | None,
                    save_partial: Callable[[Provenance], None] | None = None) -> tuple[Draft, Provenance]:
        """A fresh draft of `sheet`, reusing cached model output and clinician edits."""
        old_prov = old_prov or Provenance()
        facts = sheet.facts()
        old_texts = {f.fact_id: f for f in (old_draft.facts() if old_draft else [])}
        cache = old_prov.cached_generations()
        prov = Provenance(
            id=sheet.id,
            sheet_sha256=sheet.sha256,
            model=self.model.describe(),
            prompt_version=PROMPT_VERSION,
            params=self.params.as_dict(),
            candidates_per_fact=self.candidates,
        )
        local = Stats()
        bar = Progress(len(facts), f"drafting {sheet.id}", enabled=self.progress)
        out: dict[str, DraftFact] = {}
        explained: set[str] = set()  # terms explained so far: each only at its first use
        try:
            for n, fact in enumerate(facts, 1):
                out[fact.id], prov.facts[fact.id] = self._draft_fact(
                    sheet, fact, old_texts.get(fact.id), old_prov.facts.get(fact.id), cache, local, explained)
                bar.update(n, local if local.seconds else self.stats, fact.id)
        except BaseException:  # a model error, a timeout, Ctrl-C
            # Keep every finished model output for the next run, as cache only: the old
            # draft and its provenance stay as they were, so nothing looks like an edit.
            done = {r.cache_key: [c for c in r.candidates if c.kind == "model"]
                    for r in prov.facts.values() if r.cache_key and r.candidates}
            if save_partial is not None and done:
                save_partial(replace(old_prov, id=old_prov.id or sheet.id, pending={**old_prov.pending, **done}))
            raise
        finally:
            self.stats.add(local)
        draft = Draft(
            id=sheet.id,
            title=sheet.title,
            also_called=list(sheet.also_called),
            summary=out[sheet.summary.id],
            sections=[DraftSection(s.key, s.heading, [out[f.id] for f in s.facts]) for s in sheet.sections],
            glossary=words_to_know([f.text for f in out.values()], sheet.glossary),
            references=list(sheet.references),
            sheet_sha256=sheet.sha256,
            review_interval_months=sheet.review_interval_months,
        )
        return draft, prov

    def _draft_fact(self, sheet: Sheet, fact: Fact, old: DraftFact | None, old_rec: FactRecord | None,
                    cache: dict[str, list[Candidate]], stats: Stats,
                    explained: set[str]) -> tuple[DraftFact, FactRecord]:
        stats.facts += 1
        # A clinician's edit survives redrafting while its source fact is unchanged.
        if old is not None and old.source == fact.text and (
            old.origin is Origin.EDITED
            or (old_rec is not None and (old_rec.edited_by_clinician or old_rec.chosen_text not in ("", old.text)))
        ):
            stats.count(Origin.EDITED)
            rec = replace(old_rec, origin=Origin.EDITED, chosen_text=old.text, changes=[],
                          edited_by_clinician=True) if old_rec is not None else FactRecord(
                fact.section, fact.text, Origin.EDITED, old.text, line=fact.line,
                cache_key=old.cache_key, edited_by_clinician=True)
            return DraftFact(fact.id, fact.text, old.text, Origin.EDITED, old.cache_key), rec

        key = cache_key(fact, self.model_sha256, self.params, self.candidates)
        generations = cache.get(key)
        if generations is None:
            generations = []
            messages = rewrite_messages(fact.text)
            for i in range(self.candidates):
                p = candidate_params(self.params, i)
                gen: Generation = self.model.generate(messages, p)
                stats.model_calls += 1
                stats.tokens += gen.completion_tokens
                stats.seconds += gen.seconds
                generations.append(Candidate(text="", output=gen.text, seed=p.seed, temperature=p.temperature,
                                             finish_reason=gen.finish_reason, tokens=gen.completion_tokens,
                                             seconds=round(gen.seconds, 3)))

        candidates = []
        for g in generations:
            text = " ".join(g.output.split())  # the raw output stays in `output`
            accepted, reasons, grade = judge(fact, text, g.finish_reason, sheet.glossary)
            candidates.append(Candidate(text=text, kind="model", accepted=accepted, reasons=reasons,
                                        grade=grade, **g.generation()))
        # The lexicon repair of the clinician's fact is the baseline every rewrite must
        # beat: a model candidate is kept only if it passed and reads more simply.
        fixed = lexicon_repair(fact.text, sheet.glossary, explained)
        baseline, swaps = fixed.text, fixed.changes
        if not checks.check_rewrite(fact.text, baseline, section=fact.section, glossary=sheet.glossary).accepted:
            baseline, swaps = fact.text, []  # the lexicon must never make a fact unfaithful: keep it verbatim
        baseline_grade = _grade(baseline)
        best = choose(candidates)
        if best is not None and (best.grade, len(best.text)) < (baseline_grade, len(baseline)):
            text, changes, why = best.text, [], ""
            origin = Origin.UNCHANGED if text == fact.text else Origin.MODEL  # a copy is not a rewrite
        else:
            text, changes = baseline, swaps
            origin = Origin.WORD_SWAPS if baseline != fact.text else Origin.UNCHANGED
            if swaps:
                explained.update(fixed.explained)
            why = ("no candidate passed the checks" if best is None else
                   f"no accepted candidate read more simply than the word swaps "
                   f"(grade {best.grade} vs {baseline_grade})")
        stats.count(origin)
        rec = FactRecord(
            section=fact.section,
            source=fact.text,
            origin=origin,
            chosen_text=text,
            line=fact.line,
            cache_key=key,
            changes=changes,
            chosen_candidate=candidates.index(best) if best is not None and text == best.text else None,
            baseline_grade=baseline_grade,
            why=why,
            candidates=candidates,
        )
        return DraftFact(fact.id, fact.text, text, origin, key, changes=list(changes)), rec


def _grade(text: str) -> float:
    try:
        return round(checks.readability(text).fk_grade, 2)
    except ValueError:
        return float("inf")


def words_to_know(texts: list[str], glossary: dict[str, str]) -> dict[str, str]:
    """"Words to know": exactly the hard terms the final text uses, with their meanings.

    A term of the sheet's glossary is listed only if a text still uses it (a swapped-out
    term is not); a term the lexicon explains in brackets is listed with that meaning.
    A term used only inside a longer listed one ("follicle" in "hair follicle") is not.
    """
    used = [list(stems(t)) for t in texts]

    def take(term: str) -> bool:
        """Is `term` used (outside longer terms taken before)? Its uses are then covered."""
        seq = stems(term)
        n, hit = len(seq), False
        for u in used:
            for i in range(len(u) - n + 1):
                if n and u[i:i + n] == seq:
                    u[i:i + n] = [""] * n
                    hit = True
        return hit

    lexicon: dict = {}
    for t in plain_terms():  # the first of a term's inflections names it ("retinoid", not "retinoids")
        if t.mode == EXPLAIN:
            lexicon.setdefault(term_key(t.term), t)
    entries = [(term, meaning) for term, meaning in glossary.items()]
    entries += [(t.term, t.plains[0]) for k, t in lexicon.items()
                if k not in {term_key(g) for g in glossary}]
    out = {}
    for term, meaning in sorted(entries, key=lambda e: -len(stems(e[0]))):
        if take(term):
            out[term] = meaning
    order = {term: i for i, (term, _) in enumerate(entries)}
    return dict(sorted(out.items(), key=lambda kv: order[kv[0]]))
