"""Structural simplification: named, deterministic sentence rules that keep every word.

Short sentences are most of what makes a handout easy to read. Each rule below
splits or reorders one sentence of a clinician's fact and adds at most a subject
or a linking word; it never drops a content word, a number, a negation or a drug.
The rules work on tokens with the lexicon's word lists and `lemminflect`'s shipped
word-class dictionary (no parser model, nothing downloaded).

- `semicolon`: "A; b." -> "A. B." when both halves are clauses.
- `coordinated-clauses`: "A, and it b." -> "A. It b." ("but" and "so" stay:
  "A. But it b.") when the second half has its own subject and verb.
- `which-clause`: "... the oral JAK inhibitors X and Y, which need blood tests." ->
  "... the oral JAK inhibitors X and Y. The oral JAK inhibitors X and Y need blood
  tests." The noun phrase is repeated as an explicit subject (never "They").
- `appositive`: "Isotretinoin, usually taken for 20 weeks, is for severe acne." ->
  "Isotretinoin is for severe acne. It is usually taken for 20 weeks."
- `trailing-participle`: "X is the first treatment, used for up to 3 months." ->
  "X is the first treatment. It is used for up to 3 months."
- `copular-participle`: "Eczema is a skin disease caused by X." -> "Eczema is a skin
  disease. It is caused by X."
- `verb-list`: "Rosacea is common, cannot be cured and does not spread." -> "Rosacea is
  common. It cannot be cured. It does not spread." (each verb phrase keeps its own "not").
- `shared-subject`: "Acne affects many teens and often persists into adulthood." ->
  "Acne affects many teens. It often persists into adulthood."
- `including-list`: "... triggers, including stress and heat." -> "... triggers.
  Triggers include stress and heat." (explicit subject, same list).
- `such-as-examples`: "A retinoid, such as adapalene, is the first choice." -> "A retinoid
  is the first choice. Examples are adapalene."
- `trailing-appositive`: "X can cause ochronosis, a blue-black darkening." -> "X can cause
  ochronosis. This is a blue-black darkening."
- `because-clause`: "A because b." -> "A. This is because b."; "A, because this b."
  -> "A. This b."
- `so-that-clause`: "A so that b." -> "A. This is so that b."
- `purpose-clause`: "Stay upright for 30 minutes to prevent heartburn." -> "Stay upright
  for 30 minutes. This is to prevent heartburn." (never after "do not", "never" or in a condition).
- `purpose-last`: "To prevent flares, apply the cream twice a week." -> "Apply the cream
  twice a week. This is to prevent flares."
- `gapped-instruction`: "Use a mild cream on the face, and a stronger one on the body." ->
  "Use a mild cream on the face. Use a stronger one on the body."
- `time-in-own-sentence`: "Use it until the rash clears, usually 1 to 2 weeks." -> "Use it
  until the rash clears. This usually takes 1 to 2 weeks."
- `instruction-list`: "Keep nails short, wear cotton and avoid wool." -> "Keep nails short.
  Wear cotton. Avoid wool." (each part an instruction; not when a condition or purpose may
  cover every part, nor when a later part says "it").
- `named-in-own-sentence`: "Scratching thickens the skin into leathery plaques
  (lichenification)." -> "... into leathery plaques. This is called lichenification."
- `either-condition`: "Call us if the itch keeps you awake, or the rash has not faded." ->
  "Call us if the itch keeps you awake. Also call us if the rash has not faded."
- `action-first`: "If you have b, get care." -> "Get care if you have b." (an
  instruction leads with what to do).
- `percent-as-frequency`: "about 85% of people" -> "about 85 in 100 people (85%)".

- `list-items` (last, on the fact's last sentence): "Lotions, tight collars or belts, and
  drugs such as lithium can worsen psoriasis." -> "These can worsen psoriasis:" and one
  "- item" line per item; "Triggers include A, B, C and D." -> "Triggers include:" and the
  items; "... if it causes A, B, or C." -> "... if it causes any of these:"; "Call us if the
  wart bleeds, changes color, or hurts." -> "Call us if any of these happen:" and one item
  per verb phrase, each naming the subject. Only lists of 3 or more (see `as_list`).

- `explained-in-own-sentence` (on the lexicon's output, as one more candidate; see
  `definitions`): "Androgens (a type of hormone) increase oil." -> "Androgens increase oil.
  Androgens are a type of hormone." Only for a meaning that is a noun phrase; the guard
  reads the sentence back as the bracket (lexicon.brackets_from_definitions).

`restructure(text)` applies every rule that fires, in that order, until none does.
The drafting step checks the result with the guard like any other candidate, and
keeps a rule's change only if the guard accepts it (`rules_by_guard`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from handouts.checks.english import verb_form
from handouts.core.drafts import as_bullets, list_parts
from handouts.core.text import split_sentences
from handouts.sources.lexicon import definition, drugs, wordlist

_AUX = frozenset("is are was were be been am can cannot could may might must should will would shall "
                 "do does did has have had need needs".split())
_SUBJECT_START = frozenset("it they this these those you we he she there most many some each every all "
                           "no your its their the a an".split())
_DETERMINERS = frozenset("the a an this that these those your its their his her our some many most "
                         "all any each every no other".split())
_STOP_BACK = frozenset("of for with in on at to from by into over under about after before during "
                       "between through without within than like as include includes including is are "
                       "was were be can may must should will such".split())
_IMPERATIVES = frozenset("use apply put wash rinse avoid call see ask tell keep try stop start take wear "
                         "choose pat do get go seek talk limit make give follow store read check "
                         "moisturize bathe protect cover stay sit stand drink wait soak trim remove bring".split())
_CONDITION_START = re.compile(r"^(If|When|Whenever|Until)\b", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


@lru_cache(maxsize=65536)
def _classes(word: str) -> frozenset[str]:
    import lemminflect  # deferred for start-up: lemminflect loads its tables on import

    return frozenset(lemminflect.getAllLemmas(word.lower()))


def _is_verb_only(word: str) -> bool:
    c = _classes(word)
    return bool(c) and c <= {"VERB", "AUX"}


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


_NOT_BEFORE_VERB = _DETERMINERS | frozenset("of for with in on at to from by into over under about after before "
                                            "during between through without within than like as and or very "
                                            "more most less".split())


def _can_be_verb(word: str) -> bool:
    return "VERB" in _classes(word) or "AUX" in _classes(word)


_OBJECT_START = frozenset("the a an your it them this these all any some each every any".split())


def _imperative(words: list[str]) -> bool:
    """Does a sentence (lowercase words) start with an instruction: "use ...", "soak the ..."?"""
    if not words:
        return False
    if words[0] in _IMPERATIVES:
        return True
    return len(words) > 1 and "VERB" in _classes(words[0]) and words[1] in _OBJECT_START


def has_finite_verb(clause: str) -> bool:
    """A clause, roughly: an auxiliary or modal, a word that can only be a verb, an
    imperative first word ("Wash the face"), or a word that can be a verb in an -s/-ed
    form where a noun could not stand ("Isotretinoin causes", "androgens increase")."""
    words = [w.lower() for w in _words(clause)]
    for i, w in enumerate(words):
        if w.endswith("ing"):
            continue
        if w in _AUX or _is_verb_only(w):
            return True
        if i == 0 and _imperative(words):
            return True
        prev = _classes(words[i - 1]) if i else frozenset()
        if i and _can_be_verb(w) and words[i - 1] not in _NOT_BEFORE_VERB and ("ADJ" not in prev or "ADV" in prev) and (
                w.endswith(("s", "ed")) or words[i - 1] in ("it", "they", "you", "we", "which", "that", "people")
                or words[i - 1].endswith("s")):
            return True
    return False


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _decapitalize(text: str) -> str:
    """Lower the first letter of a sentence moved inside another, unless it is a name."""
    first = _words(text)[:1]
    if not first or first[0].isupper() and len(first[0]) > 1 or first[0].lower() in drugs():
        return text
    if first[0] == "I":
        return text
    return text[:1].lower() + text[1:]


def _end(sentence: str) -> str:
    sentence = sentence.rstrip()
    return sentence if sentence.endswith((".", "!", "?")) else sentence + "."


# -- the rules: each takes one sentence and returns a replacement, or None -----------------


def _semicolon(s: str) -> str | None:
    if ";" not in s:
        return None
    parts = [p.strip() for p in s.split(";")]
    if any(not p or not has_finite_verb(p) for p in parts) or len(parts) > 3:
        return None
    body = [p.rstrip(".") for p in parts]
    return " ".join(_end(_capitalize(p)) for p in body)


_COORD = re.compile(r",\s+(and|but|so)\s+")


_ADVERBS = frozenset("even also often usually then still sometimes always never only".split())


def _starts_clause(rw: list[str], imperative: bool) -> bool:
    """Does the part after ", and" start a clause of its own (its own subject, or an
    instruction when the sentence is one)?"""
    if _imperative(rw) and (imperative or rw[0] in _IMPERATIVES):
        return True
    words = rw[1:] if rw[0] in _ADVERBS else rw
    if not words or words[0] in _PREPOSITIONS or words[0] in ("and", "or") or words[0].endswith("ed") or (
            _is_verb_only(words[0]) and not (words[0].endswith("ing") and has_finite_verb(" ".join(words[1:3])))):
        return False  # a verb phrase or a participle; a gerund subject ("scratching worsens it") is fine
    if words[0] in ("it", "they", "you", "this", "these", "there", "we"):
        return has_finite_verb(" ".join(words[:3]))
    # a noun phrase subject: the verb must come within a few words
    return any(has_finite_verb(" ".join(words[:k])) for k in (2, 3, 4, 5))


def _clear_verb(text: str) -> bool:
    """A verb no noun could be: an auxiliary, an instruction, or a verb-only word not in -s."""
    words = [w.lower() for w in _words(text)]
    after_pronoun = [words[i + 1 + (words[i + 1] in _ADVERBS and i + 2 < len(words))]
                     for i in range(len(words) - 1) if words[i] in _CLAUSE_SUBJECTS]
    return _imperative(words) or any(_can_be_verb(w) for w in after_pronoun) or any(
        w in _AUX or (_is_verb_only(w) and not w.endswith("s")) for w in words)


def _coordinated(s: str) -> str | None:
    imperative = _imperative([w.lower() for w in _words(s)])
    for m in _COORD.finditer(s):
        left, right = s[:m.start()], s[m.end():]
        rw = [w.lower() for w in _words(right)]
        if len(_words(left)) < 4 or len(rw) < 3 or not _starts_clause(rw, imperative):
            continue
        if not has_finite_verb(left) or not has_finite_verb(right):
            continue
        if "," in left and not _clear_verb(left):
            continue  # "Lotions, collars or belts, and drugs can ...": the end of a list, not a clause
        link = m.group(1)
        second = _capitalize(right) if link == "and" else f"{link.capitalize()} {right}"
        return f"{_end(left)} {_end(second)}"
    return None


_PREPOSITIONS = frozenset("of for with in on at to from by into over under about after before during "
                          "between through without within than like as".split())


def _noun_phrase_before(text: str) -> str | None:
    """The noun phrase that ends `text`: back to its determiner, or to a verb.

    None if a preposition comes first: "... sunscreen with iron oxides, which ..." may
    be about the sunscreen or the oxides, so no rule guesses.
    """
    tokens = text.split()
    out: list[str] = []
    for k, tok in enumerate(reversed(tokens)):
        bare = tok.strip(",;:()").lower()
        if tok.endswith(",") and out:
            return None  # the end of a list ("the scalp, elbows and knees"): which items?
        if tok.endswith((";", ":")) and out:
            break
        if bare in _PREPOSITIONS:
            return None
        if bare in ("and", "or") and out and out[-1].lower() in _DETERMINERS:
            return None  # "phototherapy and the JAK inhibitors, which ...": one or both?
        if bare in _STOP_BACK or (not out and not bare):
            break
        if _is_verb_only(bare) and out:
            break
        ahead = tokens[len(tokens) - k - 2].strip(",;:()").lower() if len(tokens) - k - 2 >= 0 else ""
        if out and ahead in _AUX and _can_be_verb(bare):
            break  # "can leave keloids": "leave" is the verb, not part of the noun phrase
        out.append(tok)
        if bare in _DETERMINERS:
            break
        if len(out) > 9:
            return None
    if not out:
        return None
    rest = tokens[:len(tokens) - len(out)]
    if rest and rest[-1].lower() in ("and", "or"):
        return None  # "phototherapy and the JAK inhibitors, which ...": one or both?
    phrase = " ".join(reversed(out)).strip(",")
    return phrase if re.search(r"[A-Za-z]", phrase) else None


_TIME_WORDS = frozenset("day days night nights week weeks month months year years time times morning "
                        "mornings evening evenings hour hours minute minutes age".split())


def _is_noun_phrase(np: str) -> bool:
    """Ends in a noun (or a drug name) that is not a time expression ("every day")."""
    words = [w.lower().strip(",.") for w in _words(np)]
    if not words or words[0] in ("every", "each", "all", "no") or words[-1] in _TIME_WORDS:
        return False
    return words[-1] in drugs() or "NOUN" in _classes(words[-1]) or not _classes(words[-1])


_IRREGULAR_PLURALS = frozenset("people children women men teeth feet mice lice".split())


def _plural(phrase: str) -> bool:
    """Is the noun phrase plural? Its head is the last word before a preposition;
    a parenthesis is an aside ("Dark patches (pigment change)" is plural)."""
    words = [w.lower() for w in _words(re.sub(r"\([^)]*\)", " ", phrase))]
    for i, w in enumerate(words):
        if i and w in _PREPOSITIONS:
            words = words[:i]
            break
    if "and" in words:
        return True
    head = words[-1] if words else ""
    return head in _IRREGULAR_PLURALS or (head.endswith("s") and not head.endswith(("ss", "us", "is")))


def _short_subject(np: str) -> str:
    """An explicit subject that names what `np` names, short: "Upadacitinib and
    abrocitinib" for "the oral JAK inhibitors upadacitinib and abrocitinib", "This
    sunscreen" for "a tinted sunscreen", "These triggers" for "common triggers"."""
    words = np.split()
    low = [w.lower() for w in words]
    if "and" in low:
        i = len(low) - 1 - low[::-1].index("and")
        if 0 < i < len(words) - 1 and i + 2 == len(words):
            return _capitalize(f"{words[i - 1]} and {words[i + 1]}")
        return _capitalize(np)
    head = words[-1]
    if head.lower() in drugs() or len(words) == 1:
        return _capitalize(head if head.lower() in drugs() else np)
    return f"{'These' if _plural(np) else 'This'} {head}"


