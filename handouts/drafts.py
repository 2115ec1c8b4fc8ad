"""Drafts on disk: the text a clinician reviews, signs and we publish.

Each handout has up to three plain-text files in `drafts/`, all diff-friendly:

- `drafts/ID.yaml`: the draft itself. One entry per source fact, holding the
  clinician's fact (`source`), the plain-language `text` and its `status`.
  A reviewer may correct `text` by hand; that is detected and re-checked.
- `drafts/ID.provenance.json`: how every text was made: model file hash, prompt
  version, parameters, every candidate with its verdict and reasons, and the
  sentence -> fact links.
- `drafts/ID.report.json`: the plain-language report on the whole handout.

The *content* of a draft (what is signed and published) is everything a patient
sees: title, names, summary, headings, texts, glossary and references. Its SHA-256
is taken over a canonical JSON encoding with no normalisation, so any byte change,
a trailing newline or a different Unicode form included, gives a new hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from handouts.exceptions import InputError

# Status of one fact's text in a draft.
SIMPLIFIED = "simplified"  # a model rewrite that passed every check
NOT_SIMPLIFIED = "not simplified"  # the clinician's fact (lexicon-repaired); no rewrite passed
EDITED = "edited"  # written or corrected by a clinician reviewer
STATUSES = (SIMPLIFIED, NOT_SIMPLIFIED, EDITED)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences (simple, deterministic, good for short facts)."""
    text = " ".join(text.split())
    return [s for s in _SENTENCE_END.split(text) if s] if text else []


@dataclass
class DraftFact:
    fact_id: str  # "summary", "about.1", ...
    source: str  # the clinician's fact, as in the sheet
    text: str  # what the patient reads
    status: str = NOT_SIMPLIFIED
    cache_key: str = ""  # hash of every input that made `text`; equal key -> no model call

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
        return json.dumps(
            self.content(), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        ).encode("utf-8")

    def content_sha256(self) -> str:
        return hashlib.sha256(self.content_bytes()).hexdigest()

    def prose(self) -> str:
        """The patient-facing prose only (no headings, lists or references), for scoring."""
        return "\n".join(f.text.strip() for f in self.facts() if f.text.strip())


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


_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write a file so that readers see the old or the new content, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; keep the usual permissions
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def _fact_dict(f: DraftFact) -> dict:
    return {"fact": f.fact_id, "status": f.status, "source": f.source, "text": f.text,
            "cache_key": f.cache_key}


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
    status = d.get("status", NOT_SIMPLIFIED)
    if status not in STATUSES:
        raise ValueError(f"{where}.status: expected one of {', '.join(STATUSES)}, got {status!r}")
    return DraftFact(
        fact_id=str(d.get("fact", "")),
        source=str(d.get("source", "")),
        text=d["text"],
        status=status,
        cache_key=str(d.get("cache_key", "")),
    )


def _read_text(path: Path, shown: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError([f"{shown}:1:1: (file): not UTF-8 text; save it as UTF-8"])


def load_draft(drafts_dir: Path, handout_id: str) -> Draft | None:
    """Read drafts/ID.yaml; None if there is none. Malformed files give an InputError."""
    path = draft_path(drafts_dir, handout_id)
    if not path.exists():
        return None
    shown = f"drafts/{path.name}"
    try:
        doc = yaml.safe_load(_read_text(path, shown))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise InputError([f"{shown}:{line}:{col}: (yaml): {exc.problem or exc}"])
    try:
        if not isinstance(doc, dict):
            raise ValueError("(top): expected a mapping")
        return Draft(
            id=str(doc["id"]),
            title=str(doc["title"]),
            also_called=[str(x) for x in doc.get("also_called") or []],
            sheet_sha256=str(doc.get("sheet_sha256", "")),
            review_interval_months=int(doc.get("review_interval_months", 24)),
            summary=_fact_from(doc["summary"], "summary"),
            sections=[
                DraftSection(
                    key=str(s["key"]),
                    heading=str(s["heading"]),
                    facts=[_fact_from(f, f"sections[{i}].facts[{j}]")
                           for j, f in enumerate(s["facts"])],
                )
                for i, s in enumerate(doc["sections"])
            ],
            glossary={str(k): str(v) for k, v in (doc.get("glossary") or {}).items()},
            references=[str(r) for r in doc.get("references") or []],
        )
    except KeyError as exc:
        raise InputError([f"{shown}:1:1: {exc.args[0]}: missing; re-run `handouts draft {handout_id}`"])
    except (ValueError, TypeError) as exc:
        raise InputError([f"{shown}:1:1: {exc}"])


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

