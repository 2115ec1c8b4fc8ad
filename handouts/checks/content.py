"""Content words: recall (nothing of the source lost) and precision (nothing invented).

Recall: every content word or lexicon term of the source is in the rewrite, as
written (after light stemming) or as one of its plain synonyms from the shipped
lexicon or the sheet's glossary ("erythema" -> "redness").

Precision: every content word of the rewrite is in the source, is a plain synonym
of a source term, or is on the plain-English allowlist. Anything else is invented:
a copied few-shot word, a new symptom, body part, cause or claim, or a nonsense word.

Words that another check owns are left to it: drug names (drugs), numbers, units and
frequency words (quantities), negation, limit and urgency words (markers).
In strict mode (warnings) plain words of the source must be kept too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping

from handouts.checks import drugs as drug_check
from handouts.checks import markers
from handouts.checks import paraphrase, quantities
from handouts.checks.findings import Finding, Kind, messages, quote, times
from handouts.lexicon import is_english, stem, stems, term_stems, tokens, wordlist


@lru_cache(maxsize=1)
def _owned_elsewhere() -> frozenset[str]:
    """Words checked by the quantities and markers modules, not here."""
    words = set(quantities._NUMBER_WORDS) | set(quantities._VAGUE) | set(quantities._UNITS)
    words |= {"once", "twice", "thrice", "times", "time", "x", "daily", "nightly", "weekly",
              "monthly", "yearly", "annually", "hourly", "every", "each", "per", "other",
              "spf", "percent", "bedtime", "morning", "mornings", "evening", "evenings",
              "night", "nights", "am", "pm", "bed"}
    for alts in list(markers.LIMITS.values()) + list(markers.URGENCY.values()) + [markers.NEGATION]:
        for alt in alts:
            words |= set(re.findall(r"[a-z]+", re.sub(r"\(\?.*?\)", "", alt)))
    return frozenset(w for w in words if len(w) > 1 or w == "x")


# Verbs that carry no fact of their own ("needs urgent care" = "get urgent care",
# "if hives come with swelling" = "if you have hives with swelling"): free even in a warning.
_LIGHT_VERBS = frozenset({"come", "comes", "came", "coming", "happen", "happens", "become", "becomes",
                          "seem", "seems", "need", "needs", "needed", "get", "gets", "go", "goes"})


def _free(word: str, strict: bool) -> bool:
    """May this word be added or dropped without a content check?"""
    if word in wordlist("function_words") or word in _owned_elsewhere() or word in _LIGHT_VERBS:
        return True
    return not strict and word in wordlist("plain_words")


# Where and from whom to get care. A warning's rewrite may not add any of these:
# "same-day emergency care" must not become "go to a doctor's office".
CARE_WORDS = frozenset({
    "doctor", "doctors", "office", "offices", "clinic", "clinics", "clinician", "nurse",
    "hospital", "appointment", "appointments", "visit", "pharmacist", "pharmacy",
    "dermatologist", "specialist", "team", "provider", "schedule",
})


def _addable(word: str, strict: bool = False) -> bool:
    if strict and word in CARE_WORDS:
        return False
    return (word in wordlist("function_words") or word in wordlist("plain_words")
            or word in _owned_elsewhere())


def _same(a: str, b: str) -> bool:
    """Stems match, or one is a prefix of the other (>= 5 letters): inflam/inflamm."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 5 and long_.startswith(short)


def _in(s: str, pool: set[str]) -> bool:
    return s in pool or any(_same(s, p) for p in pool if p[:3] == s[:3])


@dataclass
class ContentReport:
    missing: list[str] = field(default_factory=list)  # source words/terms the rewrite lost (shown)
    added: list[str] = field(default_factory=list)  # rewrite words not grounded in the source (shown)
    repeated: list[tuple[str, int, int]] = field(default_factory=list)  # (phrase, rewrite n, source n)
    unnegated: list[tuple[str, str]] = field(default_factory=list)  # (negation, word it covered)

    def findings(self) -> list[Finding]:
        out = []
        if self.missing:
            out.append(Finding(Kind.DROPPED_WORD, _quoted(self.missing), "drops " + _join(self.missing),
                               "content"))
        if self.added:
            out.append(Finding(Kind.ADDED_WORD, _quoted(self.added),
                               "adds " + _join(self.added) + ", which your fact does not say", "content"))
        by_negation: dict[str, list[str]] = {}
        for neg, word in self.unnegated:
            by_negation.setdefault(neg, []).append(word)
        for neg, words in by_negation.items():
            out.append(Finding(Kind.NEGATION, (neg, *words),
                               f"no longer says '{neg}' before {quote(words)}", "content"))
        for phrase, n_cand, n_src in self.repeated:
            out.append(Finding(Kind.REPEATED_PHRASE, (phrase,),
                               f"says '{phrase}' {times(n_cand)} where your fact says it {times(n_src)}, "
                               "so it may now describe something else", "content"))
        return out

    def reasons(self) -> list[str]:
        return messages(self.findings())


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _quoted(shown: list[str]) -> tuple[str, ...]:
    """The words quoted in display strings: "'comedones' (or 'clogged pores')" -> comedones."""
    return tuple(re.match(r"'([^']*)'", x).group(1) for x in shown)


