"""Broken English the meaning checks cannot see: no verb, a doubled word, a wrong a/an,
and a pronoun that points at the wrong thing or at nothing.

Each fault counts only if the rewrite has it and its source does not (a clinician's own
heading-like fact may have no verb). Offline and deterministic: word classes come from
`lemminflect`'s shipped dictionary, sounds from the CMU Pronouncing Dictionary.

- no verb: a sentence with no finite verb ("Dupilumab, an injection every 2 to 4 weeks
  for moderate eczema.") is a fragment, not an instruction;
- doubled word: "hair hair roots", "the the";
- a/an: "a itchy rash", "an topical", and an article before another determiner
  ("an another choice", "an a common skin cancer");
- pronoun: a rewrite that starts with "It"/"They" (its referent is in another fact), or
  that splits off a "which" clause as a new sentence starting with a pronoun, which then
  reads as the previous sentence's subject ("... upadacitinib and abrocitinib. They need
  blood test monitoring." now says every option needs blood tests).
"""

from __future__ import annotations

import re
from functools import lru_cache

from handouts.checks.findings import Finding, Kind
from handouts.core.text import split_sentences
from handouts.sources.lexicon import normalize, starts_with_vowel_sound

_WORD = re.compile(r"[A-Za-z]+(?:['\u2019][a-z]+)?|\d+(?:[.,]\d+)*%?")

_AUX = frozenset("is are was were be been being am can could may might must should will would shall "
                 "do does did has have had".split())
_DETERMINERS = frozenset("a an the this that these those my your his her its our their some many most few "
                         "all any each every no several both another other such".split())
_PREPOSITIONS = frozenset("of for with in on at to from by into onto over under about after before during "
                          "between through without within per via than like as".split())
_PRONOUNS = frozenset("i you he she it we they who which that".split())
_REFERRING = frozenset({"it", "its", "they", "them", "their", "this", "these", "those", "he", "she"})
# "These can trigger acne: oily cosmetics, friction and drugs.": what "These" means follows the colon
_LIST_LEAD = re.compile(r"^These\s+[^:]+:\s+\S", re.I)
_DUMMY_IT = re.compile(
    r"^it\s+(?:(?:is|was|will be|can be|may be|might be|would be)\s+(?:not\s+)?(?:very\s+|quite\s+|also\s+)?"
    r"[a-z]+\s+(?:to|for|that)\b|(?:can\s+|may\s+|might\s+|will\s+|usually\s+|often\s+|also\s+)?takes?\b)")


def _words(sentence: str) -> list[str]:
    return [w.lower().replace("\u2019", "'") for w in _WORD.findall(sentence)]


@lru_cache(maxsize=65536)
def _readings(word: str) -> dict[str, tuple[str, ...]]:
    import lemminflect  # deferred for start-up: lemminflect loads its tables on import

    return lemminflect.getAllLemmas(word)


@lru_cache(maxsize=65536)
def verb_form(word: str) -> str:
    """How `word` can be a verb: "base", "s" (3rd person), "ed" (past or participle),
    "past" (past only: "took"), "ing", or "" (never a verb)."""
    import lemminflect  # deferred for start-up: lemminflect loads its tables on import

    lemmas = _readings(word).get("VERB", ())
    for lemma in lemmas:
        if word == lemma:
            return "base"
        if word in lemminflect.getInflection(lemma, "VBZ"):
            return "s"
        past, part = lemminflect.getInflection(lemma, "VBD"), lemminflect.getInflection(lemma, "VBN")
        if word in past and word not in part:
            return "past"
        if word in past or word in part:
            return "ed"
        if word in lemminflect.getInflection(lemma, "VBG"):
            return "ing"
    return ""


