"""Load and validate clinician-written condition sheets (sources/*.yaml).

The sheet format is a contract with clinicians; it is documented in the README.
Every problem in every sheet is collected and reported at once, each as one line:

    sources/acne.yaml:14:7: sections[3].facts[1]: expected text, got a list
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import yaml

from handouts.core.exceptions import InputError
from handouts.core.files import sha256_bytes
from handouts.core.memo import key as memo_key
from handouts.core.text import is_slug
from handouts.core.yamlsafe import FILE, TOP, at, join, problem, read_document, read_limited

# Fixed vocabulary of section keys, in the order a handout shows them by default,
# with the heading used when a sheet gives none. "{title}" is the sheet title.
SECTION_HEADINGS: dict[str, str] = {
    "about": "What is {title}?",
    "causes": "What causes it?",
    "symptoms": "Signs and symptoms",
    "skin_of_color": "{title} on darker skin",
    "diagnosis": "How it is diagnosed",
    "treatment": "Treatment",
    "self_care": "Caring for your skin at home",
    "prevention": "Prevention",
    "outlook": "What to expect",
    "when_to_get_help": "When to get help",
}


def in_sentence(title: str) -> str:
    """A title as it reads inside a sentence: "Acne" -> "acne", "Contact dermatitis" ->
    "contact dermatitis". A first word with another capital stays ("HIV", "DRESS",
    "Stevens-Johnson syndrome"); for a title that starts with a name (Lyme disease),
    write the heading in the sheet."""
    first, _, rest = title.partition(" ")
    if not first[:1].isupper() or any(c.isupper() for c in first[1:]):
        return title
    return first[:1].lower() + first[1:] + (" " + rest if rest else "")


def section_heading(template: str, title: str) -> str:
    """A heading in sentence case: "{title}" is the title as written at the start of the
    heading ("Acne on darker skin") and in sentence case inside it ("What is acne?")."""
    if template.startswith("{title}"):
        return title + template[len("{title}"):].replace("{title}", in_sentence(title))
    return template.replace("{title}", in_sentence(title))


REQUIRED_SECTIONS: tuple[str, ...] = (
    "about",
    "skin_of_color",
    "treatment",
    "self_care",
    "when_to_get_help",
)
DEFAULT_REVIEW_INTERVAL_MONTHS = 24


@dataclass(frozen=True)
class Fact:
    """One short clinical statement. `id` is stable within a sheet: "summary", "about.1"."""

    id: str
    text: str
    section: str  # section key, or "summary"
    line: int = 0  # 1-based line in the sheet, for messages
    col: int = 0  # 1-based column


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class Sheet:
    id: str
    title: str
    summary: Fact
    sections: tuple[Section, ...]
    references: tuple[str, ...]
    also_called: tuple[str, ...] = ()
    glossary: dict[str, str] = field(default_factory=dict)
    review_interval_months: int = DEFAULT_REVIEW_INTERVAL_MONTHS
    path: Path = Path()
    sha256: str = ""  # SHA-256 of the sheet file's bytes

    def facts(self) -> list[Fact]:
        """Every fact in handout order, the summary first."""
        return [self.summary] + [f for s in self.sections for f in s.facts]


def _remembered(path: Path, display: str, memo) -> Sheet:
    """load_sheet, memoised by the file's bytes and the validator's code (valid sheets only)."""
    data = read_limited(path, display)  # a regular file in the project, size-capped
    digest = sha256_bytes(data)
    k = memo_key("sheet", digest, display)
    hit = memo.get("sheet", k)
    if hit is not None:
        return sheet_from_dict(hit, path)
    sheet = _validated(path, display)
    if sheet.sha256 == digest:  # not changed while it was read
        memo.put("sheet", k, sheet_to_dict(sheet))
    return sheet


def sheet_to_dict(sheet: Sheet) -> dict:
    d = asdict(sheet)
    del d["path"]
    return d


def sheet_from_dict(d: dict, path: Path) -> Sheet:
    def fact(f: dict) -> Fact:
        return Fact(**f)

    return Sheet(**dict(
        d, summary=fact(d["summary"]),
        sections=tuple(Section(s["key"], s["heading"], tuple(fact(f) for f in s["facts"])) for s in d["sections"]),
        references=tuple(d["references"]), also_called=tuple(d["also_called"]), path=path))


# -- loading and validation ------------------------------------------------------------

SHEET_FIELDS: tuple[str, ...] = (
    "id", "title", "also_called", "summary", "sections", "glossary", "references", "review",
)
REQUIRED_FIELDS: tuple[str, ...] = ("id", "title", "summary", "sections", "references")
SECTION_FIELDS: tuple[str, ...] = ("key", "heading", "facts")
REQUIRED_SECTION_FIELDS: tuple[str, ...] = ("key", "facts")
REVIEW_FIELDS: tuple[str, ...] = ("interval_months",)
REVIEW_MONTHS = (1, 120)
SHEET_SUFFIX = ".yaml"

_WHOLE_NUMBER = re.compile(r"[0-9]+")
_STR = "tag:yaml.org,2002:str"
_YAML = "tag:yaml.org,2002:"


def load_sheet(path: Path, display: str, *, memo=None) -> Sheet:
    """Load and validate one condition sheet; raise InputError listing every problem.

    With `memo` (handouts.core.memo.Memo), bytes validated before by this validator are not parsed again.
    """
    if memo is not None:
        return _remembered(Path(path), display, memo)
    return _validated(Path(path), display)


def _validated(path: Path, display: str) -> Sheet:
    root, data, text = read_document(path, display)
    reader = _SheetReader(display, text)
    sheet = reader.sheet(root, path)
    if reader.problems:
        raise InputError(reader.sorted_problems())
    return replace(sheet, path=path, sha256=sha256_bytes(data))


def load_sheets(sources_dir: Path, display_prefix: str = "sources", *, memo=None) -> list[Sheet]:
    """Load every `*.yaml` sheet in `sources_dir`, sorted by id.

    Every problem in every sheet is collected first; if there is any, one InputError
    lists them all and no sheet is returned. With `memo` (handouts.core.memo.Memo), a
    sheet whose bytes were validated before, by this very validator, is not parsed
    again: validating a library costs in proportion to what changed.
    """
    sources_dir = Path(sources_dir)
    if not sources_dir.is_dir():
        raise InputError([f"{display_prefix}: no such folder; create it and put the condition sheets (*.yaml) in it"])
    problems: list[str] = []
    sheets: list[Sheet] = []
    for path in sorted(sources_dir.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue  # editor temp files, folders
        display = f"{display_prefix}/{path.name}"
        suffix = path.suffix.lower()
        if suffix in (".yml", ".yaml") and path.suffix != SHEET_SUFFIX:
            problems.append(problem(display, 1, 1, FILE,
                                    f"condition sheets must end in {SHEET_SUFFIX}; rename it to {path.stem}{SHEET_SUFFIX}"))
            continue
        if suffix != SHEET_SUFFIX:
            continue
        try:
            sheets.append(load_sheet(path, display, memo=memo))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return sorted(sheets, key=lambda s: s.id)


def _kind(node: yaml.Node) -> str:
    """What a node is, in words, for "expected X, got Y"."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list" if node.value else "an empty list"
    if node.tag == _STR:
        return "text"
    return {
        "null": "nothing", "bool": "true/false", "int": "a number", "float": "a number",
        "timestamp": "a date",
    }.get(node.tag.removeprefix(_YAML), "a value that is not text")


