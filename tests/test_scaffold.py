"""`handouts init`: a new clinic in one command, and a non-editable install that builds a site."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

from handouts.core.exceptions import HandoutsError
from handouts.scaffold import init_clinic
from handouts.sources.config import Settings, load_settings
from handouts.sources.sheets import load_sheets
from tests.conftest import REPO


def test_init_writes_a_clinic(tmp_path):
    written = init_clinic(tmp_path / "derm")
    assert written == ["site_config/clinic.yaml", "sources/hives.yaml", "mkdocs.yml", ".gitignore", "signoffs/"]
    root = tmp_path / "derm"
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == [
        ".gitignore", "mkdocs.yml", "signoffs", "site_config", "site_config/clinic.yaml", "sources",
        "sources/hives.yaml"]
    assert list((root / "signoffs").iterdir()) == []
    assert [s.id for s in load_sheets(root / "sources")] == ["hives"]  # the example sheet is valid
    assert "/.handouts/" in (root / ".gitignore").read_text().split()
    assert "/site/" in (root / ".gitignore").read_text().split()


def test_new_clinic_yaml_lists_every_setting_and_keeps_the_defaults(tmp_path):
    init_clinic(tmp_path / "derm")
    text = (tmp_path / "derm" / "site_config" / "clinic.yaml").read_text()
    settings = load_settings(tmp_path / "derm")
    assert settings == Settings()  # the file only spells out the defaults
    assert settings.site.url == ""  # no localhost default
    for section, model in Settings.model_fields.items():
        assert re.search(rf"^(# )?{section}:", text, re.M), section
        for name in model.annotation.model_fields:
            assert re.search(rf"^ *(# )?{name}:.*#", text, re.M) or re.search(
                rf"^ *(# )?{name}:", text, re.M), f"{section}.{name} is not listed"
    # every setting has a comment, on its line or just above it
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^ +(# )?[a-z_]+:", line) and "#" not in line.split(":", 1)[1]:
            assert lines[i - 1].lstrip().startswith("#"), f"no comment for: {line}"


def test_new_clinic_mkdocs_yml_is_the_standard_one(tmp_path):
    init_clinic(tmp_path / "derm")
    assert (tmp_path / "derm" / "mkdocs.yml").read_text() == (REPO / "mkdocs.yml").read_text()
    cfg = yaml.safe_load((tmp_path / "derm" / "mkdocs.yml").read_text())
    assert cfg["theme"]["name"] == "material" and "custom_dir" not in cfg["theme"]
    assert cfg["hooks"] == [".handouts/mkdocs_hooks.py"]


def test_init_never_overwrites(tmp_path):
    root = tmp_path / "derm"
    (root / "site_config").mkdir(parents=True)
    (root / "site_config" / "clinic.yaml").write_text("clinic:\n  name: Ours\n")
    with pytest.raises(HandoutsError) as exc:
        init_clinic(root)
    assert exc.value.format_message() == (f"{root}/site_config/clinic.yaml: already exists; nothing was written "
                                          "(`handouts init` only starts a new clinic)")
    assert sorted(p.name for p in root.rglob("*")) == ["clinic.yaml", "site_config"]
    assert (root / "site_config" / "clinic.yaml").read_text() == "clinic:\n  name: Ours\n"


def test_init_into_an_existing_empty_folder(tmp_path):
    assert init_clinic(tmp_path)[0] == "site_config/clinic.yaml"


# -- a built wheel, installed into a fresh venv, starts and builds a clinic --------------------

def _scratch_venv(tmp: Path) -> tuple[Path, dict]:
    """A fresh venv with the built handouts wheel; its dependencies are the shared venv's, by .pth."""
    src = tmp / "src"
    src.mkdir()
    shutil.copy(REPO / "pyproject.toml", src)
    shutil.copy(REPO / "README.md", src)
    shutil.copytree(REPO / "handouts", src / "handouts", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "--no-index", "-w", str(dist), str(src)], check=True, timeout=300)
    wheels = list(dist.glob("handouts-*.whl"))
    assert len(wheels) == 1
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # the already-installed dependencies (llama.cpp is not compiled again), after the venv's own
    (Path(purelib) / "shared-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-index", "--find-links", str(dist),
                    "--ignore-installed", "--no-deps", "handouts"], check=True, timeout=300, env=env)
    where = subprocess.run([str(python), "-c", "import handouts; print(handouts.__file__)"], env=env,
                           capture_output=True, text=True, check=True, cwd=tmp).stdout.strip()
    assert where.startswith(purelib), where  # the wheel, not this checkout
    return venv, env


