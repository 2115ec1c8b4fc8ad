"""Render approved drafts into the mkdocs docs folder: plain text in, safe HTML out.

Everything that comes from a sheet, the model or clinic.yaml is PLAIN TEXT. It
reaches a page only through a Jinja2 environment with autoescape on, and the
HTML fragment it produces is then passed through nh3 with a small allowlist.
Each page is a front-matter title plus one raw HTML block; the Markdown
pipeline has no extension that could re-interpret it (no md_in_html,
attr_list or snippets), and every piece of markup in it is ours.

The default templates ship with the package (`handouts/defaults/templates/`); a
clinic overrides any of them, file by file, with its own `site_config/templates/`:

- `handout.html.j2`: the handout itself (shared by the web page and the PDF)
- `page.md.j2`:      the mkdocs page around it (front matter + the HTML block)
- `index.html.j2`:   the index page
- `handout_pdf.html.j2` and `pdf.css`: the printed handout
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2
import markupsafe
import nh3

from handouts.core.drafts import as_prose, list_parts
from handouts.core.exceptions import PublishError
from handouts.sources.config import Clinic, Project

# Invisible characters that can hide or split text (zero-width, bidi controls, BOM).
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# What survives nh3 in the fragments we generate: our own markup, nothing else.
_TAGS = {
    "a", "abbr", "article", "aside", "br", "dd", "div", "dl", "dt", "em", "footer",
    "h1", "h2", "h3", "h4", "header", "li", "ol", "p", "section", "small", "span",
    "strong", "time", "ul", "wbr",
}
_ATTRIBUTES = {
    "*": {"class", "id", "lang"},
    "a": {"href", "download", "type"},
    "section": {"aria-labelledby", "aria-label"},
    "aside": {"aria-labelledby", "aria-label"},
    "article": {"aria-labelledby"},
    "time": {"datetime"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def plain(text: object) -> str:
    """Plain text for display: NFC, no invisible or control characters, single spaces."""
    s = unicodedata.normalize("NFC", str(text))
    s = _INVISIBLE.sub("", s)
    s = _CONTROL.sub(" ", s)
    return " ".join(s.split())


class Point(str):
    """One point of a handout as display text. Its string value is the whole text on one
    line (a list read as a sentence, so a template that prints `{{ t }}` still shows
    every word); `lead` and `items` give a list's parts, for templates that show bullets."""

    lead: str
    items: tuple[str, ...]


def point(text: str) -> Point:
    """A fact's text for a template (see `Point` and handouts.core.drafts.list_parts)."""
    parts = list_parts(text)
    p = Point(plain(as_prose(text)))
    p.lead = plain(f"{parts.before} {parts.lead}") if parts else str(p)
    p.items = tuple(x for x in (plain(i) for i in parts.items) if x) if parts else ()
    return p


