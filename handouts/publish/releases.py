"""Release manifests: what each release of site/ is, so rollback and no-change builds are safe.

A release is the folder `site/` (live) or `site.prev/` (the one before). Every release
`handouts build` makes gets a manifest, written atomically before the release is
swapped in, as `.handouts/releases/RELEASE.json`. RELEASE is the release id: the
SHA-256 of the release's file list (path and SHA-256 of every file). The manifest sits
beside the site, not in it, so nothing of it is served to the public; and a folder
whose files are not exactly a manifest's (half deleted, edited, altered by hand)
matches no manifest at all.

    {
      "format": 1,
      "release": "<sha256 of the file list>",
      "created": "2026-11-28T07:00:00Z",
      "handouts_version": "0.1.0",
      "files": {"index.html": "<sha256>", "acne/acne.pdf": "<sha256>", ...},
      "handouts": {"acne": {"content_sha256": "...", "reviewer": "...", "signed_at": "...",
                            "review_due": "2028-01-15", "review_flag": ""}},
      "audit": {"head": "<sha256 of the last log line>", "length": 12},
      "site_key": "<sha256 of everything the site is rendered from>",
      "inputs": {"sha256": "<sha256 of files and code>", "files": {"sources/acne.yaml": "...", ...},
                 "code": "<sha256 of the handouts package>", "packages": {"mkdocs": "1.6.1", ...}},
      "valid_until": "2027-11-16"
    }

- `files`: rollback installs a folder only if its files are exactly these.
- `handouts`: the approved content hash of each published handout; rollback refuses a
  release whose content is not the content approved now (a superseded release).
- `audit`: the audit log head (SHA-256 of its last line, the `prev` of the next line)
  and its length when the release was made.
- `site_key`: a hash of everything the pages are rendered from (approved contents and
  approvals, review dates and flags, grades, clinic settings, site_config/, mkdocs.yml,
  the code). A build whose key equals the live release's, with site/ intact, keeps
  site/ as it is: site.prev/ is not rotated.
- `inputs`: hashes of the raw inputs of a build (sheets, drafts, sign-off records,
  site_config/, mkdocs.yml, the code and package versions), for a no-change fast path.
- `valid_until`: the first day on which a review date changes a page (due soon,
  overdue); a no-change shortcut holds only before that day.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from datetime import date, datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path

from handouts import __version__
from handouts.core.exceptions import PublishError
from handouts.core.files import atomic_write, canonical_sha256, file_sha256, sha256_text
from handouts.signoff import audit

FORMAT = 1
KEEP = 20  # manifests kept besides those of site/ and site.prev/
PACKAGES = ("mkdocs", "mkdocs-material", "weasyprint", "nh3", "jinja2", "markdown", "pymdown-extensions")


def releases_dir(project) -> Path:
    return Path(project.work) / "releases"


def manifest_path(project, release: str) -> Path:
    return releases_dir(project) / f"{release}.json"


# -- the files of a release ------------------------------------------------------------


def tree(folder: Path) -> tuple[dict[str, str], list[str]]:
    """({relative path: sha256} of every regular file, [problems]). Symlinks and other
    non-regular entries are problems: a release holds plain files and folders only."""
    folder = Path(folder)
    files: dict[str, str] = {}
    problems: list[str] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        base = Path(dirpath)
        for name in sorted(dirnames):
            if (base / name).is_symlink():
                problems.append(f"{(base / name).relative_to(folder).as_posix()}: a symlink, not a folder")
        for name in filenames:
            path = base / name
            rel = path.relative_to(folder).as_posix()
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode):
                problems.append(f"{rel}: not a regular file")
                continue
            files[rel] = file_sha256(path)
    return dict(sorted(files.items())), problems


def release_id(files: dict[str, str]) -> str:
    return canonical_sha256(files)


# -- what a release is made from -------------------------------------------------------


@functools.lru_cache(maxsize=1)
def code_sha256() -> str:
    """SHA-256 of the handouts package's own files (code, templates, data)."""
    pkg = Path(__file__).resolve().parents[1]  # handouts/
    h = hashlib.sha256()
    for path in sorted(pkg.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            h.update(path.relative_to(pkg).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out


def _files_under(root: Path, folder: Path, pattern: str = "*") -> dict[str, str]:
    out = {}
    if folder.is_dir():
        for path in sorted(folder.rglob(pattern)):
            if path.is_file() and not path.name.startswith(".") and not path.name.endswith(".tmp"):
                out[path.relative_to(root).as_posix()] = file_sha256(path)
    return out


def mkdocs_config(project) -> Path:
    from handouts.publish import render  # deferred for start-up: render loads jinja2 and nh3

    own = Path(project.root) / "mkdocs.yml"
    return own if own.is_file() else render.DEFAULTS / "mkdocs.yml"


def input_fingerprint(project) -> dict:
    """Hashes of every raw input of a build: sheets, drafts, sign-off records, clinic
    settings, templates and theme, mkdocs.yml, the code and the site packages' versions.

    Not the audit log itself (a publish event changes it but not the site); the sign-off
    records, which `audit verify` checks against the log, stand for it.
    """
    root = Path(project.root)
    files: dict[str, str] = {}
    files.update(_files_under(root, Path(project.sources), "*.yaml"))
    drafts = Path(project.drafts)
    if drafts.is_dir():
        for path in sorted(drafts.glob("*.yaml")):
            if path.is_file():
                files[path.relative_to(root).as_posix()] = file_sha256(path)
    files.update(_files_under(root, Path(project.signoffs), "*.json"))
    files.update(_files_under(root, Path(project.site_config)))
    config = mkdocs_config(project)
    files["mkdocs.yml"] = file_sha256(config) if config.is_file() else ""
    body = {"files": files, "code": code_sha256(), "packages": package_versions(), "version": __version__}
    return {"sha256": canonical_sha256(body), **body}


def site_key(project, items) -> str:
    """A hash of everything the site is rendered from; equal keys render equal sites."""
    handouts = []
    for item in sorted(items, key=lambda i: i.draft.id):
        a = item.status.approval
        handouts.append({
            "id": item.draft.id, "content": item.draft.content_sha256(),
            "approval": [a.reviewer, a.credentials, a.signed_at, a.meaning] if a else None,
            "review_due": item.status.review_due.isoformat() if item.status.review_due else None,
            "review_flag": item.status.review_flag, "grade": item.grade,
        })
    root = Path(project.root)
    config = mkdocs_config(project)
    body = {
        "handouts": handouts,
        "settings": project.settings.model_dump(mode="json", include={"clinic", "site"}),
        "site_config": _files_under(root, Path(project.site_config)),
        "mkdocs.yml": file_sha256(config) if config.is_file() else "",
        "code": code_sha256(), "packages": package_versions(),
    }
    return canonical_sha256(body)


def audit_head(project) -> dict:
    """{"head": sha256 of the last complete line (GENESIS if none), "length": lines}."""
    return audit.head(project)


def valid_until(project, items, today: date | None = None) -> str | None:
    """The first day after `today` on which a published handout's review flag changes."""
    today = today or datetime.now(timezone.utc).date()
    soon = project.settings.review.due_soon_days
    days = []
    for item in items:
        due = item.status.review_due
        if due is None:
            continue
        days += [d for d in (due - timedelta(days=soon), due + timedelta(days=1)) if d > today]
    return min(days).isoformat() if days else None


# -- manifests -------------------------------------------------------------------------


def make_manifest(project, folder: Path, items, *, inputs: dict | None = None,
                  key: str | None = None) -> dict:
    """The manifest of the release in `folder`, built from `items` (the approved handouts)."""
    files, problems = tree(folder)
    if problems:
        raise PublishError(f"{Path(folder).name}: {problems[0]}")
    handouts = {}
    for item in sorted(items, key=lambda i: i.draft.id):
        a = item.status.approval
        handouts[item.draft.id] = {
            "content_sha256": item.draft.content_sha256(),
            "reviewer": f"{a.reviewer}, {a.credentials}" if a else "",
            "signed_at": a.signed_at if a else "",
            "record_sha256": a.record_sha256 if a else "",
            "review_due": item.status.review_due.isoformat() if item.status.review_due else None,
            "review_flag": item.status.review_flag,
        }
    return {
        "format": FORMAT,
        "release": release_id(files),
        "created": audit.utc_now(),
        "handouts_version": __version__,
        "files": files,
        "handouts": handouts,
        "audit": audit_head(project),
        "site_key": key if key is not None else site_key(project, items),
        "inputs": inputs if inputs is not None else input_fingerprint(project),
        "valid_until": valid_until(project, items),
    }


def save_manifest(project, manifest: dict) -> Path:
    path = manifest_path(project, manifest["release"])
    atomic_write(path, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return path


def load_manifest(project, release: str) -> dict | None:
    path = manifest_path(project, release)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("release") != release:
        return None
    if release_id(data.get("files") or {}) != release:
        return None  # an edited manifest
    return data


def check_release(project, folder: Path) -> tuple[dict | None, list[str]]:
    """(manifest, []) if `folder` is exactly a release we made; else (None, [why])."""
    folder = Path(folder)
    if not folder.is_dir() or folder.is_symlink():
        return None, [f"{folder.name}/ not found"]
    files, problems = tree(folder)
    if problems:
        return None, problems[:5]
    manifest = load_manifest(project, release_id(files))
    if manifest is not None:
        return manifest, []
    # Name what is wrong: compare with the closest manifest we have (most files in common).
    best, common = None, -1
    for path in releases_dir(project).glob("*.json") if releases_dir(project).is_dir() else []:
        other = load_manifest(project, path.stem)
        if other is None:
            continue
        n = sum(1 for k, v in other["files"].items() if files.get(k) == v)
        if n > common:
            best, common = other, n
    if best is None:
        return None, [f"{folder.name}/ has no release manifest (made before manifests, or "
                      f"{releases_dir(project).relative_to(project.root).as_posix()}/ was removed)"]
    want = best["files"]
    missing = sorted(set(want) - set(files))
    extra = sorted(set(files) - set(want))
    changed = sorted(k for k in set(want) & set(files) if want[k] != files[k])
    why = [f"{folder.name}/ does not match its release manifest: {len(files)} of {len(want)} files"]
    if missing:
        why.append(f"missing: {', '.join(missing[:5])}" + (" ..." if len(missing) > 5 else ""))
    if changed:
        why.append(f"changed: {', '.join(changed[:5])}" + (" ..." if len(changed) > 5 else ""))
    if extra:
        why.append(f"not in the release: {', '.join(extra[:5])}" + (" ..." if len(extra) > 5 else ""))
    return None, why


def live_manifest(project) -> dict | None:
    """The manifest of site/ if site/ is intact, else None."""
    manifest, problems = check_release(project, project.site_dir)
    return None if problems else manifest


def anchor_problem(project) -> str | None:
    """Is the log at least the log the live site was published from? (None if so, or if nothing is live.)

    The live release's manifest records the log's length and
    head when it was built: a log with fewer lines, or another line at that
    place, was cut or rewritten since, and would bring back what it removed.
    """
    try:
        manifest = live_manifest(project)
    except (OSError, ValueError):
        return None
    anchor = (manifest or {}).get("audit") or {}
    length, head = anchor.get("length"), anchor.get("head")
    if not isinstance(length, int) or not isinstance(head, str):
        return None
    lines = audit.read_lines(project)
    if len(lines) < length:
        return (f"{audit.LOG_NAME}: has {len(lines)} lines, but the live site was published from a log of {length} "
                f"lines; the log was cut: restore it (e.g. `git checkout signoffs/`)")
    if length and sha256_text(lines[length - 1]) != head:
        return (f"{audit.LOG_NAME}:{length}: is not the line the live site was published from (head {head[:12]}); "
                f"the log was rewritten or replaced: restore it (e.g. `git checkout signoffs/`)")
    return None


def prune(project, protect: set[str], keep: int = KEEP) -> None:
    """Remove old manifests, never those named in `protect` (site/ and site.prev/)."""
    folder = releases_dir(project)
    if not folder.is_dir():
        return
    paths = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in paths[keep:]:
        if old.stem not in protect:
            old.unlink(missing_ok=True)


__all__ = ["tree", "release_id", "input_fingerprint", "site_key", "audit_head", "make_manifest",
           "save_manifest", "load_manifest", "check_release", "live_manifest", "anchor_problem", "prune",
           "releases_dir"]
