"""mkdocs hook: clinic branding from site_config/clinic.yaml, and the theme overrides.

A clinic's mkdocs.yml names `.handouts/mkdocs_hooks.py`, a one-line file that
`handouts build` writes (`write_shim`) and that imports this module, so the hook
works from any install of the package (a wheel, an editable checkout). It is
used by `handouts build` and by a plain `mkdocs serve` / `mkdocs build` alike.

mkdocs' Jinja2 environment does not autoescape, so every value put into the
config here is HTML-escaped text.
"""

from __future__ import annotations

import html
from pathlib import Path

from handouts.config import load_settings
from handouts.render import DEFAULTS, clinic_context, nav_title

SHIM_NAME = "mkdocs_hooks.py"
SHIM = ('"""Written by `handouts build`: the mkdocs hook shipped with the handouts package."""\n'
        "from handouts.mkdocs_hooks import on_config  # noqa: F401\n")


def branding(settings, root: Path | None = None) -> dict:
    """Config overrides for a clinic: `handouts build` passes them to load_config."""
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


def write_shim(work: Path) -> Path:
    """The hook file a clinic's mkdocs.yml names (.handouts/mkdocs_hooks.py)."""
    work.mkdir(parents=True, exist_ok=True)
    path = work / SHIM_NAME
    if not path.is_file() or path.read_text(encoding="utf-8") != SHIM:
        path.write_text(SHIM, encoding="utf-8")
    return path


def theme_dirs(dirs: list[str], root: Path) -> list[str]:
    """The clinic's site_config/theme first, then the package's overrides, then the theme."""
    wanted = [p for p in (root / "site_config" / "theme", DEFAULTS / "theme") if p.is_dir()]
    rest = [d for d in dirs if Path(d).resolve() not in {p.resolve() for p in wanted}]
    return [str(p) for p in wanted] + rest


def on_config(config, **kwargs):
    if "clinic" not in config.extra:  # a plain `mkdocs serve`/`build`: read clinic.yaml
        root = Path(config.config_file_path).parent
        overrides = branding(load_settings(root), root)
        config.site_name = overrides["site_name"]
        config.site_url = overrides["site_url"]
        config.extra.update(overrides["extra"])
    root = Path(config.extra.get("handouts_root") or Path(config.config_file_path).parent)
    config.theme.dirs = theme_dirs(config.theme.dirs, root)
    logo = config.extra["clinic"].get("logo")
    if logo:
        config.theme["logo"] = f"assets/{logo}"
    return config
