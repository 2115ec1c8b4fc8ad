"""Drafts on disk: the text a clinician reviews, signs and we publish.

Each handout has up to three plain-text files in `drafts/`, all diff-friendly:

- `drafts/ID.yaml`: the draft itself. One entry per source fact, holding the
  clinician's fact (`source`), the plain-language `text`, its `origin` (how the
  text was made) and the `changes` the tool made (word swaps, rules).
  A reviewer may correct `text` by hand; that is detected and re-checked.
- `drafts/ID.provenance.json`: how every text was made: model file hash, prompt
  version, parameters, every candidate with its verdict and reasons, and the
  sentence -> fact links (`Provenance`, `FactRecord`, `Candidate` below).
- `drafts/ID.report.json`: the plain-language report on the whole handout.

The *content* of a draft (what is signed and published) is everything a patient
sees: title, names, summary, headings, texts, glossary and references. Its SHA-256
is taken over a canonical JSON encoding with no normalisation, so any byte change,
a trailing newline or a different Unicode form included, gives a new hash.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import yaml

from handouts.core.exceptions import InputError
from handouts.core.files import atomic_write, canonical_json, sha256_bytes
from handouts.core.text import split_sentences
from handouts.core.yamlsafe import FILE, MAX_BYTES, TOP, at, join, load_yaml, problem, read_limited



class Origin(str, Enum):
    """How the text of one fact was made. Shown to the reviewer, recorded in the draft.

    Only UNCHANGED text is the clinician's own sentence; every other origin says
    what the tool (or a reviewer) did to it, so nothing else is called "the clinician's".
    """

    UNCHANGED = "clinician's words unchanged"
    WORD_SWAPS = "word swaps"  # lexicon swaps, each listed in `changes`
    RESTRUCTURED = "restructured"  # deterministic sentence rules (and swaps), each listed in `changes`
    MODEL = "model rewrite"  # a model candidate that passed every check
    EDITED = "clinician edit"  # written or corrected by a clinician reviewer

    @property
    def is_machine_changed(self) -> bool:
        """Text the tool changed: a clinician must read it before it is published."""
        return self in (Origin.WORD_SWAPS, Origin.RESTRUCTURED, Origin.MODEL)

    @classmethod
    def parse(cls, value: str, *, text: str = "", source: str = "") -> "Origin":
        """An origin from a file; the `status:` words of older drafts are understood too."""
        try:
            return cls(value)
        except ValueError:
            pass
        legacy = {"simplified": cls.MODEL, "edited": cls.EDITED}
        if value in legacy:
            return legacy[value]
        if value == "not simplified":
            return cls.UNCHANGED if text == source else cls.WORD_SWAPS
        raise ValueError(f"expected one of {', '.join(repr(o.value) for o in cls)}, got {value!r}")


ORIGINS = tuple(o.value for o in Origin)
EDITED = Origin.EDITED  # the one origin other modules set

# -- a fact written as a list ------------------------------------------------------
#
# A fact's text may end in a short bulleted list: a lead sentence ending in a colon,
# then one "- item" line per item (no other markdown):
#
#     These can trigger or worsen acne:
#     - oily cosmetics and hair products
#     - friction from helmets or straps
#
# Pages and PDFs show the items as a list; the guard judges the same words as one
# sentence (`as_prose`); the scorer counts each item line as a sentence, as
# readability formulas usually do with bullet points.

_ITEM = re.compile(r"^- (\S.*)$")


@dataclass(frozen=True)
class ListText:
    """A fact's text cut into what comes before its list, the list's lead, and its items."""

    before: str  # sentences before the lead ("" when the lead comes first)
    lead: str  # the sentence that introduces the list, ending in ":"
    items: tuple[str, ...]
    conjunction: str = "and"  # how the items join when read as one sentence


def list_parts(text: str) -> ListText | None:
    """The list in `text`, or None when it is plain prose (no "- item" lines)."""
    lines = [ln.strip() for ln in text.strip().splitlines()]
    if len(lines) < 3 or not _ITEM.match(lines[1]):
        return None
    items = [_ITEM.match(ln) for ln in lines[1:]]
    if not all(items) or not lines[0].endswith(":"):
        return None
    sentences = split_sentences(lines[0])
    lead = sentences[-1]
    conj = "or" if re.search(r"\b(?:any|one|either)\b[^:]*:$", lead, re.I) else "and"
    return ListText(" ".join(sentences[:-1]), lead, tuple(m.group(1).strip() for m in items), conj)


def join_items(items: tuple[str, ...] | list[str], conjunction: str = "and") -> str:
    """"a, b and c": items joined as in a sentence."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def as_prose(text: str) -> str:
    """The text with its list read as one sentence: "Lead: a, b and c." (unchanged
    when there is no list). What the guard judges: the same words, in the same order."""
    parts = list_parts(text)
    if parts is None:
        return text
    body = join_items(parts.items, parts.conjunction).rstrip(".")
    lead = parts.lead[:-1] if _VERB_BEFORE_LIST.search(parts.lead) else parts.lead  # "include: a" -> "include a"
    return " ".join(p for p in (parts.before, f"{lead} {body}.") if p)


