"""Persisted results of pure work, keyed by the hash of everything they depend on.

A clinic's library is hundreds of handouts; most commands touch one of them, and
most builds change nothing. What is pure and deterministic is therefore kept in
`.handouts/memo.sqlite3` (disposable: delete it and everything is recomputed):

- "sheet":   a validated condition sheet, by the file's bytes (only valid sheets);
- "draft":   a parsed drafts/ID.yaml, by the file's bytes;
- "verdict": `checks.check_rewrite` on (fact, candidate, section, glossary);
- "report":  a draft's whole check report, by the draft, its sheet and the settings;
- "drafting": that a sheet's draft and provenance are what drafting would write again;
- "release": the closing table of the last full build, by its inputs (the fast path);
- "scan":    that a built page passed the site scan, by its bytes;
- "logprob": a text's mean log-probability per token under one model file (fluency).

Every key also holds the *version* of its kind: a SHA-256 of the code and data
files that compute it (and of the libraries they call), taken at run time. So a
change to any check, word list or validator invalidates what it made, without
anyone remembering to bump a number. Values are JSON. The memo never decides
anything: a miss (or an unreadable memo) only means the work is done again.
"""

from __future__ import annotations

import atexit
import dataclasses
import enum
import hashlib
import json
import sqlite3
import threading
import weakref
from functools import lru_cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from pathlib import Path

from handouts.core.files import canonical_sha256

PACKAGE = Path(__file__).resolve().parents[1]  # handouts/
FILE_NAME = "memo.sqlite3"

# What each kind depends on: files and folders of the package, and libraries.
_SOURCES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sheet": (("sources/sheets.py", "core/yamlsafe.py", "core/files.py", "core/text.py"), ("pyyaml",)),
    "draft": (("core/drafts.py", "core/files.py", "core/text.py"), ("pyyaml",)),
    "verdict": (("checks", "sources/lexicon.py", "data", "core/text.py"), ("textstat", "pyphen", "nltk")),
    "report": (("checks", "sources/lexicon.py", "data", "core/drafts.py", "pipeline.py", "service.py",
                "signoff/labels.py", "sources/sheets.py", "core/files.py", "core/text.py"),
               ("textstat", "pyphen", "nltk")),
    "release": (("pipeline.py", "publish/releases.py", "publish/publish.py", "core/files.py"), ()),
    "scan": (("publish/sitescan.py",), ("mkdocs-material",)),
    "logprob": (("drafting/models.py",), ("llama_cpp_python",)),
    "drafting": (("checks", "drafting", "sources/lexicon.py", "data", "core/drafts.py", "pipeline.py", "service.py",
                  "signoff/labels.py", "sources/sheets.py", "core/files.py", "core/text.py"),
                 ("textstat", "pyphen", "nltk", "lemminflect", "llama_cpp_python")),
}


@lru_cache(maxsize=None)
def version(kind: str) -> str:
    """SHA-256 of the code, data and library versions behind `kind` (see _SOURCES)."""
    files, dists = _SOURCES[kind]
    h = hashlib.sha256(kind.encode())
    for name in files:
        path = PACKAGE / name
        members = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path]
        for p in members:
            h.update(p.relative_to(PACKAGE).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
    for dist in dists:
        try:
            h.update(f"{dist}=={dist_version(dist)}".encode())
        except PackageNotFoundError:
            h.update(f"{dist}==?".encode())
    return h.hexdigest()


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def plain(obj):
    """A JSON-able form of a tree of dataclasses, lists, dicts and enums, for keys: every field
    of every dataclass, in order (what dataclasses.asdict gives, without its deep copies)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [plain(getattr(obj, name)) for name in _field_names(type(obj))]
    if isinstance(obj, (list, tuple)):
        return [plain(x) for x in obj]
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, enum.Enum):
        return obj.value
    return obj


def key(kind: str, *parts) -> str:
    """The memo key of `parts` (JSON-able) under the current version of `kind`."""
    return canonical_sha256([version(kind), *parts])


class Memo:
    """One project's memo. Reads and writes never raise: a broken memo is a cold one."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        self._dirty = False
        self._broken = False
        self._lock = threading.Lock()
        _every.add(self)

    def _conn(self) -> sqlite3.Connection | None:
        if self._db is None and not self._broken:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("CREATE TABLE IF NOT EXISTS memo (kind TEXT, key TEXT, value TEXT, "
                           "PRIMARY KEY (kind, key)) WITHOUT ROWID")
                db.execute("CREATE TABLE IF NOT EXISTS versions (kind TEXT PRIMARY KEY, version TEXT)")
                db.commit()
                self._db = db
            except (sqlite3.Error, OSError):
                self._broken = True
        return self._db

    def get(self, kind: str, k: str):
        with self._lock:
            db = self._conn()
            if db is None:
                return None
            try:
                row = db.execute("SELECT value FROM memo WHERE kind = ? AND key = ?", (kind, k)).fetchone()
            except sqlite3.Error:
                return None
        return None if row is None else json.loads(row[0])

    def put(self, kind: str, k: str, value) -> None:
        raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            db = self._conn()
            if db is None:
                return
            try:
                self._forget_old(db, kind)
                db.execute("INSERT OR REPLACE INTO memo VALUES (?, ?, ?)", (kind, k, raw))
                self._dirty = True
            except sqlite3.Error:
                pass

    def _forget_old(self, db: sqlite3.Connection, kind: str) -> None:
        """The first write of a kind under a new version drops what older versions made."""
        if (kind, self) in _current:
            return
        row = db.execute("SELECT version FROM versions WHERE kind = ?", (kind,)).fetchone()
        if row is None or row[0] != version(kind):
            db.execute("DELETE FROM memo WHERE kind = ?", (kind,))
            db.execute("INSERT OR REPLACE INTO versions VALUES (?, ?)", (kind, version(kind)))
        _current.add((kind, self))

    def flush(self) -> None:
        with self._lock:
            if self._db is not None and self._dirty:
                try:
                    self._db.commit()
                except sqlite3.Error:
                    pass
                self._dirty = False

    def close(self) -> None:
        self.flush()
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


_current: set = set()
_every: "weakref.WeakSet[Memo]" = weakref.WeakSet()
_open: dict[Path, Memo] = {}
_MAX_OPEN = 4  # a process that works on many projects (the tests) keeps few files open


def for_project(project) -> Memo:
    """The memo of `project` (one per work folder and process), flushed at exit."""
    path = (Path(project.work) / FILE_NAME).absolute()
    memo = _open.pop(path, None) or Memo(path)
    _open[path] = memo  # most recently used last
    while len(_open) > _MAX_OPEN:
        _open.pop(next(iter(_open))).close()
    return memo


@atexit.register
def _flush_all() -> None:
    for memo in list(_every):
        memo.close()
