"""Meaning markers: negation, limits, conditions, order in time, and urgency.

Small words that flip or bound an instruction. Each marker belongs to a class of
phrases that mean the same ("no more than" = "up to" = "at most"); a rewrite must
keep every class its source has, and add none (adding "only", "unless" or
"emergency" changes the advice as much as dropping it). Negation is counted: the
rewrite must say "not" at least as often as the source, and never where the source
has no negation at all (except inside a lexicon phrase such as "won't clog pores"
for "non-comedogenic").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from handouts.checks.findings import Finding, Kind, messages, quote, times
from handouts.checks.paraphrase import is_unequal
from handouts.sources.lexicon import normalize, plain_terms, stem, stems, tokens, wordlist

LIMITS: dict[str, tuple[str, ...]] = {
    "upper limit": (r"no more than", r"not more than", r"up to", r"at most", r"maximum",
                    r"or less", r"or fewer", r"no longer than", r"not longer than",
                    r"(?<!no )(?<!not )less than", r"fewer than", r"within", r"no later than", r"not exceed",
                    r"under(?=\s+\d)", r"not to exceed", r"not-more-than"),
    "lower limit": (r"at least", r"or more", r"or longer", r"or higher", r"or above",
                    r"minimum", r"(?<!no )(?<!not )more than", r"(?<!no )(?<!not )longer than", r"no less than",
                    r"not less than", r"greater than", r"over(?=\s+\d)", r"and up"),
    "'only'": (r"only", r"just(?=\s+(?:a|an|the|one|on|in|to|for|at|\d))", r"solely", r"limited to",
               r"restricted to"),
    "'unless'": (r"unless", r"except if", r"except when", r"except"),
    "'until'": (r"until", r"till", r"up until"),
    "condition ('if')": (r"if", r"when", r"whenever", r"in case", r"should you", r"then(?=\s)"),
    "'as needed'": (r"as needed", r"when needed", r"if needed", r"as required"),
    "'before'": (r"before", r"prior to"),
    "'after'": (r"after", r"afterwards?", r"following(?=\s+(?:a|an|the|each|every|your|bath|shower|wash))",
                r"then(?=\s)"),
    # "vacuum daily during treatment" is not "after treatment"
    "'during'": (r"during", r"while", r"throughout", r"in the course of"),
}
# Classes whose addition alone is not a change of meaning ("when" often replaces "if";
# "return after sun exposure" for "returns with sun exposure": the event itself must be
# in the source, and the content check sees to that).
_COND = "condition ('if')"
_ADD_OK = {"condition ('if')", "'before'", "'after'", "'during'"}

_PERIODS = r"(?:day|days|night|nights|week|weeks|month|months|year|years|hour|hours|minute|minutes|" \
           r"morning|mornings|evening|evenings|afternoon|time|times|bedtime|other|few|couple|\d)"
# Quantifiers: how much of a group a statement covers. Dropping one turns "most acne"
# into all acne and "some creams" into every cream; "all of the skin" is not "the skin".
QUANTIFIERS: dict[str, tuple[str, ...]] = {
    "'all'": (r"(?<!at )all(?!\s+(?:the\s+)?time\b)", rf"every(?!\s+{_PERIODS})", rf"each(?!\s+{_PERIODS})",
              r"entire", r"whole", r"everyone", r"everybody", r"everything", r"everywhere"),
    "'most'": (r"most", r"mostly", r"majority", r"nearly all", r"almost all"),
    "'some'": (r"some(?!\s+(?:of\s+)?(?:the\s+)?(?:time|point|stage)\b)", r"certain(?=\s+[a-z]+s\b)"),
    # how many of two: "on one side of the body" is not "on both sides"
    "'both'": (r"both", r"(?:either|each) side"),
    "'one'": (r"(?<=\b(?:on|in|to|at|by|of) )one(?=\s+(?!of\b|another\b|or\b|and\b)[a-z]+)", r"single"),
}
# Adding "all" to a generic plural ("Hives fade" -> "Each one fades") or "some" where
# the source has no quantifier does not change a fact; dropping or swapping does.
_QUANT_ADD_OK = {"'all'", "'some'", "'one'"}
# Dropping "both" only leaves the things it counted ("Both X and Y need ..." -> "X and Y need ...").
_QUANT_DROP_OK = {"'both'"}

# Relations between a thing and a condition. A rewrite may not add a relation its source
# does not state: a trigger of flares is not a cause of the disease, "controls" is not
# "cures", "lowers the risk" is not "prevents".
RELATIONS: dict[str, tuple[str, ...]] = {
    "cause": (r"caus(?:e|es|ed|ing)", r"due to", r"results?\s+(?:from|in)", r"resulted\s+(?:from|in)",
              r"leads?\s+to", r"led\s+to", r"comes?\s+from", r"responsible for"),
    "trigger": (r"trigger(?:s|ed|ing)?", r"set(?:s|ting)?\s+(?:[a-z]+\s+)?off", r"brings?\s+(?:[a-z]+\s+)?on",
                r"brought\s+on", r"worsen(?:s|ed|ing)?", r"makes?\s+(?:[a-z]+\s+){0,2}worse",
                r"made\s+(?:[a-z]+\s+){0,2}worse", r"aggravat(?:e|es|ed|ing)", r"flare(?:s|d)?\s+up"),
    "cure": (r"cur(?:e|es|ed|ing)", r"gets?\s+rid\s+of\s+(?:[a-z]+\s+){0,2}for good"),
    "prevent": (r"prevent(?:s|ed|ing|ion)?", r"keeps?\s+(?:[a-z]+\s+){1,3}from", r"stops?\s+(?:[a-z]+\s+){1,3}from",
                r"protects?\s+(?:[a-z]+\s+)?against"),
    "risk": (r"risks?", r"(?:more|less)\s+likely", r"chances?"),
}
_RELATION_NAMES = {"cause": "a cause", "trigger": "a trigger", "cure": "a cure", "prevent": "prevention",
                   "risk": "a risk"}

URGENCY: dict[str, tuple[str, ...]] = {
    "emergency": (r"emergency", r"911", r"999", r"112", r"ambulance", r"er(?=\W)",
                  r"a&e"),
    "urgent": (r"urgent", r"urgently", r"right away", r"immediately", r"at once",
               r"straight away", r"as soon as possible", r"asap", r"same[\s-]day",
               r"promptly", r"without delay", r"right now", r"as soon as you can", r"as soon as you are able"),
    "contact": (r"call(?!\s+(?:this|that|it|these|them|the\s+condition)\b)", r"calls", r"contact", r"phone", r"tell(?=\s+(?:us|your|our|the))",
                r"let us know", r"reach out", r"message"),
}

# Hedges: words that say a thing may happen, not that it does. "Pain can last for months"
# is not "Pain lasts for months", "may improve" is not "will improve", and "Scabies will not
# go away" is not "may not go away". A rewrite keeps a hedge its fact has and adds none.
# "suggests" and "helps (to) prevent" hedge too ("can be a sign of" = "may suggest" = "suggest").
_HELPED = (r"prevent|reduce|lower|control|clear|ease|stop|keep|heal|fade|protect|treat|improve|relieve|"
           r"soothe|calm|lighten|shrink|speed|limit|dry|remove")
HEDGES: tuple[str, ...] = (r"may", r"might", r"can(?!\s+not\b)", r"could", r"possibly", r"perhaps", r"maybe",
                           r"suggests?", r"suggested", rf"help(?:s|ed)?(?=\s+(?:to\s+)?(?:{_HELPED}))")

COMPARISON: dict[str, tuple[str, ...]] = {
    "'more'": (r"more", r"extra", r"excess", r"excessive", r"higher", r"greater", r"larger", r"bigger", r"stronger",
               r"thicker", r"longer", r"increases?", r"increased", r"raises?", r"raised(?=\s+(?:to|up|by))", r"boosts?"),
    "'less'": (r"less", r"fewer", r"lower", r"smaller", r"weaker", r"thinner", r"shorter",
               r"milder", r"least", r"decreases?", r"decreased", r"reduces?", r"reduced", r"lowers?"),
}

NEGATION = (r"not", r"never", r"no(?!\s+(?:more|less|longer|later)\s+than)", r"none",
            r"nothing", r"neither", r"nor", r"avoid", r"avoids", r"avoiding",
            r"stay away from", r"without", r"avoided")
# Negation inside a word: "non-drowsy", "fragrance-free", "steroid-free".
_AFFIX_NEG = re.compile(r"(?<![\w-])non-(?=[a-z])|(?<=[a-z])-free(?![\w-])")
# "dark brown rather than red" says "not red": a rewrite may use "not" for each of these.
_SOFT_NEG = re.compile(r"(?<![\w-])(?:rather than|instead of)(?![\w-])")


def _compile(alts: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w-])")


_LIMIT_RE = {k: _compile(v) for k, v in LIMITS.items()}
_URGENCY_RE = {k: _compile(v) for k, v in URGENCY.items()}
_COMPARE_RE = {k: _compile(v) for k, v in COMPARISON.items()}
_NEG_RE = _compile(NEGATION)
_QUANT_RE = {k: _compile(v) for k, v in QUANTIFIERS.items()}
_RELATION_RE = {k: _compile(v) for k, v in RELATIONS.items()}
_HEDGE_RE = _compile(HEDGES)
# Words that already say "can": "curable" = "can be cured", "contagious" = "can spread",
# "to prevent" = "helps prevent" (a purpose, not a promise).
_POSSIBLE = re.compile(r"(?<![\w-])(?:[a-z]{3,}(?:able|ible)|contagious|infectious|to\s+(?:help\s+)?"
                       rf"(?:{_HELPED}))(?![\w-])")
_NOT_HEDGES = _compile((r"as soon as (?:you|they|we) can", r"as much as (?:you|they) can",
                        r"as (?:often|long|well) as (?:you|they) can"))
# limit phrases that contain a negation word are removed before counting negations
_LIMIT_WITH_NEG = _compile((r"no more than", r"not more than", r"no longer than",
                            r"not longer than", r"no later than", r"not exceed",
                            r"not to exceed", r"no less than", r"not less than"))


_NOT_MORE_THAN = re.compile(r"\b(not|never)\b((?:\s+[a-z0-9%.]+){1,6}?)\s+(?:more|longer) than\b")


@dataclass(frozen=True)
class Markers:
    limits: dict[str, list[str]]
    urgency: dict[str, list[str]]
    negations: list[str]
    comparisons: dict[str, list[str]] = None
    quantifiers: dict[str, list[str]] = None
    relations: dict[str, list[str]] = None
    soft_negations: int = 0  # "rather than", "instead of": each may become a "not"
    hedges: tuple[str, ...] = ()  # "may", "can", "suggests", "helps prevent"


@lru_cache(maxsize=1)
def _negating_entries() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """(term stems, plain phrases with a negation) for lexicon terms that have such phrases."""
    out = []
    for t in plain_terms():
        if _NEG_RE.search(normalize(t.term)) or _AFFIX_NEG.search(normalize(t.term)):
            continue  # "avoid" -> "do not use": the source has the negation itself
        negating = tuple(normalize(p) for p in t.plains if _NEG_RE.search(normalize(p)))
        if negating:
            out.append((tuple(stems(t.term)), negating))
    return tuple(out)


def _negating_synonyms(source: str) -> list[str]:
    """Plain phrases with a negation that stand for a lexicon term found in `source`."""
    src = stems(source)
    out: list[str] = []
    for term_stems, negating in _negating_entries():
        n = len(term_stems)
        if any(tuple(src[i:i + n]) == term_stems for i in range(len(src) - n + 1)):
            out += negating
    return out


@lru_cache(maxsize=1)
def _term_classes() -> tuple[tuple[tuple[str, ...], frozenset[str]], ...]:
    """(term words, quantifier and relation classes its plain synonyms use)."""
    out = []
    for t in plain_terms():
        t_st = tuple(stems(t.term))
        classes = {name for p in t.plains if not is_unequal(t_st, tuple(stems(p)))
                   for name, r in list(_QUANT_RE.items()) + list(_RELATION_RE.items()) + [("hedge", _HEDGE_RE)]
                   if r.search(normalize(p))}
        if classes:
            out.append((tuple(tokens(t.term)), frozenset(classes)))
    return tuple(out)


def _lexicon_classes(source: str) -> set[str]:
    """Classes a rewrite may add because a lexicon synonym of a source term says them:
    "bacterial" -> "caused by germs". The term must be written as it is ("hormonal",
    not "hormone": "hormone therapy" does not license "caused by hormones")."""
    src = tokens(source)
    out: set[str] = set()
    for term_stems, classes in _term_classes():
        n = len(term_stems)
        if any(tuple(src[i:i + n]) == term_stems for i in range(len(src) - n + 1)):
            out |= classes
    return out


def find(text: str, *, ignore: list[str] = ()) -> Markers:
    low = normalize(text)
    for phrase in sorted(ignore, key=len, reverse=True):
        low = low.replace(phrase, " ")
    # "do not use it for more than 2 weeks" sets an upper limit, not a lower one
    low = _NOT_MORE_THAN.sub(r"\1\2 not-more-than", low)
    limits = {k: [m.group(0) for m in r.finditer(low)] for k, r in _LIMIT_RE.items()}
    urgency = {k: [m.group(0) for m in r.finditer(low)] for k, r in _URGENCY_RE.items()}
    negations = [m.group(0) for m in _NEG_RE.finditer(_LIMIT_WITH_NEG.sub(" ", low))]
    negations += [m.group(0).strip("-") for m in _AFFIX_NEG.finditer(low)]
    unlimited = low
    for r in _LIMIT_RE.values():
        unlimited = r.sub(" ", unlimited)
    comparisons = {k: [m.group(0) for m in r.finditer(unlimited)] for k, r in _COMPARE_RE.items()}
    quantifiers = {k: [m.group(0) for m in r.finditer(low)] for k, r in _QUANT_RE.items()}
    relations = {k: [m.group(0) for m in r.finditer(low)] for k, r in _RELATION_RE.items()}
    return Markers({k: v for k, v in limits.items() if v}, {k: v for k, v in urgency.items() if v},
                   negations, {k: v for k, v in comparisons.items() if v},
                   {k: v for k, v in quantifiers.items() if v}, {k: v for k, v in relations.items() if v},
                   len(_SOFT_NEG.findall(low)),
                   tuple(m.group(0) for m in _HEDGE_RE.finditer(
                       _NOT_HEDGES.sub(" ", re.sub(r"\([^()]*\)", " ", low)))))


def _shown(words: list[str]) -> list[str]:
    return [w.replace("not-more-than", "not ... more than") for w in words]


# How a marker class is named in a message ("drops the upper limit 'no more than'").
_LABELS = {"upper limit": "the upper limit ", "lower limit": "the lower limit ",
           "condition ('if')": "the condition ", "'more'": "the comparison ", "'less'": "the comparison "}
_URGENCY_LABELS = {"emergency": "emergency care", "urgent": "urgency", "contact": "telling them to contact you"}


def _marker(kind: Kind, name: str, words: list[str], added: bool) -> Finding:
    shown = _shown(words)
    label = _LABELS.get(name, "")
    if added:
        message = f"adds {label}{quote(shown)}, which your fact does not say"
    else:
        message = f"drops {label}{quote(shown)}"
    return Finding(kind, tuple(dict.fromkeys(shown)), message, "markers")


def findings(source: str, candidate: str) -> list[Finding]:
    s = find(source)
    c = find(candidate, ignore=_negating_synonyms(source))
    out = []
    if s.negations and len(c.negations) < len(s.negations):
        if not c.negations:
            message = f"drops the negation {quote(s.negations)}"
        else:
            message = (f"drops a negation: your fact says {quote(s.negations)} {times(len(s.negations))}, "
                       f"the rewrite {quote(c.negations)} {times(len(c.negations))}")
        out.append(Finding(Kind.NEGATION, tuple(dict.fromkeys(s.negations)), message, "markers"))
    elif c.negations and not s.negations and len(c.negations) > s.soft_negations:
        out.append(Finding(Kind.NEGATION, tuple(dict.fromkeys(c.negations)),
                           f"adds the negation {quote(c.negations)}, which your fact does not say", "markers"))
    for name in LIMITS:
        kind = Kind.QUANTIFIER if name == "'only'" else Kind.LIMIT
        if name in s.limits and name not in c.limits:
            if name == "'during'" and _COND in c.limits and _COND not in s.limits:
                continue  # "during pregnancy" -> "if you are pregnant", "while treated" -> "when ..."
            out.append(_marker(kind, name, s.limits[name], added=False))
        elif name in c.limits and name not in s.limits and name not in _ADD_OK:
            out.append(_marker(kind, name, c.limits[name], added=True))
    lexicon = _lexicon_classes(source)
    for name in QUANTIFIERS:
        if name in s.quantifiers and name not in c.quantifiers and name not in _QUANT_DROP_OK:
            out.append(_marker(Kind.QUANTIFIER, name, s.quantifiers[name], added=False))
        elif (name in c.quantifiers and name not in s.quantifiers and name not in _QUANT_ADD_OK
              and name not in lexicon):
            out.append(_marker(Kind.QUANTIFIER, name, c.quantifiers[name], added=True))
    for name in RELATIONS:
        if name in c.relations and name not in s.relations and name not in lexicon:
            words = _shown(c.relations[name])
            said = [w for other in RELATIONS if other in s.relations for w in s.relations[other]]
            message = (f"says {quote(words)} where your fact says {quote(said)}: {_RELATION_NAMES[name]} "
                       "is not the same thing" if said else
                       f"adds {quote(words)}, which your fact does not say")
            out.append(Finding(Kind.RELATION, tuple(dict.fromkeys(words + said)), message, "markers"))
    for name in COMPARISON:
        if name in s.comparisons and name not in c.comparisons:
            out.append(_marker(Kind.COMPARISON, name, s.comparisons[name], added=False))
        elif name in c.comparisons and name not in s.comparisons:
            out.append(_marker(Kind.COMPARISON, name, c.comparisons[name], added=True))
    away = re.compile(r"(?<![\w-])away from(?![\w-])")
    if away.search(normalize(candidate)) and not away.search(normalize(source)):
        out.append(Finding(Kind.RELATION, ("away from",), "adds 'away from', which your fact does not say",
                           "markers"))  # "draws fluid to the skin" is not "away from the skin"
    out += _swaps(source, candidate)
    if s.hedges and not c.hedges:
        out.append(Finding(Kind.HEDGE, tuple(dict.fromkeys(s.hedges)),
                           f"drops {quote(s.hedges)}: the rewrite says for certain what your fact says "
                           "may happen", "markers"))
    elif c.hedges and not s.hedges and "hedge" not in lexicon and _softens(source, candidate) and not (
            _POSSIBLE.search(normalize(source)) and set(c.hedges) <= {"can", "could", "helps", "help"}):
        out.append(Finding(Kind.HEDGE, tuple(dict.fromkeys(c.hedges)),
                           f"adds {quote(c.hedges)}: the rewrite makes your fact less certain", "markers"))
    for name, label in _URGENCY_LABELS.items():
        if name in s.urgency and name not in c.urgency:
            words = _shown(s.urgency[name])
            out.append(Finding(Kind.URGENCY, tuple(dict.fromkeys(words)),
                               f"drops {quote(words)} ({label})", "markers"))
        elif name in c.urgency and name not in s.urgency:
            words = _shown(c.urgency[name])
            out.append(Finding(Kind.URGENCY, tuple(dict.fromkeys(words)),
                               f"adds {quote(words)} ({label}), which your fact does not say", "markers"))
    return out


# Words that set two things against each other: which thing stands on which side matters.
_CONNECTORS = re.compile(r"(?:(?<![\w-])(than|after|before|near|instead of|rather than|versus|vs)|(,\s*not))(?![\w-])")


def _sides(text: str) -> list[tuple[str, set[str], set[str]]]:
    """(connector, content stems before it, content stems after it) for each sentence
    that has one connector exactly once."""
    out = []
    for sentence in re.split(r"[.;!?]", normalize(text)):
        found = [m for m in _CONNECTORS.finditer(sentence)]
        names = [m.group(1) or ", not" for m in found]
        for m, name in zip(found, names):
            if names.count(name) != 1:
                continue

            def content(part: str) -> set[str]:
                return {stem(t) for t in tokens(part) if len(t) > 2 and t not in wordlist("function_words")}
            out.append((name, content(sentence[:m.start()]), content(sentence[m.end():])))
    return out


def _swaps(source: str, candidate: str) -> list[Finding]:
    """"more common in women than in men" -> "more common in men than in women", "apply the
    moisturizer after the steroid" -> "apply the steroid after the moisturizer": the same
    words, the two things on either side of "than", "after", "before", "near", ", not" or
    "instead of" traded places."""
    out = []
    cand = _sides(candidate)
    for name, s_left, s_right in _sides(source):
        for c_name, c_left, c_right in cand:
            if c_name != name:
                continue
            went_right = (s_left & c_right) - s_right - c_left
            went_left = (s_right & c_left) - s_left - c_right
            if went_right and went_left:
                shown = name.replace(", ", "")
                out.append(Finding(Kind.SWAPPED, (shown,),
                                   f"swaps what stands on either side of '{shown}': your fact and the rewrite "
                                   "put the same things the other way round", "markers"))
                break
    return out


def _softens(source: str, candidate: str) -> bool:
    """Does an added hedge bear on something the fact says? "may not clear" for "will not
    clear" does; "It can be itchy" where the fact says nothing of itch is an invented claim,
    which the content check reports."""
    said = {stem(t) for t in tokens(source) if t not in wordlist("function_words")}
    low = _NOT_HEDGES.sub(" ", re.sub(r"\([^()]*\)", " ", normalize(candidate)))
    for m in _HEDGE_RE.finditer(low):
        clause = re.split(r"[.;:!?,]", low[m.end():])[0]
        after = [t for t in tokens(clause)[:5] if t not in wordlist("function_words")][:2]
        if any(stem(t) in said for t in after):
            return True
    return False


def check(source: str, candidate: str) -> list[str]:
    return messages(findings(source, candidate))
