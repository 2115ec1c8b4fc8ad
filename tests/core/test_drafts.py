"""Draft files: the fact's origin (how its text was made) is written and read back."""

from __future__ import annotations

import pytest

from handouts.core.drafts import Origin, dump_draft, load_draft, save_draft
from handouts.core.exceptions import InputError
from tests.signoff_support import make_draft


def test_origin_and_changes_round_trip(tmp_path):
    d = make_draft()
    f = d.sections[1].facts[1]
    f.origin, f.changes = Origin.WORD_SWAPS, ["twice daily -> twice a day"]
    save_draft(tmp_path, d)
    text = (tmp_path / "acne.yaml").read_text()
    assert "origin: word swaps\n    changes:\n    - twice daily -> twice a day\n" in text
    assert "status:" not in text
    back = load_draft(tmp_path, "acne")
    assert back == d and back.content_sha256() == d.content_sha256()


@pytest.mark.parametrize("old, text_is_source, origin", [
    ("simplified", False, Origin.MODEL),
    ("edited", False, Origin.EDITED),
    ("not simplified", True, Origin.UNCHANGED),
    ("not simplified", False, Origin.WORD_SWAPS),
])
def test_older_drafts_with_a_status_are_read_honestly(tmp_path, old, text_is_source, origin):
    d = make_draft()
    f = d.summary
    if text_is_source:
        f.text = f.source
    (tmp_path / "acne.yaml").write_text(dump_draft(d).replace(
        f"origin: {f.origin.value}", f"status: {old}", 1))
    assert load_draft(tmp_path, "acne").summary.origin is origin


def test_an_unknown_origin_is_a_clean_error(tmp_path):
    (tmp_path / "acne.yaml").write_text(dump_draft(make_draft()).replace("origin: model rewrite", "origin: magic", 1))
    with pytest.raises(InputError) as exc:
        load_draft(tmp_path, "acne")
    assert exc.value.format_message().startswith("drafts/acne.yaml:12:11: summary.origin: expected one of "
                                                 "\"clinician's words unchanged\", 'word swaps',")


# -- drafts/ID.yaml is read with the same hardened reader as the sheets (issue 9 item 7) ----------


def _draft_text(**replace) -> str:
    text = dump_draft(make_draft())
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize("text, problem", [
    (_draft_text(**{"title: Acne\n": "title: Acne\ntitle: Pimples\n"}),
     "drafts/acne.yaml:6:1: title: duplicate key; first at line 5, again at line 6; keep only one"),
    ("id: acne\ntitle: &t Acne\nalso_called: [*t]\n",
     "drafts/acne.yaml:2:8: title: anchors (&t) and their aliases are not allowed; write the value out in full"),
    ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b]\n",
     "drafts/acne.yaml:1:4: a: anchors (&a) and their aliases are not allowed; write the value out in full"),
    ("id: acne\nsections: " + "[" * 40 + "]" * 40 + "\n",
     "drafts/acne.yaml:2:42: sections" + "[0]" * 31 + ": nested more than 32 levels deep; a sheet needs only a few"),
    ("- acne\n", "drafts/acne.yaml:1:1: (top): expected a mapping of fields"),
    ("", "drafts/acne.yaml:1:1: (file): the draft is empty; re-run `handouts draft acne`"),
    (_draft_text(**{"title: Acne\n": ""}), "drafts/acne.yaml:4:1: title: missing; re-run `handouts draft acne`"),
    (_draft_text(**{"text: Put adapalene 0.1% gel on once a day at night.": "text: [one, two]"}),
     "drafts/acne.yaml:28:5: sections[2].facts[1]: expected a mapping with a text `text:`"),
    (_draft_text(**{"review_interval_months: 24": "review_interval_months: soon"}),
     "drafts/acne.yaml:9:25: review_interval_months: expected a whole number of months"),
], ids=["duplicate key", "alias", "alias bomb", "deep nesting", "a list", "empty", "missing field",
        "text not text", "interval not a number"])
def test_a_malformed_draft_is_a_located_input_error(tmp_path, text, problem):
    (tmp_path / "acne.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_draft(tmp_path, "acne")
    assert exc.value.problems[0] == problem


def test_a_malformed_draft_is_exit_3_with_no_traceback(tiny):
    import subprocess
    import sys

    (tiny / "drafts").mkdir(exist_ok=True)
    (tiny / "drafts" / "hives.yaml").write_text("a: &a [x, x]\nb: [*a, *a]\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "handouts", "status"], cwd=tiny, capture_output=True, text=True)
    assert r.returncode == 3, r.stderr
    assert r.stderr.startswith("drafts/hives.yaml:1:4: a: anchors (&a) and their aliases are not allowed")
    assert "Traceback" not in r.stderr
