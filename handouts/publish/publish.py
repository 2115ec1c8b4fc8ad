"""Publish approved handouts: generate the docs folder, build, verify, swap atomically.

    publish(project, items)
      1. render every approved draft into a fresh docs folder (.handouts/docs.new-*),
         with its PDF, the index page and the clinic's assets;
      2. `mkdocs build --strict` (in-process) into a fresh folder beside site/ (site.new-*);
      3. verify it: the page set equals the approved set, and the sanitiser scan
         (handouts.publish.sitescan) finds no script, handler, unsafe link or remote asset;
      4. write its release manifest (handouts.publish.releases: every file's SHA-256, each
         handout's approved content hash, the audit log head), then swap it in with one
         atomic rename (Linux renameat2 RENAME_EXCHANGE), keeping the previous release
         as site.prev/ for `handouts publish --rollback`.

A build that would render exactly the live release (same site key, site/ intact)
changes nothing: site.prev/ is not rotated. Any failure raises PublishError with one
clean line; site/ is then untouched. A build killed midway leaves only site.new-* /
site.old-* folders, removed by the next publish; site.prev/ is replaced by renames
only, so it is always a whole release or absent. Rollback installs site.prev/ only
if its files are exactly those of a release manifest.
"""

from __future__ import annotations

import ctypes
import errno
import json
import logging
import os
import re
import shutil
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from handouts.core import memo
from handouts.core.drafts import Draft
from handouts.core.exceptions import InputError, PublishError
from handouts.core.files import atomic_write
from handouts.core.text import is_slug
from handouts.core.yamlsafe import read_limited
from handouts.publish import pdf as pdfs
from handouts.publish import releases
from handouts.publish import render as rendering
from handouts.publish.render import branding
from handouts.publish.sitescan import scan_site
from handouts.signoff.signoff import HandoutStatus
from handouts.sources.config import SITE_URL, Project

SHIM_NAME = "mkdocs_hooks.py"
SHIM = ('"""Written by `handouts build`: the mkdocs hook shipped with the handouts package."""\n'
        "from handouts.publish.mkdocs_hooks import on_config  # noqa: F401\n")


RESERVED_IDS = frozenset({"index", "assets", "search", "404", "sitemap", "pdf"})
_STAGING = re.compile(r"^(?:site|docs)\.(?:new|old)-\d+-(\d+)$")


@dataclass(frozen=True)
class PublishItem:
    draft: Draft  # content to publish (Draft.content() is exactly what was signed)
    status: HandoutStatus  # approval, review_due, review_flag
    grade: dict  # {"fk": float, "smog": float}


def previous_dir(project: Project) -> Path:
    return project.root / "site.prev"


def docs_dir(project: Project) -> Path:
    """The generated mkdocs docs folder that `mkdocs serve` previews (see mkdocs.yml)."""
    return project.work / "docs"


def write_shim(work: Path) -> Path:
    """The hook file a clinic's mkdocs.yml names (.handouts/mkdocs_hooks.py)."""
    work.mkdir(parents=True, exist_ok=True)
    path = work / SHIM_NAME
    if not path.is_file() or path.read_text(encoding="utf-8") != SHIM:
        path.write_text(SHIM, encoding="utf-8")
    return path