_WHICH = re.compile(r",\s+which\s+")


def _which(s: str) -> str | None:
    m = _WHICH.search(s)
    if not m:
        return None
    head, clause = s[:m.start()], s[m.end():].rstrip(".")
    if "," in clause or ";" in clause or not has_finite_verb("which " + clause):
        return None  # the which-clause must run to the end of the sentence
    np = _noun_phrase_before(head)
    if not np or len(_words(head)) - len(_words(np)) < 2 or not _is_noun_phrase(np):
        return None
    verb = _words(clause)[0].lower()
    if verb.endswith("s") and verb not in ("is", "has", "does", "was") and _plural(np):
        return None  # "spots, which worsens": the which refers to a clause, not the noun
    if verb in ("are", "were", "have", "do") and not _plural(np):
        return None
    return f"{_end(head)} {_end(_short_subject(np) + ' ' + clause)}"


_INCLUDING = re.compile(r",\s+including\s+")


_NEGATED_INSTRUCTION = re.compile(r"^(?:avoid|do not|don't|never|stop|limit)\b", re.I)


def _including(s: str) -> str | None:
    m = _INCLUDING.search(s)
    if not m or _NEGATED_INSTRUCTION.match(s):
        return None  # "Avoid X, including Y": the list must stay inside the "avoid"
    head, items = s[:m.start()], s[m.end():].rstrip(".")
    if ";" in items or has_finite_verb(items) or len(_words(head)) < 3:
        return None
    np = _noun_phrase_before(head)
    if not np or len(_words(head)) - len(_words(np)) < 1 or not _is_noun_phrase(np):
        return None
    verb = "include" if _plural(np) else "includes"
    return f"{_end(head)} {_end(f'{_short_subject(np)} {verb} {items}')}"