def sanitize(fragment: str) -> str:
    """nh3 with our allowlist: no scripts, no event handlers, only safe URL schemes."""
    return nh3.clean(
        fragment,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def nav_title(text: str) -> str:
    """A page title safe in every place the theme prints it unescaped (nav, <title>, attributes).

    mkdocs' Jinja2 environment has no autoescape, and the theme runs some titles
    through `striptags`, which unescapes entities. So angle brackets become
    look-alike guillemets before escaping, and the result is HTML-escaped text.
    """
    t = plain(text).replace("<", "\u2039").replace(">", "\u203a")
    return html.escape(t, quote=True)


# -- colours --------------------------------------------------------------------

def _luminance(hex_color: str) -> float:
    rgb = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _darken(hex_color: str, factor: float) -> str:
    return "#" + "".join(f"{round(int(hex_color[i:i + 2], 16) * factor):02x}" for i in (1, 3, 5))


@dataclass(frozen=True)
class Palette:
    primary: str  # header and callout background
    on_primary: str  # text on the primary colour (white or near-black, whichever passes)
    link: str  # link colour on white: the primary, darkened until it reaches 4.5:1

    def css(self) -> str:
        return (
            "/* Generated from site_config/clinic.yaml (clinic.primary_color). Do not edit. */\n"
            ":root > * {\n"
            f"  --md-primary-fg-color: {self.primary};\n"
            f"  --md-primary-fg-color--light: {self.primary};\n"
            f"  --md-primary-fg-color--dark: {self.link};\n"
            f"  --md-primary-bg-color: {self.on_primary};\n"
            f"  --md-primary-bg-color--light: {self.on_primary};\n"
            f"  --md-accent-fg-color: {self.link};\n"
            f"  --md-typeset-a-color: {self.link};\n"
            f"  --handout-primary: {self.primary};\n"
            f"  --handout-on-primary: {self.on_primary};\n"
            f"  --handout-link: {self.link};\n"
            "}\n"
        )


WHITE, INK = "#ffffff", "#1a1a1a"
AA = 4.5


def palette(primary_color: str) -> Palette:
    """Clinic colours that meet WCAG 2.1 AA (4.5:1) for normal text."""
    primary = primary_color.lower()
    on = WHITE if contrast(primary, WHITE) >= contrast(primary, INK) else INK
    link = primary
    for _ in range(60):
        if contrast(link, WHITE) >= AA:
            break
        link = _darken(link, 0.92)
    return Palette(primary=primary, on_primary=on, link=link)


# -- templates ------------------------------------------------------------------

# The package's defaults (templates, theme overrides, CSS, mkdocs.yml), shipped as
# package data: a project falls back on them, file by file, where its own
# site_config/ does not provide one.
DEFAULTS = Path(__file__).resolve().parents[1] / "defaults"


def site_file(project: Project, relative: str) -> Path | None:
    """site_config/RELATIVE from the project, else the package's default, else None."""
    for base in (project.site_config, DEFAULTS):
        if (base / relative).is_file():
            return base / relative
    return None


def environment(project: Project) -> jinja2.Environment:
    folders = [str(base / "templates") for base in (project.site_config, DEFAULTS)
               if (base / "templates").is_dir()]
    if not folders:
        raise PublishError(f"site_config/templates/: folder not found in {project.root}")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=True,  # every template, whatever its name: all our inputs are plain text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["plain"] = plain
    env.filters["breakable_urls"] = breakable_urls
    env.filters["tel"] = lambda s: "tel:" + re.sub(r"[^0-9+]", "", str(s))
    env.filters["longdate"] = lambda d: f"{d:%B} {d.day}, {d.year}" if d else ""
    return env


_URL_IN_TEXT = re.compile(r"https?://\S+")
_URL_PIECE = re.compile(r"[^/.?&=#_:-]+[/.?&=#_:-]*|[/.?&=#_:-]+")


def breakable_urls(text: str) -> markupsafe.Markup:
    """Escaped text whose URLs may wrap after a `/`, `.`, `-` and the like (a <wbr> each),
    so a long address wraps cleanly on a phone ("diseases/" | "acne") and never inside a word."""
    out, pos = [], 0
    for m in _URL_IN_TEXT.finditer(text):
        out.append(markupsafe.escape(text[pos:m.start()]))
        out.append(markupsafe.Markup("<wbr>").join(markupsafe.escape(p) for p in _URL_PIECE.findall(m.group(0))))
        pos = m.end()
    out.append(markupsafe.escape(text[pos:]))
    return markupsafe.Markup("").join(out)


def render(env: jinja2.Environment, name: str, **context) -> str:
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise PublishError(f"site_config/templates/{exc.name}: template not found")
    except jinja2.TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f"site_config/templates/{name}" + (f":{line}" if line else "")
        raise PublishError(f"{where}: {exc.message if hasattr(exc, 'message') else exc}")


def clinic_context(clinic: Clinic) -> dict:
    """The clinic, as plain text, for templates (which escape it)."""
    return {
        "name": plain(clinic.name),
        "phone": plain(clinic.phone),
        "address": plain(clinic.address),
        "hours": plain(clinic.hours),
        "disclaimer": plain(clinic.disclaimer),
        "logo": Path(clinic.logo).name if clinic.logo else "",
        "logo_alt": f"{plain(clinic.name)} logo",
    }


def handout_context(item, today: date | None = None) -> dict:
    """Everything the handout template needs, as plain text."""
    draft, status, grade = item.draft, item.status, item.grade
    content = draft.content()
    approval = status.approval
    sections = [
        {"key": s["key"], "heading": plain(s["heading"]), "texts": [point(t) for t in s["texts"] if plain(t)],
         "anchor": re.sub(r"[^a-z0-9]+", "-", s["key"].lower()).strip("-") or "section"}
        for s in content["sections"]
    ]
    return {
        "id": draft.id,
        "title": plain(content["title"]),
        "also_called": [plain(a) for a in content["also_called"] if plain(a)],
        "summary": plain(as_prose(content["summary"])),
        "sections": [s for s in sections if s["key"] != "when_to_get_help"],
        "get_help": next((s for s in sections if s["key"] == "when_to_get_help"), None),
        "glossary": [(plain(k), plain(v)) for k, v in content["glossary"].items()],
        "references": [plain(r) for r in content["references"] if plain(r)],
        "grade": _grade(grade),
        "reviewer": plain(approval.reviewer) if approval else "",
        "credentials": plain(approval.credentials) if approval else "",
        "signed_on": approval.signed_date() if approval else None,
        "meaning": plain(approval.meaning) if approval else "",
        "review_due": status.review_due,
        "overdue": status.review_flag == "overdue",
        "pdf_name": f"{draft.id}.pdf",
    }


def _grade(grade: dict | None) -> dict | None:
    """{"fk": float, "smog": float}, or None when the report did not measure both."""
    try:
        return {"fk": float(grade["fk"]), "smog": float(grade["smog"])}
    except (KeyError, TypeError, ValueError):
        return None


def handout_fragment(env: jinja2.Environment, clinic: dict, handout: dict, *, for_print: bool) -> str:
    """The handout as sanitised HTML, shared by the web page and the PDF."""
    raw = render(env, "handout.html.j2", clinic=clinic, h=handout, for_print=for_print)
    return sanitize(raw)


def markdown_page(env: jinja2.Environment, template: str, title: str, body_html: str, **extra) -> str:
    """A mkdocs page: a JSON (valid YAML) front-matter title and one raw HTML block."""
    page = render(env, template, title_json=json.dumps(nav_title(title)),
                  body=_blockify(body_html), **extra)
    return page


def _blockify(fragment: str) -> jinja2.utils.markupsafe.Markup:
    """One raw HTML block for Python-Markdown: no blank lines inside, wrapped in a div."""
    lines = [ln.rstrip() for ln in fragment.splitlines() if ln.strip()]
    return jinja2.utils.markupsafe.Markup("\n".join(lines))


def branding(settings, root: Path | None = None) -> dict:
    """Config overrides for a clinic: `handouts build` passes them to load_config, the mkdocs hook to a
    plain `mkdocs build`. mkdocs' Jinja2 does not autoescape, so every value is HTML-escaped text."""
    clinic = clinic_context(settings.clinic)
    extra = {"clinic": {k: html.escape(v, quote=True) for k, v in clinic.items()}, "generator": False}
    if root is not None:
        extra["handouts_root"] = str(root)
    return {
        "site_name": nav_title(clinic["name"]),
        # No address, no absolute links: without a site.url, canonical links and the
        # sitemap are left out rather than pointing somewhere wrong.
        "site_url": settings.site.base_url() or None,
        "extra": extra,
    }
