"""Foundation: splitting prose into sentences, the one way every stage does it.

A sentence ends at '.', '!' or '?' (and any closing quotes or brackets right after
it), before white space and a capital letter, a digit or an opening quote or bracket.
Imports nothing from handouts, so any stage may import it.
"""

from __future__ import annotations

import re

# Python's look-behind has a fixed width: 0, 1 or 2 closing marks after the stop.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]])|(?<=[.!?][\"')\]]{2}))"
                           r"\s+(?=[\"'(\[]*[A-Z0-9])")
_STOP = re.compile(r"(?<=[.!?])\s+")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences (simple, deterministic, good for short facts);
    white space inside a sentence is folded to single spaces."""
    text = " ".join(text.split())
    return [s for s in _SENTENCE_END.split(text) if s] if text else []


def split_at_stops(text: str) -> list[str]:
    """Split at every full stop before white space, whatever follows: for model output
    that may not start its sentences with a capital ("use it. use it. use it.")."""
    return [s for s in _STOP.split(text) if s]


# A handout or reviewer id: lowercase letters and digits in words joined by single hyphens.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def is_slug(value: str) -> bool:
    """Is `value` a whole id ("acne", "atopic-dermatitis"; not "Acne", "a_b", "a--b", "acne\\n")?"""
    return SLUG.fullmatch(value) is not None
