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
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Mapping

from handouts.checks import content, degenerate, drugs, markers, quantities, warnings
from handouts.checks.findings import Finding, Kind
from handouts.checks.readability import Readability, readability
from handouts.lexicon import repair

if TYPE_CHECKING:  # pragma: no cover
    from handouts.checks.handout import Report
    from handouts.drafts import Draft

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


def check_rewrite(source: str, candidate: str, *, section: str = "",
                  glossary: Mapping[str, str] | None = None) -> Verdict:
    """Is `candidate` a faithful plain rewrite of the clinician's fact `source`?

    `section == "when_to_get_help"` is the strictest mode: every symptom and every
    instruction of the source must be kept. Degenerate output (empty, loop, HTML...)
    is reported alone: comparing its meaning would only add noise.
    Pure, so memoised: a rebuild re-judges cached candidates at almost no cost.
    """
    return _check_rewrite(source, candidate, section, tuple(sorted((glossary or {}).items())))


@lru_cache(maxsize=8192)
def _check_rewrite(source: str, candidate: str, section: str,
                   glossary: tuple[tuple[str, str], ...]) -> Verdict:
    glossary = dict(glossary)
    bad = degenerate.findings(source, candidate)
    if bad and (not candidate.strip() or degenerate.fatal(bad)):
        return Verdict(False, tuple(bad))
    strict = section == warnings.SECTION
    found = list(bad)
    found += quantities.findings(source, candidate)
    found += drugs.findings(source, candidate)
    found += markers.findings(source, candidate)
    found += content.findings(source, candidate, glossary=glossary, strict=strict)
    if strict:
        found += warnings.findings(source, candidate)
    return Verdict(not found, tuple(found))


def handout_report(draft: "Draft", *, target_grade: float = 6) -> "Report":
    from handouts.checks.handout import handout_report as _report

    return _report(draft, target_grade=target_grade)


def format_report_table(report: "Report") -> str:
    from handouts.checks.handout import format_report_table as _table

    return _table(report)
