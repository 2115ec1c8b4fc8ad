"""Atomic publishing: a failed, rejected or killed build leaves site/ untouched; rollback."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sample import REPO, clinic_project, item, make_draft

from handouts.exceptions import PublishError
from handouts.publish import exchange, publish, rollback


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` with its SHA-256: equal trees, equal dicts."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def own_mkdocs_yml(project, extra: str = "") -> None:
    """The project's own mkdocs.yml: the repository's, hook path made absolute, plus `extra`."""
    text = (REPO / "mkdocs.yml").read_text().replace(
        "handouts/mkdocs_hooks.py", str(REPO / "handouts" / "mkdocs_hooks.py"))
    (project.root / "mkdocs.yml").write_text(text + extra)


def leftovers(project) -> list[str]:
    return sorted(p.name for d in (project.root, project.work) if d.exists() for p in d.glob("*.new-*"))


@pytest.fixture
def live(tmp_path):
    """A clinic with one published release (acne)."""
    project = clinic_project(tmp_path / "clinic")
    publish(project, [item()])
    return project, tree(project.site_dir)


def test_release_swap_keeps_the_previous_one_and_rollback_restores_it(live):
    project, first = live
    publish(project, [item(), item(make_draft("eczema", "Eczema"))])
    second = tree(project.site_dir)
    assert "eczema/index.html" in second and tree(project.root / "site.prev") == first
    assert rollback(project) == project.site_dir
    assert tree(project.site_dir) == first and tree(project.root / "site.prev") == second
    rollback(project)  # rolling back twice rolls forward again
    assert tree(project.site_dir) == second
    assert leftovers(project) == []


def test_rollback_without_a_previous_release(tmp_path):
    project = clinic_project(tmp_path / "c")
    with pytest.raises(PublishError) as exc:
        rollback(project)
    assert exc.value.format_message() == "no previous release to roll back to (site.prev/ not found)"
    assert exc.value.exit_code == 6


def test_failed_strict_build_leaves_site_untouched(live):
    project, before = live
    own_mkdocs_yml(project, "nav:\n  - missing.md\n")  # a strict-mode warning: nav names a missing page
    with pytest.raises(PublishError) as exc:
        publish(project, [item(), item(make_draft("eczema", "Eczema"))])
    message = exc.value.format_message()
    assert message.startswith("mkdocs build --strict failed; site/ is unchanged: ")
    assert "missing.md" in message
    assert tree(project.site_dir) == before
    assert leftovers(project) == []


def test_broken_config_leaves_site_untouched(live):
    project, before = live
    own_mkdocs_yml(project, "plugins:\n  - no-such-plugin\n")
    with pytest.raises(PublishError) as exc:
        publish(project, [item()])
    assert "no-such-plugin" in exc.value.format_message()
    assert tree(project.site_dir) == before


def test_site_that_fails_the_scan_is_not_swapped_in(live):
    project, before = live
    own_mkdocs_yml(project)
    (project.site_config / "theme" / "main.html").write_text(
        '{% extends "base.html" %}{% block analytics %}<script src="https://cdn.example/t.js"></script>'
        '<script>track()</script>{% endblock %}')
    with pytest.raises(PublishError) as exc:
        publish(project, [item()])
    lines = exc.value.format_message().splitlines()
    assert lines[0] == "the new site failed verification; site/ is unchanged:"
    assert "  404.html: <script src='https://cdn.example/t.js'> loads an asset from another host" in lines
    assert "  acne/index.html: inline <script> is not one of the theme's own: 'track()'" in lines
    assert tree(project.site_dir) == before
    assert leftovers(project) == []


SLOW_HOOK = """
import os, time
from pathlib import Path
def on_post_build(config, **kwargs):
    Path(os.environ["MARKER"]).write_text("building")
    time.sleep(60)
"""

CHILD = """
import sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from sample import clinic_project, item, make_draft
from handouts.publish import publish
project = clinic_project(Path({root!r}))
publish(project, [item(), item(make_draft("eczema", "Eczema"))])
"""


def test_killed_build_leaves_site_untouched_and_is_cleaned_up(live):
    project, before = live
    own_mkdocs_yml(project, "  - slow_hook.py\n")  # appended to the hooks list
    (project.root / "slow_hook.py").write_text(SLOW_HOOK)
    marker = project.root / "marker"
    env = dict(os.environ, MARKER=str(marker))
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(tests=str(Path(__file__).parent),
                                                                 root=str(project.root))],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, child.communicate()[1].decode()[-2000:]
            assert time.monotonic() < deadline, "the build never reached on_post_build"
            time.sleep(0.05)
        assert any(n.startswith("site.new-") for n in leftovers(project))  # mid-build: staged, not live
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert tree(project.site_dir) == before
    assert leftovers(project)  # the killed build's staging folders remain ...
    own_mkdocs_yml(project)
    publish(project, [item()])
    assert leftovers(project) == []  # ... until the next publish removes them
    assert tree(project.site_dir) == before


def test_exchange_swaps_two_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("A")
    (b / "x").write_text("B")
    exchange(a, b)
    assert (a / "x").read_text() == "B" and (b / "x").read_text() == "A"
