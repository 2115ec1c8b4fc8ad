"""Readability: offline, deterministic, prose only, empty prose fails."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from handouts.checks import Readability, readability
from handouts.checks.readability import strip_markdown, syllables


def test_known_text_scores():
    r = readability("The cat sat on the mat. The dog ran to the park.")
    assert r == Readability(fk_grade=-1.45, smog=3.13, words=12, sentences=2)


def test_harder_text_scores_higher():
    easy = readability("Put the cream on your skin. Do it each night.")
    hard = readability("Apply the emollient preparation immediately following bathing to maximize hydration.")
    assert hard.fk_grade > easy.fk_grade + 5
    assert hard.smog > easy.smog


@pytest.mark.parametrize("word,n", [("moisturizer", 4), ("itch", 1), ("the", 1),
                                     # not in the CMU dictionary: pyphen points + 1, as textstat
                                     ("erythema", 3), ("adapalene", 3)])
def test_syllables(word, n):
    assert syllables(word) == n


def test_markdown_is_stripped_before_scoring():
    md = textwrap.dedent("""\
        # What is eczema?

        - **Eczema** makes skin *dry* and itchy.
        - See [our page](https://example.org/a-very-long-complicated-address) for more.

        1. Use a `moisturizer` every day.
        """)
    prose = strip_markdown(md)
    assert prose == ("Eczema makes skin dry and itchy.\nSee our page for more.\n"
                     "Use a moisturizer every day.")
    assert readability(md) == readability(prose)


@pytest.mark.parametrize("text", ["", "   \n", "# Only a heading\n", "- \n- ", "12 34 5.6", "<p></p>"])
def test_empty_prose_fails(text):
    with pytest.raises(ValueError, match="^no prose to score$"):
        readability(text)


def test_list_items_count_as_sentences():
    assert readability("- Use the cream on dry skin\n- Wash with warm water").sentences == 2


def test_offline_no_nltk_data_no_network(tmp_path):
    """Runs in a fresh interpreter: empty NLTK_DATA, sockets and nltk.download forbidden."""
    script = textwrap.dedent("""\
        import socket, nltk
        def refuse(*a, **k):
            raise SystemExit("network or download attempted")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        nltk.download = refuse
        from handouts.checks import readability
        r = readability("Put a pea-sized amount of gel on your whole face once each night.")
        print(r.fk_grade, r.smog)
        """)
    env = dict(os.environ, NLTK_DATA=str(tmp_path), HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["3.1", "3.13"]