def _has_finite_verb(sentence: str) -> bool:
    """Permissive on purpose: only a sentence that surely has no finite verb is refused."""
    marked = [w for w in _words_and_commas(normalize(sentence)) if not w[0].isdigit()]
    words = [w for w in marked if w != ","]
    # the index in `words` of each word that follows a comma
    after_comma, n = set(), 0
    for k, w in enumerate(marked):
        if w == ",":
            continue
        if k and marked[k - 1] == ",":
            after_comma.add(n)
        n += 1
    if not words:
        return True
    participle = False
    for i, w in enumerate(words):
        prev = words[i - 1] if i else ""
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w in _AUX:
            return True
        form = verb_form(w)
        if not form or form == "ing":
            continue
        if i == 0 and form == "base":
            return True  # an instruction: "Use", "Apply", "Wash"
        if i == 0 and form == "s" and "NOUN" not in _readings(w):
            return False  # "Reduces bumps and redness.": a verb with no subject
        if prev in _PRONOUNS or (i == 1 and prev in ("this", "that", "these", "those")):
            if form in ("s", "past", "ed", "base"):
                return True  # "It kills", "This keeps", "They need"
        only_verb = not ({"NOUN", "ADJ", "PROPN"} & set(_readings(w)))
        if prev in _DETERMINERS and only_verb and form in ("s", "base", "past"):
            return True  # "Some contain mercury", "Both need blood tests": a pronoun subject
        if prev in _DETERMINERS or prev in _PREPOSITIONS or (prev and prev[0].isdigit()):
            continue  # "the spots", "for most hives", "2 weeks": a noun
        if form == "ed" and nxt in ("by", "from"):
            continue  # "controlled by", "approved from": a participle
        if form == "ed" and (i in after_comma or (participle and prev in ("and", "or"))):
            participle = True
            continue  # "Crisaborole 2% ointment, used twice daily ...": a participle, not a verb
        if form in ("s", "past", "ed") or (form == "base" and prev and prev not in _DETERMINERS):
            return True
    return False


_WORD_OR_COMMA = re.compile(_WORD.pattern + "|,")


def _words_and_commas(sentence: str) -> list[str]:
    return [w.lower().replace("\u2019", "'") for w in _WORD_OR_COMMA.findall(sentence)]


def _verbless(text: str) -> list[str]:
    return [s for s in split_sentences(text) if re.search(r"[A-Za-z]{2}", s) and not _has_finite_verb(s)]


def _doubled(text: str) -> list[str]:
    """The same word twice in a row inside one clause ("hair hair roots"); across a full
    stop or a comma it is a new start ("... methotrexate. Methotrexate needs ...")."""
    out = []
    for part in re.split(r"[.;:!?,()]", text):
        words = _words(part)
        out += [f"{a} {b}" for a, b in zip(words, words[1:]) if a == b and a.isalpha()]
    return out


def _wants_an(word: str) -> bool | None:
    """True if `word` starts with a vowel sound, False if not, None if unknown."""
    if word[0].isdigit():
        digits = re.match(r"\d+", word).group(0)
        return digits.startswith("8") or digits in ("11", "18") or (len(digits) in (5, 6) and digits[:2] in ("11", "18"))
    if word.isupper() and len(word) > 1:
        return None  # an abbreviation: said as letters or as a word, cannot tell
    return starts_with_vowel_sound(word.lower())  # the CMU dictionary, as a compact table


_ARTICLE = re.compile(r"\b([Aa]n?)\s+([A-Za-z0-9][A-Za-z0-9'\u2019]*)")


def _article_errors(text: str) -> list[str]:
    out = []
    for m in _ARTICLE.finditer(text):
        if m.group(1) == "A" and re.search(r"[a-z0-9,]\s+$", text[:m.start()]):
            continue  # "vitamin A is", "hepatitis A": a name, not an article
        article, word = m.group(1).lower(), m.group(2)
        low = word.lower()
        if low in _DETERMINERS and low not in ("few", "many", "most", "such"):
            out.append(f"{article} {word}")  # "an another", "a the", "an a"
            continue
        want = _wants_an(word)
        if want is None:
            continue
        if (article == "an") != want:
            out.append(f"{article} {word}")
    return out


def _first_word(sentence: str) -> str:
    words = _words(normalize(sentence))
    return words[0] if words else ""


def _pronoun_faults(source: str, candidate: str) -> list[str]:
    cand, src = split_sentences(candidate), split_sentences(source)
    if not cand:
        return []
    out = []
    first = _first_word(cand[0])
    if first in _REFERRING and _first_word(src[0] if src else "") not in _REFERRING \
            and not _DUMMY_IT.match(normalize(cand[0])) and not _LIST_LEAD.match(cand[0]):
        out.append(cand[0].split()[0])
    # a "which" clause about a noun that is not the subject, split off as a new sentence
    split_which = [m for m in re.finditer(r",\s*which\b", normalize(source))
                   if len(_words(normalize(source)[:m.start()].split(".")[-1])) > 4]
    if split_which and "which" not in _words(normalize(candidate)):
        for s in cand[1:]:
            w = _first_word(s)
            if w in _REFERRING and not _DUMMY_IT.match(normalize(s)):
                out.append(s.split()[0])
                break
    # "because it can irritate the skin" -> "They can irritate your skin": the fact's "it"
    # (waxing) became "they", which now points at another thing (the areas)
    said = set(_words(normalize(source)))
    for s in cand[1:]:
        w = _first_word(s)
        other = _OTHER_NUMBER.get(w)
        if other and w not in said and other & said and not _DUMMY_IT.match(normalize(s)) \
                and s.split()[0] not in out:
            out.append(s.split()[0])
    return out


