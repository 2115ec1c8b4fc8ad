"""Typed findings: what a check found wrong with a rewrite, said for a clinician.

Every check returns a list of `Finding`s. A finding has

- `kind`: a `Kind` (a string enum, stable: other modules and the review page key on it);
- `words`: the words it is about, quoted from the fact or the rewrite ("1 to 2 days");
- `message`: one sentence for the clinician, about "your fact" and "the rewrite"
  ("drops '1 to 2 days'", "adds 'itchy', which your fact does not say");
- `check`: the module that found it ("quantities", "content", ...).

`Verdict.reasons` is the tuple of messages, for callers that only show text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    """What is wrong. The values are stable identifiers (stored in reports)."""

    # numbers, durations, frequencies, strengths
    DROPPED_QUANTITY = "dropped_quantity"
    CHANGED_QUANTITY = "changed_quantity"
    ADDED_QUANTITY = "added_quantity"
    # drugs
    DROPPED_DRUG = "dropped_drug"
    ADDED_DRUG = "added_drug"
    CHANGED_STRENGTH = "changed_strength"
    MOVED_DRUG = "moved_drug"
    # small words that flip or bound the meaning
    NEGATION = "negation"
    LIMIT = "limit"
    COMPARISON = "comparison"
    QUANTIFIER = "quantifier"
    RELATION = "relation"
    HEDGE = "hedge"  # "can last" -> "lasts", "will not" -> "may not"
    SWAPPED = "swapped"  # "more common in women than in men" -> "... in men than in women"
    SUBJECT = "subject"  # "when you are clear" for "when the skin is clear"
    URGENCY = "urgency"
    WARNING = "warning"
    # content words
    DROPPED_WORD = "dropped_word"
    ADDED_WORD = "added_word"
    REPEATED_PHRASE = "repeated_phrase"
    # English
    PRONOUN = "pronoun"
    NO_VERB = "no_verb"
    DOUBLED_WORD = "doubled_word"
    ARTICLE = "article"
    AGREEMENT = "agreement"  # "It fade slowly": a singular subject with a plural verb
    FLUENCY = "fluency"
    # not usable prose at all
    DEGENERATE = "degenerate"

    def __str__(self) -> str:  # "dropped_quantity", not "Kind.DROPPED_QUANTITY"
        return self.value


@dataclass(frozen=True)
class Finding:
    kind: Kind
    words: tuple[str, ...]
    message: str
    check: str = ""

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict:
        return {"kind": self.kind.value, "words": list(self.words), "message": self.message,
                "check": self.check}

    @classmethod
    def from_dict(cls, data: dict) -> "Finding":
        return cls(Kind(data["kind"]), tuple(data.get("words", ())), data["message"], data.get("check", ""))


def quote(words) -> str:
    """'a', 'a' and 'b', 'a', 'b' and 'c' (each quoted once, in order)."""
    items = [f"'{w}'" for w in dict.fromkeys(words)]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def messages(findings) -> list[str]:
    return [f.message for f in findings]
