"""Draft files: the fact's origin (how its text was made) is written and read back."""

from __future__ import annotations

import pytest

from handouts.drafts import Origin, dump_draft, load_draft, save_draft
from handouts.exceptions import InputError
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
    assert exc.value.format_message().startswith("drafts/acne.yaml:1:1: summary.origin: expected one of "
                                                 "\"clinician's words unchanged\", 'word swaps',")