@pytest.mark.model
def test_wheel_in_a_fresh_venv_inits_and_builds_a_site(tmp_path):
    venv, env = _scratch_venv(tmp_path)
    handouts = str(venv / "bin" / "handouts")

    def run(*args, cwd):
        r = subprocess.run([handouts, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
        assert "Traceback" not in r.stderr, r.stderr
        return r

    work = tmp_path / "empty"
    work.mkdir()
    r = run("init", "derm", cwd=work)
    assert r.returncode == 0, r.stderr
    clinic = work / "derm"
    cfg = clinic / "site_config" / "clinic.yaml"
    cfg.write_text(cfg.read_text().replace('phone: ""', 'phone: "(555) 010-2040"')  # quick drafting, patient
                   + "model:\n  candidates: 1\n  max_tokens: 60\n  timeout_seconds: 600\n")  # with a busy CPU

    r = run("build", "--quiet", cwd=clinic)  # no site.url yet: a preview
    assert r.returncode == 0, r.stderr
    assert re.search(r"^hives +awaiting review", r.stdout, re.M), r.stdout
    assert "preview: site.url is not set" in r.stdout
    assert (clinic / "site" / "index.html").is_file() and not (clinic / "site" / "hives").exists()

    r = run("build", "--quiet", "--release", cwd=clinic)
    assert r.returncode == 3
    assert r.stderr.startswith("site_config/clinic.yaml: site.url: a release needs the public address")

    cfg.write_text(cfg.read_text().replace('  url: ""', "  url: https://derm.example.org/patient-info/"))
    key = tmp_path / "keys" / "dana"
    key.parent.mkdir()
    r = run("reviewer", "add", "Dana Reyes, MD, FAAD", "--new-key", str(key), "--no-passphrase", cwd=clinic)
    assert r.returncode == 0, r.stderr
    env["HANDOUTS_SIGNING_KEY"] = str(key)  # the reviewer's own key signs the approval
    env.pop("SSH_AUTH_SOCK", None)
    r = run("approve", "hives", "--reviewer", "Dana Reyes, MD, FAAD", "--yes", cwd=clinic)
    assert r.returncode == 0, r.stderr
    r = run("build", "--quiet", "--release", cwd=clinic)
    assert r.returncode == 0, r.stderr
    assert re.search(r"^hives +published", r.stdout, re.M) and "preview" not in r.stdout, r.stdout
    site = clinic / "site"
    page = (site / "hives" / "index.html").read_text()
    assert "<title>Hives - Our Dermatology Clinic</title>" in page
    assert '<link rel="canonical" href="https://derm.example.org/patient-info/hives/">' in page
    assert (site / "hives" / "hives.pdf").read_bytes().startswith(b"%PDF")
    assert "Sitemap: https://derm.example.org/patient-info/sitemap.xml" in (site / "robots.txt").read_text()
    assert (site / "assets" / "handouts.css").is_file()  # the package's default CSS

    # a bare `mkdocs build` of the generated docs works too: the hook ships with the package
    shutil.rmtree(site)
    r = subprocess.run([str(venv / "bin" / "python"), "-m", "mkdocs", "build", "--quiet"], cwd=clinic, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "<title>Hives - Our Dermatology Clinic</title>" in (site / "hives" / "index.html").read_text()