_VERB_BEFORE_LIST = re.compile(r"\b(?:include|includes|including|are|is|were|was)\s*:$", re.I)


def as_bullets(before: str, lead: str, items: list[str]) -> str:
    """The list form of a text (see `list_parts`)."""
    head = " ".join(p for p in (before, lead) if p)
    return head + "".join(f"\n- {i}" for i in items)


@dataclass
class DraftFact:
    fact_id: str  # "summary", "about.1", ...
    source: str  # the clinician's fact, as in the sheet
    text: str  # what the patient reads
    origin: Origin = Origin.UNCHANGED
    cache_key: str = ""  # hash of every input that made `text`; equal key -> no model call
    changes: list[str] = field(default_factory=list)  # "term -> plain" swaps and rule names, in order

    def sentences(self) -> list[str]:
        return split_sentences(self.text)


@dataclass
class DraftSection:
    key: str
    heading: str
    facts: list[DraftFact] = field(default_factory=list)


@dataclass
class Draft:
    id: str
    title: str
    summary: DraftFact
    sections: list[DraftSection]
    references: list[str]
    also_called: list[str] = field(default_factory=list)
    glossary: dict[str, str] = field(default_factory=dict)
    sheet_sha256: str = ""
    review_interval_months: int = 24

    def facts(self) -> list[DraftFact]:
        return [self.summary] + [f for s in self.sections for f in s.facts]

    def section(self, key: str) -> DraftSection | None:
        return next((s for s in self.sections if s.key == key), None)

    # -- the signed content -------------------------------------------------
    def content(self) -> dict:
        """Everything a patient sees, and nothing else."""
        return {
            "id": self.id,
            "title": self.title,
            "also_called": list(self.also_called),
            "summary": self.summary.text,
            "sections": [
                {"key": s.key, "heading": s.heading, "texts": [f.text for f in s.facts]}
                for s in self.sections
            ],
            "glossary": dict(self.glossary),
            "references": list(self.references),
        }

    def content_bytes(self) -> bytes:
        return canonical_json(self.content()).encode("utf-8")

    def content_sha256(self) -> str:
        return sha256_bytes(self.content_bytes())

    def prose(self) -> str:
        """The patient-facing prose only (no headings, lists or references), for scoring."""
        return "\n".join(f.text.strip() for f in self.facts() if f.text.strip())


# -- provenance ------------------------------------------------------------------


@dataclass
class Candidate:
    """One proposed text for a fact, and the guard's verdict on it.

    `kind` is "model" (the output of one generation; `output` is the raw text)
    or "rule" (a deterministic rewrite; `rules` names what was applied).
    """

    text: str
    kind: str = "model"
    accepted: bool = False
    reasons: list[str] = field(default_factory=list)
    grade: float | None = None
    output: str = ""
    seed: int | None = None
    temperature: float | None = None
    finish_reason: str = ""
    tokens: int = 0
    seconds: float = 0.0
    rules: list[str] = field(default_factory=list)
    fluency: str = ""  # the fluency score against the fact, or why it was not scored (fluency.py)

    GENERATION = ("seed", "temperature", "output", "finish_reason", "tokens", "seconds")

    def generation(self) -> dict:
        """The cached part: what the model returned, before any check."""
        return {k: getattr(self, k) for k in self.GENERATION}

    def to_dict(self) -> dict:
        d = {"kind": self.kind}
        if self.kind == "model":
            d.update(self.generation())
        else:
            d["rules"] = list(self.rules)
        d.update(text=self.text, accepted=self.accepted, reasons=list(self.reasons), grade=self.grade)
        if self.fluency:
            d["fluency"] = self.fluency
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Candidate":
        return cls(text=str(d.get("text", " ".join(str(d.get("output", "")).split()))),
                   kind=str(d.get("kind", "model")), accepted=bool(d.get("accepted", False)),
                   reasons=[str(r) for r in d.get("reasons") or []], grade=d.get("grade"),
                   output=str(d.get("output", "")), seed=d.get("seed"), temperature=d.get("temperature"),
                   finish_reason=str(d.get("finish_reason", "")), tokens=int(d.get("tokens") or 0),
                   seconds=float(d.get("seconds") or 0.0), rules=[str(r) for r in d.get("rules") or []],
                   fluency=str(d.get("fluency", "")))