def _shown(node: yaml.Node) -> str:
    """A scalar as the clinician wrote it; a collection by its kind."""
    if not isinstance(node, yaml.ScalarNode):
        return _kind(node)
    if node.style is None:
        return node.value if node.value else "nothing"
    return f'text "{node.value}"'


def _read_as(node: yaml.ScalarNode) -> str:
    """How YAML 1.1 reads a plain scalar that is not text: "false", "the number 90"."""
    kind = node.tag.removeprefix(_YAML)
    loader = yaml.SafeLoader("")
    try:
        if kind == "bool":
            return "true" if loader.construct_yaml_bool(node) else "false"
        if kind == "int":
            return f"the number {loader.construct_yaml_int(node)}"
        if kind == "float":
            return f"the number {loader.construct_yaml_float(node)}"
    finally:
        loader.dispose()
    return {"null": "nothing (null)", "timestamp": "a date"}.get(kind, "something other than text")


def _char_problem(char: str, single_line: bool) -> str | None:
    """Why a character may not appear in a text field, or None if it may."""
    if char == "\n":
        return "contains a line break; keep it on one line" if single_line else None
    category = unicodedata.category(char)
    if category == "Cc":
        return f"contains the control character U+{ord(char):04X}; delete it"
    if category in ("Cf", "Zl", "Zp"):  # zero-width, bidi controls, soft hyphen, BOM, separators
        name = unicodedata.name(char, "")
        return f"contains the invisible character U+{ord(char):04X}" + (f" ({name})" if name else "") + "; delete it"
    return None


def _suggest(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=0.6)
    return f"did you mean {close[0]}? " if close else ""


