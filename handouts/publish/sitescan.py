"""Scan a built site before it goes live: what a browser could run or fetch.

Pure checks over a folder; each returns a list of one-line problems, empty when clean.

- no `on*` event-handler attribute anywhere (pages, SVG, the search index);
- links use only http, https, mailto or tel, or are relative;
- no asset (script, stylesheet, image, frame, font) comes from another host;
- scripts are only the theme's own: each .js file is byte-identical to one that
  Material ships, and each inline script matches one of Material's templates;
- no <iframe>, <object>, <embed>, <base>, refresh or form that posts elsewhere.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import material

from handouts.core.memo import key as memo_key

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_URL_ATTRS = {"href", "src", "action", "formaction", "poster", "xlink:href", "data", "cite",
              "background", "srcset", "ping", "manifest", "codebase"}
_ASSET_TAGS = {"script", "link", "img", "iframe", "source", "video", "audio", "embed",
               "object", "track", "image", "use", "input"}
_FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "portal"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_STRIP = re.compile(r"[\x00-\x20\x7f\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*([a-z][a-z0-9+.\-]*):""", re.I)

THEME_DIR = Path(material.__file__).parent / "templates"


def url_scheme(value: str) -> str:
    """The scheme a browser would see (it drops whitespace and controls), or '' if relative."""
    m = _SCHEME.match(_STRIP.sub("", value).lower())
    return m.group(1) if m else ""


@functools.lru_cache(maxsize=1)
def theme_inline_scripts() -> tuple[re.Pattern, ...]:
    """Material's own inline scripts, as patterns (template expressions become wildcards)."""
    patterns = []
    for tpl in THEME_DIR.rglob("*.html"):
        for body in re.findall(r"<script>(.*?)</script>", tpl.read_text(encoding="utf-8"), re.S):
            if "{%" in body:
                continue
            parts = re.split(r"\{\{.*?\}\}", body)
            patterns.append(re.compile("[^\"'<>]*".join(re.escape(p) for p in parts)))
    return tuple(patterns)


@functools.lru_cache(maxsize=1)
def theme_script_files() -> dict[str, bytes]:
    """Relative path -> bytes of every script Material ships."""
    assets = THEME_DIR / "assets"
    return {p.relative_to(THEME_DIR).as_posix(): p.read_bytes() for p in assets.rglob("*.js")}


class _Scanner(HTMLParser):
    def __init__(self, where: str, allow_theme_scripts: bool):
        super().__init__(convert_charrefs=True)
        self.where = where
        self.allow = allow_theme_scripts
        self.problems: list[str] = []
        self._script: dict | None = None
        self._script_body: list[str] = []

    def _bad(self, msg: str) -> None:
        self.problems.append(f"{self.where}: {msg}")

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)
        if tag == "script":
            self._script = None

    @staticmethod
    def _is_asset(tag: str, name: str, a: dict) -> bool:
        """True when the browser fetches this URL by itself (not a link to follow)."""
        if tag == "link":
            return not set(a.get("rel", "").lower().split()) <= {"canonical", "alternate", "prev", "next"}
        return tag in _ASSET_TAGS or name not in ("href", "cite")

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        for name, value in a.items():
            if name.startswith("on"):
                self._bad(f"<{tag}> has an event-handler attribute {name}=")
            if name in _URL_ATTRS or name.endswith(":href"):
                values = [v.strip().split()[0] for v in value.split(",") if v.strip()] if name == "srcset" else [value]
                for v in values:
                    scheme = url_scheme(v)
                    if scheme and scheme not in SAFE_SCHEMES:
                        self._bad(f"<{tag} {name}=...> uses a {scheme}: URL")
                    elif scheme in ("http", "https") and self._is_asset(tag, name, a):
                        self._bad(f"<{tag} {name}={v!r}> loads an asset from another host")
            if name == "style" and _CSS_URL.search(value):
                self._bad(f"<{tag} style=...> loads a URL")
        if tag in _FORBIDDEN_TAGS:
            self._bad(f"<{tag}> is not allowed")
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self._bad("<meta http-equiv=refresh> is not allowed")
        if tag == "form" and a.get("action"):
            self._bad("<form action=...> is not allowed")
        if tag == "script":
            if not self.allow:
                self._bad("<script> is not allowed here")
            self._script = a
            self._script_body = []

    def handle_data(self, data):
        if self._script is not None:
            self._script_body.append(data)

    def handle_endtag(self, tag):
        if tag != "script" or self._script is None:
            return
        attrs, body = self._script, "".join(self._script_body)
        self._script = None
        if not self.allow:
            return
        src = attrs.get("src")
        if src:
            if url_scheme(src):
                self._bad(f"<script src={src!r}> is not one of the theme's scripts")
            else:
                self.scripts.append(src)
        elif attrs.get("type") == "application/json":
            try:
                json.loads(body)
            except ValueError:
                self._bad("<script type=application/json> does not hold JSON")
        elif not any(p.fullmatch(body) for p in theme_inline_scripts()):
            self._bad(f"inline <script> is not one of the theme's own: {body[:60]!r}")

    scripts: list[str]

    def feed_all(self, text: str) -> list[str]:
        self.scripts = []
        self.feed(text)
        self.close()
        return self.problems


