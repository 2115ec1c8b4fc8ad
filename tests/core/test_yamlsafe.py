"""Safe YAML reading: every refusal is one exact `FILE:LINE:COL: path: message` line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from handouts.core.exceptions import InputError
from handouts.core.yamlsafe import MAX_BYTES, MAX_DEPTH, load_yaml
from handouts.sources.config import load_settings

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sheets" / "bad"


def write(tmp_path: Path, content: str | bytes, name: str = "x.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def problems(path: Path, display: str = "x.yaml", **kwargs) -> list[str]:
    with pytest.raises(InputError) as info:
        load_yaml(path, display, **kwargs)
    return info.value.problems


def test_loads_plain_data_and_the_node_tree_with_marks(tmp_path):
    data, node = load_yaml(write(tmp_path, "a: 1\nb:\n  - x\n  - 'no'\n"), "x.yaml")
    assert data == {"a": 1, "b": ["x", "no"]}
    assert isinstance(node, yaml.MappingNode)
    assert node.value[1][1].start_mark.line == 2


def test_a_leading_utf8_byte_order_mark_is_accepted(tmp_path):
    data, _ = load_yaml(write(tmp_path, b"\xef\xbb\xbfa: b\n"), "x.yaml")
    assert data == {"a": "b"}


def test_latin1_bytes_are_refused_with_the_position_of_the_bad_byte(tmp_path):
    path = write(tmp_path, "id: acne\ntitle: Acné\n".encode("latin-1"))
    assert problems(path, "sources/acne.yaml") == [
        "sources/acne.yaml:2:11: (file): the file is not UTF-8 text (byte 0xe9); save it as UTF-8"
    ]


def test_the_column_of_a_bad_byte_counts_characters_not_bytes(tmp_path):
    path = write(tmp_path, "a: é\xff\n".encode("utf-8").replace(b"\xc3\xbf", b"\xff"))
    assert problems(path) == ["x.yaml:1:5: (file): the file is not UTF-8 text (byte 0xff); save it as UTF-8"]


@pytest.mark.parametrize("content", [b"", b"\n\n", b"# only a comment\n  # and another\n"])
def test_an_empty_file_is_refused(tmp_path, content):
    assert problems(write(tmp_path, content)) == ["x.yaml:1:1: (file): the file is empty; expected a mapping of fields"]


def test_an_empty_file_may_be_allowed(tmp_path):
    assert load_yaml(write(tmp_path, "# nothing yet\n"), "x.yaml", allow_empty=True) == (None, None)


def test_billion_laughs_is_refused_quickly_without_expanding_anything(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = write(tmp_path, "\n".join(lines) + "\n")
    start = time.perf_counter()
    found = problems(path)
    assert time.perf_counter() - start < 0.5
    assert found[0] == "x.yaml:1:4: a: anchors (&a) and their aliases are not allowed; write the value out in full"
    assert found[1] == "x.yaml:2:4: b: anchors (&b) and their aliases are not allowed; write the value out in full"
    assert len(found) == 9  # one line per anchor; aliases of a reported anchor add nothing


def test_the_billion_laughs_fixture_is_refused(tmp_path):
    found = problems(FIXTURES / "billion_laughs.yaml", "sources/billion_laughs.yaml")
    assert found[0] == ("sources/billion_laughs.yaml:2:8: title: anchors (&a) and their aliases are not allowed; "
                        "write the value out in full")


def test_an_alias_is_refused_where_it_is_used(tmp_path):
    path = write(tmp_path, "a:\n  - *nowhere\n")
    assert problems(path) == ["x.yaml:2:5: a[0]: aliases (*nowhere) are not allowed; write the value out in full"]


def test_duplicate_keys_name_both_lines(tmp_path):
    path = write(tmp_path, "title: Acne\nid: acne\ntitle: Eczema\n")
    assert problems(path) == ["x.yaml:3:1: title: duplicate key; first at line 1, again at line 3; keep only one"]


def test_nested_duplicate_keys_have_their_field_path(tmp_path):
    path = write(tmp_path, "sections:\n  - key: about\n    facts: [a]\n    key: causes\n")
    assert problems(path) == [
        "x.yaml:4:5: sections[1].key: duplicate key; first at line 2, again at line 4; keep only one"
    ]


def test_merge_keys_are_refused(tmp_path):
    path = write(tmp_path, "review:\n  <<: {interval_months: 12}\n")
    assert problems(path) == [
        "x.yaml:2:3: review.<<: merge keys (<<) are not allowed; write the fields out in full"
    ]


def test_tags_are_refused_before_any_construction(tmp_path):
    path = write(tmp_path, "a: !!python/object/apply:os.system ['echo pwned']\nb: !!str 1:30\n")
    assert problems(path) == [
        "x.yaml:1:4: a: tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed; "
        "put text in quotes instead",
        "x.yaml:2:4: b: tags (tag:yaml.org,2002:str) are not allowed; put text in quotes instead",
    ]


def test_a_colon_in_plain_text_is_a_syntax_error_with_a_hint(tmp_path):
    path = write(tmp_path, "summary: Acne is common\n  Apply: twice daily\n")
    assert problems(path) == [
        'x.yaml:2:8: (file): invalid YAML: mapping values are not allowed here; check the indentation, '
        'and put text that contains ": " in quotes'
    ]


def test_tab_indentation_is_a_syntax_error_with_a_hint(tmp_path):
    path = write(tmp_path, "a:\n\t- b\n")
    assert problems(path) == [
        "x.yaml:2:1: (file): invalid YAML: found character '\\t' that cannot start any token; "
        "indent with spaces, not tabs"
    ]


def test_an_unclosed_quote_is_a_syntax_error(tmp_path):
    path = write(tmp_path, 'a: "open\nb: c\n')
    assert problems(path) == ["x.yaml:3:1: (file): invalid YAML: found unexpected end of stream"]


def test_a_second_document_is_refused(tmp_path):
    path = write(tmp_path, "a: 1\n---\nb: 2\n")
    assert problems(path) == ["x.yaml:2:1: (file): found a second YAML document (---); keep one sheet per file"]


def test_a_raw_control_character_is_refused_with_its_position(tmp_path):
    path = write(tmp_path, "a: b\nc: d\x07e\n")
    assert problems(path) == [
        "x.yaml:2:5: (file): contains the character U+0007, which YAML does not allow; delete it"
    ]


def test_an_oversized_file_is_refused_without_parsing(tmp_path):
    path = write(tmp_path, b"a: " + b"x" * MAX_BYTES + b"\n")
    assert problems(path) == [
        f"x.yaml:1:1: (file): the file is too large ({MAX_BYTES + 4} bytes); the limit is {MAX_BYTES} bytes"
    ]


def test_deep_nesting_is_refused(tmp_path):
    path = write(tmp_path, "a: " + "[" * 200 + "]" * 200 + "\n")
    found = problems(path)
    assert found == [f"x.yaml:1:{4 + MAX_DEPTH - 1}: a{'[0]' * (MAX_DEPTH - 1)}: "
                     f"nested more than {MAX_DEPTH} levels deep; a sheet needs only a few"]


def test_a_value_yaml_cannot_build_is_located(tmp_path):
    path = write(tmp_path, "review:\n  due: 2024-02-30\n")
    assert problems(path) == [
        "x.yaml:2:8: review.due: cannot read '2024-02-30' (day is out of range for month); "
        "put it in quotes if it is text"
    ]


def test_a_missing_file_is_one_clean_line(tmp_path):
    assert problems(tmp_path / "gone.yaml") == ["x.yaml:1:1: (file): cannot read the file: No such file or directory"]


# -- site_config/clinic.yaml still loads through load_yaml --------------------------------


def test_load_settings_reads_the_clinic_file(tmp_path):
    (tmp_path / "site_config").mkdir()
    write(tmp_path / "site_config", "clinic:\n  name: Riverside Dermatology\nreadability:\n  target_grade: 7\n",
          "clinic.yaml")
    settings = load_settings(tmp_path)
    assert settings.clinic.name == "Riverside Dermatology"
    assert settings.readability.target_grade == 7


def test_load_settings_without_a_file_gives_the_defaults(tmp_path):
    assert load_settings(tmp_path).readability.target_grade == 6


def test_load_settings_reports_unknown_fields_with_file_and_line(tmp_path):
    (tmp_path / "site_config").mkdir()
    write(tmp_path / "site_config", "clinic:\n  name: X\n  colour: red\n", "clinic.yaml")
    with pytest.raises(InputError) as info:
        load_settings(tmp_path)
    assert info.value.problems == [
        "site_config/clinic.yaml:3:3: clinic.colour: unknown field; remove it or check the spelling"
    ]


def test_load_settings_refuses_duplicate_keys(tmp_path):
    (tmp_path / "site_config").mkdir()
    write(tmp_path / "site_config", "clinic:\n  name: X\n  name: Y\n", "clinic.yaml")
    with pytest.raises(InputError) as info:
        load_settings(tmp_path)
    assert info.value.problems == [
        "site_config/clinic.yaml:3:3: clinic.name: duplicate key; first at line 2, again at line 3; keep only one"
    ]