def publish(project: Project, items: list[PublishItem], *, inputs: dict | None = None) -> Path:
    """Build the site from `items` (approved handouts only) and swap it in. Returns site/.

    `inputs` (releases.input_fingerprint) is recorded in the release manifest.
    """
    _check_items(items)
    check_site_url(project.settings.site.url)
    overrides = branding(project.settings, project.root)
    hook = write_shim(project.work)  # the hook a clinic's mkdocs.yml names, for `mkdocs serve`
    config_file = releases.mkdocs_config(project)  # the project's own, else the package's default
    if config_file != project.root / "mkdocs.yml":
        overrides["hooks"] = [str(hook)]
    _remove_stale_staging(project)

    key = releases.site_key(project, items)
    live = releases.live_manifest(project)
    if live is not None and live.get("site_key") == key:
        # Nothing the pages are made from changed: keep site/ and site.prev/ as they are.
        releases.save_manifest(project, releases.make_manifest(project, project.site_dir, items,
                                                               inputs=inputs, key=key))
        return project.site_dir

    stamp = f"{time.time_ns()}-{os.getpid()}"
    new_docs = project.work / f"docs.new-{stamp}"
    new_site = project.root / f"site.new-{stamp}"
    try:
        used_pdfs = write_docs(project, items, new_docs)
        build(config_file, new_docs, new_site, overrides=overrides)
        if not project.settings.site.base_url():  # a preview: no sitemap without absolute URLs
            for name in ("sitemap.xml", "sitemap.xml.gz"):
                (new_site / name).unlink(missing_ok=True)
        problems = verify(new_site, items, project.settings.site.base_url() or "/", memo=memo.for_project(project))
        if problems:
            shown = "\n  ".join(problems[:20])
            more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
            raise PublishError(f"the new site failed verification; site/ is unchanged:\n  {shown}{more}")
        manifest = releases.make_manifest(project, new_site, items, inputs=inputs, key=key)
        releases.save_manifest(project, manifest)  # before the swap: every live release has one
        live_files, odd = releases.tree(project.site_dir) if project.site_dir.is_dir() else ({}, ["none"])
        if not odd and releases.release_id(live_files) == manifest["release"]:
            shutil.rmtree(new_site)  # byte for byte the live release: no rotation
        else:
            _install(new_site, project.site_dir, previous_dir(project), stamp)
        _install(new_docs, docs_dir(project), None, stamp)
        _prune_pdf_cache(project, used_pdfs)
        prev, _ = releases.check_release(project, previous_dir(project))
        releases.prune(project, {manifest["release"]} | ({prev["release"]} if prev else set()))
    finally:
        for leftover in (new_site, new_docs):
            if leftover.exists():
                shutil.rmtree(leftover, ignore_errors=True)
    return project.site_dir


def check_site_url(url: str) -> None:
    """site.url, when set, must be an http(s) URL: it goes into links, the sitemap and QR codes."""
    if url and not SITE_URL.match(url):  # empty: a preview build
        raise InputError([f"site_config/clinic.yaml: site.url: expected an http(s) URL such as "
                          f"https://clinic.example.org/handouts/, got {url!r}"])


def rollback(project: Project, allow=None) -> dict:
    """Restore the previous release (site.prev/); the current one becomes site.prev/.

    site.prev/ is installed only if its files are exactly those of a release manifest
    (never a partial or altered folder); `allow(manifest)` may refuse it by raising.
    Returns the manifest of the release now live.
    """
    prev, site = previous_dir(project), project.site_dir
    if not prev.is_dir():
        raise PublishError("no previous release to roll back to (site.prev/ not found)")
    manifest, problems = releases.check_release(project, prev)
    if problems:
        raise PublishError("site.prev/ is not a complete release; nothing was changed. "
                           "Run `handouts build` instead.\n  " + "\n  ".join(problems))
    if allow is not None:
        allow(manifest)
    if site.exists():
        exchange(prev, site)
    else:
        os.rename(prev, site)
    return manifest


# -- 1. the docs folder ----------------------------------------------------------

def _check_items(items: list[PublishItem]) -> None:
    seen: set[str] = set()
    for item in items:
        hid = item.draft.id
        if not is_slug(hid) or hid in RESERVED_IDS:
            raise PublishError(f"{hid!r}: not a usable page name; use a lowercase slug other than "
                               f"{', '.join(sorted(RESERVED_IDS))}")
        if hid in seen:
            raise PublishError(f"{hid}: listed twice")
        seen.add(hid)
        if not item.status.is_publishable() or item.status.approval is None:
            raise PublishError(f"{hid}: not approved; only approved handouts are published")
        if item.status.approval.content_sha256 != item.draft.content_sha256():
            raise PublishError(f"{hid}: the draft differs from the approved content; it needs a new approval")


def pdf_cache(project: Project) -> Path:
    """Rendered PDFs by the hash of all their inputs (disposable)."""
    return project.work / "pdf-cache"


