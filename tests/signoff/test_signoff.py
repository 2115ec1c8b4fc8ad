"""Sign-off states, hash-bound approvals and their invariants (issue 4)."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from handouts.core import files
from handouts.core.exceptions import SignoffError
from handouts.signoff import audit, signoff
from handouts.signoff.signoff import State
from tests.signoff_support import PROVENANCE, REVIEWER, SHEET, T0, make_draft, project, report_for, signer
from handouts.core.drafts import Origin
from handouts.pipeline import verify_audit

ROOT = Path(__file__).resolve().parents[2]


def _approve(p, d, reviewer=REVIEWER, now=T0, **kw):
    kw.setdefault("report", report_for(d))
    return signoff.approve(p, d.id, reviewer, draft=d, sheet_sha256=d.sheet_sha256,
                           provenance=PROVENANCE, now=now, **kw)


def _status(p, d, today=date(2026, 2, 1), sheet=None, report=None):
    return signoff.status_of(p, d.id, d, sheet_sha256=sheet or d.sheet_sha256, report=report, today=today)


def _edited(d, text):
    d = dataclasses.replace(d, sections=[dataclasses.replace(s, facts=list(s.facts)) for s in d.sections])
    d.sections[1].facts[0] = dataclasses.replace(d.sections[1].facts[0], text=text, origin=Origin.EDITED)
    return d


# -- approval -------------------------------------------------------------------------


def test_approve_records_name_credentials_time_meaning_hashes_and_provenance(tmp_path):
    p, d = project(tmp_path), make_draft()
    a = _approve(p, d)
    assert (a.reviewer, a.credentials, a.signed_at, a.meaning) == (
        "Dana Reyes", "MD, FAAD", "2026-01-15T09:30:00Z", "approved for publication")
    assert a.content_sha256 == d.content_sha256() and a.sheet_sha256 == SHEET
    assert a.provenance == PROVENANCE and a.content == d.content()
    assert a.signature() == "Dana Reyes, MD, FAAD, 2026-01-15 09:30 UTC, approved for publication"

    doc = json.loads((tmp_path / "signoffs/acne.json").read_text(encoding="utf-8"))
    rec = doc["records"][0]
    assert rec["kind"] == "approval" and rec["handout_id"] == "acne"
    assert rec["record_sha256"] == a.record_sha256 == signoff.record_sha256(rec)
    line = audit.events(p)[-1]
    assert (line["event"], line["id"], line["by"], line["record"]["reviewer_id"]) == ("approve", "acne", "dana-reyes", "dana-reyes")
    assert line["record"] == rec
    assert verify_audit(p) == []

    st = _status(p, d)
    assert st.state is State.APPROVED and st.is_publishable()
    assert st.reason == "approved by Dana Reyes, MD, FAAD on 2026-01-15"
    assert st.approval == a and st.review_due == date(2028, 1, 15) and st.review_flag == ""


@pytest.mark.parametrize("reviewer", ["Dana Reyes", "Dana Reyes,", " , MD", ""])
def test_reviewer_without_credentials_is_refused(tmp_path, reviewer):
    p, d = project(tmp_path), make_draft()
    with pytest.raises(SignoffError) as exc:
        _approve(p, d, reviewer=reviewer)
    assert exc.value.message == (
        f'reviewer must be "Printed Name, credentials", e.g. "Dana Reyes, MD, FAAD"; got {reviewer!r}')
    assert not (tmp_path / "signoffs/audit.jsonl").exists()


def test_approve_refuses_drafted_checks_failed_and_retired_saying_why(tmp_path):
    p, d = project(tmp_path), make_draft()
    with pytest.raises(SignoffError) as exc:
        signoff.approve(p, "acne", REVIEWER, draft=d, sheet_sha256="6" * 64, provenance={}, report=report_for(d))
    assert exc.value.message == ("acne: cannot approve: out of date: sources/acne.yaml changed since the draft "
                                 "was made; run `handouts draft acne`")
    failed = report_for(d, passed=False, findings=[
        {"severity": "warning", "check": "grade", "fact": None, "message": "grade 7.2 is above 6"},
        {"severity": "error", "check": "faithfulness", "fact": "treatment.1",
         "message": "treatment.1 (model rewrite) does not match its source: frequency changed"}])
    with pytest.raises(SignoffError) as exc:
        _approve(p, d, report=failed)
    assert exc.value.message == ("acne: cannot approve: checks failed: treatment.1 (model rewrite) does not "
                                 "match its source: frequency changed")
    signoff.retire(p, "acne", REVIEWER, "merged into the rosacea handout", now=T0)
    with pytest.raises(SignoffError) as exc:
        _approve(p, d)
    assert exc.value.message == ("acne: cannot approve: retired: retired by Dana Reyes, MD, FAAD on "
                                 "2026-01-15: merged into the rosacea handout")
    assert [e["event"] for e in audit.events(p)] == ["retire"]


def test_approve_refuses_missing_or_stale_report_and_content_changed_since_opened(tmp_path):
    p, d = project(tmp_path), make_draft()
    with pytest.raises(SignoffError, match=r"^acne: cannot approve: the checks have not been run on this "
                                           r"draft; run `handouts check acne`$"):
        _approve(p, d, report=None)
    with pytest.raises(SignoffError, match="the check report is for other content"):
        _approve(p, d, report=dataclasses.replace(report_for(d), content_sha256="0" * 64))
    with pytest.raises(SignoffError, match="the draft changed since you opened it; reload it"):
        _approve(p, d, expected_content_sha256="0" * 64)
    assert not audit.events(p)


def test_a_second_approval_of_the_same_content_renews_the_review_date(tmp_path):
    p, d = project(tmp_path), make_draft()
    _approve(p, d)
    _approve(p, d, reviewer="Sam Okafor, MD", now=T0 + timedelta(days=700))
    st = _status(p, d, today=date(2028, 1, 20))
    assert st.approval.reviewer == "Sam Okafor" and st.review_due == date(2029, 12, 16)
    assert st.review_flag == ""


# -- invariants -----------------------------------------------------------------------


def _valid_approval_oracle(p, drafts, sheets) -> set[str]:
    """Independent of status_of: ids with an intact approve line for the exact content and sheet."""
    lines = (p.root / "signoffs/audit.jsonl").read_text(encoding="utf-8").splitlines()
    ok = set()
    retired = {json.loads(x)["id"] for x in lines if json.loads(x)["event"] == "retire"}
    for x in lines:
        e = json.loads(x)
        rec = e.get("record") or {}
        body = {k: v for k, v in rec.items() if k != "record_sha256"}
        if (e["event"] == "approve" and e["id"] in drafts and rec.get("handout_id") == e["id"]
                and rec.get("record_sha256") == files.sha256_text(files.canonical_json(body))
                and rec["content_sha256"] == drafts[e["id"]].content_sha256()
                and rec["sheet_sha256"] == sheets[e["id"]] == drafts[e["id"]].sheet_sha256):
            ok.add(e["id"])
    # the latest decision on the exact content wins: drop ids whose content was later rejected
    for x in lines:
        e = json.loads(x)
        if e["event"] == "reject" and e["id"] in ok and \
                e["record"]["content_sha256"] == drafts[e["id"]].content_sha256():
            ok.discard(e["id"])
    return ok - retired


def test_publishable_set_equals_set_with_a_valid_approval(tmp_path):
    p = project(tmp_path)
    ids = ["acne", "eczema", "melasma", "psoriasis", "rosacea", "vitiligo", "warts", "hives"]
    drafts = {i: make_draft(i) for i in ids}
    sheets = {i: SHEET for i in ids}
    _approve(p, drafts["acne"])                       # approved
    _approve(p, drafts["eczema"])                     # approved, then one text edited
    drafts["eczema"] = _edited(drafts["eczema"], "Use the cream every day.")
    _approve(p, drafts["melasma"])                    # approved, then the sheet changed
    drafts["melasma"] = dataclasses.replace(drafts["melasma"], sheet_sha256="7" * 64)
    sheets["melasma"] = "7" * 64
    _approve(p, drafts["psoriasis"])                  # approved, then changes requested
    signoff.reject(p, "psoriasis", REVIEWER, "dose wording", draft=drafts["psoriasis"], now=T0)
    _approve(p, drafts["rosacea"])                    # approved, then retired
    signoff.retire(p, "rosacea", REVIEWER, "outdated", now=T0)
    signoff.reject(p, "vitiligo", REVIEWER, "too long", draft=drafts["vitiligo"], now=T0)
    shutil.copy(tmp_path / "signoffs/acne.json", tmp_path / "signoffs/warts.json")  # a copied record
    # hives: never reviewed

    publishable = {i for i in ids
                   if signoff.status_of(p, i, drafts[i], sheet_sha256=sheets[i], report=report_for(drafts[i]),
                                        today=date(2026, 2, 1)).is_publishable()}
    assert publishable == _valid_approval_oracle(p, drafts, sheets) == {"acne"}


def test_copying_an_approval_record_to_another_handout_is_detected_and_refused(tmp_path):
    p = project(tmp_path)
    acne, eczema = make_draft("acne"), make_draft("eczema")
    _approve(p, acne)
    # 1. copy the record file
    shutil.copy(tmp_path / "signoffs/acne.json", tmp_path / "signoffs/eczema.json")
    assert _status(p, eczema).state is State.AWAITING_REVIEW
    assert verify_audit(p) == [
        "signoffs/eczema.json: records[0]: the record belongs to handout 'acne', not 'eczema'; "
        "a record cannot be copied or moved to another handout"]
    (tmp_path / "signoffs/eczema.json").unlink()

    log = tmp_path / "signoffs/audit.jsonl"
    good = log.read_bytes()
    # 2. relabel acne's signed approve line for eczema, fixing its hashes: the signature no longer matches
    line = json.loads(good.decode().splitlines()[0])
    line["id"] = "eczema"
    line["record"] = dict(line["record"], handout_id="eczema")
    line["record"]["record_sha256"] = signoff.record_sha256(line["record"])
    line.pop("hash")
    line["hash"] = files.sha256_text(files.canonical_json(line))
    log.write_bytes(good + (files.canonical_json(line) + "\n").encode())
    line["n"] = 2  # renumber and re-chain too
    line["prev"] = files.sha256_text(good.decode().splitlines()[0])
    line.pop("hash")
    line["hash"] = files.sha256_text(files.canonical_json(line))
    log.write_bytes(good + (files.canonical_json(line) + "\n").encode())
    assert not _status(p, eczema).is_publishable()
    assert verify_audit(p) == [
        "signoffs/audit.jsonl:2: the signature of 'dana-reyes' does not verify against signoffs/reviewers.yaml: "
        "the line was forged, changed or re-chained after signing, or signed with a key that is not theirs"]
    log.write_bytes(good)
    # 3. even a listed reviewer's key cannot move the approved content to another handout
    rec = json.loads((tmp_path / "signoffs/acne.json").read_text(encoding="utf-8"))["records"][0]
    moved = dict(rec, handout_id="eczema")
    moved["record_sha256"] = signoff.record_sha256(moved)
    audit.append(p, {"event": "approve", "id": "eczema", "record": moved}, now=T0, signer=signer(REVIEWER))
    assert not _status(p, eczema).is_publishable()
    assert verify_audit(p) == [
        "signoffs/audit.jsonl:2: sign-off record for 'eczema': the approved content is handout 'acne', "
        "not 'eczema'"]
    assert _status(p, acne).is_publishable()


def test_an_edited_record_file_is_reported_and_changes_nothing(tmp_path):
    p, d = project(tmp_path), make_draft()
    _approve(p, d)
    path = tmp_path / "signoffs/acne.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["records"][0]["reviewer"] = "Someone Else"
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    assert verify_audit(p) == [
        "signoffs/acne.json: records[0]: the record does not match its record_sha256; it was edited"]
    assert _status(p, d).approval.reviewer == "Dana Reyes"


def _nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


@pytest.mark.parametrize("change", [
    "trailing newline", "NFD instead of NFC", "one space", "title", "reference", "glossary", "heading",
])
def test_a_one_byte_change_anywhere_in_the_content_voids_the_approval(tmp_path, change):
    p = project(tmp_path)
    d = make_draft(title="Acné")
    _approve(p, d)
    assert _status(p, d).is_publishable()
    d2 = dataclasses.replace(d, sections=[dataclasses.replace(s, facts=list(s.facts)) for s in d.sections])
    if change == "trailing newline":
        d2.sections[0].facts[0] = dataclasses.replace(d.sections[0].facts[0], text=d.sections[0].facts[0].text + "\n")
    elif change == "NFD instead of NFC":
        d2 = dataclasses.replace(d2, title=_nfd(d.title))
        assert d2.title != d.title and unicodedata.normalize("NFC", d2.title) == d.title
    elif change == "one space":
        d2.summary = dataclasses.replace(d.summary, text=d.summary.text.replace(" ", "  ", 1))
    elif change == "title":
        d2 = dataclasses.replace(d2, title="Acne.")
    elif change == "reference":
        d2 = dataclasses.replace(d2, references=[d.references[0].replace("945", "946")])
    elif change == "glossary":
        d2 = dataclasses.replace(d2, glossary={"comedone": "a clogged pore "})
    elif change == "heading":
        d2.sections[1] = dataclasses.replace(d.sections[1], heading="Treatment ")
    assert d2.content_sha256() != d.content_sha256()
    st = _status(p, d2)
    assert st.state is State.AWAITING_REVIEW and not st.is_publishable()
    assert st.reason == "changed since approved by Dana Reyes, MD, FAAD on 2026-01-15; needs a new sign-off"
    assert st.last_approval.content == d.content()  # kept for the reviewer's diff


def test_a_changed_sheet_voids_the_approval(tmp_path):
    p, d = project(tmp_path), make_draft()
    _approve(p, d)
    st = _status(p, d, sheet="6" * 64)
    assert st.state is State.OUT_OF_DATE and st.reason == (
        "sources/acne.yaml changed since the draft was made; run `handouts draft acne`")
    redrafted = dataclasses.replace(d, sheet_sha256="6" * 64)  # same words, new sheet
    assert _status(p, redrafted).state is State.AWAITING_REVIEW


def test_status_states_drafted_checks_failed_awaiting(tmp_path):
    p, d = project(tmp_path), make_draft()
    assert signoff.status_of(p, "acne", None, sheet_sha256=SHEET, report=None).reason == (
        "no draft yet; run `handouts draft acne`")
    st = _status(p, d, report=report_for(d, passed=False))
    assert (st.state, st.reason) == (State.CHECKS_FAILED, "checks failed")
    st = _status(p, d)
    assert (st.state, st.reason) == (State.AWAITING_REVIEW, "needs a clinician's sign-off")


# -- changes requested, retire ----------------------------------------------------------


def test_reject_then_edit_then_approve(tmp_path):
    p, d = project(tmp_path), make_draft()
    signoff.reject(p, "acne", REVIEWER, "  Say  'at night' first. ", draft=d, now=T0)
    st = _status(p, d)
    assert st.state is State.CHANGES_REQUESTED and not st.is_publishable()
    assert st.reason == "changes requested by Dana Reyes, MD, FAAD on 2026-01-15: Say 'at night' first."
    d2 = _edited(d, "At night, put adapalene 0.1% gel on once a day.")
    st = _status(p, d2)
    assert st.state is State.AWAITING_REVIEW
    assert st.reason == "changed since changes were requested (Say 'at night' first.); needs review"
    assert st.rejection["reason"] == "Say 'at night' first."
    _approve(p, d2, now=T0 + timedelta(hours=1))
    assert _status(p, d2).is_publishable()
    assert _status(p, d).state is State.CHANGES_REQUESTED  # the rejected text stays rejected


def test_a_rejection_after_an_approval_of_the_same_content_wins(tmp_path):
    p, d = project(tmp_path), make_draft()
    _approve(p, d)
    signoff.reject(p, "acne", "Sam Okafor, MD", "wrong strength", draft=d, now=T0 + timedelta(hours=2))
    assert _status(p, d).state is State.CHANGES_REQUESTED


def test_reject_needs_a_reason(tmp_path):
    p, d = project(tmp_path), make_draft()
    with pytest.raises(SignoffError, match=r"^acne: request changes: give a reason$"):
        signoff.reject(p, "acne", REVIEWER, "   ", draft=d)


def test_retire_removes_from_site_and_keeps_history(tmp_path):
    p, d = project(tmp_path), make_draft()
    _approve(p, d)
    signoff.retire(p, "acne", REVIEWER, "superseded", now=T0 + timedelta(days=1))
    st = _status(p, d)
    assert st.state is State.RETIRED and not st.is_publishable()
    assert st.reason == "retired by Dana Reyes, MD, FAAD on 2026-01-16: superseded"
    assert [e["event"] for e in audit.history(p, "acne")] == ["approve", "retire"]
    kinds = [r["kind"] for r in json.loads((tmp_path / "signoffs/acne.json").read_text())["records"]]
    assert kinds == ["approval", "retirement"]
    with pytest.raises(SignoffError, match="^acne: already retired$"):
        signoff.retire(p, "acne", REVIEWER, "again")


# -- review expiry ----------------------------------------------------------------------


@pytest.mark.parametrize("today, flag, publishable", [
    (date(2027, 11, 15), "", True),               # 61 days before 2028-01-15
    (date(2027, 11, 16), "review due", True),     # 60 days before
    (date(2028, 1, 15), "review due", True),      # the due date itself
    (date(2028, 1, 16), "overdue", True),         # notice mode keeps it published
])
def test_review_due_and_overdue_flags(tmp_path, today, flag, publishable):
    p, d = project(tmp_path), make_draft()
    _approve(p, d)
    st = _status(p, d, today=today)
    assert (st.review_due, st.review_flag, st.is_publishable()) == (date(2028, 1, 15), flag, publishable)
    if flag == "overdue":
        assert st.reason == "approved by Dana Reyes, MD, FAAD on 2026-01-15; review overdue since 2028-01-15"


def test_overdue_handouts_are_withdrawn_when_configured(tmp_path):
    p, d = project(tmp_path, overdue="withdraw"), make_draft(interval=6)
    _approve(p, d)
    assert _status(p, d, today=date(2026, 7, 15)).is_publishable()
    st = _status(p, d, today=date(2026, 7, 16))
    assert (st.state, st.review_flag, st.is_publishable()) == (State.AWAITING_REVIEW, "overdue", False)
    assert st.reason == ("review overdue since 2026-07-15 (approved by Dana Reyes, MD, FAAD on 2026-01-15); "
                         "withdrawn until re-approved")
    _approve(p, d, now=datetime(2026, 7, 20, tzinfo=timezone.utc))  # re-review renews it
    assert _status(p, d, today=date(2026, 7, 21)).is_publishable()


def test_add_months_clamps_to_month_end():
    assert signoff.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert signoff.add_months(date(2027, 12, 15), 24) == date(2029, 12, 15)


# -- concurrency and crashes ----------------------------------------------------------------

_WORKER = """
import sys
sys.path[:0] = [{tests!r}, {root!r}]
from tests.signoff_support import *
from handouts.signoff import signoff
install_kill_points()
from handouts.sources.config import Project, Settings
p = Project(root=__import__('pathlib').Path(sys.argv[1]), settings=Settings())  # reviewers.yaml: by the test
who = sys.argv[2]
for i in range(int(sys.argv[3])):
    for hid in ("acne", "eczema"):
        d = make_draft(hid)
        signoff.approve(p, hid, who, draft=d, sheet_sha256=d.sheet_sha256,
                        provenance=PROVENANCE, report=report_for(d))
