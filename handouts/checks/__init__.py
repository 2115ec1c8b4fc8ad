"""Checks: the model proposes, the checks dispose.

Pure functions, one concern per module:

- `degenerate`: empty, loops, not English, chat preambles, questions, markup, URLs,
  invisible characters, length bounds;
- `quantities`: numbers, ranges, %, strengths, units, frequencies, durations, timing;
- `drugs`: drug and ingredient names (generic and brand) and their strengths;
- `markers`: negation, limits, conditions, urgency;
- `content`: recall and precision of content words against the source and lexicon;
- `warnings`: the strict extras for `when_to_get_help`;
- `readability`: Flesch-Kincaid and SMOG, offline;
- `handout`: the plain-language report on a whole handout.

`check_rewrite` runs them all and returns a `Verdict` of typed `Finding`s (see
`findings`), each explained for the clinician; `Verdict.reasons` is their messages.

May import: handouts.core, handouts.sources (the lexicon). Not drafting, sign-off or publish:
drafting uses the checks to judge its candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

from handouts.checks.findings import Finding, Kind
from handouts.checks.handout import Report, format_report_table, handout_report
from handouts.checks.readability import Readability, readability
from handouts.core.drafts import as_prose
from handouts.core.memo import key as memo_key
from handouts.core.text import split_sentences
from handouts.sources.lexicon import brackets_from_definitions, repair

__all__ = ["Verdict", "Finding", "Kind", "check_rewrite", "repair", "Readability", "readability",
           "handout_report", "format_report_table"]


@dataclass(frozen=True)
class Verdict:
    """The guard's answer: accepted, and every finding (none when accepted)."""

    accepted: bool
    findings: tuple[Finding, ...] = ()

    @property
    def reasons(self) -> tuple[str, ...]:
        """The findings' messages, shown to the reviewer; empty when accepted."""
        return tuple(f.message if isinstance(f, Finding) else str(f) for f in self.findings)

    def kinds(self) -> frozenset[Kind]:
        return frozenset(f.kind for f in self.findings if isinstance(f, Finding))

    def to_dict(self) -> dict:
        return {"accepted": self.accepted,
                "findings": [f.to_dict() if isinstance(f, Finding) else str(f) for f in self.findings]}

    @classmethod
    def from_dict(cls, data: dict) -> "Verdict":
        return cls(bool(data["accepted"]),
                   tuple(Finding.from_dict(f) if isinstance(f, dict) else str(f) for f in data["findings"]))


_persisted = None  # a handouts.core.memo.Memo, installed by use_memo(): verdicts kept across runs


def use_memo(memo) -> None:
    """Keep verdicts in a persisted memo too (handouts.core.memo), keyed by the inputs and the
    checks version: a cached candidate is judged once, not at every rebuild. None: off."""
    global _persisted
    _persisted = memo


def check_rewrite(source: str, candidate: str, *, section: str = "",
                  glossary: Mapping[str, str] | None = None) -> Verdict:
    """Is `candidate` a faithful plain rewrite of the clinician's fact `source`?

    `section == "when_to_get_help"` is the strictest mode: every symptom and every
    instruction of the source must be kept. Degenerate output (empty, loop, HTML...)
    is reported alone: comparing its meaning would only add noise.
    Pure, so memoised, in memory and (after use_memo) on disk: a rebuild does not
    judge a cached candidate again.
    """
    items = tuple(sorted((glossary or {}).items()))
    candidate = as_prose(candidate)  # a list is judged as the sentence it stands for
    # "X ... . X are a type of Y." is judged as "X (a type of Y) ...": a lexicon term's
    # explanation, in its own sentence or in brackets, is the same words
    candidate = brackets_from_definitions(candidate, split_sentences)
    if _persisted is None:
        return _check_rewrite(source, candidate, section, items)
    return _remembered(_persisted, source, candidate, section, items)


@lru_cache(maxsize=8192)
def _remembered(memo, source: str, candidate: str, section: str,
                glossary: tuple[tuple[str, str], ...]) -> Verdict:
    k = memo_key("verdict", source, candidate, section, glossary)
    hit = memo.get("verdict", k)
    if hit is not None:
        return Verdict.from_dict(hit)
    verdict = _check_rewrite(source, candidate, section, glossary)
    memo.put("verdict", k, verdict.to_dict())
    return verdict


@lru_cache(maxsize=8192)
def _check_rewrite(source: str, candidate: str, section: str,
                   glossary: tuple[tuple[str, str], ...]) -> Verdict:
    # imported on first use (compiling their patterns takes about a second): a command
    # that finds every verdict in the memo never loads them
    from handouts.checks import content, degenerate, drugs, english, markers, paraphrase, quantities, warnings

    glossary = dict(glossary)
    bad = degenerate.findings(source, candidate)
    if bad and (not candidate.strip() or degenerate.fatal(bad)):
        return Verdict(False, tuple(bad))
    strict = section == warnings.SECTION
    found = list(bad)
    found += quantities.findings(source, candidate)
    found += drugs.findings(source, candidate)
    # meaning is compared on the plain form of both texts (paraphrases.tsv)
    s_plain, c_plain = paraphrase.canonical(source), paraphrase.canonical(candidate)
    meaning = markers.findings(s_plain, c_plain)
    named = frozenset(w for f in meaning if f.kind is Kind.RELATION for w in f.words)
    found += meaning
    found += content.findings(s_plain, c_plain, glossary=glossary, strict=strict, reported=named)
    if strict:
        found += warnings.findings(source, candidate)
    found += english.findings(source, candidate)
    return Verdict(not found, tuple(found))