def _prune_pdf_cache(project: Project, used: set[str] = frozenset(), keep: int = 50) -> None:
    """Keep every PDF the live site uses (`used`: cache file names) and the `keep` most
    recent others (for a quick rollback); a library of any size re-renders none."""
    files = sorted((p for p in pdf_cache(project).glob("*.pdf") if p.name not in used),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        old.unlink(missing_ok=True)


def write_docs(project: Project, items: list[PublishItem], docs: Path) -> set[str]:
    """Render every page, PDF and asset into `docs` (which must not exist yet).
    Returns the names of the PDF cache files the pages use."""
    settings = project.settings
    env = rendering.environment(project)
    clinic = rendering.clinic_context(settings.clinic)
    docs.mkdir(parents=True)
    assets = docs / "assets"
    assets.mkdir()

    logo = None
    if settings.clinic.logo:
        logo, data = read_logo(project)
        (assets / logo.name).write_bytes(data)  # the checked bytes, never a file a symlink points at
    css = rendering.site_file(project, "assets/handouts.css")
    if css is None:
        raise PublishError("site_config/assets/handouts.css: not found")
    shutil.copyfile(css, assets / "handouts.css")
    (assets / "clinic.css").write_text(rendering.palette(settings.clinic.primary_color).css(), encoding="utf-8")
    pdf_css_path = rendering.site_file(project, "templates/pdf.css")
    pdf_css = pdf_css_path.read_text(encoding="utf-8") if pdf_css_path else ""

    (docs / "robots.txt").write_text(robots_txt(settings.site), encoding="utf-8")
    qr_base = settings.site.base_url() if settings.site.is_public() else ""  # no QR code to localhost
    entries, jobs, pdf_names = [], [], {}
    for item in items:
        h = rendering.handout_context(item)
        web = rendering.handout_fragment(env, clinic, h, for_print=False)
        page = rendering.markdown_page(env, "page.md.j2", h["title"], web)
        (docs / f"{h['id']}.md").write_text(page, encoding="utf-8")
        printed = rendering.handout_fragment(env, clinic, h, for_print=True)
        jobs.append(pdfs.prepare(env, clinic=clinic, handout=h, body_html=printed,
                                 paper=settings.site.paper, site_url=qr_base,
                                 logo=logo, css=pdf_css))
        pdf_names[h["id"]] = h["pdf_name"]
        entries.append({"id": h["id"], "title": h["title"], "also_called": h["also_called"]})
    # only PDFs whose inputs changed are rendered, in parallel worker processes
    used = set()
    for hid, got in pdfs.render_all(jobs, pdf_cache(project)).items():
        (docs / hid).mkdir()
        _place(got, docs / hid / pdf_names[hid])
        if isinstance(got, Path):
            used.add(got.name)

    groups: dict[str, list[dict]] = {}
    for e in sorted(entries, key=lambda e: e["title"].casefold()):
        first = e["title"][:1].upper()
        groups.setdefault(first if first.isalpha() else "#", []).append(e)
    index = rendering.sanitize(rendering.render(env, "index.html.j2", clinic=clinic, groups=list(groups.items())))
    (docs / "index.md").write_text(
        rendering.markdown_page(env, "page.md.j2", "Patient handouts", index), encoding="utf-8")
    return used


def robots_txt(site) -> str:
    """robots.txt: every page may be indexed; the sitemap's public address, once site.url is set."""
    lines = ["User-agent: *", "Allow: /"]
    if site.base_url():
        lines.append(f"Sitemap: {site.base_url()}sitemap.xml")
    return "\n".join(lines) + "\n"


def _place(pdf: Path | bytes, dest: Path) -> None:
    """Put a PDF into the docs folder: a cached one as a hard link (no copy) where possible."""
    if isinstance(pdf, bytes):
        dest.write_bytes(pdf)
        return
    try:
        os.link(pdf, dest)
    except OSError:
        shutil.copyfile(pdf, dest)


LOGO_TYPES = (".svg", ".png", ".jpg", ".jpeg")
MAX_LOGO_BYTES = 2_000_000
# Nothing in a logo may run, load or animate: these SVG elements are refused outright.
_SVG_REFUSED = {"script", "style", "foreignobject", "animate", "animatemotion", "animatetransform",
                "animatecolor", "set", "discard", "handler", "listener", "iframe", "embed", "object",
                "audio", "video", "a", "image", "use", "feimage"}


def read_logo(project: Project) -> tuple[Path, bytes]:
    """(path, bytes) of clinic.logo: a regular SVG, PNG or JPEG file inside site_config/.

    Refused with one clean line: a path (absolute or with ..), a symlink leading out
    of the project (e.g. to /etc/passwd), anything but a regular file, an oversize
    file, and an SVG that could run or load anything (see svg_problems).
    """
    name = project.settings.clinic.logo
    where = "site_config/clinic.yaml: clinic.logo"
    rel = Path(name)
    if rel.is_absolute() or ".." in rel.parts or name != rel.as_posix():
        raise PublishError(f"{where}: give the name of a file in site_config/ (e.g. logo.svg), not a path: {name!r}")
    path = project.site_config / rel
    if path.suffix.lower() not in LOGO_TYPES:
        raise PublishError(f"{where}: {name} is not an SVG, PNG or JPEG file in site_config/")
    try:
        data = read_limited(path, f"site_config/{name}", MAX_LOGO_BYTES, root=project.root)
    except FileNotFoundError:
        raise PublishError(f"{where}: {name} is not an SVG, PNG or JPEG file in site_config/") from None
    except InputError as exc:
        raise PublishError(f"{where}: {exc.problems[0]}") from None
    if path.suffix.lower() == ".svg":
        problems = svg_problems(data)
        if problems:
            raise PublishError(f"site_config/{name}: the logo was refused; nothing was published:\n  "
                               + "\n  ".join(problems))
    return path, data


def svg_problems(data: bytes) -> list[str]:
    """Why an SVG may not be a logo ([] if it may): anything that runs, loads or animates."""
    text = data.decode("utf-8", errors="replace")
    low = text.lower()
    problems = []
    if "<!doctype" in low or "<!entity" in low:
        problems.append("a DOCTYPE or ENTITY declaration is not allowed")
    if "<?xml-stylesheet" in low:
        problems.append("an xml-stylesheet instruction is not allowed")
    if problems:
        return problems
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return [f"not well-formed XML ({exc})"]
    if root.tag.rsplit("}", 1)[-1] != "svg":
        return ["the file is not an <svg> image"]
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.rsplit("}", 1)[-1]
        if tag.lower() in _SVG_REFUSED:
            problems.append(f"<{tag}> is not allowed in a logo (it can run script, load or animate content)")
        for attr, value in el.attrib.items():
            name = attr.rsplit("}", 1)[-1].lower()
            v = " ".join(value.split()).lower()
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=...>: event attributes are not allowed")
            elif name == "href" and not v.startswith("#"):
                problems.append(f"<{tag} href={value[:60]!r}>: links out of the image are not allowed")
            elif "javascript:" in v or "@import" in v or "expression(" in v or (
                    "url(" in v and "url(#" not in v.replace("url( #", "url(#")):
                problems.append(f"<{tag} {name}={value[:60]!r}>: scripts and external resources are not allowed")
    return sorted(set(problems))


# -- 2. the build ----------------------------------------------------------------

class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage().splitlines()[0] if record.getMessage() else "")


