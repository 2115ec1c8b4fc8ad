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

import json
import re
import sys
import time
from dataclasses import dataclass, field, replace
from typing import Callable, NamedTuple

import click

from handouts import checks
from handouts.checks.readability import _words, syllables
from handouts.core.drafts import (
    Candidate,
    Draft,
    DraftFact,
    DraftSection,
    FactRecord,
    Origin,
    Provenance,
    list_parts,
)
from handouts.core.exceptions import ModelError
from handouts.core.files import sha256_text
from handouts.core.text import split_sentences
from handouts.drafting import fluency
from handouts.drafting.models import Generation, Model, Params
from handouts.drafting.prompts import PROMPT_VERSION, rewrite_messages
from handouts.drafting.simplify import definitions, restructure
from handouts.sources.lexicon import (EXPLAIN, Repair, lexicon_repair, plain_terms, stems, term_key, term_stems, tokens,
                                      wordlist)
from handouts.sources.sheets import Fact, Sheet

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
    """Drafting progress on stderr, drawn by click's progress bar: the bar, facts done,
    the time left (ETA, from the average time per fact so far), tokens per second and
    the fact being drafted. When stderr is not a terminal (a log), the same line is
    written every 5 seconds and at the end."""

    def __init__(self, total: int, label: str = "drafting", stream=None, enabled: bool = True):
        self.total, self.label = total, label
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0
        self.done = 0
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._note = ""
        self._last = 0.0
        self.bar = click.progressbar(length=max(total, 1), label=label, file=self.stream, width=24,
                                     show_eta=True, show_pos=True, show_percent=False,
                                     item_show_func=lambda _: self._note)

    def update(self, done: int, stats: Stats, note: str = "") -> None:
        step, self.done = done - self.done, done
        if not self.enabled:
            return
        self._note = f"{stats.tokens_per_second:5.1f} tok/s  {note}".rstrip()
        final = done >= self.total
        if self.tty:
            self.bar.update(step, current_item=note or None)
            if final:
                self.bar.render_finish()
            return
        self.bar.make_step(step)  # the position and the ETA; drawn below, as plain lines
        now = time.monotonic()
        if final or now - self._last >= 5:
            self._last = now
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def line(self) -> str:
        """The current progress line, e.g. `drafting acne  [######..]  12/30  00:01:05  48.1 tok/s  treatment.2`."""
        return self.bar.format_progress_line().rstrip()


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
    # json.dumps' default encoding (ASCII escapes, spaces), not canonical_json: the keys
    # stored in drafts/*.yaml were made with it, and a new key would redraft every fact.
    return sha256_text(json.dumps(inputs, sort_keys=True))


def candidate_params(params: Params, i: int) -> Params:
    """Candidate 0 is greedy; the others sample with their own seed."""
    return params.with_seed(params.seed + i, temperature=0.0 if i == 0 else None)


class Judgement(NamedTuple):
    """What a Candidate records of its judging: the guard's verdict (as messages), plus the
    drafting limits (cut off, too many sentences, no prose), and the reading grade if accepted."""

    accepted: bool
    reasons: list[str]
    grade: float | None


def judge(fact: Fact, text: str, finish_reason: str, glossary: dict,
          max_sentences: int | None = MAX_SENTENCES) -> Judgement:
    """Judge one candidate: accepted, reasons, reading grade.

    `max_sentences` bounds a model's output (a rambling model adds sentences); the
    sentence rules have no such bound: each of their sentences comes from the fact.
    """
    reasons: list[str] = []
    if finish_reason == "length":
        reasons.append("cut off: the model hit max_tokens before finishing")
    elif finish_reason not in ("stop", "eos", ""):
        reasons.append(f"unexpected finish reason {finish_reason!r}")
    if not text.strip():
        reasons.append("empty output")
    else:
        limit = max(max_sentences, len(split_sentences(fact.text))) if max_sentences else None
        if limit is not None and len(split_sentences(text)) > limit:
            reasons.append(f"more than {limit} sentences")
        verdict = checks.check_rewrite(fact.text, text, section=fact.section, glossary=glossary)
        reasons.extend(verdict.reasons)
        if not verdict.accepted and not verdict.reasons:
            reasons.append("rejected by the guard")
    grade = _grade(text) if not reasons else None
    if grade == float("inf"):
        reasons.append("no prose to score")
    return Judgement(not reasons, reasons, grade)


def choose(source: str, candidates: list[Candidate]) -> Candidate | None:
    """Faithful first: among candidates the guard accepted, one that keeps all of the
    fact's content wins over one that does not; then the lower grade, then the shorter."""
    ok = [c for c in candidates if c.accepted]
    return min(ok, key=lambda c: (not keeps_all_content(source, c.text), c.grade, len(c.text))) if ok else None


