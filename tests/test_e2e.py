"""End to end with the real bundled model: draft, approve, publish, withdraw.

Runs the real entry point (`python build.py`) in a copy of tests/fixtures/tiny.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from handouts.core.drafts import load_draft
from tests.conftest import REPO

pytestmark = pytest.mark.model


def run(*args, cwd):
    r = subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=900)
    assert "Traceback" not in r.stderr, r.stderr
    return r


def test_real_model_draft_approve_publish_withdraw(tiny):
    r = run(str(REPO / "build.py"), "--quiet", cwd=tiny)
    assert r.returncode == 0, r.stderr
    assert "hives" in r.stdout and "awaiting review" in r.stdout
    assert not (tiny / "site" / "hives").exists()

    prov = json.loads((tiny / "drafts" / "hives.provenance.json").read_text())
    assert prov["model"]["id"] == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert len(prov["model"]["sha256"]) == 64 and prov["prompt_version"].startswith("rewrite-v2-")
    for fid, entry in prov["facts"].items():
        assert entry["origin"] in ("clinician's words unchanged", "word swaps", "restructured", "model rewrite")
        assert len([c for c in entry["candidates"] if c["kind"] == "model"]) == 2  # best-of-2 (tiny config)
        assert all(s["fact"] == fid for s in entry["sentences"])
        for c in entry["candidates"]:
            assert c["accepted"] or c["reasons"]  # every rejection is explained
    # The warning keeps every symptom, whatever the model wrote: in the text the patient
    # reads (the draft file also holds the clinician's `source:`, which always has them).
    warning = load_draft(tiny / "drafts", "hives").section("when_to_get_help").facts
    patient_text = " ".join(f.text for f in warning)
    for word in ("911", "swelling", "hives", "breathing"):
        assert word in patient_text, patient_text

    r = run("-m", "handouts", "approve", "hives", "--reviewer", "Dana Reyes, MD, FAAD", "--yes", cwd=tiny)
    assert r.returncode == 0, r.stderr
    r = run(str(REPO / "build.py"), "--quiet", cwd=tiny)
    assert r.returncode == 0, r.stderr
    assert "drafting: 6 facts, 0 model calls" in r.stdout
    page = (tiny / "site" / "hives" / "index.html").read_text()
    assert "Dana Reyes" in page and "approved for publication" in page

    sheet = tiny / "sources" / "hives.yaml"
    sheet.write_text(sheet.read_text().replace("Avoid hot showers", "Avoid very hot showers"))
    r = run(str(REPO / "build.py"), "--quiet", cwd=tiny)
    assert r.returncode == 0, r.stderr
    assert "drafting: 6 facts, 2 model calls" in r.stdout
    assert not (tiny / "site" / "hives").exists()
    status = json.loads(run("-m", "handouts", "status", "--json", cwd=tiny).stdout)
    assert status[0]["state"] == "awaiting review"