def _clause_split(s: str, word: str, lead: str) -> str | None:
    m = re.search(rf",?\s+{word}\s+", s)
    if not m:
        return None
    left, right = s[:m.start()], s[m.end():]
    before = _words(left)[-1:] if _words(left) else []
    if before and before[0].lower() in ("not", "only", "just", "partly", "mainly", "mostly"):
        return None
    if len(_words(left)) < 4 or len(_words(right)) < 3 or not has_finite_verb(left) or not has_finite_verb(right):
        return None
    return f"{_end(left)} {_end(f'{lead} {word} {right}')}"


def _because(s: str) -> str | None:
    m = re.search(r",?\s+because\s+(this|that)\s+", s)
    if m:  # "A, because this worsens B." -> "A. This worsens B." ("this" is the action of A)
        left, right = s[:m.start()], s[m.end():]
        if len(_words(left)) >= 4 and has_finite_verb(left) and has_finite_verb(right):
            return f"{_end(left)} {_end(m.group(1).capitalize() + ' ' + right)}"
        return None
    return _clause_split(s, "because", "This is")


def _so_that(s: str) -> str | None:
    return _clause_split(s, "so that", "This is")


_PURPOSE = re.compile(r",?\s+(to\s+(?:prevent|avoid|protect|reduce|lower|limit|keep|stop|rule\s+out)\b[^,;]*?)\.?$")
_CONDITIONS = re.compile(r"\b(?:if|when|unless|until|while|whenever)\b", re.I)


def _purpose(s: str) -> str | None:
    """`purpose-clause`: "Stay upright for 30 minutes to prevent heartburn." -> "Stay upright
    for 30 minutes. This is to prevent heartburn." Never after a "do not" ("Do not use X
    to prevent Y" says something else split), never inside a condition."""
    m = _PURPOSE.search(s)
    if not m or _NEGATED_INSTRUCTION.match(s) or re.search(r"\b(?:not|never|no)\b", s[:m.start()], re.I):
        return None
    left = s[:m.start()]
    if len(_words(left)) < 6 or not has_finite_verb(left) or _CONDITIONS.search(left) or left.rstrip()[-1:] in "(:":
        return None
    if _words(left)[-1].lower() in _PREPOSITIONS | _DETERMINERS | {"and", "or", "how", "able", "likely"}:
        return None
    return f"{_end(left)} {_end('This is ' + m.group(1))}"