_KEEP_ALWAYS = frozenset("all every each only most many some any no not never none always few both either "
                         "neither more less least much".split())


# Linking words a sentence rule may trade for a full stop and an explicit subject
_CONNECTIVES = frozenset("such as which including because so that and but while whereas".split())


def keeps_all_content(source: str, candidate: str) -> bool:
    """Does `candidate` keep every content word of `source`, as written or as a lexicon
    synonym? Quantifiers and negations count as content ("all of the skin" is not "the skin")."""
    function = wordlist("function_words")
    have = set(stems(candidate))
    src = stems(source)
    covered = [False] * len(src)
    for _t, t_st, plains in term_stems():
        n = len(t_st)
        for i in range(len(src) - n + 1):
            if tuple(src[i:i + n]) == t_st and any(p and set(p) <= have for p in plains):
                covered[i:i + n] = [True] * n
    for word, st, cov in zip(tokens(source), src, covered):
        if cov or st in have:
            continue
        if (word in function or word in _CONNECTIVES) and word not in _KEEP_ALWAYS:
            continue
        return False
    return True


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

    def _check_fluency(self, fact: Fact, candidates: list[Candidate]) -> None:
        """Drop any accepted candidate that reads clearly less fluently than its fact, by the
        model's log-probability per token (handouts/drafting/fluency.py). A backend that cannot score
        leaves the candidates as they are and says so in each candidate's provenance."""
        for c in candidates:
            if c.accepted:
                f = fluency.judge(self.model, fact.text, c.text)
                c.fluency = f.note
                if not f.ok:
                    c.accepted = False
                    c.reasons.append(f.finding().message)

    def is_current(self, sheet: Sheet, old_draft: Draft | None, old_prov: Provenance | None) -> bool:
        """The draft was made from this sheet, prompt and parameters: only the model could differ."""
        if old_draft is None or old_prov is None or old_draft.sheet_sha256 != sheet.sha256:
            return False
        output = {k: v for k, v in self.params.as_dict().items() if k not in ("timeout_seconds", "n_ctx")}
        return ([(f.fact_id, f.source) for f in old_draft.facts()] == [(f.id, f.text) for f in sheet.facts()]
                and old_prov.prompt_version == PROMPT_VERSION and old_prov.candidates_per_fact == self.candidates
                and {k: old_prov.params.get(k) for k in output} == output)

    def draft_sheet(self, sheet: Sheet, old_draft: Draft | None, old_prov: Provenance | None,
                    save_partial: Callable[[Provenance], None] | None = None) -> tuple[Draft, Provenance]:
        """A fresh draft of `sheet`, reusing cached model output and clinician edits.

        A current draft is kept as it is when the model cannot be had (a missing file,
        a server down): with nothing to draft, the model is not needed.
        """
        if self._model_sha is None and self.is_current(sheet, old_draft, old_prov):
            try:
                self.model_sha256
            except ModelError:
                return old_draft, old_prov
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
        model_sha = prov.model.get("sha256")
        if model_sha and old_prov.model.get("sha256") == model_sha:
            fluency.remember(model_sha, old_prov.logprobs)  # scored before: not again
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
        if model_sha:
            prov.logprobs = fluency.known(model_sha, [t for r in prov.facts.values()
                                                      for t in [r.source, *(c.text for c in r.candidates)]])
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

    @staticmethod
    def _rule_candidate(fact: Fact, sheet: Sheet, text: str, kind: str, changes: list[str]) -> Candidate:
        accepted, reasons, grade = judge(fact, text, "", sheet.glossary, max_sentences=None)
        return Candidate(text=text, kind=kind, accepted=accepted, reasons=reasons, grade=grade, rules=changes)

    def _own_sentences(self, fact: Fact, sheet: Sheet, fixed: Repair, rules: list[str],
                       candidates: list[Candidate], repairs: dict[int, Repair]) -> None:
        """The same text with each explained term explained in a sentence of its own
        (simplify.definitions), as one more candidate."""
        text = definitions(fixed.text, fixed.explained_terms)
        if text is None:
            return
        c = self._rule_candidate(fact, sheet, text, "rule",
                                 rules + ["rule: explained-in-own-sentence"] + list(fixed.changes))
        candidates.append(c)
        repairs[id(c)] = fixed

    def _draft_fact(self, sheet: Sheet, fact: Fact, old: DraftFact | None, old_rec: FactRecord | None,
                    cache: dict[str, list[Candidate]], stats: Stats,
                    explained: set[str]) -> tuple[DraftFact, FactRecord]:
        stats.facts += 1
        # A clinician's edit survives redrafting while its source fact is unchanged.
        if old is not None and old.source == fact.text and (
            old.origin is Origin.EDITED
            or (old_rec is not None and (old_rec.edited_by_clinician or (
                old_rec.chosen_text not in ("", old.text)  # a hand edit, unless provenance is another run's
                and old_rec.cache_key in ("", old.cache_key))))
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
            again = renamed(fact.text, text)
            if again and accepted:
                accepted, grade = False, None
                reasons.append(f"names '{again}' again, which your fact names once")
            candidates.append(Candidate(text=text, kind="model", accepted=accepted, reasons=reasons,
                                        grade=grade, **g.generation()))
        # Deterministic candidates: the lexicon's swaps and explanations, and the sentence
        # rules (each rule kept only if the guard accepts its output) with the lexicon on top.
        # Each goes through the same guard as a model candidate.
        repairs: dict[int, Repair] = {}
        fixed = lexicon_repair(fact.text, sheet.glossary, explained)
        if fixed.text != fact.text:
            c = self._rule_candidate(fact, sheet, fixed.text, "lexicon", fixed.changes)
            candidates.append(c)
            repairs[id(c)] = fixed
            self._own_sentences(fact, sheet, fixed, [], candidates, repairs)
        structured, rules = restructure(fact.text, lambda t: _accepts(fact, t, sheet.glossary))
        if rules:
            on_top = lexicon_repair(structured, sheet.glossary, explained)
            c = self._rule_candidate(fact, sheet, on_top.text, "rule",
                                     [f"rule: {r}" for r in rules] + on_top.changes)
            if not c.accepted:  # the lexicon broke it: the rules alone
                c = self._rule_candidate(fact, sheet, structured, "rule", [f"rule: {r}" for r in rules])
            else:
                repairs[id(c)] = on_top
            candidates.append(c)
            if id(c) in repairs:
                self._own_sentences(fact, sheet, on_top, [f"rule: {r}" for r in rules], candidates, repairs)

        self._check_fluency(fact, candidates)
        best = choose(fact.text, candidates)
        source_grade = _grade(fact.text)
        if best is None or (best.kind != "model" and (best.grade, len(best.text)) >= (source_grade, len(fact.text))
                            and not repairs.get(id(best), Repair("")).explained):
            text, changes, origin = fact.text, [], Origin.UNCHANGED
            why = "no candidate passed the checks" if best is None else "no candidate read more simply"
            best = None
        else:
            text = best.text
            origin = {"model": Origin.MODEL, "lexicon": Origin.WORD_SWAPS, "rule": Origin.RESTRUCTURED}[best.kind]
            changes = list(best.rules) if best.kind != "model" else []
            if text == fact.text:
                origin, changes = Origin.UNCHANGED, []
            why = ""
            if id(best) in repairs:
                explained.update(repairs[id(best)].explained)
        stats.count(origin)
        rec = FactRecord(
            section=fact.section,
            source=fact.text,
            origin=origin,
            chosen_text=text,
            line=fact.line,
            cache_key=key,
            changes=changes,
            chosen_candidate=candidates.index(best) if best is not None else None,
            baseline_grade=source_grade,
            why=why,
            candidates=candidates,
        )
        return DraftFact(fact.id, fact.text, text, origin, key, changes=list(changes)), rec


_NAMING = re.compile(r"\b(?:is|are)\s+(?:also\s+)?(?:known as|called|referred to as|termed)\s+\"?([A-Za-z][\w -]*?)\"?\.?$",
                     re.I)


def renamed(source: str, text: str) -> str:
    """A model's sentence that only names again what the text already named ("... leathery
    plaques (lichenification). This condition is known as lichenification."): the name, or ""."""
    sentences = split_sentences(text)
    for i, s in enumerate(sentences):
        m = _NAMING.search(s)
        if not m or not i:
            continue
        name = m.group(1).strip().lower()
        before = " ".join(sentences[:i]).lower()
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", before) and \
                source.lower().count(name) < text.lower().count(name):
            return m.group(1).strip()
    return ""


def _accepts(fact: Fact, text: str, glossary: dict) -> bool:
    return checks.check_rewrite(fact.text, text, section=fact.section, glossary=glossary).accepted


def _grade(text: str) -> float:
    """Flesch-Kincaid grade of one fact's text, for choosing between its candidates.

    Counted on real sentences: the handout scorer follows textstat, which also ends a
    sentence at the dot of "0.1%"; on a single fact that noise can outweigh a real split.
    """
    words = [w for w in _words(text) if any(ch.isalpha() for ch in w)]
    n = len(split_sentences(text))
    parts = list_parts(text)
    if parts is not None:  # as the handout scorer counts it: the lead runs into the first item,
        # and each further item of more than two words is a sentence (textstat drops shorter ones)
        n = len(split_sentences(f"{parts.before} {parts.lead}")) + sum(
            1 for it in parts.items[1:] if len(it.split()) > 2)
    if not words or not n:
        return float("inf")
    return round(0.39 * len(words) / n + 11.8 * sum(syllables(w) for w in words) / len(words) - 15.59, 2)


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