print("done")
"""


def _worker(tmp_path, *args, env=None):
    code = _WORKER.format(tests=str(ROOT / "tests"), root=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", code, str(tmp_path), *args], env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_approves_at_once_do_not_corrupt_the_records(tmp_path):
    p = project(tmp_path)
    procs = [_worker(tmp_path, name, "6") for name in ("Ana Lopez, MD", "Ben Cho, MD")]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    assert verify_audit(p) == []
    lines = (tmp_path / "signoffs/audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 24 and [json.loads(x)["n"] for x in lines] == list(range(1, 25))
    for hid in ("acne", "eczema"):
        recs = json.loads((tmp_path / f"signoffs/{hid}.json").read_text(encoding="utf-8"))["records"]
        assert len(recs) == 12 and {r["reviewer"] for r in recs} == {"Ana Lopez", "Ben Cho"}
        assert _status(p, make_draft(hid)).is_publishable()
    assert not list((tmp_path / "signoffs").glob(".*.tmp"))


def _state_files(tmp_path):
    files = sorted(x.name for x in (tmp_path / "signoffs").iterdir()) if (tmp_path / "signoffs").exists() else []
    return files


@pytest.mark.parametrize("point, approved", [
    ("before-audit", False), ("after-audit", True), ("after-record", True),
])
def test_a_crash_during_approve_leaves_the_old_or_the_new_state(tmp_path, point, approved):
    p, d = project(tmp_path), make_draft()
    signoff.reject(p, "acne", REVIEWER, "first pass", draft=d, now=T0)  # the old state
    proc = _worker(tmp_path, "Ana Lopez, MD", "1", env={"TEST_CRASH_AT": point})
    proc.communicate(timeout=60)
    assert proc.returncode == 86
    st = _status(p, d)
    assert st.state is (State.APPROVED if approved else State.CHANGES_REQUESTED)
    assert verify_audit(p) == []  # a lagging signoffs/acne.json is not damage
    signoff.recover(p)
    recs = json.loads((tmp_path / "signoffs/acne.json").read_text(encoding="utf-8"))["records"]
    assert [r["kind"] for r in recs] == (["rejection", "approval"] if approved else ["rejection"])
    assert verify_audit(p) == [] and _status(p, d).state is st.state


def test_killing_approve_between_its_steps_leaves_a_consistent_state(tmp_path):
    p, d = project(tmp_path), make_draft()
    pause = tmp_path / "paused"
    proc = _worker(tmp_path, "Ana Lopez, MD", "1",
                   env={"TEST_PAUSE_AT": "after-audit", "TEST_PAUSE_FILE": str(pause)})
    deadline = time.time() + 30
    while not pause.exists() and time.time() < deadline:
        time.sleep(0.02)
    assert pause.exists()
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=10)
    assert _status(p, d).is_publishable()               # committed: the new state
    assert not (tmp_path / "signoffs/acne.json").exists()  # its readable copy was not yet written
    # the lock died with the process; the next command completes the copy and proceeds
    signoff.reject(p, "eczema", REVIEWER, "later", draft=make_draft("eczema"))
    assert json.loads((tmp_path / "signoffs/acne.json").read_text())["records"][0]["reviewer"] == "Ana Lopez"
    assert verify_audit(p) == []


def test_a_torn_audit_line_was_never_committed(tmp_path):
    p, d = project(tmp_path), make_draft()
    _approve(p, d)
    log = tmp_path / "signoffs/audit.jsonl"
    whole = log.read_bytes()
    with open(log, "ab") as fh:  # an approve of other content, cut off mid-write
        fh.write(whole[: len(whole) // 2])
    assert verify_audit(p) == [
        "signoffs/audit.jsonl:2: incomplete last line (no newline): an interrupted write, or the line was "
        "cut; the next sign-off command removes an interrupted write"]
    assert _status(p, d).is_publishable()
    assert signoff.recover(p) == ["signoffs/audit.jsonl: removed an interrupted last line"]
    assert log.read_bytes() == whole and verify_audit(p) == []


def test_record_publish_logs_only_changes(tmp_path):
    p, d = project(tmp_path), make_draft()
    _approve(p, d)
    signoff.record_publish(p, ["acne"])
    signoff.record_publish(p, ["acne"])
    signoff.record_publish(p, [])
    signoff.record_publish(p, [])
    pubs = [e for e in audit.events(p) if e["event"] == "publish"]
    assert [e["items"] for e in pubs] == [{"acne": d.content_sha256()}, {}]
    assert [e["event"] for e in audit.history(p, "acne")] == ["approve", "publish"]


def test_record_edit_keeps_old_and_new_text_signed_by_the_editor(tmp_path):
    p = project(tmp_path)
    signoff.record_edit(p, "acne", "treatment.1", "old words", "new words", signer=signer(REVIEWER))
    e = audit.history(p, "acne")[0]
    assert (e["event"], e["by"], e["fact"], e["old"], e["new"]) == (
        "edit", "dana-reyes", "treatment.1", "old words", "new words")
    assert e["sig"] and verify_audit(p) == []


def test_a_hand_edit_is_recorded_unsigned_and_the_next_approval_signs_for_it(tmp_path):
    p, d = project(tmp_path), make_draft()
    signoff.record_edit(p, "acne", "treatment.1", "old words", "new words", signer=None)
    e = audit.history(p, "acne")[0]
    assert e["by"] == "unsigned: hand edit of drafts/acne.yaml" and "sig" not in e
    assert verify_audit(p) == []
    a = _approve(p, d, now=datetime.now(timezone.utc))
    rec = json.loads((tmp_path / "signoffs/acne.json").read_text())["records"][0]
    assert rec["signs_for_edits"] == [1] and a.record_sha256 == rec["record_sha256"]
    assert audit.format_event(audit.history(p, "acne")[1]).endswith(
        "signs for the unsigned edits on lines 1  [signed]")
    _approve(p, d, now=datetime.now(timezone.utc))  # nothing new to sign for
    assert json.loads((tmp_path / "signoffs/acne.json").read_text())["records"][1]["signs_for_edits"] == []