class _SheetReader:
    """Walks one sheet's node tree, collecting located problems and building the Sheet."""

    def __init__(self, display: str, text: str):
        self.display, self.source = display, text
        self.problems: list[tuple[int, int, str]] = []

    def sorted_problems(self) -> list[str]:
        return [p for _, _, p in sorted(self.problems, key=lambda t: (t[0], t[1]))]

    def error(self, where, path: str, message: str) -> None:
        mark = getattr(where, "start_mark", where)
        self.problems.append((mark.line, mark.column, at(self.display, mark, path, message)))

    def error_at_index(self, index: int, path: str, message: str) -> None:
        before = self.source[:index]
        line = before.count("\n")
        col = index - (before.rfind("\n") + 1)
        self.problems.append((line, col, problem(self.display, line + 1, col + 1, path, message)))

    # -- field helpers ------------------------------------------------------------------

    def fields(self, node: yaml.MappingNode, path: str, allowed: tuple[str, ...],
               required: tuple[str, ...]) -> dict[str, yaml.Node]:
        """Known fields of a mapping by name; unknown and missing ones are reported."""
        found: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if key.value in allowed and key.tag == _STR:
                found[key.value] = value
            else:
                self.error(key, join(path, key.value),
                           f"unknown field; {_suggest(key.value, allowed)}allowed fields are {', '.join(allowed)}")
        for name in required:
            if name not in found:
                self.error(node, path, f"missing required field {name}")
        return found

    def text(self, node: yaml.Node, path: str, single_line: bool = False) -> str | None:
        """A text field: a scalar that YAML reads as a string, stripped, non-empty, visible."""
        if isinstance(node, yaml.MappingNode):
            self.error(node, path, "expected text, got a mapping (a colon followed by a space starts a "
                                   "mapping; put the text in quotes)")
            return None
        if isinstance(node, yaml.SequenceNode):
            self.error(node, path, "expected text, got a list")
            return None
        if node.style is None and node.value == "":
            self.error(node, path, "expected text, got nothing")
            return None
        if node.tag != _STR:
            self.error(node, path, f'expected text, but YAML reads {node.value} as {_read_as(node)}; '
                                   f'put it in quotes: "{node.value}"')
            return None
        ok = True
        value = node.value.strip()
        for char in dict.fromkeys(node.value):
            why = _char_problem(char, single_line and "\n" in value)
            if why:
                ok = False
                self._char_error(node, char, path, why)
        if not value:
            self.error(node, path, "expected text, got empty text")
            return None
        if not single_line and node.style is None and self._comment_follows(node, path):
            ok = False
        return value if ok else None

    def _comment_follows(self, node: yaml.ScalarNode, path: str) -> bool:
        """Plain text ends silently at " #": `- Apply twice daily #2 choice` loses "#2 choice"."""
        end = node.end_mark.index
        line_end = self.source.find("\n", end)
        rest = self.source[end: line_end if line_end >= 0 else len(self.source)]
        if not rest.lstrip(" \t").startswith("#"):
            return False
        self.error_at_index(end + len(rest) - len(rest.lstrip(" \t")), path,
                            'the text stops at " #", which starts a YAML comment; put the whole text '
                            "in quotes, or move the comment to its own line")
        return True

    def _char_error(self, node: yaml.Node, char: str, path: str, why: str) -> None:
        """Locate a bad character in the source if it is written there literally."""
        start, end = node.start_mark.index, node.end_mark.index
        found = self.source.find(char, start, end)
        if found >= 0:
            self.error_at_index(found, path, why)
        else:  # written as an escape such as "\u200b"
            self.error(node, path, why)

    def text_list(self, node: yaml.Node, path: str, what: str, single_line: bool,
                  non_empty: bool) -> list[tuple[str, yaml.Node]] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, path, f"expected a list of {what}, got {_kind(node)}")
            return None
        if non_empty and not node.value:
            self.error(node, path, f"expected at least one {what.rstrip('s')}, got an empty list")
            return None
        items = []
        for i, item in enumerate(node.value, start=1):  # counted from 1, like fact ids
            value = self.text(item, f"{path}[{i}]", single_line)
            items.append((value, item))
        return items if all(v is not None for v, _ in items) else None

    # -- the sheet ----------------------------------------------------------------------

    def sheet(self, root: yaml.Node, path: Path) -> Sheet | None:
        if not isinstance(root, yaml.MappingNode):
            self.error(root, TOP, f"expected a mapping of fields, got {_kind(root)}")
            return None
        f = self.fields(root, TOP, SHEET_FIELDS, REQUIRED_FIELDS)
        sheet_id = self.sheet_id(f["id"], path) if "id" in f else None
        title = self.text(f["title"], "title", single_line=True) if "title" in f else None
        summary = self.text(f["summary"], "summary") if "summary" in f else None
        sections = self.sections(f["sections"], title or "") if "sections" in f else None
        references = self.text_list(f["references"], "references", "references",
                                    single_line=False, non_empty=True) if "references" in f else None
        also_called = self.text_list(f["also_called"], "also_called", "names", single_line=True,
                                     non_empty=False) if "also_called" in f else []
        glossary = self.glossary(f["glossary"]) if "glossary" in f else {}
        months = self.review(f["review"]) if "review" in f else DEFAULT_REVIEW_INTERVAL_MONTHS
        if self.problems:
            return None
        return Sheet(
            id=sheet_id,
            title=title,
            summary=Fact("summary", summary, "summary", f["summary"].start_mark.line + 1,
                         f["summary"].start_mark.column + 1),
            sections=tuple(sections),
            references=tuple(v for v, _ in references),
            also_called=tuple(v for v, _ in also_called),
            glossary=glossary,
            review_interval_months=months,
        )

    def sheet_id(self, node: yaml.Node, path: Path) -> str | None:
        value = self.text(node, "id", single_line=True)
        if value is None:
            return None
        if not is_slug(value):
            self.error(node, "id", f"{value} is not a lowercase slug; use lowercase letters, digits "
                                   f"and hyphens, like atopic-dermatitis")
            return None
        if value != path.stem:
            self.error(node, "id", f"{value} does not match the file name {path.name}; "
                                   f"make the id and the file name the same")
            return None
        return value

    def sections(self, node: yaml.Node, title: str) -> list[Section] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, "sections", f"expected a list of sections, got {_kind(node)}")
            return None
        if not node.value:
            self.error(node, "sections", "expected at least one section, got an empty list")
            return None
        sections: list[Section] = []
        first_line: dict[str, int] = {}
        ok = True
        for i, item in enumerate(node.value, start=1):  # sections[1] is the first, as treatment.1 is
            section = self.section(item, f"sections[{i}]", title, first_line)
            ok = ok and section is not None
            if section is not None:
                sections.append(section)
        for key in REQUIRED_SECTIONS:
            if key not in first_line:
                self.error(node, "sections", f"missing required section {key}; add one with key: {key}")
                ok = False
        return sections if ok else None

    def section(self, node: yaml.Node, path: str, title: str, first_line: dict[str, int]) -> Section | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, path, f"expected a mapping with key: and facts:, got {_kind(node)}")
            return None
        f = self.fields(node, path, SECTION_FIELDS, REQUIRED_SECTION_FIELDS)
        key = self.text(f["key"], f"{path}.key", single_line=True) if "key" in f else None
        if key is not None and key not in SECTION_HEADINGS:
            self.error(f["key"], f"{path}.key", f"unknown section key {key}; {_suggest(key, list(SECTION_HEADINGS))}"
                                               f"use one of {', '.join(SECTION_HEADINGS)}")
            key = None
        elif key is not None:
            line = f["key"].start_mark.line + 1
            if key in first_line:
                self.error(f["key"], f"{path}.key", f"section {key} appears twice, at line {first_line[key]} "
                                                   f"and line {line}; merge them into one")
                key = None
            else:
                first_line[key] = line
        heading = self.text(f["heading"], f"{path}.heading", single_line=True) if "heading" in f else None
        facts = None
        if "facts" in f:
            facts = self.text_list(f["facts"], f"{path}.facts", "facts", single_line=False, non_empty=True)
        if key is None or facts is None or ("heading" in f and heading is None):
            return None
        heading = section_heading(heading or SECTION_HEADINGS[key], title)
        return Section(
            key=key,
            heading=heading,
            facts=tuple(Fact(f"{key}.{n}", text, key, item.start_mark.line + 1,
                               item.start_mark.column + 1)
                        for n, (text, item) in enumerate(facts, start=1)),
        )

    def glossary(self, node: yaml.Node) -> dict[str, str] | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, "glossary", f"expected a mapping of term: explanation, got {_kind(node)}")
            return None
        glossary: dict[str, str] = {}
        seen: dict[str, int] = {}
        ok = True
        for key, value in node.value:
            path = join("glossary", key.value)
            term = self.text(key, path, single_line=True)
            meaning = self.text(value, path)
            if term is not None and term.lower() in seen:
                self.error(key, path, f"term {term} appears twice, at line {seen[term.lower()]} and line "
                                      f"{key.start_mark.line + 1}; keep only one")
                term = None
            elif term is not None:
                seen[term.lower()] = key.start_mark.line + 1
            if term is None or meaning is None:
                ok = False
            else:
                glossary[term] = meaning
        return glossary if ok else None

    def review(self, node: yaml.Node) -> int | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, "review", f"expected a mapping with interval_months:, got {_kind(node)}")
            return None
        f = self.fields(node, "review", REVIEW_FIELDS, ())
        if "interval_months" not in f:
            return DEFAULT_REVIEW_INTERVAL_MONTHS
        months = f["interval_months"]
        low, high = REVIEW_MONTHS
        if (isinstance(months, yaml.ScalarNode) and months.style is None
                and _WHOLE_NUMBER.fullmatch(months.value) and low <= int(months.value) <= high):
            return int(months.value)
        self.error(months, "review.interval_months",
                   f"expected a whole number of months from {low} to {high}, got {_shown(months)}")
        return None