def _instruction_list(s: str) -> str | None:
    """`instruction-list`: "Keep nails short, wear cotton and avoid wool." -> "Keep nails
    short. Wear cotton. Avoid wool." Each part must be an instruction of its own (it starts
    with a verb of instruction); a condition or purpose that may cover every part
    ("... and call us if it spreads") keeps the sentence whole."""
    words = [w.lower() for w in _words(s)]
    if not words or not _imperative(words) or _CONDITIONS.search(s) or ";" in s or ":" in s:
        return None
    if re.search(r"\bto\s+[a-z]+\b[^,]*\.?$", s) and not re.search(r"\b(?:up|down)?\s*to\s+\d", s):
        return None  # a purpose at the end ("... and stay upright to prevent X"): the purpose rule first
    body = s.rstrip().rstrip(".")
    chunks = _chunks(body)
    tail = chunks[-1]
    ands = [m for m in re.finditer(r"(?:^|\s)and\s+([a-z]+)\b", tail) if m.group(1) in _IMPERATIVES
            or (_is_verb_only(m.group(1)) and not m.group(1).endswith(("s", "ed", "ing")))]
    if len(ands) != 1:
        return None  # "wash or rinse": alternatives, not steps; or no second instruction
    m = ands[0]
    first_last, last = tail[:m.start()].strip(), tail[m.start():].strip()[4:]
    parts = chunks[:-1] + ([first_last] if first_last else []) + [last]
    if len(parts) < 2:
        return None
    for p in parts:
        pw = [w.lower() for w in _words(p)]
        if len(pw) < 2 or not (pw[0] in _IMPERATIVES or (_is_verb_only(pw[0]) and not pw[0].endswith(("s", "ed", "ing")))):
            return None
        if set(pw) & {"it", "them", "this", "these", "those"} and p is not parts[0]:
            return None  # "apply it": what "it" is may sit in another part
    return " ".join(_end(_capitalize(p.strip())) for p in parts)


_EITHER = re.compile(r"^(?P<main>[^,;]+?)\s+if\s+(?P<a>[^;]+?),\s+or\s+(?:if\s+)?(?P<b>[^,;]+?)\.?$")


def _either_condition(s: str) -> str | None:
    """`either-condition`: "Call us if the itch keeps you awake, or the rash has not faded in
    2 weeks." -> "Call us if the itch keeps you awake. Also call us if the rash has not faded
    in 2 weeks." Two conditions with their own subjects, for one instruction."""
    m = _EITHER.match(s)
    if not m:
        return None
    main, a, b = m.group("main"), m.group("a"), m.group("b")
    mw = [w.lower() for w in _words(main)]
    if not _imperative(mw) or _CONDITIONS.search(main) or "," in a and not _clear_verb(a.split(",")[-1]):
        return None
    bw = [w.lower() for w in _words(b)]
    if not bw or not _starts_clause(bw, False) or bw[0] in _IMPERATIVES or not has_finite_verb(a):
        return None
    return f"{_end(main + ' if ' + a)} {_end('Also ' + _decapitalize(main) + ' if ' + b)}"


_NAMED_AT_END = re.compile(r"^(?P<head>.*\S)\s+\((?P<name>[A-Za-z][A-Za-z' -]{2,40})\)\.?$")


def _named(s: str) -> str | None:
    """`named-in-own-sentence`: "Scratching thickens the skin into leathery plaques
    (lichenification)." -> "Scratching thickens the skin into leathery plaques. This is
    called lichenification." A name in brackets at the end of a sentence (up to 4 words,
    no verb, no number, not a plain explanation that starts "a ..." or "the ...")."""
    m = _NAMED_AT_END.match(s)
    if not m or "(" in m.group("head") and m.group("head").count("(") != m.group("head").count(")"):
        return None
    head, name = m.group("head"), m.group("name").strip()
    nw = [w.lower() for w in _words(name)]
    if not nw or len(nw) > 4 or nw[0] in _DETERMINERS or has_finite_verb(name) or set(nw) & _AUX:
        return None
    if len(_words(head)) < 4 or not has_finite_verb(head) or head.rstrip()[-1:] in ",;:":
        return None
    return f"{_end(head)} This is called {name}."


_GAPPED = re.compile(r"^(?P<left>[^;]+?),\s+and\s+(?P<right>(?:a|an|the|your|some)\s[^,;]+?)\.?$")


def _gapped(s: str) -> str | None:
    """`gapped-instruction`: "Use a mild cream on the face, and a stronger one on the body." ->
    "Use a mild cream on the face. Use a stronger one on the body." (the instruction's verb,
    left out of the second half, is said again; nothing else is added)."""
    m = _GAPPED.match(s)
    if not m:
        return None
    left, right = m.group("left"), m.group("right")
    lw, rw = [w.lower() for w in _words(left)], [w.lower() for w in _words(right)]
    if not _imperative(lw) or len(lw) < 4 or len(rw) < 3 or _CONDITIONS.search(s) or \
            _NEGATED_INSTRUCTION.match(s) or "," in left:
        return None
    if set(rw) & (_AUX | _CLAUSE_SUBJECTS) or _clear_verb(right) or has_finite_verb(right) or not re.search(
            rf"\b(?:{'|'.join(_PREPOSITIONS)})\b", right):
        return None  # the second half must be an object and where it goes, with no verb of its own
    verb = _words(left)[0]
    return f"{_end(left)} {_end(verb.capitalize() + ' ' + right)}"


_FRONT_PURPOSE = re.compile(r"^To\s+(?P<purpose>(?:prevent|avoid|protect|reduce|lower|limit|keep|stop)\b[^,;]*),\s+"
                            r"(?P<action>[^;]+?)\.?$")


def _front_purpose(s: str) -> str | None:
    """`purpose-last`: "To prevent flares, apply the cream twice a week." -> "Apply the cream
    twice a week. This is to prevent flares." (the action first, then why)."""
    m = _FRONT_PURPOSE.match(s)
    if not m:
        return None
    action = m.group("action")
    aw = [w.lower() for w in _words(action)]
    if not aw or not _imperative(aw) or len(aw) < 3:
        return None
    return f"{_end(_capitalize(action))} {_end('This is to ' + m.group('purpose'))}"


_TRAILING_SPAN = re.compile(r",\s+(?P<q>usually|often|typically|about)\s+(?P<span>\d+(?:\s+to\s+\d+)?\s+"
                            r"(?:days?|weeks?|months?|years?))\.?$")


