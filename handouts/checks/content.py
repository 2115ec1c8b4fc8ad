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
from handouts.sources.lexicon import is_english, normalize, stem, stems, term_stems, tokens, wordlist


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


# Words that bring in a claim of their own: "Talk to your doctor about it.", "They need
# treatment." A rewrite may use them only where its fact speaks of care or treatment:
# "medicine" and "treatment" are free where the fact names a drug, a form of one or a
# treatment ("Biologic medicines given as shots" for "biologic injections").
TREATMENT_WORDS = frozenset({"treatment", "treatments", "medicine", "medicines"})
CLAIM_WORDS = CARE_WORDS | TREATMENT_WORDS
_TREATMENT_CUES = re.compile(
    r"^(?:treat\w*|therap\w*|cream|creams|ointments?|gels?|lotions?|foams?|shampoos?|tablets?|pills?|"
    r"capsules?|injections?|shots?|sprays?|solutions?|patch(?:es)?|antibiotics?|antihistamines?|"
    r"antifungals?|antivirals?|steroids?|biologics?|vaccines?|retinoids?|\w+therapy|medications?|drugs?)$")


def _speaks_of_treatment(source_tokens: list[str]) -> bool:
    drug_words = drug_check.drug_words()
    return any(t in drug_words or _TREATMENT_CUES.match(t) for t in source_tokens)


def _addable(word: str, strict: bool = False) -> bool:
    if word in CLAIM_WORDS:
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
    negated: list[tuple[str, str]] = field(default_factory=list)  # (negation, fact word it now covers)

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
        by_negation = {}
        for neg, word in self.negated:
            by_negation.setdefault(neg, []).append(word)
        for neg, words in by_negation.items():
            out.append(Finding(Kind.NEGATION, (neg, *words),
                               f"says '{neg}' before {quote(words)}, where your fact does not", "content"))
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


def _word_kept(word: str, singles: dict, cand: "Words", c_pool: set[str]) -> bool:
    """One word of a lexicon phrase, kept as written or as its own plain synonym."""
    return _in(word, c_pool) or any(_kept(opt, cand, c_pool) for opt in singles.get(word, ()))


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


def _stem(word: str) -> str:
    """`stem`, with an adverb in -ly read as its adjective: "slowly" = "slow", "easily" = "easy"
    (a rewrite that turns "is slow" into "comes back slowly" keeps the word)."""
    if len(word) >= 6 and word.endswith("ly"):
        for base in (word[:-2], word[:-3] + "y" if word.endswith("ily") else ""):
            if len(base) > 3 and is_english(base):
                return stem(base)
    return stem(word)


_GLOSS_BEFORE = re.compile(r"((?:[A-Za-z]+[ -]){0,3}[A-Za-z]+)\s+\(([A-Za-z][A-Za-z -]*)\)")
_GLOSS_AFTER = re.compile(r"\b([A-Za-z][A-Za-z-]*)\s+\(([A-Za-z][A-Za-z ,-]*)\)")


def _gloss_words(candidate: str, source_tokens: list[str], strict: bool) -> set[str]:
    """Plain words that explain a hard word of the fact next to it in brackets: "small dents
    (pitting)", "pitting (small dents)". The fact's own word stays, so the reviewer sees
    what is explained. An explanation may not bring in a symptom, a body part or a word
    that is not English (those are findings wherever they appear); in a warning, nothing."""
    if strict:
        return set()
    src = set(source_tokens)

    def hard(words: list[str]) -> bool:
        return bool(words) and all(w in src for w in words) and any(
            not _free(w, False) and len(w) > 3 for w in words)

    out: set[str] = set()
    for m in _GLOSS_BEFORE.finditer(candidate):
        explained, term = tokens(m.group(1)), tokens(m.group(2))
        if hard(term):
            # the explanation is the run of words right before the bracket, back to a function word
            run = []
            for w in reversed(explained):
                if w in wordlist("function_words") or w in src:
                    break
                run.append(w)
            out |= set(run)
    for m in _GLOSS_AFTER.finditer(candidate):
        if hard(tokens(m.group(1))):
            out |= set(tokens(m.group(2)))
    return {w for w in out if is_english(w) and w not in wordlist("symptoms")
            and w not in wordlist("body_parts") and not drug_check.drug_like(w)}


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


@dataclass(frozen=True)
class Words:
    """A text's word tokens and their stems, index for index."""

    tokens: list[str]
    stems: list[str]

    @classmethod
    def of(cls, text: str) -> "Words":
        toks = tokens(text)
        return cls(toks, [_stem(t) for t in toks])

    @property
    def pool(self) -> set[str]:
        return set(self.stems)


@dataclass(frozen=True)
class TermHit:
    """A lexicon or glossary term found in the source."""

    label: str  # the term as the lexicon or glossary writes it
    stems: tuple[str, ...]
    plains: tuple[tuple[str, ...], ...]  # stem sequences of its plain synonyms
    starts: list[int]  # where it begins among the source's stems
    plain: str  # its first synonym, as shown to the reviewer

    def span(self) -> set[int]:
        return {i + k for i in self.starts for k in range(len(self.stems))}

    def options(self) -> list[tuple[str, ...]]:
        """How a rewrite may keep it: as written or as one of its synonyms."""
        return [self.stems] + [p for p in self.plains if p]


