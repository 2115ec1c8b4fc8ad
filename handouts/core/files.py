"""Foundation: atomic file writes and the hashes that approvals are bound to.

Every module that writes a file a reader may see half-written uses `atomic_write`;
every hash of structured data (draft content, sign-off records, audit lines, release
manifests, memo keys) goes through `canonical_json`. The encoding is pinned by
tests/test_hashing.py: existing signatures and approvals name these exact hashes.
Imports nothing from handouts, so any stage may import it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

_UMASK = os.umask(0)
os.umask(_UMASK)


def canonical_json(obj) -> str:
    """The one JSON encoding we hash: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    return sha256_bytes(text.encode("utf-8"))


def canonical_sha256(obj) -> str:
    """SHA-256 of `obj`'s canonical JSON."""
    return sha256_text(canonical_json(obj))


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks (a model file is hundreds of MB)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


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