@dataclass
class FactRecord:
    """How one fact's text was made: every candidate, the choice and why."""

    section: str
    source: str
    origin: Origin
    chosen_text: str
    line: int = 0
    cache_key: str = ""
    changes: list[str] = field(default_factory=list)
    chosen_candidate: int | None = None
    baseline_grade: float | None = None  # the lexicon-repaired source every rewrite must beat
    why: str = ""  # why the chosen text is not a rewrite, when it is not
    candidates: list[Candidate] = field(default_factory=list)
    edited_by_clinician: bool = False
    edited_by: str = ""

    def sentences(self, fact_id: str) -> list[dict]:
        """The sentence -> fact links shown in provenance."""
        return [{"n": i, "text": s, "fact": fact_id} for i, s in enumerate(split_sentences(self.chosen_text), 1)]

    def to_dict(self, fact_id: str) -> dict:
        d = {"section": self.section, "source": self.source, "line": self.line, "cache_key": self.cache_key,
             "origin": self.origin.value, "changes": list(self.changes), "chosen_text": self.chosen_text,
             "chosen_candidate": self.chosen_candidate, "baseline_grade": self.baseline_grade,
             "why": self.why, "sentences": self.sentences(fact_id),
             "candidates": [c.to_dict() for c in self.candidates]}
        if self.edited_by_clinician:
            d.update(edited_by_clinician=True, edited_by=self.edited_by)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "FactRecord":
        text = str(d.get("chosen_text", ""))
        source = str(d.get("source", ""))
        raw = d.get("origin", d.get("status", ""))
        try:
            origin = Origin.parse(str(raw), text=text, source=source)
        except ValueError:
            origin = Origin.UNCHANGED if text == source else Origin.EDITED
        if d.get("edited_by_clinician"):
            origin = Origin.EDITED
        return cls(section=str(d.get("section", "")), source=source, origin=origin, chosen_text=text,
                   line=int(d.get("line") or 0), cache_key=str(d.get("cache_key", "")),
                   changes=[str(c) for c in d.get("changes") or []], chosen_candidate=d.get("chosen_candidate"),
                   baseline_grade=d.get("baseline_grade", d.get("fallback_grade")),
                   why=str(d.get("why", d.get("not_simplified_because", ""))),
                   candidates=[Candidate.from_dict(c) for c in d.get("candidates") or [] if isinstance(c, dict)],
                   edited_by_clinician=bool(d.get("edited_by_clinician", False)),
                   edited_by=str(d.get("edited_by", "")))


@dataclass
class Provenance:
    """drafts/ID.provenance.json: how a whole draft was made."""

    id: str = ""
    sheet_sha256: str = ""
    model: dict = field(default_factory=dict)  # id, file name, sha256 (Model.describe())
    prompt_version: str = ""
    params: dict = field(default_factory=dict)
    candidates_per_fact: int | None = None
    facts: dict[str, FactRecord] = field(default_factory=dict)
    # model output of an interrupted run, by cache key: a cache only, never a draft
    pending: dict[str, list[Candidate]] = field(default_factory=dict)
    # the model's fluency score (mean log-probability per token) of each text it scored,
    # valid for model["sha256"] only: carried so a fresh clone does not score them again
    logprobs: dict[str, float] = field(default_factory=dict)

    SUMMARY = ("model", "prompt_version", "params", "candidates_per_fact")

    def summary(self) -> dict:
        """What an approval records about how the text was made."""
        return {k: getattr(self, k) for k in self.SUMMARY}

    def cached_generations(self) -> dict[str, list[Candidate]]:
        """Model candidates by cache key, from finished facts and an interrupted run."""
        out = {r.cache_key: [c for c in r.candidates if c.kind == "model"]
               for r in self.facts.values() if r.cache_key}
        out.update(self.pending)
        return out

    def to_dict(self) -> dict:
        d = {"id": self.id, "sheet_sha256": self.sheet_sha256, **self.summary(),
             "facts": {fid: r.to_dict(fid) for fid, r in self.facts.items()}}
        if self.pending:
            d["pending"] = {k: {"candidates": [c.to_dict() for c in v]} for k, v in self.pending.items()}
        if self.logprobs:
            d["logprobs"] = dict(self.logprobs)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Provenance":
        facts = d.get("facts") if isinstance(d.get("facts"), dict) else {}
        pending = d.get("pending") if isinstance(d.get("pending"), dict) else {}
        logprobs = d.get("logprobs") if isinstance(d.get("logprobs"), dict) else {}
        return cls(id=str(d.get("id", "")), sheet_sha256=str(d.get("sheet_sha256", "")),
                   model=dict(d.get("model") or {}), prompt_version=str(d.get("prompt_version", "")),
                   params=dict(d.get("params") or {}), candidates_per_fact=d.get("candidates_per_fact"),
                   facts={str(k): FactRecord.from_dict(v) for k, v in facts.items() if isinstance(v, dict)},
                   pending={str(k): [Candidate.from_dict(c) for c in (v or {}).get("candidates") or []]
                            for k, v in pending.items() if isinstance(v, dict)},
                   logprobs={str(k): float(v) for k, v in logprobs.items()
                             if isinstance(v, (int, float)) and not isinstance(v, bool)})


