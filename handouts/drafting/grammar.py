"""A llama.cpp GBNF grammar per fact: a model rewrite that cannot invent words.

The grammar allows one to three sentences built only from

- the fact's own words, numbers and strengths ("0.1%", "2.5-5%", "15-20%"), as written;
- the plain synonyms the lexicon and the sheet's glossary give for the fact's terms;
- function words and the plain everyday words any rewrite may use (handouts/data);

each sentence starting with a capital and ending with a full stop. A constrained
generation can still drop, reorder or garble what it may say, so its output goes through
the guard like any candidate; what it cannot do is name a new drug, symptom or number.
Pure: the same fact always gives the same grammar.
"""

from __future__ import annotations

import re
from typing import Mapping

from handouts.sources.lexicon import plain_terms, stems, wordlist

_PIECE = re.compile(r"\d+(?:[.,]\d+)*(?:\s?-\s?\d+(?:\.\d+)?)?%?|[A-Za-z]+(?:['\u2019-][A-Za-z]+)*")


def vocabulary(fact: str, glossary: Mapping[str, str] | None = None) -> list[str]:
    """Every word the grammar allows for `fact`, sorted (lowercase, except numbers)."""
    words = {w.lower() for w in _PIECE.findall(fact)}
    src = stems(fact)
    entries = [(t.term, t.plains) for t in plain_terms()] + [(k, (v,)) for k, v in (glossary or {}).items()]
    for term, plains in entries:
        t_st = stems(term)
        n = len(t_st)
        if n and any(src[i:i + n] == t_st for i in range(len(src) - n + 1)):
            for p in plains:
                words |= {w.lower() for w in _PIECE.findall(p)}
    words |= {w for w in wordlist("function_words") if w.isalpha() and len(w) > 1 or w in ("a", "i")}
    words |= set(wordlist("plain_words"))
    words |= {"you", "your", "it", "is", "are", "do", "not", "can", "may", "will"}
    return sorted(w for w in words if w)


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def build(fact: str, glossary: Mapping[str, str] | None = None, *, max_sentences: int = 3,
          max_words: int = 40) -> str:
    """The GBNF grammar for rewrites of `fact`."""
    vocab = vocabulary(fact, glossary)
    cased = sorted({_cap(w) for w in vocab if w[0].isalpha()} | {w for w in vocab if w[0].isdigit()})
    # proper nouns and acronyms keep their case anywhere ("US", "iPLEDGE", "Cutibacterium")
    kept_case = sorted({w for w in _PIECE.findall(fact) if w[0].isalpha() and w != w.lower()})
    lines = [
        f"root ::= sentence (\" \" sentence){{0,{max_sentences - 1}}}",
        f"sentence ::= first (sep word){{1,{max_words}}} \".\"",
        'sep ::= " " | ", "',
        "first ::= " + " | ".join(_literal(w) for w in cased + kept_case),
        "word ::= " + " | ".join(_literal(w) for w in vocab + kept_case),
    ]
    return "\n".join(lines) + "\n"


def allows(grammar_vocab: list[str], text: str) -> bool:
    """True if every word of `text` is in the vocabulary (a quick check for tests)."""
    allowed = {w.lower() for w in grammar_vocab}
    return all(w.lower() in allowed for w in _PIECE.findall(text) if not w[0].isdigit() or w in allowed)


__all__ = ["build", "vocabulary", "allows"]
