"""Read YAML written by people, safely, with a file:line:col message for every problem.

PyYAML's `safe_load` is not enough for clinician-written files:

- it expands aliases, so a ten-line "billion laughs" file eats all memory;
- it silently keeps the last of two duplicate keys;
- it accepts merge keys (`<<`) and explicit tags.

`read_document` checks the raw bytes and the event stream first (UTF-8, size, empty,
anchors and aliases, tags, nesting depth, one document), so nothing large is ever
built, then composes the node tree (with marks) and rejects duplicate and merge keys.
`load_yaml` also constructs plain Python data from that tree with the safe constructor.

Every problem is one line, `DISPLAY:LINE:COL: field.path: what is wrong and what is
expected`; `(file)` is the path for problems with the file as a whole and `(top)` the
path of the top-level value.
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from pathlib import Path

import yaml

from handouts.core.exceptions import InputError

MAX_BYTES = 1_000_000  # a condition sheet is a few kilobytes
MAX_DEPTH = 32  # sheets nest four levels; deep nesting only exhausts the stack
TOP = "(top)"
FILE = "(file)"

_SYNTAX_HINTS = {
    "mapping values are not allowed here": (
        "; check the indentation, and put text that contains \": \" in quotes"
    ),
    "found character '\\t' that cannot start any token": "; indent with spaces, not tabs",
}


def problem(display: str, line: int, col: int, path: str, message: str) -> str:
    """The one-line form of every problem: `DISPLAY:LINE:COL: path: message`."""
    return f"{display}:{line}:{col}: {path}: {message}"


def at(display: str, node_or_mark, path: str, message: str) -> str:
    """A problem located at a node's (or a mark's) start."""
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    return problem(display, mark.line + 1, mark.column + 1, path, message)


def join(parent: str, key: object) -> str:
    """Field path of `key` in the mapping at `parent`: `sections[1].facts` (lists count from 1)."""
    return str(key) if parent == TOP else f"{parent}.{key}"


@lru_cache(maxsize=64)
def _resolved(root: str) -> Path:
    """The project folder, resolved once per process (a library has hundreds of files in it)."""
    return Path(root).resolve()


def read_limited(path: Path, display: str, limit: int = MAX_BYTES, root: Path | None = None) -> bytes:
    """The bytes of a regular file inside the project, at most `limit` of them.

    Refused, as one located InputError each, never a hang or a MemoryError: a
    symlink leading outside the project (`root`, by default the folder above the
    file's folder), anything that is not a regular file (a FIFO, a device such as
    /dev/zero, a socket), and a file larger than `limit`. FileNotFoundError passes.
    """
    path = Path(path)
    root = Path(root) if root is not None else path.absolute().parent.parent
    real = path.resolve()
    try:
        real.relative_to(_resolved(str(root)))
    except ValueError:
        raise InputError([problem(display, 1, 1, FILE, f"leads outside the project (to {real}); "
                                                     "keep the file itself in the project")]) from None
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise InputError([problem(display, 1, 1, FILE, f"cannot read the file: {exc.strerror or exc}")]) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError([problem(display, 1, 1, FILE, "not a regular file (a FIFO, device or socket); "
                                                          "put a plain file here")])
        if st.st_size > limit:
            raise InputError([problem(display, 1, 1, FILE,
                                      f"the file is too large ({st.st_size} bytes); the limit is {limit} bytes")])
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputError([problem(display, 1, 1, FILE,
                                  f"the file is too large (more than {limit} bytes); the limit is {limit} bytes")])
    return data


def read_document(path: Path, display: str, allow_empty: bool = False) -> tuple[yaml.Node | None, bytes, str]:
    """Check a YAML file and compose its node tree: (root node or None if empty, bytes, text).

    Raises InputError listing every problem found. The returned tree has no
    aliases, no tags, no merge keys and no duplicate keys.
    """
    try:
        data = read_limited(path, display)
    except OSError as exc:
        raise InputError([problem(display, 1, 1, FILE, f"cannot read the file: {exc.strerror or exc}")]) from None
    text = _decode(data, display)
    root = _compose(text, display, allow_empty)
    return root, data, text


def load_yaml(path: Path, display: str, allow_empty: bool = False) -> tuple[object, yaml.Node | None]:
    """(plain Python data built by the safe constructor, root node with marks).

    An empty file (or one with only comments) is an error unless `allow_empty`,
    in which case it gives (None, None).
    """
    root, _, _ = read_document(path, display, allow_empty)
    if root is None:
        return None, None
    paths: dict[int, str] = {}
    _index_paths(root, TOP, paths)
    loader = _Constructor(display, paths)
    try:
        return loader.construct_document(root), root
    finally:
        loader.dispose()


# -- bytes -> text ---------------------------------------------------------------------


def _decode(data: bytes, display: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        col = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        raise InputError([problem(
            display, line, col, FILE,
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8",
        )]) from None
    # A leading byte-order mark is what some editors write for UTF-8; it carries no text.
    return text[1:] if text.startswith("\ufeff") else text


# -- the event stream: everything that must be refused before building anything --------


class _Frame:
    __slots__ = ("kind", "path", "index", "expect_key", "key")

    def __init__(self, kind: str, path: str):
        self.kind, self.path = kind, path
        self.index, self.expect_key, self.key = 0, True, "?"


def _compose(text: str, display: str, allow_empty: bool) -> yaml.Node | None:
    problems: list[str] = []
    try:
        documents = _scan_events(text, display, problems)
    except yaml.MarkedYAMLError as exc:
        raise InputError([_syntax_problem(display, exc)]) from None
    except yaml.reader.ReaderError as exc:
        raise InputError([_reader_problem(display, text, exc)]) from None
    if problems:
        raise InputError(problems)
    if documents == 0:
        if allow_empty:
            return None
        raise InputError([problem(display, 1, 1, FILE, "the file is empty; expected a mapping of fields")])
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:  # pragma: no cover - the event scan saw the same stream
        raise InputError([_syntax_problem(display, exc)]) from None
    _check_keys(root, TOP, display, problems)
    if problems:
        raise InputError(problems)
    return root


def _scan_events(text: str, display: str, problems: list[str]) -> int:
    """Walk the event stream (aliases are never expanded here); return the document count."""
    stack: list[_Frame] = []
    documents = 0
    anchors_seen: set[str] = set()
    aliases_seen: set[str] = set()
    loader = yaml.SafeLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents == 2:
                    problems.append(at(display, event, FILE,
                                       "found a second YAML document (---); keep one sheet per file"))
                    return documents
                continue
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                stack.pop()
                _advance(stack)
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            path = _event_path(stack)
            if isinstance(event, yaml.AliasEvent):
                if event.anchor not in aliases_seen and event.anchor not in anchors_seen:
                    problems.append(at(display, event, path,
                                       f"aliases (*{event.anchor}) are not allowed; write the value out in full"))
                aliases_seen.add(event.anchor)
                _advance(stack)
                continue
            if event.anchor is not None:
                anchors_seen.add(event.anchor)
                problems.append(at(display, event, path,
                                   f"anchors (&{event.anchor}) and their aliases are not allowed; "
                                   f"write the value out in full"))
            if event.tag is not None:
                problems.append(at(display, event, path,
                                   f"tags ({event.tag}) are not allowed; put text in quotes instead"))
            if isinstance(event, yaml.ScalarEvent):
                if stack and stack[-1].kind == "map" and stack[-1].expect_key:
                    stack[-1].key = event.value
                _advance(stack)
                continue
            # a collection starts
            if len(stack) >= MAX_DEPTH:
                problems.append(at(display, event, path,
                                   f"nested more than {MAX_DEPTH} levels deep; a sheet needs only a few"))
                return documents
            stack.append(_Frame("map" if isinstance(event, yaml.MappingStartEvent) else "seq", path))
    finally:
        loader.dispose()
    return documents


def _event_path(stack: list[_Frame]) -> str:
    if not stack:
        return TOP
    frame = stack[-1]
    if frame.kind == "seq":
        return f"{frame.path}[{frame.index}]"
    return frame.path if frame.expect_key else join(frame.path, frame.key)


def _advance(stack: list[_Frame]) -> None:
    """A node just ended inside the top frame: move to the next key, value or item."""
    if not stack:
        return
    frame = stack[-1]
    if frame.kind == "seq":
        frame.index += 1
    elif frame.expect_key:
        frame.expect_key = False
    else:
        frame.expect_key, frame.key = True, "?"


def _syntax_problem(display: str, exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or exc.context or "cannot be read"
    hint = _SYNTAX_HINTS.get(what, "")
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return problem(display, line, col, FILE, f"invalid YAML: {what}{hint}")


def _reader_problem(display: str, text: str, exc: yaml.reader.ReaderError) -> str:
    before = text[: exc.position]
    line = before.count("\n") + 1
    col = exc.position - (before.rfind("\n") + 1) + 1
    return problem(display, line, col, FILE,
                   f"contains the character U+{exc.character:04X}, which YAML does not allow; delete it")


# -- the node tree: duplicate and merge keys --------------------------------------------


def _check_keys(node: yaml.Node, path: str, display: str, problems: list[str]) -> None:
    if isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value, start=1):  # counted from 1, like fact ids
            _check_keys(item, f"{path}[{i}]", display, problems)
    elif isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                problems.append(at(display, key, path, "a key must be a single word or text, not a list or mapping"))
                continue
            child = join(path, key.value)
            if key.tag == "tag:yaml.org,2002:merge":
                problems.append(at(display, key, child, "merge keys (<<) are not allowed; write the fields out in full"))
            elif key.value in first_line:
                problems.append(at(display, key, child,
                                   f"duplicate key; first at line {first_line[key.value]}, "
                                   f"again at line {key.start_mark.line + 1}; keep only one"))
            else:
                first_line[key.value] = key.start_mark.line + 1
            _check_keys(value, child, display, problems)


def _index_paths(node: yaml.Node, path: str, paths: dict[int, str]) -> None:
    paths[id(node)] = path
    if isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value, start=1):
            _index_paths(item, f"{path}[{i}]", paths)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _index_paths(value, join(path, key.value), paths)


class _Constructor(yaml.SafeLoader):
    """The safe constructor, with a located message when a value cannot be built
    (for example `2024-02-30`, which YAML 1.1 reads as an impossible date)."""

    def __init__(self, display: str, paths: dict[int, str]):
        super().__init__("")
        self._display, self._paths = display, paths

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except InputError:
            raise
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            path = self._paths.get(id(node), TOP)
            what = getattr(exc, "problem", None) or str(exc)
            raise InputError([at(self._display, node, path,
                                 f"cannot read {node.value!r} ({what}); put it in quotes if it is text")]) from None