def load_provenance(drafts_dir: Path, handout_id: str) -> Provenance:
    """drafts/ID.provenance.json, or an empty record if there is none."""
    return Provenance.from_dict(load_json(provenance_path(drafts_dir, handout_id)))


def save_provenance(drafts_dir: Path, prov: Provenance) -> None:
    save_json(provenance_path(drafts_dir, prov.id), prov.to_dict())


# -- files ---------------------------------------------------------------------

HEADER = (
    "# Draft handout generated from sources/{id}.yaml. Do not rename keys.\n"
    "# A reviewer may correct any `text:`; the edit is re-checked, logged and voids\n"
    "# any earlier approval. `source:` is the clinician's fact the text came from.\n"
)


def draft_path(drafts_dir: Path, handout_id: str) -> Path:
    return Path(drafts_dir) / f"{handout_id}.yaml"


def provenance_path(drafts_dir: Path, handout_id: str) -> Path:
    return Path(drafts_dir) / f"{handout_id}.provenance.json"


def report_path(drafts_dir: Path, handout_id: str) -> Path:
    return Path(drafts_dir) / f"{handout_id}.report.json"


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # drafts are read back by yamlsafe, which refuses aliases
        return True


def _str_presenter(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def _fact_dict(f: DraftFact) -> dict:
    d = {"fact": f.fact_id, "origin": f.origin.value}
    if f.changes:
        d["changes"] = list(f.changes)
    d.update(source=f.source, text=f.text, cache_key=f.cache_key)
    return d


def dump_draft(draft: Draft) -> str:
    doc = {
        "id": draft.id,
        "title": draft.title,
        "also_called": list(draft.also_called),
        "sheet_sha256": draft.sheet_sha256,
        "review_interval_months": draft.review_interval_months,
        "summary": _fact_dict(draft.summary),
        "sections": [
            {"key": s.key, "heading": s.heading, "facts": [_fact_dict(f) for f in s.facts]}
            for s in draft.sections
        ],
        "glossary": dict(draft.glossary),
        "references": list(draft.references),
    }
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return HEADER.format(id=draft.id) + body


def save_draft(drafts_dir: Path, draft: Draft) -> Path:
    path = draft_path(drafts_dir, draft.id)
    atomic_write(path, dump_draft(draft))
    return path


def _fact_from(d: dict, where: str) -> DraftFact:
    if not isinstance(d, dict) or not isinstance(d.get("text"), str):
        raise ValueError(f"{where}: expected a mapping with a text `text:`")
    key = "origin" if "origin" in d else "status" if "status" in d else None
    source = str(d.get("source", ""))
    try:
        origin = Origin.parse(str(d[key]), text=d["text"], source=source) if key else (
            Origin.UNCHANGED if d["text"] == source else Origin.EDITED)
    except ValueError as exc:
        raise ValueError(f"{where}.{key}: {exc}") from None
    changes = d.get("changes") or []
    if not isinstance(changes, list):
        raise ValueError(f"{where}.changes: expected a list of changes")
    return DraftFact(
        fact_id=str(d.get("fact", "")),
        source=source,
        text=d["text"],
        origin=origin,
        cache_key=str(d.get("cache_key", "")),
        changes=[str(c) for c in changes],
    )


def _read_text(path: Path, shown: str) -> str:
    try:  # provenance of a long sheet with every candidate runs to a few hundred kilobytes
        return read_limited(path, shown, 20 * MAX_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        raise InputError([f"{shown}:1:1: (file): not UTF-8 text; save it as UTF-8"])


def load_draft(drafts_dir: Path, handout_id: str) -> Draft | None:
    """Read drafts/ID.yaml; None if there is none.

    Read with the same hardened reader as the sheets (handouts.core.yamlsafe): duplicate
    keys, anchors and aliases (alias bombs), tags, deep nesting, non-UTF-8 and
    oversize files are refused before anything is built. Every problem is an
    InputError `drafts/ID.yaml:LINE:COL: field: ...`, never a traceback.
    """
    path = draft_path(drafts_dir, handout_id)
    if not path.exists():
        return None
    shown = f"drafts/{path.name}"
    doc, root = load_yaml(path, shown, allow_empty=True)
    if root is None:
        raise InputError([problem(shown, 1, 1, FILE, f"the draft is empty; re-run `handouts draft {handout_id}`")])
    nodes = _nodes_by_path(root)

    def fail(where: str, message: str) -> InputError:
        parts = where.split(".")
        while len(parts) > 1 and ".".join(parts) not in nodes:
            parts.pop()
        node = nodes.get(".".join(parts), root)
        return InputError([at(shown, node, where or TOP, message)])

    try:
        if not isinstance(doc, dict):
            raise fail(TOP, "expected a mapping of fields")
        sections = doc["sections"]
        if not isinstance(sections, list):
            raise fail("sections", "expected a list of sections")
        out = []
        for i, s in enumerate(sections, start=1):  # positions count from 1, as fact ids do
            if not isinstance(s, dict) or not isinstance(s.get("facts"), list):
                raise fail(f"sections[{i}]", "expected a mapping with key, heading and a list of facts")
            for k in ("key", "heading"):
                if k not in s:
                    raise fail(f"sections[{i}].{k}", f"missing; re-run `handouts draft {handout_id}`")
            try:
                facts = [_fact_from(f, f"sections[{i}].facts[{j}]") for j, f in enumerate(s["facts"], start=1)]
            except ValueError as exc:
                where, _, why = str(exc).partition(": ")
                raise fail(where, why) from None
            out.append(DraftSection(key=str(s["key"]), heading=str(s["heading"]), facts=facts))
        try:
            summary = _fact_from(doc["summary"], "summary")
        except ValueError as exc:
            where, _, why = str(exc).partition(": ")
            raise fail(where, why) from None
        glossary = doc.get("glossary") or {}
        if not isinstance(glossary, dict):
            raise fail("glossary", "expected a mapping of term: meaning")
        for field_name in ("also_called", "references"):
            if not isinstance(doc.get(field_name) or [], list):
                raise fail(field_name, "expected a list")
        try:
            interval = int(doc.get("review_interval_months", 24))
        except (TypeError, ValueError):
            raise fail("review_interval_months", "expected a whole number of months") from None
        return Draft(
            id=str(doc["id"]),
            title=str(doc["title"]),
            also_called=[str(x) for x in doc.get("also_called") or []],
            sheet_sha256=str(doc.get("sheet_sha256", "")),
            review_interval_months=interval,
            summary=summary,
            sections=out,
            glossary={str(k): str(v) for k, v in glossary.items()},
            references=[str(r) for r in doc.get("references") or []],
        )
    except KeyError as exc:
        raise InputError([at(shown, root, str(exc.args[0]),
                             f"missing; re-run `handouts draft {handout_id}`")]) from None


def _nodes_by_path(root) -> dict[str, object]:
    """Field path ('sections[1].facts[2].text', counted from 1) -> YAML node, for located messages."""
    out: dict[str, object] = {}

    def walk(node, path: str) -> None:
        out[path] = node
        if isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value, start=1):
                walk(item, f"{path}[{i}]")
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, join(path, key.value))

    walk(root, TOP)
    return out


def load_json(path: Path) -> dict:
    """A JSON object from a file ({} if there is none); a broken file is an InputError."""
    path = Path(path)
    if not path.exists():
        return {}
    shown = f"{path.parent.name}/{path.name}"
    try:
        data = json.loads(_read_text(path, shown))
    except json.JSONDecodeError as exc:
        raise InputError([f"{shown}:{exc.lineno}:{exc.colno}: (file): invalid JSON ({exc.msg}); "
                          "restore it from git or delete it to regenerate it"])
    if not isinstance(data, dict):
        raise InputError([f"{shown}:1:1: (top): expected a JSON object; restore it from git or delete it"])
    return data


def save_json(path: Path, data: dict) -> None:
    atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")

