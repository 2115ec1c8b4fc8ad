"""One build at a time; an edit made while drafting is never lost; a kill at any moment
logs every event exactly once and leaves no temporary file.

Kill windows are reached through test-only wrappers (a child process that wraps one
function and exits at that point), never through hooks in the package.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from handouts import pipeline
from handouts.core.drafts import load_draft, save_draft
from tests.doubles import ScriptedModel
from handouts.signoff import audit
from tests.conftest import FIXTURES, REPO
from handouts.pipeline import verify_audit

REVIEWER = "Dana Reyes, MD, FAAD"
EDITED = "Avoid tight clothing and hot showers."


def echo(**kw):
    return ScriptedModel(respond=lambda text, params: text, **kw)


def events(root, kind=None):
    project, _ = pipeline.load(root)
    return [e for e in audit.events(project) if kind is None or e["event"] == kind]


def temp_files(root):
    return sorted(p.name for p in (root / "drafts").iterdir() if p.name.startswith(".") or p.suffix == ".tmp")


# -- one build at a time -------------------------------------------------------------------

SLOW_BUILD = """
import sys, time
sys.path.insert(0, {repo!r})
from pathlib import Path
from handouts import pipeline
from tests.doubles import ScriptedModel

marker = Path({marker!r})
def respond(text, params):
    marker.write_text("drafting")
    time.sleep(0.3)
    return text
model = ScriptedModel(respond=respond)
pipeline.build({root!r}, model=model, progress=False)
print(model.calls)
"""


def test_a_second_build_waits_for_the_first_and_makes_no_model_calls(tiny):
    marker = tiny / "marker"
    child = subprocess.Popen([sys.executable, "-c", SLOW_BUILD.format(repo=str(REPO), marker=str(marker),
                                                                      root=str(tiny))],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, child.communicate()[1][-2000:]
            assert time.monotonic() < deadline
            time.sleep(0.05)
        project, _ = pipeline.load(tiny)
        said = io.StringIO()
        second = echo()
        with pipeline.build_lock(project, stream=said):  # waits for the first build ...
            pass
        assert said.getvalue().startswith(f"another build is running in this project (pid {child.pid}); waiting")
        result = pipeline.build(tiny, model=second, progress=False)  # ... then has nothing to draft
        out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err[-2000:]
    assert int(out.split()[-1]) > 0 and second.calls == 0  # each fact drafted once, not twice
    assert result.stats.model_calls == 0
    assert len(events(tiny, "create")) == 1


# -- an edit made while drafting -------------------------------------------------------------


def _redraft_with_an_edit_in_the_middle(tiny, edit):
    """hives drafted; its treatment fact changes, and during that fact's model call `edit` runs."""
    pipeline.build(tiny, model=echo(), progress=False)
    sheet = tiny / "sources" / "hives.yaml"
    sheet.write_text(sheet.read_text().replace("until the hives resolve", "until the hives go away"))
    done = []

    def respond(text, params):
        if "go away" in text and not done:
            done.append(edit())
        return text

    pipeline.build(tiny, model=ScriptedModel(respond=respond), progress=False)
    assert done


def test_a_hand_edit_saved_while_the_sheet_is_drafted_is_kept_and_logged_once(tiny):
    def edit():
        project, _ = pipeline.load(tiny)
        d = load_draft(project.drafts, "hives")
        d.section("self_care").facts[0].text = EDITED
        save_draft(project.drafts, d)  # as a reviewer saving drafts/hives.yaml in an editor

    _redraft_with_an_edit_in_the_middle(tiny, edit)
    d = load_draft(tiny / "drafts", "hives")
    assert d.section("self_care").facts[0].text == EDITED
    assert "go away" in d.section("treatment").facts[0].text  # and the redraft happened too
    assert [e["fact"] for e in events(tiny, "edit")] == ["self_care.1"]
    assert temp_files(tiny) == []


def test_a_review_page_edit_saved_while_the_sheet_is_drafted_is_kept(tiny):
    from handouts.service import Service

    def edit():
        project, _ = pipeline.load(tiny)
        svc = Service(project)
        r = svc.edit("hives", "self_care.1", EDITED, REVIEWER)
        if r.outcome == "needs acknowledgement":
            r = svc.edit("hives", "self_care.1", EDITED, REVIEWER, acknowledged=[f.key for f in r.missing])
        return r.outcome

    _redraft_with_an_edit_in_the_middle(tiny, edit)
    d = load_draft(tiny / "drafts", "hives")
    assert d.section("self_care").facts[0].text == EDITED
    [e] = events(tiny, "edit")
    assert e["by"] == "dana-reyes" and e["new"] == EDITED  # signed by the reviewer


# -- kill windows ------------------------------------------------------------------------------