def _trailing_span(s: str) -> str | None:
    """`time-in-own-sentence`: "Use it until the rash clears, usually 1 to 2 weeks." -> "Use it
    until the rash clears. This usually takes 1 to 2 weeks." """
    m = _TRAILING_SPAN.search(s)
    if not m:
        return None
    head = s[:m.start()]
    if len(_words(head)) < 5 or not has_finite_verb(head) or _words(head)[-1].lower() in _PREPOSITIONS:
        return None
    q = m.group("q")
    verb = "takes about" if q == "about" else f"{q} takes"
    return f"{_end(head)} This {verb} {m.group('span')}."


def _action_first(s: str) -> str | None:
    m = _CONDITION_START.match(s)
    if not m:
        return None
    comma = s.find(", ")
    if comma < 0:
        return None
    condition, action = s[:comma], s[comma + 2:].rstrip(".")
    aw = [w.lower() for w in _words(action)]
    if not aw or aw[0] not in _IMPERATIVES or "," in action or ";" in action:
        return None
    if {"it", "they", "them", "this", "these"} & set(aw):
        return None  # a pronoun in the action may point into the condition
    return _end(f"{_capitalize(action)} {_decapitalize(condition)}")


def _subject(s: str) -> tuple[str, str] | None:
    """The sentence's subject (a short noun phrase before its first verb) and the rest."""
    words = s.split()
    if _imperative([w.lower() for w in _words(s)]):
        return None  # an instruction has no subject to repeat
    for i, w in enumerate(words[:10]):
        bare = re.sub(r"[^A-Za-z'-]", "", w).lower()
        after_strength = i and re.search(r"\d", words[i - 1]) and bare.endswith("s") and _can_be_verb(bare)
        if i and (after_strength or has_finite_verb(" ".join(re.sub(r"[^A-Za-z' -]", "", x) for x in words[:i + 1]))) \
                and (bare in _AUX or _can_be_verb(bare)):
            j = i
            while j > 1 and words[j - 1].lower() in _ADVERBS:
                j -= 1  # "X often lasts": the adverb goes with the verb
            subject = " ".join(words[:j])
            if any(x.endswith((",", ";", ":")) for x in words[:j]) or bare.endswith("ing"):
                return None
            return subject, " ".join(words[j:])
    return None


_MODALS = frozenset("may might can cannot could must should will would".split())


def _modal_subject(s: str) -> tuple[str, str] | None:
    """A longer subject, commas and all, that ends at a modal verb: "Sudden severe acne with
    fever, joint pain or bleeding sores may be ..." (no verb inside it, and no opening
    "If ..."/"On ..." phrase)."""
    words = s.split()
    for i, w in enumerate(words[:14]):
        if i < 2 or w.lower() not in _MODALS:
            continue
        subject = " ".join(words[:i])
        first = _words(subject)[0].lower()
        if first in _PREPOSITIONS or first in ("if", "when", "while", "although", "because", "after", "before",
                                               "unless", "during", "to") or ";" in subject or ":" in subject:
            return None
        if any(_clear_verb(c) or has_finite_verb(c) for c in _chunks(subject)):
            return None
        return subject, " ".join(words[i:])
    return None


def _pronoun_for(subject: str, verb: str = "") -> str:
    """The pronoun that stands for `subject`. The verb it had in the source sentence
    agrees with it, so "follow ... and fade" says plural and "fades" singular,
    whatever the subject's words look like."""
    low = subject.lower()
    if low in ("you", "we", "they", "it"):
        return _capitalize(low)
    form = verb_form(verb.lower()) if verb and verb.lower() not in _AUX else ""
    if form in ("base", "s"):
        return "They" if form == "base" else "It"
    return "They" if _plural(subject) else "It"


_SHARED = re.compile(r"\s+and\s+((?:often|usually|also|then|may|can|sometimes)\s+)?")


def _shared_subject(s: str) -> str | None:
    """"Acne affects many teens and often persists into adulthood." -> "Acne affects many
    teens. It often persists into adulthood." (two verb phrases, one subject)."""
    if ";" in s:
        return None
    found = _subject(s)
    if found and "," in s.split(" and ")[0]:
        found = None
    if found and (len(_words(re.sub(r"\([^)]*\)", "", found[0]))) > 6 or found[0].lower().split()[0] in (
            "if", "when", "to", "for", "on", "in")):
        found = None
    found = found or _modal_subject(s)
    if not found or "," in found[1].split(" and ")[0]:
        return None
    subject, rest = found
    for m in _SHARED.finditer(rest):
        left, right = rest[:m.start()], rest[m.end():]
        rw = [w.lower() for w in _words(right)]
        if len(_words(left)) < 2 or len(rw) < 2:
            continue
        verb = rw[0]
        if not (verb in _AUX or _is_verb_only(verb) or (m.group(1) and _can_be_verb(verb))):
            continue  # "elbows and knees": a word that may be a noun does not start a verb phrase
        if verb.endswith("ing") or (verb.endswith("ed") and not m.group(1)):
            continue
        lead = f"{_pronoun_for(subject, verb)} {m.group(1) or ''}".rstrip()
        return f"{_end(subject + ' ' + left)} {_end(lead + ' ' + right)}"
    return None


def _verb_list(s: str) -> str | None:
    """`verb-list`: "Rosacea is common, cannot be cured and does not spread." -> "Rosacea is
    common. It cannot be cured. It does not spread." Three or more verb phrases of one short
    subject, each starting with its own verb (so each keeps its own "not")."""
    if ";" in s or ":" in s:
        return None
    found = _subject(s)
    if not found:
        return None
    subject, rest = found
    if len(_words(re.sub(r"\([^)]*\)", "", subject))) > 6 or subject.lower().split()[0] in (
            "if", "when", "to", "for", "on", "in"):
        return None
    chunks = _chunks(rest.rstrip().rstrip("."))
    if len(chunks) < 2:
        return None
    tail = chunks[-1]
    joins = [m for m in re.finditer(r"(?:^|\s)and\s+([a-z]+)\b", tail)
             if m.group(1) in _AUX or (_is_verb_only(m.group(1)) and not m.group(1).endswith(("ed", "ing")))]
    if len(joins) != 1:
        return None
    m = joins[0]
    parts = chunks[:-1] + [tail[:m.start()].strip(), tail[m.start():].strip()[4:]]
    for p in parts:
        w = [x.lower() for x in _words(p)]
        if len(w) < 2 or not (w[0] in _AUX or (_is_verb_only(w[0]) and not w[0].endswith(("ed", "ing")))
                              or (w[0] in _ADVERBS and len(w) > 2 and (w[1] in _AUX or _can_be_verb(w[1])))):
            return None
    out = [_end(f"{subject} {parts[0]}")]
    for p in parts[1:]:
        verb = next(x for x in (x.lower() for x in _words(p)) if x not in _ADVERBS)
        out.append(_end(f"{_pronoun_for(subject, verb)} {p}"))
    return " ".join(out)


