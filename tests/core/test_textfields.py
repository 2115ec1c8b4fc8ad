"""Free-text fields: control characters, bidi overrides and look-alike letters are refused."""

from __future__ import annotations

import pytest

from handouts.core import textfields
from handouts.core.exceptions import SignoffError


@pytest.mark.parametrize("text", [
    "Dana Reyes", "Zoë Ñúñez-O’Brien", "Дана Рейес", "Ελένη Παππά", "山田 太郎", "山田たろう", "김민준",
    "Say 'at night' first; 0.1% gel, twice daily.", "e\u0301",
])
def test_ordinary_text_in_any_one_script_is_accepted(text):
    assert textfields.problem(text) is None


@pytest.mark.parametrize("text, message", [
    ("D\u0430na Reyes", "mixes alphabets in the word 'Dаna' (Cyrillic and Latin): 'а' (CYRILLIC SMALL LETTER A) "
                        "only looks like a letter of the rest; retype it"),
    ("Dana Reyes\x1b[2J", "contains an escape character (U+001B); delete it"),
    ("Dana\x00", "contains a control or invisible character (U+0000); delete it"),
    ("Dana\u200bReyes", "contains a control or invisible character (U+200B); delete it"),
    ("fine \u202eevil", "contains a bidirectional control character (U+202E), which can make text display in "
                        "another order than it is stored; delete it"),
    ("x\u2066y", "contains a bidirectional control character (U+2066), which can make text display in another "
                 "order than it is stored; delete it"),
    ("x" * 2001, "longer than 2000 characters"),
])
def test_unsafe_text_is_refused_saying_why(text, message):
    assert textfields.problem(text) == message


def test_clean_collapses_white_space_and_names_the_field():
    assert textfields.clean("  Say\n 'at night'\tfirst. ", "reason") == "Say 'at night' first."
    with pytest.raises(SignoffError) as exc:
        textfields.clean("ok\x1b]0;pwned\x07", "acne: request changes")
    assert exc.value.message == "acne: request changes: contains an escape character (U+001B); delete it"


def test_the_terminal_shows_control_characters_as_escapes_never_obeys_them():
    from handouts.cli import _shown

    assert _shown("ok\x1b[2J\u202eevil\tx") == "ok\\x1b[2J\\u202eevil\\tx"
    assert _shown("Дана Рейес, MD") == "Дана Рейес, MD"