KILL_DRAFTING = """
import os, sys
sys.path.insert(0, {repo!r})
from handouts import pipeline
from tests.doubles import ScriptedModel
from handouts.signoff import signoff

point = {point!r}

def die():
    os._exit(9)

def around(module, name, when):
    real = getattr(module, name)
    def wrapper(*args, **kwargs):
        target = str(args[0]) + str(args[1] if len(args) > 1 else "")
        hit = "hives" in target and not target.endswith((".report.json",))
        if hit and when == "before":
            die()
        result = real(*args, **kwargs)
        if hit and when == "after":
            die()
        return result
    setattr(module, name, wrapper)

kind, when = point.split(":")
if kind == "draft":
    around(pipeline, "atomic_write", when)
elif kind == "provenance":
    around(pipeline, "save_provenance", when)
elif kind == "create":
    real = signoff.record_create
    def record_create(*args, **kwargs):
        if when == "before":
            die()
        real(*args, **kwargs)
        die()
    signoff.record_create = record_create
pipeline.build({root!r}, model=ScriptedModel(respond=lambda text, params: text), progress=False)
"""

POINTS = ["draft:before", "draft:after", "provenance:before", "provenance:after", "create:before", "create:after"]


@pytest.mark.parametrize("point", POINTS)
def test_a_kill_while_a_draft_is_written_logs_its_create_event_exactly_once(tiny, point):
    shutil.copy(FIXTURES / "sheets" / "psoriasis.yaml", tiny / "sources" / "psoriasis.yaml")
    child = subprocess.run([sys.executable, "-c", KILL_DRAFTING.format(repo=str(REPO), point=point,
                                                                       root=str(tiny))],
                           capture_output=True, text=True, timeout=300)
    assert child.returncode == 9, child.stderr[-2000:]
    pipeline.build(tiny, model=echo(), progress=False)  # the next run repairs what the kill left
    pipeline.build(tiny, model=echo(), progress=False)
    project, _ = pipeline.load(tiny)
    hives = load_draft(project.drafts, "hives")
    creates = [e for e in events(tiny, "create") if e["id"] == "hives"]
    assert [e["content_sha256"] for e in creates] == [hives.content_sha256()]
    assert events(tiny, "edit") == []  # no phantom edit
    assert all(f.origin.value != "clinician edit" for f in hives.facts())
    assert temp_files(tiny) == []
    assert verify_audit(project) == []


KILL_EDIT = """
import os, sys
sys.path.insert(0, {repo!r})
from handouts import pipeline, service
from handouts.service import Service
from handouts.signoff import signoff

point = {point!r}
project, _ = pipeline.load({root!r})
svc = Service(project)
acks = [f.key for f in svc.check_text(svc.load("hives").draft, "self_care.1", {text!r})]

def die_after(module, name):
    real = getattr(module, name)
    def wrapper(*args, **kwargs):
        real(*args, **kwargs)
        os._exit(9)
    setattr(module, name, wrapper)

def die_before(module, name):
    setattr(module, name, lambda *a, **k: os._exit(9))

{{"before-log": lambda: die_before(signoff, "record_edit"),
  "after-log": lambda: die_after(signoff, "record_edit"),
  "after-draft": lambda: die_after(service, "save_draft"),
  "after-provenance": lambda: die_after(service, "save_provenance")}}[point]()
svc.edit("hives", "self_care.1", {text!r}, {reviewer!r}, acknowledged=acks)
os._exit(0)
"""


@pytest.mark.parametrize("point", ["before-log", "after-log", "after-draft", "after-provenance"])
def test_a_kill_while_a_review_edit_is_saved_logs_it_once_by_its_editor_or_not_at_all(tiny, point):
    pipeline.build(tiny, model=echo(), progress=False)
    child = subprocess.run([sys.executable, "-c", KILL_EDIT.format(
        repo=str(REPO), point=point, root=str(tiny), text=EDITED, reviewer=REVIEWER)],
        capture_output=True, text=True, timeout=300)
    assert child.returncode in (0, 9), child.stderr[-2000:]
    project, sheets = pipeline.load(tiny)
    pipeline.check(project, sheets)  # the next command finishes or ignores what the kill left
    pipeline.build(tiny, model=echo(), progress=False)
    edits = events(tiny, "edit")
    text = load_draft(project.drafts, "hives").section("self_care").facts[0].text
    if point == "before-log":
        assert edits == [] and text != EDITED  # never committed: nothing happened
    else:
        assert [(e["by"], e["new"]) for e in edits] == [("dana-reyes", EDITED)]  # once, signed by its editor
        assert text == EDITED  # committed in the log: finished
    assert temp_files(tiny) == []


def test_a_build_removes_temp_files_a_kill_left_in_drafts(tiny):
    pipeline.build(tiny, model=echo(), progress=False)
    stale = tiny / "drafts" / ".hives.yaml.k1ll3d.tmp"
    fresh = tiny / "drafts" / ".hives.yaml.wr1t1ng.tmp"  # a write in progress elsewhere
    stale.write_text("half a dra")
    fresh.write_text("half a dra")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    pipeline.build(tiny, model=echo(), progress=False)
    assert not stale.exists() and fresh.exists()