_PARTICIPLES = "used|taken|applied|given|approved|prescribed|seen|found|sold|bought|made|caused|started|stopped"
_APPOSITIVE = re.compile(rf"^([A-Z][\w-]*(?:\s+[\w%.-]+){{0,3}}),\s+((?:usually\s+|often\s+|mostly\s+)?(?:{_PARTICIPLES})\b[^,;]*"
                         rf"|(?:a|an)\s[^,;]*),\s+(.*)$")


def _appositive(s: str) -> str | None:
    """"Isotretinoin, usually taken for about 20 weeks, is for severe acne." ->
    "Isotretinoin is for severe acne. It is usually taken for about 20 weeks." """
    m = _APPOSITIVE.match(s)
    if not m:
        return None
    subject, aside, rest = m.group(1), m.group(2), m.group(3).rstrip(".")
    rw = [w.lower() for w in _words(rest)]
    if not rw or not (rw[0] in _AUX or _can_be_verb(rw[0])) or not has_finite_verb(rest):
        return None
    be = "are" if _plural(subject) else "is"
    return f"{_end(subject + ' ' + rest)} {_end(_pronoun_for(subject) + ' ' + be + ' ' + aside)}"


_TRAILING = re.compile(rf",\s+((?:usually\s+|often\s+)?(?:{_PARTICIPLES})\b[^,;]*"
                       rf"|(?:most\s+|more\s+|very\s+)?(?:common|rare|frequent)\s+(?:in|among|on)\b[^,;]*)\.?$")
_COPULAR_BY = re.compile(r"^(?P<head>.+?\b(?:is|are)\s+(?:a|an)\s+[^;]*?)\s+(?P<part>(?:driven|caused|marked|"
                         r"characterized|triggered|made worse)\s+by\s+[^;]*?)\.?$")


def _trailing_participle(s: str) -> str | None:
    """"Hydroquinone cream is first-line treatment, used for up to 3 months." ->
    "Hydroquinone cream is first-line treatment. It is used for up to 3 months." """
    m = _TRAILING.search(s)
    if not m:
        return None
    head = s[:m.start()]
    found = _subject(head)
    if not found or not has_finite_verb(head):
        return None
    subject = found[0]
    if len(_words(subject)) > 8 or subject.lower().split()[0] in ("if", "when", "to", "for", "on", "in", "during"):
        return None
    be = "are" if _plural(subject) else "is"
    return f"{_end(head)} {_end(_pronoun_for(subject) + ' ' + be + ' ' + m.group(1))}"


def _copular_by(s: str) -> str | None:
    """"Eczema is a long-term skin disease caused by a weak skin barrier." -> "Eczema is a
    long-term skin disease. It is caused by a weak skin barrier." In "X is a Y", the Y
    is the X, so the participle that describes the Y describes the subject."""
    m = _COPULAR_BY.match(s)
    if not m:
        return None
    head = m.group("head")
    found = _subject(head)
    if not found or len(_words(head)) < 5:
        return None
    subject = found[0]
    if len(_words(subject)) > 4 or "," in subject:
        return None
    be = "are" if _plural(subject) else "is"
    return f"{_end(head)} {_end(_pronoun_for(subject) + ' ' + be + ' ' + m.group('part'))}"


_SUCH_AS = re.compile(r"^(?P<np>[^,;]+?),\s+such\s+as\s+(?P<list>[^;]+?),\s+(?P<rest>[^,;]+)$")


def _such_as(s: str) -> str | None:
    """"A retinoid, such as adapalene or tretinoin, is the first choice." -> "A retinoid is
    the first choice. Examples are adapalene or tretinoin." (the examples keep their own
    sentence; the main claim reads first)."""
    m = _SUCH_AS.match(s.rstrip("."))
    if not m:
        return None
    np, items, rest = m.group("np"), m.group("list"), m.group("rest")
    rw = [w.lower() for w in _words(rest)]
    if not rw or not (rw[0] in _AUX or _is_verb_only(rw[0])) or has_finite_verb(np):
        return None
    if "(" in items and items.count("(") != items.count(")"):
        return None
    return f"{_end(np + ' ' + rest)} {_end('Examples are ' + items)}"


_TRAILING_APPOSITIVE = re.compile(r"^(?P<head>[^;]+?),\s+(?P<np>(?:a|an)\s+[^,;]+?)\.?$")


def _trailing_appositive(s: str) -> str | None:
    """"X can cause ochronosis, a blue-black darkening of the skin." -> "X can cause
    ochronosis. This is a blue-black darkening of the skin." """
    m = _TRAILING_APPOSITIVE.match(s)
    if not m:
        return None
    head, np = m.group("head"), m.group("np")
    if " or " in np or " and a" in np:
        return None  # "a cream or a gel": alternatives in a list, not a description
    if not has_finite_verb(head) or len(_words(head)) < 4 or (
            set(w.lower() for w in _words(np)) & (_AUX | {"that", "which", "who"})):
        return None
    if _words(head)[-1].lower() in _PREPOSITIONS or "," in head[-25:]:
        return None
    return f"{_end(head)} {_end('This is ' + np)}"


_PERCENT_OF = re.compile(
    r"\b((?:about|around|up to|nearly|almost|over|more than|fewer than|less than)\s+)?(\d{1,2})%\s+of\s+"
    r"(people|patients|children|adults|women|men|teenagers|babies|infants|cases|those)\b", re.I)


def _percent(s: str) -> str | None:
    m = _PERCENT_OF.search(s)
    if not m or re.search(r"\bin 100\b", s):
        return None
    qual, n, who = m.group(1) or "", m.group(2), m.group(3)
    return s[:m.start()] + f"{qual}{n} in 100 {who} ({n}%)" + s[m.end():]


