"""Condition sheets: loading, exact one-line validation messages, and the starter sheets."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from handouts.core.exceptions import InputError
from handouts.sources.sheets import REQUIRED_SECTIONS, SECTION_HEADINGS, load_sheet, load_sheets

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "sources"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "sheets"
STARTERS = ("acne", "eczema", "melasma")

# A small valid sheet; line numbers matter to the messages below.
BASE = """\
id: acne
title: Acne
summary: Acne is a disorder of the pilosebaceous unit.
sections:
  - key: about
    facts:
      - Acne affects most teenagers.
  - key: skin_of_color
    facts:
      - Dark spots can follow acne on brown skin.
  - key: treatment
    facts:
      - Benzoyl peroxide 2.5% kills acne bacteria.
      - Adapalene 0.1% gel is applied at night.
  - key: self_care
    facts:
      - Wash twice daily with a gentle cleanser.
  - key: when_to_get_help
    facts:
      - Seek care for scarring acne.
references:
  - Reynolds RV, et al. J Am Acad Dermatol. 2024;90(5):1006.e1-1006.e30.
"""
ALL_KEYS = ", ".join(SECTION_HEADINGS)
FIELDS = "id, title, also_called, summary, sections, glossary, references, review"


def write(directory: Path, content: str | bytes, name: str = "acne.yaml") -> Path:
    path = directory / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def edited(*changes: tuple[str, str]) -> str:
    text = BASE
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def problems(tmp_path: Path, content: str | bytes, name: str = "acne.yaml") -> list[str]:
    path = write(tmp_path, content, name)
    with pytest.raises(InputError) as info:
        load_sheet(path, f"sources/{name}")
    return info.value.problems


# -- a valid sheet -----------------------------------------------------------------------


def test_a_valid_sheet_loads_with_fact_ids_lines_and_headings(tmp_path):
    sheet = load_sheet(write(tmp_path, BASE), "sources/acne.yaml")
    assert sheet.id == "acne" and sheet.title == "Acne"
    assert sheet.summary.id == "summary" and sheet.summary.section == "summary" and sheet.summary.line == 3
    assert [(f.id, f.line) for f in sheet.facts()] == [
        ("summary", 3), ("about.1", 7), ("skin_of_color.1", 10), ("treatment.1", 13), ("treatment.2", 14),
        ("self_care.1", 17), ("when_to_get_help.1", 20),
    ]
    assert sheet.sections[2].facts[1].text == "Adapalene 0.1% gel is applied at night."
    assert sheet.sections[2].facts[1].section == "treatment"
    assert [s.heading for s in sheet.sections] == [
        "What is acne?", "Acne on darker skin", "Treatment", "Caring for your skin at home", "When to get help",
    ]
    assert sheet.references == ("Reynolds RV, et al. J Am Acad Dermatol. 2024;90(5):1006.e1-1006.e30.",)
    assert sheet.also_called == () and sheet.glossary == {} and sheet.review_interval_months == 24
    assert sheet.sha256 == hashlib.sha256(BASE.encode()).hexdigest()
    assert sheet.path == tmp_path / "acne.yaml"


def test_optional_fields_headings_and_quoted_yaml_words(tmp_path):
    sheet = load_sheet(write(tmp_path, edited(
        ("summary:", "also_called: [pimples, 'acne vulgaris']\nsummary:"),
        ("  - key: treatment\n", "  - key: treatment\n    heading: Treating {title}\n"),
        ("      - Seek care for scarring acne.", '      - "no"\n      - \'1:30\''),
        ("references:", 'glossary:\n  comedone: a clogged pore\n  "yes": a word\nreferences:'),
    ) + "review:\n  interval_months: 12\n"), "sources/acne.yaml")
    assert sheet.also_called == ("pimples", "acne vulgaris")
    assert sheet.sections[2].heading == "Treating acne"  # sentence case, from the title
    assert [f.text for f in sheet.sections[4].facts] == ["no", "1:30"]
    assert sheet.glossary == {"comedone": "a clogged pore", "yes": "a word"}
    assert sheet.review_interval_months == 12


def test_text_is_stripped_and_block_scalars_are_text(tmp_path):
    sheet = load_sheet(write(tmp_path, edited(
        ("summary: Acne is a disorder of the pilosebaceous unit.",
         "summary: >\n  Acne is a disorder\n  of the pilosebaceous unit.\n"),
        ("      - Acne affects most teenagers.", '      - "  Acne affects most teenagers.  "'),
    )), "sources/acne.yaml")
    assert sheet.summary.text == "Acne is a disorder of the pilosebaceous unit."
    assert sheet.sections[0].facts[0].text == "Acne affects most teenagers."


def test_the_hash_changes_with_any_byte(tmp_path):
    first = load_sheet(write(tmp_path, BASE), "sources/acne.yaml").sha256
    second = load_sheet(write(tmp_path, BASE + "\n"), "sources/acne.yaml").sha256
    assert first != second


# -- each rejection, one exact line -----------------------------------------------------


@pytest.mark.parametrize("content, expected", [
    pytest.param("- id: acne\n- title: Acne\n", [
        "sources/acne.yaml:1:1: (top): expected a mapping of fields, got a list"], id="top-level-list"),
    pytest.param("Acne is common.\n", [
        "sources/acne.yaml:1:1: (top): expected a mapping of fields, got text"], id="top-level-text"),
    pytest.param(edited(("title: Acne\n", "title: Acne\ncolour: red\n")), [
        f"sources/acne.yaml:3:1: colour: unknown field; allowed fields are {FIELDS}"], id="unknown-field"),
    pytest.param(edited(("summary:", "summry:")), [
        "sources/acne.yaml:1:1: (top): missing required field summary",
        f"sources/acne.yaml:3:1: summry: unknown field; did you mean summary? allowed fields are {FIELDS}",
    ], id="misspelt-field"),
    pytest.param(BASE.split("references:")[0], [
        "sources/acne.yaml:1:1: (top): missing required field references"], id="missing-field"),
    pytest.param(edited(("id: acne", "id: Acne")), [
        "sources/acne.yaml:1:5: id: Acne is not a lowercase slug; use lowercase letters, digits and hyphens, "
        "like atopic-dermatitis"], id="id-not-slug"),
    pytest.param(edited(("id: acne", "id: eczema")), [
        "sources/acne.yaml:1:5: id: eczema does not match the file name acne.yaml; "
        "make the id and the file name the same"], id="id-not-file-name"),
    pytest.param(edited(("title: Acne", "title: Acne\ntitle: Pimples")), [
        "sources/acne.yaml:3:1: title: duplicate key; first at line 2, again at line 3; keep only one"],
        id="duplicate-key"),
    pytest.param(edited(("sections:\n", "sections: &s\n")), [
        "sources/acne.yaml:4:11: sections: anchors (&s) and their aliases are not allowed; "
        "write the value out in full"], id="anchor"),
    pytest.param(edited(("  - key: skin_of_color", "  - key: skin-of-color")), [
        "sources/acne.yaml:5:3: sections: missing required section skin_of_color; add one with key: skin_of_color",
        f"sources/acne.yaml:8:10: sections[2].key: unknown section key skin-of-color; did you mean skin_of_color? "
        f"use one of {ALL_KEYS}",
    ], id="unknown-section-key"),
    pytest.param(edited(("  - key: treatment", "  - key: about")), [
        "sources/acne.yaml:5:3: sections: missing required section treatment; add one with key: treatment",
        "sources/acne.yaml:11:10: sections[3].key: section about appears twice, at line 5 and line 11; "
        "merge them into one",
    ], id="duplicate-section"),
    pytest.param(edited(("  - key: self_care\n    facts:\n      - Wash twice daily with a gentle cleanser.\n", "")), [
        "sources/acne.yaml:5:3: sections: missing required section self_care; add one with key: self_care"],
        id="missing-required-section"),
    pytest.param(edited(("    facts:\n      - Acne affects most teenagers.", "    facts: []")), [
        "sources/acne.yaml:6:12: sections[1].facts: expected at least one fact, got an empty list"],
        id="empty-facts"),
    pytest.param(edited(("    facts:\n      - Acne affects most teenagers.", "    facts: Acne affects most teenagers.")), [
        "sources/acne.yaml:6:12: sections[1].facts: expected a list of facts, got text"], id="facts-not-a-list"),
    pytest.param(edited(("    facts:\n      - Acne affects most teenagers.", "")), [
        "sources/acne.yaml:5:5: sections[1]: missing required field facts"], id="section-without-facts"),
    pytest.param(edited(("    facts:\n      - Acne affects most teenagers.", "    fact:\n      - Acne affects most.")), [
        "sources/acne.yaml:5:5: sections[1]: missing required field facts",
        "sources/acne.yaml:6:5: sections[1].fact: unknown field; did you mean facts? allowed fields are key, "
        "heading, facts",
    ], id="misspelt-facts"),
    pytest.param(edited(("  - key: about\n    facts:\n      - Acne affects most teenagers.\n", "  - about\n")), [
        "sources/acne.yaml:5:3: sections: missing required section about; add one with key: about",
        "sources/acne.yaml:5:5: sections[1]: expected a mapping with key: and facts:, got text",
    ], id="section-not-a-mapping"),
    pytest.param(edited(("sections:\n  - key: about", "sections:\n  key: about\nx:\n  - key: about")), [
        "sources/acne.yaml:5:3: sections: expected a list of sections, got a mapping",
        f"sources/acne.yaml:6:1: x: unknown field; allowed fields are {FIELDS}",
    ], id="sections-not-a-list"),
    pytest.param(edited(("      - Acne affects most teenagers.", "      - [Acne, teenagers]")), [
        "sources/acne.yaml:7:9: sections[1].facts[1]: expected text, got a list"], id="fact-is-a-list"),
    pytest.param(edited(("      - Acne affects most teenagers.", "      - Apply: twice daily")), [
        "sources/acne.yaml:7:9: sections[1].facts[1]: expected text, got a mapping (a colon followed by a space "
        "starts a mapping; put the text in quotes)"], id="fact-is-a-mapping"),
    pytest.param(edited(("      - Acne affects most teenagers.", "      -")), [
        "sources/acne.yaml:7:8: sections[1].facts[1]: expected text, got nothing"], id="fact-is-empty"),
    pytest.param(edited(("summary: Acne is a disorder of the pilosebaceous unit.", 'summary: "   "')), [
        "sources/acne.yaml:3:10: summary: expected text, got empty text"], id="whitespace-only"),
    pytest.param(edited(("references:\n  - Reynolds RV, et al. J Am Acad Dermatol. 2024;90(5):1006.e1-1006.e30.",
                         "references: []")), [
        "sources/acne.yaml:21:13: references: expected at least one reference, got an empty list"],
        id="no-references"),
    pytest.param(edited(("summary:", "also_called: pimples\nsummary:")), [
        "sources/acne.yaml:3:14: also_called: expected a list of names, got text"], id="also-called-not-a-list"),
    pytest.param(edited(("references:", "glossary: [comedone]\nreferences:")), [
        "sources/acne.yaml:21:11: glossary: expected a mapping of term: explanation, got a list"],
        id="glossary-not-a-mapping"),
    pytest.param(edited(("references:", "glossary:\n  no: a word\n  comedone: [a, pore]\nreferences:")), [
        'sources/acne.yaml:22:3: glossary.no: expected text, but YAML reads no as false; put it in quotes: "no"',
        "sources/acne.yaml:23:13: glossary.comedone: expected text, got a list",
    ], id="glossary-entries"),
    pytest.param(edited(("title: Acne", "title: Acne\nreview: 24")), [
        "sources/acne.yaml:3:9: review: expected a mapping with interval_months:, got a number"], id="review-flat"),
    pytest.param(edited(("title: Acne", "title: Acne\nreview:\n  months: 24")), [
        "sources/acne.yaml:4:3: review.months: unknown field; allowed fields are interval_months"],
        id="review-unknown-field"),
])
def test_each_problem_is_one_exact_line(tmp_path, content, expected):
    assert problems(tmp_path, content) == expected


@pytest.mark.parametrize("written, shown", [
    ("0", "0"), ("121", "121"), ("12.5", "12.5"), ("1:30", "1:30"), ('"24"', 'text "24"'), ("", "nothing"),
    ("[24]", "a list"), ("-3", "-3"),
])
def test_review_interval_must_be_whole_months_from_1_to_120(tmp_path, written, shown):
    content = edited(("title: Acne", f"title: Acne\nreview:\n  interval_months: {written}"))
    assert problems(tmp_path, content) == [
        f"sources/acne.yaml:4:{20 if written else 19}: review.interval_months: "
        f"expected a whole number of months from 1 to 120, got {shown}"
    ]


@pytest.mark.parametrize("written, reads", [
    ("no", "false"), ("yes", "true"), ("on", "true"), ("Off", "false"), ("1:30", "the number 90"),
    ("2024-01-01", "a date"), ("~", "nothing (null)"), ("null", "nothing (null)"), ("12", "the number 12"),
    ("3.5", "the number 3.5"), ("0x1F", "the number 31"),
])
def test_yaml_1_1_surprises_in_text_fields_must_be_quoted(tmp_path, written, reads):
    content = edited(("      - Acne affects most teenagers.", f"      - {written}"))
    assert problems(tmp_path, content) == [
        f'sources/acne.yaml:7:9: sections[1].facts[1]: expected text, but YAML reads {written} as {reads}; '
        f'put it in quotes: "{written}"'
    ]


@pytest.mark.parametrize("old, new, expected", [
    ("title: Acne", "title: yes", "2:8: title"),
    ("summary: Acne is a disorder of the pilosebaceous unit.", "summary: yes", "3:10: summary"),
    ("  - key: about", "  - key: yes", "5:10: sections[1].key"),
    ("  - Reynolds RV, et al. J Am Acad Dermatol. 2024;90(5):1006.e1-1006.e30.", "  - yes", "22:5: references[1]"),
    ("summary:", "also_called: [yes]\nsummary:", "3:15: also_called[1]"),
])
def test_surprises_are_caught_in_every_text_field(tmp_path, old, new, expected):
    assert f'sources/acne.yaml:{expected}: expected text, but YAML reads yes as true; put it in quotes: "yes"' \
        in problems(tmp_path, edited((old, new)))


def test_a_heading_is_text_too(tmp_path):
    content = edited(("  - key: treatment\n", "  - key: treatment\n    heading: off\n"))
    assert problems(tmp_path, content) == [
        'sources/acne.yaml:12:14: sections[3].heading: expected text, but YAML reads off as false; '
        'put it in quotes: "off"'
    ]


@pytest.mark.parametrize("char, name", [
    ("\u200b", "U+200B (ZERO WIDTH SPACE)"),
    ("\u200f", "U+200F (RIGHT-TO-LEFT MARK)"),
    ("\u2060", "U+2060 (WORD JOINER)"),
    ("\ufeff", "U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
    ("\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("\u00ad", "U+00AD (SOFT HYPHEN)"),
])
def test_invisible_characters_are_reported_where_they_are(tmp_path, char, name):
    content = edited(("      - Acne affects most teenagers.", f"      - Acne affects{char} most teenagers."))
    assert problems(tmp_path, content) == [
        f"sources/acne.yaml:7:21: sections[1].facts[1]: contains the invisible character {name}; delete it"
    ]


def test_escaped_control_characters_are_reported_at_the_text(tmp_path):
    content = edited(("summary: Acne is a disorder of the pilosebaceous unit.",
                      'summary: "Acne is\\ta disorder\\u0007 of the\\u200b unit."'))
    assert problems(tmp_path, content) == [
        "sources/acne.yaml:3:10: summary: contains the control character U+0009; delete it",
        "sources/acne.yaml:3:10: summary: contains the control character U+0007; delete it",
        "sources/acne.yaml:3:10: summary: contains the invisible character U+200B (ZERO WIDTH SPACE); delete it",
    ]


def test_a_one_line_field_must_stay_on_one_line(tmp_path):
    content = edited(("title: Acne", 'title: "Acne\\nvulgaris"'))
    assert problems(tmp_path, content) == [
        "sources/acne.yaml:2:8: title: contains a line break; keep it on one line"
    ]


def test_not_utf8_and_empty_sheets(tmp_path):
    assert problems(tmp_path, BASE.replace("Acne affects", "Acné affects").encode("latin-1")) == [
        "sources/acne.yaml:7:12: (file): the file is not UTF-8 text (byte 0xe9); save it as UTF-8"
    ]
    assert problems(tmp_path, b"# TODO\n") == [
        "sources/acne.yaml:1:1: (file): the file is empty; expected a mapping of fields"
    ]


def test_a_sheet_with_several_problems_lists_them_all_in_line_order(tmp_path):
    content = edited(
        ("id: acne", "id: Acne"),
        ("title: Acne", "title: Acne\nstatus: draft"),
        ("      - Acne affects most teenagers.", "      - no"),
        ("  - key: self_care\n    facts:\n      - Wash twice daily with a gentle cleanser.\n", ""),
        ("      - Seek care for scarring acne.", "      - 1:30"),
    )
    assert problems(tmp_path, content) == [
        "sources/acne.yaml:1:5: id: Acne is not a lowercase slug; use lowercase letters, digits and hyphens, "
        "like atopic-dermatitis",
        f"sources/acne.yaml:3:1: status: unknown field; allowed fields are {FIELDS}",
        "sources/acne.yaml:6:3: sections: missing required section self_care; add one with key: self_care",
        'sources/acne.yaml:8:9: sections[1].facts[1]: expected text, but YAML reads no as false; '
        'put it in quotes: "no"',
        'sources/acne.yaml:18:9: sections[4].facts[1]: expected text, but YAML reads 1:30 as the number 90; '
        'put it in quotes: "1:30"',
    ]


def test_the_bad_fixture_sheet_reports_every_problem():
    with pytest.raises(InputError) as info:
        load_sheet(FIXTURES / "bad" / "many_problems.yaml", "sources/many_problems.yaml")
    assert info.value.problems == [
        "sources/many_problems.yaml:2:5: id: many-problems does not match the file name many_problems.yaml; "
        "make the id and the file name the same",
        'sources/many_problems.yaml:3:8: title: expected text, but YAML reads yes as true; put it in quotes: "yes"',
        "sources/many_problems.yaml:5:13: references: expected at least one reference, got an empty list",
        "sources/many_problems.yaml:7:3: sections: missing required section self_care; add one with key: self_care",
        "sources/many_problems.yaml:7:3: sections: missing required section when_to_get_help; "
        "add one with key: when_to_get_help",
        "sources/many_problems.yaml:9:9: sections[1].facts[1]: expected text, got a list",
        "sources/many_problems.yaml:11:12: sections[2].facts: expected at least one fact, got an empty list",
        f"sources/many_problems.yaml:12:10: sections[3].key: unknown section key dosage; use one of {ALL_KEYS}",
        "sources/many_problems.yaml:20:8: glossary.pore: expected text, got nothing",
        f"sources/many_problems.yaml:21:1: reviewed_by: unknown field; did you mean review? "
        f"allowed fields are {FIELDS}",
    ]


# -- a folder of sheets -----------------------------------------------------------------


def test_load_sheets_collects_every_problem_in_every_sheet(tmp_path):
    write(tmp_path, BASE)
    write(tmp_path, BASE.replace("id: acne", "id: eczema").replace("title: Acne", "title: no"), "eczema.yaml")
    write(tmp_path, "- a list\n", "melasma.yaml")
    write(tmp_path, BASE.replace("id: acne", "id: rosacea"), "rosacea.yml")
    write(tmp_path, b"", "vitiligo.yaml")
    with pytest.raises(InputError) as info:
        load_sheets(tmp_path)
    assert info.value.problems == [
        'sources/eczema.yaml:2:8: title: expected text, but YAML reads no as false; put it in quotes: "no"',
        "sources/melasma.yaml:1:1: (top): expected a mapping of fields, got a list",
        "sources/rosacea.yml:1:1: (file): condition sheets must end in .yaml; rename it to rosacea.yaml",
        "sources/vitiligo.yaml:1:1: (file): the file is empty; expected a mapping of fields",
    ]


def test_load_sheets_sorts_by_id_and_ignores_other_files(tmp_path):
    for name in ("melasma", "acne", "eczema"):
        shutil.copy(SOURCES / f"{name}.yaml", tmp_path)
    (tmp_path / "README.md").write_text("notes\n")
    (tmp_path / ".#acne.yaml").write_text("editor lock file\n")
    (tmp_path / "old").mkdir()
    assert [s.id for s in load_sheets(tmp_path)] == ["acne", "eczema", "melasma"]


def test_load_sheets_of_an_empty_folder_is_empty(tmp_path):
    assert load_sheets(tmp_path) == []


def test_load_sheets_needs_the_folder(tmp_path):
    with pytest.raises(InputError) as info:
        load_sheets(tmp_path / "nowhere")
    assert info.value.problems == ["sources: no such folder; create it and put the condition sheets (*.yaml) in it"]


def test_a_new_condition_loads_with_no_code_change(tmp_path):
    for name in STARTERS:
        shutil.copy(SOURCES / f"{name}.yaml", tmp_path)
    shutil.copy(FIXTURES / "psoriasis.yaml", tmp_path)
    sheets = load_sheets(tmp_path)
    assert [s.id for s in sheets] == ["acne", "eczema", "melasma", "psoriasis"]
    psoriasis = sheets[-1]
    assert psoriasis.title == "Psoriasis"
    assert {s.key for s in psoriasis.sections} >= set(REQUIRED_SECTIONS)
    assert psoriasis.sections[1].heading == "Psoriasis on darker skin"


# -- the starter sheets -----------------------------------------------------------------


@pytest.fixture(scope="module")
def starters():
    return {s.id: s for s in load_sheets(SOURCES)}


def test_the_starter_sheets_are_the_three_conditions(starters):
    assert sorted(starters) == list(STARTERS)


@pytest.mark.parametrize("sheet_id", STARTERS)
def test_a_starter_sheet_has_the_promised_shape(starters, sheet_id):
    sheet = starters[sheet_id]
    keys = [s.key for s in sheet.sections]
    assert 4 <= len(keys) <= 8
    assert set(REQUIRED_SECTIONS) <= set(keys)
    assert len(sheet.facts()) - 1 in range(15, 31)  # the summary is not counted
    assert 4 <= len(sheet.glossary) <= 8
    assert len(sheet.references) >= 3
    assert sheet.review_interval_months == 24
    assert len(next(s for s in sheet.sections if s.key == "skin_of_color").facts) >= 3
    assert len(next(s for s in sheet.sections if s.key == "when_to_get_help").facts) >= 3
    for fact in sheet.facts()[1:]:
        assert len(fact.text.split()) <= 30, fact.id


@pytest.mark.parametrize("sheet_id", STARTERS)
def test_starter_fact_ids_and_lines_point_at_the_source(starters, sheet_id):
    sheet = starters[sheet_id]
    lines = (SOURCES / f"{sheet_id}.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[sheet.summary.line - 1].startswith("summary:")
    for section in sheet.sections:
        for n, fact in enumerate(section.facts, start=1):
            assert fact.id == f"{section.key}.{n}"
            assert lines[fact.line - 1] == f"      - {fact.text}"


@pytest.mark.parametrize("sheet_id, words", [
    ("acne", ["benzoyl peroxide 2.5-5%", "adapalene 0.1%", "tretinoin", "clindamycin 1%", "doxycycline 100 mg",
              "isotretinoin", "ipledge", "spironolactone", "azelaic acid"]),
    ("eczema", ["emollient", "hydrocortisone 1%", "tacrolimus 0.03%", "0.1%", "crisaborole", "dupilumab",
                "bleach bath", "eczema herpeticum"]),
    ("melasma", ["hydroquinone 4%", "up to 3 months", "azelaic acid 15-20%", "tranexamic acid",
                 "iron oxides", "spf 30"]),
])
def test_starter_sheets_name_drugs_strengths_and_durations(starters, sheet_id, words):
    text = " ".join(f.text for f in starters[sheet_id].facts()).lower()
    for word in words:
        assert word in text, word


@pytest.mark.parametrize("sheet_id", STARTERS)
def test_skin_of_color_sections_describe_color_on_darker_skin(starters, sheet_id):
    section = next(s for s in starters[sheet_id].sections if s.key == "skin_of_color")
    text = " ".join(f.text for f in section.facts).lower()
    assert "brown" in text and ("purple" in text or "gray" in text)


def test_a_comment_after_plain_text_would_cut_the_text(tmp_path):
    content = edited(("      - Adapalene 0.1% gel is applied at night.",
                      "      - Adapalene 0.1% gel is applied at night #1 choice."))
    assert problems(tmp_path, content) == [
        'sources/acne.yaml:14:48: sections[3].facts[2]: the text stops at " #", which starts a YAML comment; '
        'put the whole text in quotes, or move the comment to its own line'
    ]


def test_comments_on_their_own_line_quoted_hashes_and_one_line_fields_are_fine(tmp_path):
    sheet = load_sheet(write(tmp_path, edited(
        ("title: Acne", "title: Acne  # the page title"),
        ("      - Adapalene 0.1% gel is applied at night.",
         "      # check the strength\n      - 'Adapalene 0.1% gel is applied at night #1 choice.'"),
        ("      - Seek care for scarring acne.", "      - Seek care for scarring acne.#1"),
    )), "sources/acne.yaml")
    assert sheet.title == "Acne"
    assert sheet.sections[2].facts[1].text == "Adapalene 0.1% gel is applied at night #1 choice."
    assert sheet.sections[4].facts[0].text == "Seek care for scarring acne.#1"


def test_a_glossary_term_may_appear_once(tmp_path):
    content = edited(("references:", "glossary:\n  Comedone: a clogged pore\n  comedone: a plugged pore\nreferences:"))
    assert problems(tmp_path, content) == [
        "sources/acne.yaml:23:3: glossary.comedone: term comedone appears twice, at line 22 and line 23; "
        "keep only one"
    ]


@pytest.mark.parametrize("template, title, heading", [
    ("What is {title}?", "Acne", "What is acne?"),
    ("What is {title}?", "Contact dermatitis", "What is contact dermatitis?"),
    ("{title} on darker skin", "Contact dermatitis", "Contact dermatitis on darker skin"),
    ("What is {title}?", "HIV-related rash", "What is HIV-related rash?"),
    ("What is {title}?", "Stevens-Johnson syndrome", "What is Stevens-Johnson syndrome?"),
    ("Living with {title}", "acne", "Living with acne"),
])
def test_headings_are_in_sentence_case(template, title, heading):
    from handouts.sources.sheets import section_heading

    assert section_heading(template, title) == heading