def build(config_file: Path, docs: Path, site: Path, overrides: dict | None = None) -> None:
    """`mkdocs build --strict` of `docs` into `site`, in-process, quietly."""
    # deferred: mkdocs is imported only when a site is built (not by a no-change build)
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    saved = logger.propagate, logger.level, list(logger.handlers)
    for h in saved[2]:
        logger.removeHandler(h)
    logger.addHandler(collect)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        config = load_config(config_file=str(config_file), docs_dir=str(docs), site_dir=str(site),
                             strict=True, **(overrides or {}))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
    except (MkDocsException, SystemExit) as exc:
        detail = "; ".join(m for m in collect.messages if m) or str(exc)
        raise PublishError(f"mkdocs build --strict failed; site/ is unchanged: {detail}") from exc
    except PublishError:
        raise
    except Exception as exc:
        raise PublishError(f"mkdocs build failed; site/ is unchanged: {type(exc).__name__}: {exc}") from exc
    finally:
        logger.removeHandler(collect)
        logger.propagate, logger.level = saved[0], saved[1]
        for h in saved[2]:
            logger.addHandler(h)


# -- 3. verification -------------------------------------------------------------

def expected_pages(items: list[PublishItem]) -> set[str]:
    return {"index.html", "404.html"} | {f"{i.draft.id}/index.html" for i in items}


