"""Degenerate model output is rejected before meaning is compared."""

from __future__ import annotations

import pytest

from handouts.checks import degenerate

SRC = "Apply a thin layer of the cream to dry skin twice daily."


@pytest.mark.parametrize("candidate,reason", [
    ("", "empty rewrite"),
    ("   \n ", "empty rewrite"),
    ("Put cream on dry skin. Put cream on dry skin. Put cream on dry skin.",
     "repetition loop: the sentence 'put cream on dry skin' 3 times"),
    ("Use the the the cream twice a day.", "repetition loop: 'the' 3 times in a row"),
    ("<p>Put a thin layer of cream on dry skin twice a day.</p>", "HTML in the rewrite: '<p>'"),
    ("Put a thin layer of cream on dry skin twice a day &amp; night.", "HTML in the rewrite: '&amp;'"),
    ("**Put** a thin layer of cream on dry skin twice a day.", "markup in the rewrite: '**'"),
    ("- Put a thin layer of cream on dry skin twice a day.", "markup in the rewrite: '-'"),
    ("Put a thin layer of cream on dry skin twice a day. See www.skin.com for more.",
     "link or address in the rewrite: 'www.'"),
    ("Put a thin layer of cream on dry skin twice a day. More at https://x.org",
     "link or address in the rewrite: 'https:'"),
    ("Put a thin\u200b layer of cream on dry skin twice a day.",
     "invisible or control characters: U+200B"),
    ("Put a thin layer of cream on dry skin twice a day\u202e.",
     "invisible or control characters: U+202E"),
    ("Do you put a thin layer of cream on dry skin twice a day?",
     "the rewrite asks a question; it must state the fact"),
    ("Here is the rewritten sentence: Put a thin layer of cream on dry skin twice a day.",
     "chat preamble: the rewrite starts 'Here is the rewritten'"),
    ("Sure! Put a thin layer of cream on dry skin twice a day.",
     "chat preamble: the rewrite starts 'Sure! Put a thin'"),
    ("Put a thin layer of cream on dry skin twice a day. I hope this helps.",
     "talks about the task ('I hope') instead of stating the fact"),
    ("Simple version: Put a thin layer of cream on dry skin twice a day.",
     "starts with a label: 'Simple version:'"),
    ("Nanesite un poco de crema sobre la piel seca dos veces.",
     "not English prose: 5 of 11 words are not English words"),
    ("Наносите крем на сухую кожу.", "not English: letters Наносите"),
    ("Cream.", "too short: 1 words for a 12-word fact"),
    ("Put a thin layer of cream on dry skin twice a day, and", "unfinished: the rewrite does not end with a full stop"),
])
def test_degenerate(candidate, reason):
    assert reason in degenerate.check(SRC, candidate)


def test_too_long():
    cand = " ".join(["Put cream on your skin to help it heal and feel better now."] * 1)
    long_text = cand + " " + " ".join(f"Word{i} is here." for i in range(20))
    assert any(r.startswith("too long: ") for r in degenerate.check(SRC, long_text))


def test_plain_sentence_is_fine():
    assert degenerate.check(SRC, "Put a thin layer of cream on dry skin twice a day.") == []
