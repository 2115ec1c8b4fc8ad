"""`handouts init DIR`: start a new clinic, as `mkdocs new` starts a site.

Writes site_config/clinic.yaml (every setting listed and commented), one example
condition sheet, a standard Material for MkDocs mkdocs.yml, a .gitignore and an
empty signoffs/. Templates, theme overrides and CSS are not copied: they ship
with the package, and a clinic overrides any of them by putting a file of the
same name in its own site_config/. Nothing is overwritten: if any of these files
exists, nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from handouts.core.exceptions import HandoutsError
from handouts.publish.render import DEFAULTS

NEW = DEFAULTS / "new_clinic"

# destination (relative to the new clinic) -> packaged source file
FILES = {
    "site_config/clinic.yaml": NEW / "clinic.yaml",
    "sources/hives.yaml": NEW / "sources" / "hives.yaml",
    "mkdocs.yml": DEFAULTS / "mkdocs.yml",
    ".gitignore": NEW / "gitignore",
}
FOLDERS = ("signoffs",)


def init_clinic(dest: Path | str) -> list[str]:
    """Scaffold a clinic in `dest` (created if missing). Returns what was written, relative."""
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise HandoutsError(f"{dest}: not a folder; nothing was written")
    taken = [name for name in [*FILES, *FOLDERS] if (dest / name).exists()]
    if taken:
        raise HandoutsError(f"{dest / taken[0]}: already exists; nothing was written "
                            "(`handouts init` only starts a new clinic)")
    written = []
    for name, source in FILES.items():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        written.append(name)
    for name in FOLDERS:
        (dest / name).mkdir(parents=True)
        written.append(name + "/")
    return written