def _kept(opt: tuple[str, ...], cand: Words, c_pool: set[str]) -> bool:
    return bool(_find(opt, cand.stems) or (_content(opt) and all(_in(s, c_pool) for s in _content(opt))))


def _term_hits(src: Words, glossary: Mapping[str, str] | None) -> tuple[list[TermHit], set[str]]:
    """The source's lexicon and glossary terms, one per term (lexicon and glossary merged),
    longest first so that a shorter term inside a longer one is covered by it; and the
    clinical terms whose plain word the source uses (a plain word may come back as its term)."""
    merged: dict[tuple[str, ...], TermHit] = {}
    reverse: set[str] = set()
    for label, t_st, plains, plain in _entries(glossary):
        starts = _find(t_st, src.stems)
        if not starts:
            for p in plains:
                if p and _find(p, src.stems):
                    reverse |= set(t_st)
        elif t_st in merged:
            first = merged[t_st]
            merged[t_st] = TermHit(first.label, t_st, first.plains + tuple(plains), starts, first.plain)
        else:
            merged[t_st] = TermHit(label, t_st, tuple(plains), starts, plain)
    return sorted(merged.values(), key=lambda h: -len(h.stems)), reverse


def _grounded(src: Words, hits: list[TermHit], reverse: set[str]) -> set[str]:
    """Stems a rewrite may use: the source's, its terms' synonyms, and the reverse terms."""
    allowed = set(src.stems) | reverse
    for h in hits:
        for p in h.plains:
            allowed |= set(p)
        allowed |= set(h.stems)
    return allowed


def _missing_terms(src: Words, cand: Words, hits: list[TermHit], covered: set[int],
                   strict: bool) -> list[str]:
    """Source terms the rewrite lost; marks the source positions every term covers."""
    c_pool = cand.pool
    singles = {h.stems[0]: [h.stems] + [p for p in h.plains if p] for h in hits if len(h.stems) == 1}
    missing = []
    for h in hits:
        span = h.span()
        if span <= covered:
            continue
        if any(_kept(opt, cand, c_pool) for opt in h.options()):
            covered |= span
        elif len(_content(h.stems)) > 1 and all(_word_kept(x, singles, cand, c_pool)
                                                 for x in _content(h.stems)):
            covered |= span  # kept word by word: "topical retinoid" -> "a retinoid on your skin"
        elif not all(_free(src.tokens[i], strict) for i in span):
            written = " ".join(src.tokens[h.starts[0]:h.starts[0] + len(h.stems)])
            missing.append(f"'{written}'" + (f" (or '{h.plain}')" if h.plain != written else ""))
            covered |= span
    return missing


def _missing_words(src: Words, cand: Words, covered: set[int], strict: bool) -> list[str]:
    """Every other content word of the source that the rewrite lost."""
    c_pool = cand.pool
    return [f"'{t}'" for i, (t, s) in enumerate(zip(src.tokens, src.stems))
            if not (i in covered or _free(t, strict) or len(t) < 2) and not _in(s, c_pool)]


def _added_words(src: Words, cand: Words, allowed: set[str], strict: bool, candidate: str = "") -> list[str]:
    """Content words of the rewrite that are not grounded in the source."""
    drug_words = drug_check.drug_words()
    glossed = _gloss_words(candidate, src.tokens, strict)
    treated = _speaks_of_treatment(src.tokens)
    added = []
    for t, s in zip(cand.tokens, cand.stems):
        if _addable(t, strict) or t in drug_words or len(t) < 2 or t in glossed:
            continue
        if t in TREATMENT_WORDS and not strict and treated:
            continue
        if not _in(s, allowed) and not _inside_source_word(t, src.tokens):
            added.append(_label(t))
    return list(dict.fromkeys(added))


def _content_pairs(w: Words) -> list[tuple[str, str]]:
    drug_words = drug_check.drug_words()
    toks, sts = w.tokens, w.stems
    return [(a, b) for (a, b), (x, y) in zip(zip(sts, sts[1:]), zip(toks, toks[1:]))
            if not _free(x, True) and not _free(y, True) and x not in drug_words and y not in drug_words]


def _repeated_phrases(src: Words, cand: Words) -> list[tuple[str, int, int]]:
    """A content phrase used more often than in the source may now describe something
    else: "It is a topical treatment ... not controlled by topical treatment"."""
    s_pairs, c_pairs = _content_pairs(src), _content_pairs(cand)
    out = []
    for pair in dict.fromkeys(c_pairs):
        n_src, n_cand = s_pairs.count(pair), c_pairs.count(pair)
        if 0 < n_src < n_cand:
            i = next(i for i in range(len(cand.stems) - 1) if (cand.stems[i], cand.stems[i + 1]) == pair)
            out.append((f"{cand.tokens[i]} {cand.tokens[i + 1]}", n_cand, n_src))
    return out