def verify(site: Path, items: list[PublishItem], site_url: str = "/", *, memo=None) -> list[str]:
    """Every reason not to serve `site`, one line each (empty: serve it).

    `memo` (handouts.core.memo.Memo): pages found clean before, byte for byte, are not scanned again."""
    base_path = urlsplit(site_url).path or "/"
    base_path = base_path if base_path.endswith("/") else base_path + "/"

    problems = []
    ids = {i.draft.id for i in items}
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    want = expected_pages(items)
    if pages != want:
        if want - pages:
            problems.append(f"pages missing: {', '.join(sorted(want - pages))}")
        if pages - want:
            problems.append(f"pages not approved for publication: {', '.join(sorted(pages - want))}")
    pdfs = {p.relative_to(site).as_posix() for p in site.rglob("*.pdf")}
    want_pdfs = {f"{i}/{i}.pdf" for i in ids}
    if pdfs != want_pdfs:
        problems.append(f"PDFs differ from the approved set: have {sorted(pdfs)}, want {sorted(want_pdfs)}")
    problems += _check_sitemap(site, ids, site_url)
    problems += _check_search_locations(site, ids)
    problems += scan_site(site, base_path, memo=memo)
    return problems


def _page_of(location: str) -> str:
    path = location.split("#")[0].strip("/")
    return path.split("/")[-1] if path else ""


def _check_sitemap(site: Path, ids: set[str], site_url: str) -> list[str]:
    path = site / "sitemap.xml"
    if not path.exists():
        return []
    try:
        locs = [el.text or "" for el in ET.parse(path).getroot().iter() if el.tag.endswith("loc")]
    except ET.ParseError as exc:
        return [f"sitemap.xml: not valid XML ({exc})"]
    base = site_url if site_url.endswith("/") else site_url + "/"
    extra = sorted({_page_of(u[len(base):] if u.startswith(base) else u) for u in locs} - ids - {""})
    return [f"sitemap.xml lists pages not approved for publication: {', '.join(extra)}"] if extra else []


def _check_search_locations(site: Path, ids: set[str]) -> list[str]:
    path = site / "search" / "search_index.json"
    if not path.exists():
        return ["search/search_index.json: missing (offline search needs it)"]
    try:
        docs = json.loads(path.read_text(encoding="utf-8")).get("docs", [])
    except ValueError:
        return []  # reported by the scan
    extra = sorted({_page_of(str(d.get("location", ""))) for d in docs} - ids - {""})
    return [f"search index has pages not approved for publication: {', '.join(extra)}"] if extra else []


# -- 4. the swap -----------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> None:
    """Swap two paths atomically (renameat2 RENAME_EXCHANGE); a rename pair where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            raise PublishError(f"could not swap {Path(a).name} and {Path(b).name}: {os.strerror(err)}")
    tmp = Path(b).with_name(Path(b).name + ".swap")
    os.rename(b, tmp)
    os.rename(a, b)
    os.rename(tmp, a)


def _install(new: Path, live: Path, keep_as: Path | None, stamp: str) -> None:
    """Make `new` the live folder; the old live folder becomes `keep_as` (or is removed).

    Only renames change what `live` and `keep_as` name; the folder being deleted is
    first renamed to LIVE.old-STAMP, so a kill while it is deleted never leaves a
    half-deleted `keep_as` (the next publish removes the .old- folder).
    """
    if not live.exists():
        os.rename(new, live)
        return
    exchange(new, live)  # now `new` holds the old release
    trash = live.with_name(f"{live.name}.old-{stamp}")
    if keep_as is None:
        os.rename(new, trash)
    else:
        if keep_as.exists():
            os.rename(keep_as, trash)
        os.rename(new, keep_as)
    if trash.exists():
        shutil.rmtree(trash)


def _remove_stale_staging(project: Project) -> None:
    """Remove site.new-*, site.old-* and docs.* staging folders left by a build that was killed."""
    for folder in (project.root, project.work):
        for path in folder.glob("*.*-*"):
            m = _STAGING.match(path.name)
            if not m or not path.is_dir():
                continue
            pid = int(m.group(1))
            if pid != os.getpid() and _alive(pid):
                continue
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


__all__ = ["PublishItem", "publish", "rollback", "verify", "write_docs", "build", "exchange",
           "atomic_write"]