def _entries(glossary: Mapping[str, str] | None):
    """(label, term stems, synonym stem sequences, first synonym) from lexicon and glossary.
    Synonyms listed in unequal.tsv are left out: they do not mean the same."""
    for t, t_st, plains in term_stems():
        kept = tuple(p for p in plains if not paraphrase.is_unequal(t_st, p))
        yield t.term, t_st, kept, t.plains[0]
    for term, explanation in (glossary or {}).items():
        yield term, tuple(stems(term)), (tuple(stems(explanation)),), explanation


def _find(seq: tuple[str, ...], hay: list[str]) -> list[int]:
    n = len(seq)
    if not n or seq[0] not in hay:
        return []
    return [i for i in range(len(hay) - n + 1) if hay[i] == seq[0] and tuple(hay[i:i + n]) == seq]


def _word_kept(word: str, singles: dict, c_st: list[str], c_pool: set[str]) -> bool:
    """One word of a lexicon phrase, kept as written or as its own plain synonym."""
    if _in(word, c_pool):
        return True
    return any(_find(opt, c_st) or (_content(opt) and all(_in(s, c_pool) for s in _content(opt)))
               for opt in singles.get(word, ()))


_PREFIXES = ("anti", "non", "pre", "post", "over", "under", "semi", "multi", "counter", "hyper", "hypo",
             "super", "extra", "intra", "inter", "trans", "mini", "micro", "macro")


def _inside_source_word(word: str, source_tokens: list[str]) -> bool:
    """A word that ends a longer source word: "virus" in "papillomavirus", "ache" in
    "headache"; never after a prefix that changes the meaning ("histamine" is not
    "antihistamine")."""
    if len(word) < 4:
        return False
    for t in source_tokens:
        head = t[: len(t) - len(word)]
        if t.endswith(word) and len(head) >= 4 and not head.startswith(_PREFIXES):
            return True
    return False


def _content(seq: tuple[str, ...]) -> tuple[str, ...]:
    fw = {stem(w) for w in wordlist("function_words")}
    return tuple(s for s in seq if s not in fw)


def _label(word: str) -> str:
    if word in wordlist("symptoms"):
        return f"'{word}' (a symptom)"
    if word in wordlist("body_parts"):
        return f"'{word}' (a body part)"
    if not is_english(word) and word not in drug_check.drug_words():
        return f"'{word}' (not an English word)"
    return f"'{word}'"