def _unnegated(source: str, candidate: str, hits: list[TermHit]) -> list[tuple[str, str]]:
    """What a negation covers must stay under a negation: "Do not use it on the face"
    is not "Do not use it. Use it on the face."""
    negated = {st for clause in _clauses(candidate) if any(_is_negation(clause, i) for i in range(len(clause)))
               for st in map(stem, clause)}
    out = []
    for clause in _clauses(source):
        for i in range(len(clause)):
            if not _is_negation(clause, i):
                continue
            for w in clause[i + 1:]:
                if _free(w, False) or len(w) < 2 or _in(stem(w), negated):
                    continue
                options = [opt for h in hits if stem(w) in h.stems for opt in (h.stems,) + h.plains]
                if any(_content(opt) and all(_in(x, negated) for x in _content(opt)) for opt in options):
                    continue
                out.append((clause[i], w))
    return list(dict.fromkeys(out))


_SOFT_NEGATION = re.compile(r"\b(?:instead of|rather than|unless|except|free of|not|avoided|stopped)\b|-free\b|"
                            r"\bnon-|\b(?:un|in|im|dis)[a-z]+(?:able|ible|ful)\b")


def _negating_term(part_stems: list[str]) -> bool:
    """Does this clause hold a lexicon term whose plain words say "not" ("contraindicated"
    -> "must not be used")?"""
    for term_stems, _ in markers._negating_entries():
        n = len(term_stems)
        if any(tuple(part_stems[i:i + n]) == term_stems for i in range(len(part_stems) - n + 1)):
            return True
    return False


def _newly_negated(source: str, candidate: str, hits: list[TermHit]) -> list[tuple[str, str]]:
    """A word of the fact may not come under a negation the fact does not put it under:
    "it is contagious" is not "you cannot catch it". (Split negations are fine: "Do not
    pick or squeeze" -> "Do not pick. Do not squeeze.")"""
    said = {stem(t) for t in tokens(source)}
    negated = {st for part in _CLAUSE_BREAK.split(normalize(source))
               if any(_is_negation(c, i) for c in [tokens(part)] for i in range(len(c)))
               or _SOFT_NEGATION.search(part) or _negating_term(stems(part))
               for st in map(stem, tokens(part))}
    # a plain synonym of a negated term is negated too ("lesions" -> "spots")
    negated |= {x for h in hits if any(_in(t, negated) for t in h.stems) for p in h.plains for x in p}
    out = []
    # an explanation in brackets ("non-comedogenic (won't clog pores)") explains, it does not negate
    for clause in _clauses(re.sub(r"\([^()]*\)", " ", candidate)):
        for i in range(len(clause)):
            if not _is_negation(clause, i):
                continue
            seen = False
            for w in clause[i + 1:]:
                if w == "to" and seen:
                    break  # "never used alone to prevent resistance": a purpose, outside the "never"
                st = stem(w)
                if _free(w, False) or len(w) < 2:
                    continue
                seen = True
                if st in said and not _in(st, negated):
                    out.append((clause[i], w))
    return list(dict.fromkeys(out))


def analyse(source: str, candidate: str, *, glossary: Mapping[str, str] | None = None,
            strict: bool = False) -> ContentReport:
    src, cand = Words.of(source), Words.of(candidate)
    hits, reverse = _term_hits(src, glossary)
    drug_words = drug_check.drug_words()  # drug names: the drugs check owns them
    covered = {i for i, t in enumerate(src.tokens) if t in drug_words}
    missing = _missing_terms(src, cand, hits, covered, strict)
    missing += _missing_words(src, cand, covered, strict)
    return ContentReport(
        missing=list(dict.fromkeys(missing)),
        added=_added_words(src, cand, _grounded(src, hits, reverse), strict, candidate),
        repeated=_repeated_phrases(src, cand),
        unnegated=_unnegated(source, candidate, hits),
        negated=_newly_negated(source, candidate, hits),
    )


_CLAUSE_BREAK = re.compile(
    # ", and" before a clause with its own subject and verb ("it is not contagious, and
    # treatment is available"): a "not" never reaches across it
    r",\s*(?:and|or)\s+(?=(?:it|they|you|we|he|she|this|these|there)\s|(?:[a-z-]+\s+){1,3}"
    r"(?:is|are|was|were|can|may|might|will|should|must|has|have|does|do)\b)|"
    r"[.;:!?]|,\s*(?=to\s)|,\s*as\b(?!\s+(?:soon|well|needed|much|long|often|directed|prescribed|a|an|the)\b)|\b(?:because|but|so|which|while|unless|until|if|when|although|since|then|whereas)\b")
_NEGATION_WORDS = {"not", "never", "no", "none", "nothing", "neither", "nor", "avoid", "avoids",
                   "avoiding", "without"}


def _clauses(text: str) -> list[list[str]]:
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
