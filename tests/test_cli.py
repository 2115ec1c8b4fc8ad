"""The command line: clean one-line errors and documented exit codes, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO


def run(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "handouts", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=env)


def test_invalid_sheet_exit_code_and_message(tiny):
    (tiny / "sources" / "acne.yaml").write_text("id: acne\ntitle: Acne\ntitle: Again\n")
    r = run("check", cwd=tiny)
    assert r.returncode == 3
    assert "Traceback" not in r.stderr
    assert "sources/acne.yaml:3:1: title: duplicate key; first at line 2, again at line 3; keep only one" in r.stderr
    assert "nothing was drafted or published" in r.stderr


def test_check_without_drafts_never_calls_the_model(tiny):
    r = run("check", cwd=tiny)
    assert r.returncode == 0, r.stderr
    row = next(line for line in r.stdout.splitlines() if line.startswith("hives "))
    assert row.split()[1:4] == ["no", "draft", "yet"] and row.endswith("run `handouts draft hives`")


def test_unknown_handout_is_a_clean_error(tiny):
    r = run("approve", "nope", "--reviewer", "A B, MD", "--yes", cwd=tiny)
    assert r.returncode == 3
    assert r.stderr.startswith("sources/nope.yaml:1:1: (file): no such condition sheet")


def test_status_json(tiny):
    r = run("status", "--json", cwd=tiny)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data[0]["id"] == "hives" and data[0]["publishable"] is False


def test_missing_model_file_is_exit_4(tiny):
    cfg = tiny / "site_config" / "clinic.yaml"
    cfg.write_text(cfg.read_text() + "  backend: gguf\n  path: models/missing.gguf\n")
    r = run("draft", "--quiet", cwd=tiny)
    assert r.returncode == 4, r.stderr
    assert "model file not found" in r.stderr and "Traceback" not in r.stderr


def test_config_error_names_file_line_and_field(tiny):
    cfg = tiny / "site_config" / "clinic.yaml"
    cfg.write_text(cfg.read_text() + "  temprature: 0.2\n")
    r = run("check", cwd=tiny)
    assert r.returncode == 3
    assert "site_config/clinic.yaml:8:3: model.temprature: unknown field" in r.stderr


def test_build_py_is_the_same_as_handouts_build(tiny):
    # the same command: the same options and the same clean refusal (no model needed)
    via_script = subprocess.run([sys.executable, str(REPO / "build.py"), "--quiet", "--release"], cwd=tiny,
                                capture_output=True, text=True, timeout=300)
    via_cli = run("build", "--quiet", "--release", cwd=tiny)
    assert (via_script.returncode, via_script.stderr) == (via_cli.returncode, via_cli.stderr)
    assert via_script.returncode == 3 and "site.url: a release needs the public address" in via_script.stderr
    helps = [subprocess.run([sys.executable, *cmd, "--help"], cwd=tiny, capture_output=True, text=True,
                            timeout=300).stdout.split("\n", 1)[1] for cmd in (["-m", "handouts", "build"],
                                                                             [str(REPO / "build.py")])]
    assert helps[0] == helps[1] and "--release" in helps[0]


def test_release_without_a_public_site_url_is_refused(tiny):
    r = run("build", "--quiet", "--release", cwd=tiny)
    assert r.returncode == 3
    assert r.stderr.splitlines()[0] == ("site_config/clinic.yaml: site.url: a release needs the public address "
                                        "patients will use, e.g. https://clinic.example.org/handouts/; it is empty")
    assert not (tiny / "site").exists() and not (tiny / "drafts").exists()
    cfg = tiny / "site_config" / "clinic.yaml"
    cfg.write_text(cfg.read_text() + "site:\n  url: http://localhost:8000/\n")
    r = run("build", "--quiet", "--release", cwd=tiny)
    assert r.returncode == 3
    assert r.stderr.splitlines()[0].endswith("; http://localhost:8000/ is this machine (localhost)")