def analyse(source: str, candidate: str, *, glossary: Mapping[str, str] | None = None,
            strict: bool = False) -> ContentReport:
    s_tok, c_tok = tokens(source), tokens(candidate)
    s_st, c_st = [stem(t) for t in s_tok], [stem(t) for t in c_tok]
    c_pool = set(c_st)
    covered: set[int] = set()
    allowed: set[str] = set(s_st)
    report = ContentReport()

    # drug names: the drugs check owns them
    drug_words = drug_check.drug_words()
    covered |= {i for i, t in enumerate(s_tok) if t in drug_words}

    # lexicon and glossary terms in the source: kept as written or as a plain synonym
    hits = []
    for label, t_st, plains, plain in _entries(glossary):
        starts = _find(t_st, s_st)
        if starts:
            hits.append((label, t_st, plains, starts, plain))
        else:
            # a plain word of the source may come back as its clinical term
            for p in plains:
                if p and _find(p, s_st):
                    allowed |= set(t_st)
    # one entry per term (lexicon and glossary merged); longest terms first, so a
    # shorter term inside a longer one is covered by it
    merged: dict[tuple[str, ...], tuple] = {}
    for label, t_st, plains, starts, plain in hits:
        if t_st in merged:
            first = merged[t_st]
            merged[t_st] = (first[0], t_st, first[2] + tuple(plains), starts, first[4])
        else:
            merged[t_st] = (label, t_st, tuple(plains), starts, plain)
    hits = sorted(merged.values(), key=lambda h: -len(h[1]))
    for label, t_st, plains, starts, plain in hits:
        for p in plains:
            allowed |= set(p)
        allowed |= set(t_st)
    singles = {h[1][0]: [h[1]] + [p for p in h[2] if p] for h in hits if len(h[1]) == 1}
    for label, t_st, plains, starts, plain in hits:
        span = {i + k for i in starts for k in range(len(t_st))}
        if span <= covered:
            continue
        options = [t_st] + [p for p in plains if p]
        kept = any(
            _find(opt, c_st) or (_content(opt) and all(_in(s, c_pool) for s in _content(opt)))
            for opt in options
        )
        if kept:
            covered |= span
        elif len(_content(t_st)) > 1 and all(_word_kept(x, singles, c_st, c_pool) for x in _content(t_st)):
            covered |= span  # kept word by word: "topical retinoid" -> "a retinoid on your skin"
        elif not all(_free(s_tok[i], strict) for i in span):
            written = " ".join(s_tok[starts[0]:starts[0] + len(t_st)])
            shown = f"'{written}'" + (f" (or '{plain}')" if plain != written else "")
            report.missing.append(shown)
            covered |= span

    # every other content word of the source
    for i, (t, s) in enumerate(zip(s_tok, s_st)):
        if i in covered or _free(t, strict) or len(t) < 2:
            continue
        if not _in(s, c_pool):
            report.missing.append(f"'{t}'")
    report.missing = list(dict.fromkeys(report.missing))

    # every content word of the rewrite must be grounded
    for t, s in zip(c_tok, c_st):
        if _addable(t, strict) or t in drug_words or len(t) < 2:
            continue
        if not _in(s, allowed) and not _inside_source_word(t, s_tok):
            report.added.append(_label(t))
    report.added = list(dict.fromkeys(report.added))

    # a content phrase used more often than in the source may now describe something
    # else: "It is a topical treatment ... not controlled by topical treatment"
    def pairs(toks: list[str], sts: list[str]) -> list[tuple[str, str]]:
        return [(a, b) for (a, b), (x, y) in zip(zip(sts, sts[1:]), zip(toks, toks[1:]))
                if not _free(x, True) and not _free(y, True) and x not in drug_words and y not in drug_words]
    s_pairs = pairs(s_tok, s_st)
    for pair in dict.fromkeys(pairs(c_tok, c_st)):
        n_src, n_cand = s_pairs.count(pair), pairs(c_tok, c_st).count(pair)
        if 0 < n_src < n_cand:
            i = next(i for i in range(len(c_st) - 1) if (c_st[i], c_st[i + 1]) == pair)
            report.repeated.append((f"{c_tok[i]} {c_tok[i + 1]}", n_cand, n_src))

    # what a negation covers must stay under a negation: "Do not use it on the face"
    # is not "Do not use it. Use it on the face."
    negated = {st for clause in _clauses(candidate) if any(_is_negation(clause, i) for i in range(len(clause)))
               for st in map(stem, clause)}
    for clause in _clauses(source):
        for i in range(len(clause)):
            if not _is_negation(clause, i):
                continue
            for w in clause[i + 1:]:
                if _free(w, False) or len(w) < 2 or _in(stem(w), negated):
                    continue
                options = [opt for _, t_st, plains, _, _ in hits if stem(w) in t_st for opt in (t_st,) + tuple(plains)]
                if any(_content(opt) and all(_in(x, negated) for x in _content(opt)) for opt in options):
                    continue
                report.unnegated.append((clause[i], w))
    report.unnegated = list(dict.fromkeys(report.unnegated))
    return report


_CLAUSE_BREAK = re.compile(
    r"[.;:!?]|,\s*(?=to\s)|\b(?:because|but|so|which|while|unless|until|if|when|although|since|then|whereas)\b")
_NEGATION_WORDS = {"not", "never", "no", "none", "nothing", "neither", "nor", "avoid", "avoids",
                   "avoiding", "without"}


def _clauses(text: str) -> list[list[str]]:
    from handouts.lexicon import normalize

    return [toks for part in _CLAUSE_BREAK.split(normalize(text)) if (toks := tokens(part))]


def _is_negation(clause: list[str], i: int) -> bool:
    if clause[i] not in _NEGATION_WORDS:
        return False
    # "no more than", "not longer than" are limits (the markers check owns them)
    return not (clause[i] in ("no", "not") and i + 2 < len(clause)
                and clause[i + 1] in ("more", "less", "longer", "later", "fewer") and clause[i + 2] == "than")


def findings(source: str, candidate: str, *, glossary: Mapping[str, str] | None = None,
             strict: bool = False, reported: frozenset[str] = frozenset()) -> list[Finding]:
    """`reported`: words another check already named (not named twice)."""
    report = analyse(source, candidate, glossary=glossary, strict=strict)
    report.added = [a for a in report.added if _quoted([a])[0] not in reported]
    return report.findings()


def check(source: str, candidate: str, *, glossary: Mapping[str, str] | None = None,
          strict: bool = False) -> list[str]:
    return messages(findings(source, candidate, glossary=glossary, strict=strict))
