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

from handouts.checks.findings import Finding, Kind, messages
from handouts.sources.lexicon import drugs, normalize, stem, tokens, wordlist

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
    position: int = 0  # index of its first word in `tokens(text)`


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
        out.append(Mention(m.group(1), entry.generic, strength, len(tokens(low[:m.start()]))))
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


def _sites(text: str, found: list[Mention]) -> dict[str, tuple[str, str]]:
    """Each drug -> its body part: the first one after it in the same clause, else the
    nearest one before it in the sentence, else the nearest after it."""
    body = wordlist("body_parts")
    out: dict[str, tuple[str, str]] = {}  # generic -> (stem, word as written)
    offset = 0
    for sentence in re.split(r"(?<=[.;!?])\s+", normalize(text)):
        toks, clause_of = [], []
        for n, clause in enumerate(re.split(r",|;|\b(?:and|but|while|whereas)\b", sentence)):
            words = tokens(clause)
            toks += words
            clause_of += [n] * len(words)
        parts = [i for i, t in enumerate(toks) if t in body]
        for m in found:
            i = m.position - offset
            if not (0 <= i < len(toks)) or not parts or m.generic in out:
                continue
            after = [p for p in parts if p > i and clause_of[p] == clause_of[i]]
            before = [p for p in parts if p < i]
            pick = after[0] if after else before[-1] if before else min(parts, key=lambda p: abs(p - i))
            out[m.generic] = (stem(toks[pick]), toks[pick])
        offset += len(toks)
    return out


def _pairing(source: str, candidate: str, src: list[Mention], cand: list[Mention]) -> list[Finding]:
    """Two drugs for two places must not swap places (a strong steroid onto the face)."""
    if len({m.generic for m in src}) < 2:
        return []
    s_sites, c_sites = _sites(source, src), _sites(candidate, cand)
    if len({st for st, _ in s_sites.values()}) < 2:
        return []
    names = {m.generic: m.name for m in src}
    return [Finding(Kind.MOVED_DRUG, (names[g], s_sites[g][1], c_sites[g][1]),
                    f"moves '{names[g]}' from the {s_sites[g][1]} to the {c_sites[g][1]}", "drugs")
            for g in s_sites if g in c_sites and c_sites[g][0] != s_sites[g][0]]


def findings(source: str, candidate: str) -> list[Finding]:
    src, cand = mentions(source), mentions(candidate)
    out = []
    s_gen = {m.generic: m for m in src}
    c_gen = {m.generic: m for m in cand}
    for g, m in s_gen.items():
        if g not in c_gen:
            out.append(Finding(Kind.DROPPED_DRUG, (m.name,), f"drops the drug '{m.name}'", "drugs"))
    for g, m in c_gen.items():
        if g not in s_gen:
            out.append(Finding(Kind.ADDED_DRUG, (m.name,),
                               f"adds the drug '{m.name}', which your fact does not name", "drugs"))
    for g in [g for g in s_gen if g in c_gen]:
        s_str = {m.strength for m in src if m.generic == g and m.strength}
        c_str = {m.strength for m in cand if m.generic == g and m.strength}
        if c_str and s_str != c_str:
            was, now = ", ".join(sorted(s_str)) or "no strength", ", ".join(sorted(c_str))
            out.append(Finding(Kind.CHANGED_STRENGTH, (s_gen[g].name, was, now),
                               f"changes the strength of '{s_gen[g].name}' from {was} to {now}", "drugs"))
    out += _pairing(source, candidate, src, cand)
    src_words = set(tokens(source))
    known = drug_words()
    for w in dict.fromkeys(tokens(candidate)):
        if w not in src_words and w not in known and drug_like(w):
            out.append(Finding(Kind.ADDED_DRUG, (w,),
                               f"adds '{w}', which looks like a drug name and is not in your fact", "drugs"))
    return out


def check(source: str, candidate: str) -> list[str]:
    return messages(findings(source, candidate))
