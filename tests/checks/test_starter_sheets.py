"""The starter sheets' facts: the clinician's own text and its lexicon repair both pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from handouts.checks import check_rewrite, repair
from handouts.sheets import load_sheets

SOURCES = Path(__file__).parent.parent.parent / "sources"
SHEETS = load_sheets(SOURCES) if SOURCES.is_dir() else []
FACTS = [(s, f) for s in SHEETS for f in s.facts()]


@pytest.mark.parametrize("sheet,fact", FACTS, ids=[f"{s.id}:{f.id}" for s, f in FACTS])
def test_source_and_repair_pass_the_guard(sheet, fact):
    same = check_rewrite(fact.text, fact.text, section=fact.section, glossary=sheet.glossary)
    assert same.accepted, same.reasons
    fixed = repair(fact.text, sheet.glossary)
    v = check_rewrite(fact.text, fixed, section=fact.section, glossary=sheet.glossary)
    assert v.accepted, (fixed, v.reasons)


def test_repair_simplifies_the_starter_sheets():
    changed = [f for _, f in FACTS if repair(f.text) != f.text]
    assert len(FACTS) >= 45 and len(changed) >= len(FACTS) // 3