def scan_html(text: str, where: str, *, allow_theme_scripts: bool = True) -> tuple[list[str], list[str]]:
    """Problems in one HTML (or SVG) document, and the script src values it uses."""
    s = _Scanner(where, allow_theme_scripts)
    problems = s.feed_all(text)
    return problems, s.scripts


def scan_search_index(path: Path, where: str) -> list[str]:
    """The search index holds HTML snippets that the theme renders: scan each one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        return [f"{where}: not valid JSON ({exc})"]
    problems = []
    for i, doc in enumerate(data.get("docs", [])):
        for key in ("location", "title", "text"):
            value = str(doc.get(key, ""))
            found, _ = scan_html(value, f"{where}: docs[{i}].{key}", allow_theme_scripts=False)
            problems += found
        scheme = url_scheme(str(doc.get("location", "")))
        if scheme:
            problems.append(f"{where}: docs[{i}].location is not a relative URL")
    return problems


def _scan_remembered(text: str, rel: str, allow: bool, memo) -> tuple[list[str], list[str]]:
    """scan_html, memoised (handouts.core.memo, kind "scan") for pages found clean: a rebuild
    scans only the pages whose bytes changed."""
    if memo is None:
        return scan_html(text, rel, allow_theme_scripts=allow)
    k = memo_key("scan", rel, allow, hashlib.sha256(text.encode("utf-8")).hexdigest())
    hit = memo.get("scan", k)
    if hit is not None:
        return [], hit
    found, scripts = scan_html(text, rel, allow_theme_scripts=allow)
    if not found:
        memo.put("scan", k, scripts)
    return found, scripts


def scan_site(site: Path, base_path: str = "/", *, memo=None) -> list[str]:
    """Every problem in a built site, one line each.

    `base_path` is the path part of the site URL (404.html uses absolute paths).
    With `memo` (handouts.core.memo.Memo), a page this scanner found clean before, byte
    for byte, is not parsed again; where its scripts point is still checked.
    """
    site = Path(site)
    problems: list[str] = []
    theme_js = theme_script_files()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        suffix = path.suffix.lower()
        if suffix in (".html", ".htm", ".svg", ".xml"):
            text = path.read_text(encoding="utf-8", errors="replace")
            found, scripts = _scan_remembered(text, rel, suffix in (".html", ".htm"), memo)
            problems += found
            for src in scripts:
                clean = src.split("?")[0].split("#")[0]
                if clean.startswith("/"):
                    clean = clean[len(base_path):] if clean.startswith(base_path) else clean
                    target = (site / clean.lstrip("/")).resolve()
                else:
                    target = (path.parent / clean).resolve()
                try:
                    key = target.relative_to(site.resolve()).as_posix()
                except ValueError:
                    key = ""
                if key not in theme_js:
                    problems.append(f"{rel}: <script src={src!r}> is not one of the theme's scripts")
        elif suffix == ".js":
            if theme_js.get(rel) != path.read_bytes():
                problems.append(f"{rel}: script is not one of the theme's own files")
        elif suffix == ".json" and rel.endswith("search_index.json"):
            problems += scan_search_index(path, rel)
        elif suffix == ".css":
            for m in _CSS_URL.finditer(path.read_text(encoding="utf-8", errors="replace")):
                if m.group(1).lower() != "data":
                    problems.append(f"{rel}: stylesheet loads a {m.group(1)}: URL")
    return problems
