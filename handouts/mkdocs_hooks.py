"""mkdocs hook (named in mkdocs.yml): clinic branding from site_config/clinic.yaml.

Used by `handouts build` and by a plain `mkdocs serve` / `mkdocs build` alike.
mkdocs' Jinja2 environment does not autoescape, so every value put into the
config here is HTML-escaped text.
"""

from __future__ import annotations

import html
from pathlib import Path

from handouts.config import load_settings
from handouts.render import clinic_context, nav_title


def branding(settings) -> dict:
    """Config overrides for a clinic: `handouts build` passes them to load_config."""
    clinic = clinic_context(settings.clinic)
    return {
        "site_name": nav_title(clinic["name"]),
        "site_url": settings.site.url,
        "extra": {"clinic": {k: html.escape(v, quote=True) for k, v in clinic.items()},
                  "generator": False},
    }


def on_config(config, **kwargs):
    if "clinic" not in config.extra:  # a plain `mkdocs serve`/`build`: read clinic.yaml
        overrides = branding(load_settings(Path(config.config_file_path).parent))
        config.site_name = overrides["site_name"]
        config.site_url = overrides["site_url"]
        config.extra.update(overrides["extra"])
    logo = config.extra["clinic"].get("logo")
    if logo:
        config.theme["logo"] = f"assets/{logo}"
    return config
