"""mkdocs hook: clinic branding from site_config/clinic.yaml, and the theme overrides.

A clinic's mkdocs.yml names `.handouts/mkdocs_hooks.py`, a one-line file that
`handouts build` writes (handouts.publish.publish.write_shim) and that imports this module, so the hook
works from any install of the package (a wheel, an editable checkout). It is
used by `handouts build` and by a plain `mkdocs serve` / `mkdocs build` alike.

mkdocs' Jinja2 environment does not autoescape, so every value put into the
config here is HTML-escaped text.
"""

from __future__ import annotations

from pathlib import Path

from handouts.publish.render import DEFAULTS, branding
from handouts.sources.config import load_settings

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
