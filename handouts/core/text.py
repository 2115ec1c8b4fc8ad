"""Foundation: text the stages share: sentence splitting, ids, and terminal tables.

Sentences: the one way every stage splits prose.

A sentence ends at '.', '!' or '?' (and any closing quotes or brackets right after
it), before white space and a capital letter, a digit or an opening quote or bracket.
Imports nothing from handouts, so any stage may import it.
"""

from __future__ import annotations

import re
from typing import Sequence

from tabulate import tabulate

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


def table(rows: Sequence[Sequence], header: Sequence[str], align: Sequence[str] | None = None,
          indent: str = "") -> str:
    """The one table layout of the CLI (tabulate's "simple": a header, a dashed rule, one
    line a row); `align` per column, "left" (the default) or "right"; cells shown as given."""
    text = tabulate([[str(c) for c in r] for r in rows], [str(h) for h in header], tablefmt="simple",
                    disable_numparse=True, stralign="left", colalign=align)
    return "\n".join(indent + line.rstrip() for line in text.splitlines())
