"""Hostile files: a logo that runs script or points outside the project, sheets and drafts
that are FIFOs, devices, symlinks out or oversize. Each is one clean error, never a hang."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sample import clinic_project, item

from handouts.core.exceptions import PublishError
from handouts.publish.publish import publish, svg_problems

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 4 4">{}</svg>'


@pytest.mark.parametrize("body, problem", [
    ('<a xlink:href="#"><animate attributeName="href" values="javascript:alert(1)"/></a>',
     "<animate> is not allowed in a logo"),
    ('<set attributeName="href" to="javascript:alert(1)"/>', "<set> is not allowed in a logo"),
    ('<style>@import url(https://evil.example/x.css);</style>', "<style> is not allowed in a logo"),
    ('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>',
     "<foreignObject> is not allowed in a logo"),
    ('<circle r="2" onmouseover="alert(1)"/>', "<circle onmouseover=...>: event attributes are not allowed"),
    ('<rect width="4" height="4" style="fill: url(https://evil.example/p.svg#x)"/>',
     "scripts and external resources are not allowed"),
    ('<image href="https://evil.example/track.png"/>', "<image> is not allowed in a logo"),
])
def test_an_svg_that_could_run_or_load_anything_is_refused(body, problem):
    problems = svg_problems(SVG.format(body).encode())
    assert any(problem in p for p in problems), problems


def test_a_plain_svg_logo_passes_and_is_published(tmp_path):
    project = clinic_project(tmp_path / "c")
    assert svg_problems((project.site_config / "logo.svg").read_bytes()) == []
    assert svg_problems(SVG.format('<defs><linearGradient id="g"/></defs>'
                                   '<rect width="4" height="4" fill="url(#g)"/>').encode()) == []
    publish(project, [item()])
    assert (project.site_dir / "assets" / "logo.svg").read_bytes() == (project.site_config / "logo.svg").read_bytes()


def test_an_animated_javascript_logo_is_never_published(tmp_path):
    project = clinic_project(tmp_path / "c")
    (project.site_config / "logo.svg").write_text(SVG.format(
        '<a><animate attributeName="href" values="javascript:alert(document.domain)"/><text>x</text></a>'))
    with pytest.raises(PublishError, match=r"^site_config/logo.svg: the logo was refused; nothing was published"):
        publish(project, [item()])
    assert not project.site_dir.exists()


@pytest.mark.parametrize("how", ["absolute", "symlink", "dotdot"])
def test_the_logo_must_be_a_file_inside_the_project(tmp_path, how):
    secret = tmp_path / "secret.svg"  # outside the project, as /etc/passwd would be
    secret.write_text(SVG.format("<title>root:x:0:0</title>"))
    project = clinic_project(tmp_path / "c")
    name = {"absolute": str(secret), "dotdot": "../../secret.svg", "symlink": "logo.svg"}[how]
    if how == "symlink":
        (project.site_config / "logo.svg").unlink()
        (project.site_config / "logo.svg").symlink_to(secret)
    clinic = project.settings.clinic.model_copy(update={"logo": name})
    project = type(project)(project.root, project.settings.model_copy(update={"clinic": clinic}))
    with pytest.raises(PublishError) as exc:
        publish(project, [item()])
    message = exc.value.format_message()
    assert message.startswith("site_config/clinic.yaml: clinic.logo: ")
    if how == "symlink":
        assert message == (f"site_config/clinic.yaml: clinic.logo: site_config/logo.svg:1:1: (file): leads outside "
                           f"the project (to {secret}); keep the file itself in the project")
    else:
        assert "give the name of a file in site_config/" in message
    assert exc.value.exit_code == 6
    assert not project.site_dir.exists()


# -- sheets and drafts --------------------------------------------------------------------------


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "handouts", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60)


def test_a_sheet_that_is_a_symlink_to_dev_zero_is_a_clean_error(tiny):
    (tiny / "sources" / "zero.yaml").symlink_to("/dev/zero")
    r = run("check", cwd=tiny)
    assert r.returncode == 3, r.stderr
    assert ("sources/zero.yaml:1:1: (file): leads outside the project (to /dev/zero); keep the file itself "
            "in the project") in r.stderr
    assert "Traceback" not in r.stderr and "MemoryError" not in r.stderr


def test_a_sheet_that_is_a_fifo_is_a_clean_error_not_a_hang(tiny):
    os.mkfifo(tiny / "sources" / "pipe.yaml")
    r = run("check", cwd=tiny)  # would block forever opening the FIFO
    assert r.returncode == 3, r.stderr
    assert "sources/pipe.yaml:1:1: (file): not a regular file (a FIFO, device or socket); put a plain file here" \
        in r.stderr


def test_an_oversize_sheet_is_a_clean_error(tiny):
    (tiny / "sources" / "big.yaml").write_bytes(b"# " + b"x" * 2_000_000 + b"\n")
    r = run("check", cwd=tiny)
    assert r.returncode == 3
    assert "sources/big.yaml:1:1: (file): the file is too large (2000003 bytes); the limit is 1000000 bytes" in r.stderr


def test_a_draft_that_is_a_fifo_is_a_clean_error_not_a_hang(tiny):
    (tiny / "drafts").mkdir()
    os.mkfifo(tiny / "drafts" / "hives.yaml")
    r = run("check", cwd=tiny)
    assert r.returncode == 3, r.stderr
    assert "drafts/hives.yaml:1:1: (file): not a regular file" in r.stderr
