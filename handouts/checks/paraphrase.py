"""Paraphrase equivalences and unequal pairs: data the rewrite guard reads.

`handouts/data/paraphrases.tsv` rewrites honest paraphrases to one plain form in both
the fact and the rewrite ("it's common for melasma to return" -> "melasma often
return", "can be a sign of" -> "suggest"), so the content and marker checks compare
meaning, not wording. `handouts/data/unequal.tsv` lists lexicon synonyms the guard
never counts as the same as their term (pustules ~ whiteheads, pain ~ soreness).
Pure and cached.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from handouts.sources.lexicon import normalize, stems


def _lines(name: str) -> list[list[str]]:
    text = resources.files("handouts.data").joinpath(name).read_text(encoding="utf-8")
    return [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def rules() -> tuple[tuple[re.Pattern, str], ...]:
    out = []
    for cols in _lines("paraphrases.tsv"):
        if cols[0] == "~":
            out.append((re.compile(cols[1]), cols[2]))
        elif cols[0] == "=":
            out.append((re.compile(rf"(?<![\w-])(?:{cols[2]})(?![\w-])"), cols[1]))
        else:  # pragma: no cover - guarded by tests/checks/test_paraphrase.py
            raise ValueError(f"paraphrases.tsv: unknown rule kind {cols[0]!r}")
    return tuple(out)


@lru_cache(maxsize=16384)
def canonical(text: str) -> str:
    """`text` lowercased, contractions expanded, every paraphrase in its plain form."""
    low = normalize(text)
    for pattern, repl in rules():
        low = pattern.sub(repl, low)
    return re.sub(r"[ \t]{2,}", " ", low)


@lru_cache(maxsize=1)
def unequal() -> frozenset[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(term stems, plain stems) pairs that never count as the same."""
    return frozenset((tuple(stems(term)), tuple(stems(plain))) for term, plain in _lines("unequal.tsv"))


def is_unequal(term_stems: tuple[str, ...], plain_stems: tuple[str, ...]) -> bool:
    return (tuple(term_stems), tuple(plain_stems)) in unequal()
