"""Atomic publishing: a failed, rejected or killed build leaves site/ untouched; rollback."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sample import REPO, clinic_project, item, make_draft

from handouts.core.exceptions import PublishError
from handouts.publish.publish import exchange, publish, rollback


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` with its SHA-256: equal trees, equal dicts."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def own_mkdocs_yml(project, extra: str = "") -> None:
    """The project's own mkdocs.yml: the repository's (a clinic's, as `handouts init` writes it), plus `extra`."""
    (project.root / "mkdocs.yml").write_text((REPO / "mkdocs.yml").read_text() + extra)


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
    assert rollback(project)["files"] == first  # the manifest of the release now live
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
    (project.site_config / "theme").mkdir()  # a clinic's own theme override, before the package's
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
from handouts.publish.publish import publish
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


# -- release manifests (handouts.publish.releases) --------------------------------------------


def test_a_no_change_publish_does_not_rotate_the_previous_release(live):
    project, first = live
    two = [item(), item(make_draft("eczema", "Eczema"))]
    publish(project, two)
    second = tree(project.site_dir)
    publish(project, two)  # nothing changed: a routine rebuild
    publish(project, two)
    assert tree(project.site_dir) == second
    assert tree(project.root / "site.prev") == first  # rollback still has somewhere to go
    rollback(project)
    assert tree(project.site_dir) == first


def test_rollback_refuses_a_partial_previous_release(live):
    project, first = live
    publish(project, [item(), item(make_draft("eczema", "Eczema"))])
    second = tree(project.site_dir)
    prev = project.root / "site.prev"
    files = sorted(p for p in prev.rglob("*") if p.is_file())
    for p in files[: len(files) // 2]:  # as a kill during `rm -r site.prev` would leave it
        p.unlink()
    with pytest.raises(PublishError) as exc:
        rollback(project)
    lines = exc.value.format_message().splitlines()
    assert lines[0] == ("site.prev/ is not a complete release; nothing was changed. "
                        "Run `handouts build` instead.")
    assert lines[1] == f"  site.prev/ does not match its release manifest: {len(files) - len(files) // 2} of {len(files)} files"
    assert lines[2].startswith("  missing: ")
    assert exc.value.exit_code == 6
    assert tree(project.site_dir) == second


def test_rollback_refuses_an_altered_previous_release_and_one_without_a_manifest(live):
    project, first = live
    publish(project, [item(), item(make_draft("eczema", "Eczema"))])
    page = project.root / "site.prev" / "acne" / "index.html"
    page.write_text(page.read_text().replace("Acne", "Acme"))
    with pytest.raises(PublishError, match=r"(?s)does not match its release manifest.*changed: acne/index.html"):
        rollback(project)
    page.write_text(page.read_text().replace("Acme", "Acne"))
    rollback(project)  # restored: whole again
    shutil.rmtree(project.work / "releases")
    with pytest.raises(PublishError, match=r"site.prev/ has no release manifest"):
        rollback(project)


KILL_WHILE_DELETING = """
import os, shutil, sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from sample import clinic_project, item, make_draft
from handouts.publish import publish as publishing

real_rmtree = shutil.rmtree

def rmtree_then_die(path, *args, **kwargs):
    name = Path(path).name
    if name.startswith("site.") and not name.startswith("site.new-"):  # an old release
        files = sorted(p for p in Path(path).rglob("*") if p.is_file())
        for p in files[: len(files) // 2]:
            p.unlink()
        os._exit(9)  # killed halfway through the deletion
    return real_rmtree(path, *args, **kwargs)

publishing.shutil.rmtree = rmtree_then_die
project = clinic_project(Path({root!r}))
publishing.publish(project, [item(make_draft("melasma", "Melasma"))])
"""


def test_a_kill_while_an_old_release_is_deleted_leaves_no_partial_rollback_target(live):
    project, first = live
    publish(project, [item(), item(make_draft("eczema", "Eczema"))])
    second = tree(project.site_dir)
    child = subprocess.run([sys.executable, "-c", KILL_WHILE_DELETING.format(
        tests=str(Path(__file__).parent), root=str(project.root))], capture_output=True, timeout=300)
    assert child.returncode == 9, child.stderr.decode()[-2000:]
    third = tree(project.site_dir)
    assert "melasma/index.html" in third  # the kill came after the swap
    assert tree(project.root / "site.prev") == second  # whole: only renames touch site.prev/
    rollback(project)
    assert tree(project.site_dir) == second
    publish(project, [item()])
    assert not list(project.root.glob("site.old-*"))  # the half-deleted folder is cleaned up


def test_the_manifest_lists_every_file_the_approved_contents_and_the_audit_head(live):
    from handouts.publish import releases
    from handouts.signoff import audit

    project, first = live
    audit.append(project, {"event": "create", "id": "acne", "content_sha256": "x"})
    audit.append(project, {"event": "create", "id": "eczema", "content_sha256": "y"})
    eczema = make_draft("eczema", "Eczema")
    publish(project, [item(), item(eczema)])
    manifest = releases.live_manifest(project)
    assert manifest is not None
    assert manifest["files"] == tree(project.site_dir)
    assert manifest["release"] == releases.release_id(tree(project.site_dir))
    assert manifest["handouts"]["eczema"]["content_sha256"] == eczema.content_sha256()
    assert manifest["handouts"]["acne"]["reviewer"] == "Dana Reyes, MD, FAAD"
    last = (project.root / "signoffs" / "audit.jsonl").read_text().splitlines()[-1]
    assert manifest["audit"] == {"head": hashlib.sha256(last.encode()).hexdigest(), "length": 2}
    assert set(manifest["inputs"]) >= {"sha256", "files", "code", "packages"}
    assert {"site_config/clinic.yaml", "site_config/logo.svg", "mkdocs.yml"} <= set(manifest["inputs"]["files"])
    # beside the site, not in it: nothing of the manifest is served
    assert (project.work / "releases" / f"{manifest['release']}.json").is_file()
    assert not [p for p in project.site_dir.rglob("*.json") if "release" in p.name]