_NOT_ITEM_START = _PREPOSITIONS | frozenset("if when while because although unless and or but so then "
                                            "mainly mostly especially usually often also even".split())


def _chunks(text: str) -> list[str]:
    """`text` cut at ", " outside brackets."""
    out, depth, cur = [], 0, ""
    i = 0
    while i < len(text):
        ch = text[i]
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and text.startswith(", ", i):
            out.append(cur)
            cur, i = "", i + 2
            continue
        cur += ch
        i += 1
    return out + [cur]


def _last_pair(chunk: str) -> tuple[str, str, str] | None:
    """The last item pair of a list's final chunk: "stress and skin infection" ->
    ("stress", "and", "skin infection"); "and drugs" (after an Oxford comma) -> ("", "and", "drugs")."""
    m = re.match(r"^(and|or)\s+(.+)$", chunk)
    if m:
        return "", m.group(1), m.group(2)
    found = [m for m in re.finditer(r"\s(and|or)\s", chunk) if chunk[:m.start()].count("(") == chunk[:m.start()].count(")")]
    if len(found) != 1:
        return None  # "history of X and irritating or scented products": which "and" ends the list?
    m = found[-1]
    return chunk[:m.start()], m.group(1), chunk[m.end():]


_CLAUSE_SUBJECTS = frozenset("it they you we he she i".split())


def _items_ok(items: list[str]) -> bool:
    """Items of a list: noun phrases, not clauses, none empty or starting like a clause."""
    if len(items) < 3:
        return False
    for it in items:
        w = [x.lower() for x in _words(it)]
        if not w or w[0] in _NOT_ITEM_START or w[0] in _IMPERATIVES or ";" in it or ":" in it:
            return False
        if set(w) & (_AUX | _CLAUSE_SUBJECTS):  # "it can", "they are": a clause, not a noun phrase
            return False
    if any(_words(it)[0][0].isupper() and _words(it)[0].lower() not in drugs() for it in items[1:]):
        return False  # "Latin American, Asian and African descent": adjectives of one noun
    return sum(len(_words(it)) for it in items) >= 6


def _tail_list(s: str) -> tuple[str, list[str], str] | None:
    """"Common triggers include A, B, C and D." -> ("Common triggers include:", [A, B, C, D], "and")."""
    body = s.rstrip().rstrip(".")
    chunks = _chunks(body)
    if len(chunks) < 2:
        return None
    pair = _last_pair(chunks[-1])
    if pair is None:
        return None
    first_last, conj, last = pair
    items = [last] + ([first_last] if first_last else [])
    k = len(chunks) - 2
    while k >= 0:
        marker = [m for m in re.finditer(r"\b(include|includes|including|such as|for)\s", chunks[k] + " ", re.I)]
        if not marker and conj == "or" and re.search(r"\b(?:if|when)\s", chunks[k]):
            # "... if the cream causes A, B or C": after the condition's verb
            marker = [m for m in re.finditer(r"(?<=\w )([a-z]+s)\s", chunks[k] + " ")
                      if _can_be_verb(m.group(1)) and m.group(1) not in _AUX | _PREPOSITIONS
                      and not re.search(r"\b(?:the|a|an|your|its|their|this|that)\s*$", chunks[k][:m.start()])]
        if marker:
            m = marker[-1]
            head, first = chunks[k][:m.end()].rstrip(), chunks[k][m.end():]
            items.append(first)
            items.reverse()
            lead = ", ".join(chunks[:k] + [head])
            return lead, items, conj
        items.append(chunks[k])
        k -= 1
    return None


def _lists(s: str) -> tuple[str, list[str], str] | None:
    """The lead and items of a long list in one sentence, or None (see `_as_list`)."""
    if _CONDITION_START.match(s):
        return None
    found = _tail_list(s)
    if found:
        lead, items, conj = found
        marker = lead.split()[-1].lower()
        if marker == "for":
            if conj != "or" or not has_finite_verb(lead):
                return None
            lead = f"{lead} any of these"
        elif marker == "as":  # "such as"
            return None
        elif marker not in ("include", "includes", "including"):  # "... causes A, B or C"
            if not _clear_verb(lead) and not marker.endswith("s"):
                return None
            lead = f"{lead} any of these"
        if not _items_ok(items) or len(_words(lead)) < 2:
            return None
        return lead + ":", items, conj
    # a list that is the subject: "A, B and C can trigger acne." -> "These can trigger acne:"
    body = s.rstrip().rstrip(".")
    chunks = _chunks(body)
    if len(chunks) < 2:
        return None
    last = chunks[-1].split()
    for i, w in enumerate(last):
        bare = w.lower().strip(",")
        if i and (bare in _AUX or _is_verb_only(bare) and not bare.endswith(("s", "ed", "ing"))):
            if bare in ("is", "was", "has", "does", "needs"):
                return None  # a singular verb: the list is not the subject
            j = i - 1 if last[i - 1].lower() in _ADVERBS else i
            head, vp = " ".join(last[:j]), " ".join(last[j:])
            break
    else:
        return None
    pair = _last_pair(head)
    if pair is None:
        return None
    first_last, conj, final = pair
    items = chunks[:-1] + ([first_last] if first_last else []) + [final]
    if not _items_ok(items) or not has_finite_verb(vp):
        return None
    subject = "Any of these" if conj == "or" else "These"
    return f"{subject} {vp}:", items, conj


_IF_SUBJECT = re.compile(r"^(?P<main>[^,;]+?)\s+if\s+(?P<subj>(?:(?:your|the|a|an|this|my)\s+)?[a-z]+)\s+(?P<rest>[^;]+?)\.?$")


def _condition_list(s: str) -> tuple[str, list[str], str] | None:
    """"See us if the rash spreads, blisters, or has not faded in 2 weeks." -> ("See us if any of
    these happen:", ["the rash spreads", "the rash blisters", "the rash has not faded in 2 weeks"]).
    Three or more verb phrases of one subject, joined by "or"; each item names the subject."""
    m = _IF_SUBJECT.match(s)
    if not m or not _imperative([w.lower() for w in _words(m.group("main"))]):
        return None
    subj, chunks = m.group("subj"), _chunks(m.group("rest"))
    if len(chunks) < 3 or not re.match(r"^or\s", chunks[-1]):
        return None
    vps: list[str] = []
    for i, c in enumerate(chunks):
        c = re.sub(r"^or\s+", "", c) if i == len(chunks) - 1 else c
        first = _words(c)[0].lower() if _words(c) else ""
        starts = first in _AUX or (first.endswith("s") and _can_be_verb(first))
        if (i == 0 or i == len(chunks) - 1) and not starts:
            return None  # the last "or" must join verb phrases, or it would be lost
        if starts:
            vps.append(c)
        else:
            vps[-1] += ", " + c
    if len(vps) < 3:
        return None
    return f"{m.group('main')} if any of these happen:", [f"{subj} {v}" for v in vps], "or"