_OTHER_NUMBER = {"it": frozenset({"they", "them", "their"}), "they": frozenset({"it", "its"})}


_PREDICATE = re.compile(r"\b([a-z]+)\s+(?:is|are|was|were|gets?|becomes?|looks?|feels?|stays?|turns?)\s+"
                        r"(?:not\s+|very\s+|too\s+|still\s+)?([a-z]+)\b")
_PERSONS = frozenset("you i we he she people patients children child adults women men baby babies".split())


def _person_for_thing(source: str, candidate: str) -> list[tuple[str, str]]:
    """ "when you are clear" where the fact says "when the skin is clear": a state of a body
    part or a rash said of the person. Returns (rewrite phrase, source phrase) pairs."""
    src = [(m.group(1), m.group(2), m.group(0)) for m in _PREDICATE.finditer(normalize(source))]
    out = []
    for m in _PREDICATE.finditer(normalize(candidate)):
        subj, adj = m.group(1), m.group(2)
        if subj not in _PERSONS:
            continue
        things = [phrase for s, a, phrase in src if a == adj and s not in _PERSONS]
        persons = [1 for s, a, _ in src if a == adj and s in _PERSONS]
        if things and not persons:
            out.append((m.group(0), things[0]))
    return out


_SINGULAR = frozenset("it he she".split())
_SOFT_ADVERBS = frozenset("often usually also then sometimes still only slowly".split())


def _agreement_errors(text: str) -> list[str]:
    """'It fade slowly': a sentence whose subject is it, he or she, followed (after an
    adverb or two) by a verb in its base form, which only fits a plural subject."""
    out = []
    for sentence in split_sentences(text):
        words = _words(sentence)
        if len(words) < 2 or words[0] not in _SINGULAR:
            continue
        i = 1
        while i < len(words) - 1 and i < 3 and words[i] in _SOFT_ADVERBS:
            i += 1
        verb = words[i]
        if verb not in _AUX and verb not in ("do", "have") and verb_form(verb) == "base":
            out.append(" ".join(words[:i + 1]))
        elif verb in ("do", "have"):
            out.append(" ".join(words[:i + 1]))
    return out


def findings(source: str, candidate: str) -> list[Finding]:
    out = []
    for said, meant in _person_for_thing(source, candidate):
        out.append(Finding(Kind.SUBJECT, (said, meant),
                           f"says '{said}' where your fact says '{meant}'", "english"))
    extra = len(_verbless(candidate)) - len(_verbless(source))
    if extra > 0:
        bad = [s for s in _verbless(candidate) if s not in _verbless(source)][:extra] or _verbless(candidate)[:1]
        out.append(Finding(Kind.NO_VERB, tuple(bad),
                           f"has no verb in '{bad[0]}'" + (f" (and {extra - 1} more)" if extra > 1 else ""),
                           "english"))
    doubled = [d for d in dict.fromkeys(_doubled(candidate)) if d not in _doubled(source)]
    for d in doubled:
        out.append(Finding(Kind.DOUBLED_WORD, (d,), f"repeats a word: '{d}'", "english"))
    articles = [a for a in dict.fromkeys(_article_errors(candidate)) if a not in _article_errors(source)]
    for a in articles:
        out.append(Finding(Kind.ARTICLE, (a,), f"has a wrong 'a' or 'an': '{a}'", "english"))
    agreement = [a for a in dict.fromkeys(_agreement_errors(candidate)) if a not in _agreement_errors(source)]
    for a in agreement:
        out.append(Finding(Kind.AGREEMENT, (a,), f"the verb does not fit its subject: '{a}'", "english"))
    for p in _pronoun_faults(source, candidate):
        out.append(Finding(Kind.PRONOUN, (p,),
                           f"starts a sentence with '{p}', and it is not clear what '{p}' means", "english"))
    return out


def check(source: str, candidate: str) -> list[str]:
    return [f.message for f in findings(source, candidate)]
