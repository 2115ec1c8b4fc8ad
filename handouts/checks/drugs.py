"""Drug and ingredient names, and the strength written next to each.

Names come from the shipped lexicon (`handouts/data/drugs.tsv`, generic and brand).
A brand and its generic count as the same drug. A rewrite must name the same drugs
as its source, give each the same strength, and name no other drug, including a
word that merely looks like a drug name (e.g. "-mycin", "-azole", "-mab").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from handouts.lexicon import drugs, normalize, tokens

_STRENGTH = re.compile(r"^[\s,(]*(\d+(?:\.\d+)?\s*(?:%|percent|mg|mcg|g(?![a-z])))")
_DRUG_SUFFIX = re.compile(
    r"^[a-z]{3,}(?:mycin|micin|cycline|cillin|floxacin|azole|conazole|mab|nib|tinib|olone|"
    r"asone|isone|sone|onide|cort|vir|ovir|tretin|arotene|limus|pril|sartan|olol|dipine|"
    r"statin|tidine|astine|adine|oxacin|profen|fenac|caine|parin|semide|thiazide)$"
)


@dataclass(frozen=True)
class Mention:
    name: str  # as written (lowercase)
    generic: str
    strength: str  # "0.1%" or ""


@lru_cache(maxsize=1)
def _name_regex() -> re.Pattern:
    names = sorted(drugs(), key=len, reverse=True)
    alts = "|".join(r"[\s-]+".join(re.escape(p) for p in re.split(r"[\s-]+", n)) for n in names)
    return re.compile(rf"(?<![\w-])({alts})(?![\w-])")


def mentions(text: str) -> list[Mention]:
    """Every lexicon drug named in `text`, with the strength written right after it."""
    low = normalize(text)
    out = []
    table = drugs()
    for m in _name_regex().finditer(low):
        name = re.sub(r"[\s-]+", " ", m.group(1))
        entry = table.get(name) or table.get(m.group(1))
        if entry is None:
            entry = next(d for k, d in table.items() if re.sub(r"[\s-]+", " ", k) == name)
        s = _STRENGTH.match(low[m.end():])
        strength = re.sub(r"\s+|percent", lambda x: "%" if x.group() == "percent" else "", s.group(1)) if s else ""
        out.append(Mention(m.group(1), entry.generic, strength))
    return out


@lru_cache(maxsize=1)
def _drug_words() -> frozenset[str]:
    return frozenset(w for name in drugs() for w in tokens(name))


def drug_words() -> frozenset[str]:
    """Every word that is part of a lexicon drug name."""
    return _drug_words()


def drug_like(word: str) -> bool:
    """True for a word that looks like a drug name by its suffix."""
    return bool(_DRUG_SUFFIX.match(word))


def check(source: str, candidate: str) -> list[str]:
    src, cand = mentions(source), mentions(candidate)
    reasons = []
    s_gen = {m.generic: m for m in src}
    c_gen = {m.generic: m for m in cand}
    for g, m in s_gen.items():
        if g not in c_gen:
            reasons.append(f"dropped drug: source names '{m.name}', the rewrite does not")
    for g, m in c_gen.items():
        if g not in s_gen:
            reasons.append(f"added drug: rewrite names '{m.name}', which the source does not")
    for g in [g for g in s_gen if g in c_gen]:
        s_str = {m.strength for m in src if m.generic == g and m.strength}
        c_str = {m.strength for m in cand if m.generic == g and m.strength}
        if c_str and s_str != c_str:
            reasons.append(
                f"changed strength of '{s_gen[g].name}': source says "
                f"{', '.join(sorted(s_str)) or 'none'}, rewrite says {', '.join(sorted(c_str))}"
            )
    src_words = set(tokens(source))
    known = drug_words()
    for w in dict.fromkeys(tokens(candidate)):
        if w not in src_words and w not in known and drug_like(w):
            reasons.append(f"added drug: rewrite names '{w}', which looks like a drug and is not in the source")
    return reasons