def as_list(text: str) -> str | None:
    """`list-items`: a long list at the end of a fact becomes a lead and bullet points.

    "Oily cosmetics and hair products, friction from helmets or straps, and drugs such
    as oral corticosteroids can trigger or worsen acne." -> "These can trigger or worsen
    acne:" and one "- item" line per item; "Common triggers include A, B, C and D." ->
    "Common triggers include:" and the items. Only the last sentence of a fact, only a
    list of 3 or more noun phrases (no verbs), and only where the lead reads as a
    sentence of its own; the words are the source's, in its order (see
    handouts.core.drafts.list_parts, and `as_prose` for what the guard judges).
    """
    if "\n" in text:
        return None
    sentences = split_sentences(text)
    if not sentences:
        return None
    found = _lists(sentences[-1]) or _condition_list(sentences[-1])
    if found is None:
        return None
    lead, items, _conj = found
    items = [it.strip() for it in items]
    if not _tail_list(sentences[-1]):  # the first item began the sentence
        items[0] = _decapitalize(items[0])
    items[-1] = items[-1].rstrip(".")
    return as_bullets(" ".join(sentences[:-1]), _capitalize(lead), items)


_LINKED = frozenset("this these that those it its they them their so but also then examples".split())


def definitions(text: str, terms: tuple[str, ...] | list[str]) -> str | None:
    """`explained-in-own-sentence`: each term the lexicon explained in brackets ("Androgens
    (a type of hormone) increase oil.") explained in a sentence of its own right after
    ("Androgens increase oil. Androgens are a type of hormone."), when its meaning is a
    noun phrase (not "won't clog pores", "slightly warm") and it is not in a list item."""
    parts = list_parts(text)
    head = f"{parts.before} {parts.lead}".strip() if parts else text
    uses = [re.compile(r"(?<![\w-])(" + r"[\s-]+".join(map(re.escape, re.split(r"[\s-]+", t))) + r") \(([^()]+)\)",
                       re.I) for t in terms]
    out: list[str] = []
    pending: list[str] = []
    changed = False
    sentences = split_sentences(head)
    for i, s in enumerate(sentences):
        found = sorted((m for u in uses for m in [u.search(s)] if m), key=lambda m: m.start())
        defs = []
        for m in reversed(found):  # from the end, so earlier positions stay right
            plain = m.group(2)
            if parts and i == len(sentences) - 1:
                continue  # the lead of a list: its items must follow it
            np = re.split(r"\s(?:that|which|who)\s", plain)[0]  # "a product that removes dead skin"
            nw = [w.lower() for w in _words(np)]
            if not nw or "n't" in plain or set(nw) & (_AUX | {"not", "no", "than"}) or has_finite_verb(np) or \
                    "NOUN" not in _classes(nw[-1]) or _classes(_words(m.group(1))[-1].lower()) == {"ADJ"}:
                continue
            s = s[:m.end(1)] + s[m.end():]
            defs.insert(0, definition(m.group(1), plain))
        out.append(s)
        pending.extend(defs)
        changed = changed or bool(defs)
        nxt = sentences[i + 1] if i + 1 < len(sentences) else ""
        if _words(nxt)[:1] and _words(nxt)[0].lower() in _LINKED:
            continue  # "This is because ...": it follows what it points back at, then the definitions
        out.extend(pending)
        pending = []
    if not changed:
        return None
    new = " ".join(out + pending)
    return as_bullets(new, "", list(parts.items)) if parts else new


@dataclass(frozen=True)
class Rule:
    name: str
    apply: Callable[[str], str | None]


RULES: tuple[Rule, ...] = (
    Rule("semicolon", _semicolon),
    Rule("coordinated-clauses", _coordinated),
    Rule("which-clause", _which),
    Rule("appositive", _appositive),
    Rule("trailing-participle", _trailing_participle),
    Rule("copular-participle", _copular_by),
    Rule("verb-list", _verb_list),
    Rule("shared-subject", _shared_subject),
    Rule("including-list", _including),
    Rule("such-as-examples", _such_as),
    Rule("trailing-appositive", _trailing_appositive),
    Rule("because-clause", _because),
    Rule("so-that-clause", _so_that),
    Rule("purpose-clause", _purpose),
    Rule("purpose-last", _front_purpose),
    Rule("gapped-instruction", _gapped),
    Rule("time-in-own-sentence", _trailing_span),
    Rule("instruction-list", _instruction_list),
    Rule("named-in-own-sentence", _named),
    Rule("either-condition", _either_condition),
    Rule("action-first", _action_first),
    Rule("percent-as-frequency", _percent),
)
RULE_NAMES = tuple(r.name for r in RULES)


def apply_rule(rule: Rule, text: str) -> str | None:
    """`text` with `rule` applied to every sentence it fires on (repeatedly), or None."""
    changed = False
    out: list[str] = []
    queue = split_sentences(text)
    guard = 0
    while queue:
        s = queue.pop(0)
        new = rule.apply(s) if guard < 50 else None
        guard += 1
        if new and new != s:
            changed = True
            queue[:0] = split_sentences(new)
            continue
        out.append(s)
    return " ".join(out) if changed else None


def restructure(text: str, accept: Callable[[str], bool] | None = None) -> tuple[str, list[str]]:
    """Apply the rules in order; with `accept`, keep each rule's change only if accepted.

    Returns the new text and the names of the rules that changed it.
    """
    fired: list[str] = []
    for rule in RULES:
        new = apply_rule(rule, text)
        if new is not None and (accept is None or accept(new)):
            text = new
            fired.append(rule.name)
    new = as_list(text)  # last: its lines are not sentences for the other rules
    if new is not None and (accept is None or accept(new)):
        text = new
        fired.append("list-items")
    return text, fired


__all__ = ["RULES", "RULE_NAMES", "Rule", "apply_rule", "as_list", "definitions", "restructure", "has_finite_verb"]
