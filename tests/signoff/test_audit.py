"""The hash-chained audit log: every tamper case names the first bad line."""

from __future__ import annotations

import json

import pytest

from handouts.core import files
from handouts.core.exceptions import SignoffError
from handouts.signoff import audit, reviewers, signoff
from tests.signoff_support import PROVENANCE, REVIEWER, T0, make_draft, project, report_for, signer
from handouts.pipeline import verify_audit

LOG = "signoffs/audit.jsonl"


def bad_signature(line: int, who: str = "dana-reyes") -> str:
    return (f"signoffs/audit.jsonl:{line}: the signature of {who!r} does not verify against "
            f"signoffs/reviewers.yaml: the line was forged, changed or re-chained after signing, or signed "
            f"with a key that is not theirs")


def _log(tmp_path, n=5):
    p = project(tmp_path)
    for i in range(1, n + 1):
        audit.append(p, {"event": "edit", "id": "acne", "fact": f"about.{i}",
                         "old": f"old {i}", "new": f"new {i}"}, now=T0, signer=signer(REVIEWER))
    return p, tmp_path / LOG


def _lines(path):
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _write(path, lines):
    path.write_text("".join(lines), encoding="utf-8")


def _rehash(line: str) -> str:
    """What a careful forger does: fix the line's own hash after editing it."""
    e = json.loads(line)
    e.pop("hash")
    e["hash"] = files.sha256_text(files.canonical_json(e))
    return files.canonical_json(e) + "\n"


def test_lines_are_chained_numbered_timestamped_and_verified(tmp_path):
    p, path = _log(tmp_path, 3)
    lines = _lines(path)
    entries = [json.loads(x) for x in lines]
    assert [e["n"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev"] == "0" * 64
    assert entries[1]["prev"] == files.sha256_text(lines[0].rstrip("\n"))
    assert entries[2]["ts"] == "2026-01-15T09:30:00Z"
    assert lines[0] == files.canonical_json(entries[0]) + "\n"  # one JSON object per line, keys sorted
    assert verify_audit(p) == []


def test_append_never_rewrites_earlier_lines(tmp_path):
    p, path = _log(tmp_path, 3)
    before = path.read_bytes()
    audit.append(p, {"event": "create", "id": "acne", "content_sha256": "1" * 64})
    assert path.read_bytes().startswith(before)


def test_append_refuses_unknown_events_and_reserved_keys(tmp_path):
    p = project(tmp_path)
    with pytest.raises(ValueError, match="unknown audit event 'delete'"):
        audit.append(p, {"event": "delete", "id": "acne"})
    with pytest.raises(ValueError, match="audit events may not set n, prev"):
        audit.append(p, {"event": "edit", "id": "acne", "prev": "x", "n": 1})


def _tamper(case: str, lines: list[str]) -> list[str]:
    if case == "edit a value in line 3":
        lines[2] = lines[2].replace("new 3", "new 3!")
    elif case == "edit line 3 and fix its own hash":
        lines[2] = _rehash(lines[2].replace("new 3", "new 3!"))
    elif case == "edit the last line":
        lines[4] = lines[4].replace("new 5", "new five")
    elif case == "edit the last line and fix its own hash":
        lines[4] = _rehash(lines[4].replace("new 5", "new five"))
    elif case == "reformat line 2 (whitespace only)":
        lines[1] = json.dumps(json.loads(lines[1]), sort_keys=True, indent=None) + "\n"
    elif case == "delete line 3":
        del lines[2]
    elif case == "delete line 1":
        del lines[0]
    elif case == "swap lines 2 and 3":
        lines[1], lines[2] = lines[2], lines[1]
    elif case == "move the last line first":
        lines.insert(0, lines.pop())
    elif case == "insert a blank line after line 2":
        lines.insert(2, "\n")
    elif case == "insert a forged line 3 (renumbered, rehashed)":
        forged = json.loads(lines[1])
        forged.update(n=3, new="forged")
        lines.insert(2, _rehash(files.canonical_json(forged)))
    elif case == "cut the last line in half":
        lines[4] = lines[4][: len(lines[4]) // 2]
    elif case == "duplicate line 4":
        lines.insert(4, lines[3])
    return lines


TAMPER_CASES = {
    "edit a value in line 3": "signoffs/audit.jsonl:3: the line's content does not match its hash; it was edited",
    "edit line 3 and fix its own hash": bad_signature(3),  # its signature no longer matches it
    "edit the last line": "signoffs/audit.jsonl:5: the line's content does not match its hash; it was edited",
    "reformat line 2 (whitespace only)": (
        "signoffs/audit.jsonl:3: does not chain to line 2 (its `prev` is not the SHA-256 of line 2); "
        "line 2 was edited, or lines were deleted or moved"),
    "delete line 3": ("signoffs/audit.jsonl:3: this is entry 4 but sits on line 3; "
                      "a line was deleted, inserted or moved"),
    "delete line 1": ("signoffs/audit.jsonl:1: this is entry 2 but sits on line 1; "
                      "a line was deleted, inserted or moved"),
    "swap lines 2 and 3": ("signoffs/audit.jsonl:2: this is entry 3 but sits on line 2; "
                           "a line was deleted, inserted or moved"),
    "move the last line first": ("signoffs/audit.jsonl:1: this is entry 5 but sits on line 1; "
                                 "a line was deleted, inserted or moved"),
    "insert a blank line after line 2": "signoffs/audit.jsonl:3: empty line; a line was blanked or inserted",
    "insert a forged line 3 (renumbered, rehashed)": (
        "signoffs/audit.jsonl:3: does not chain to line 2 (its `prev` is not the SHA-256 of line 2); "
        "line 2 was edited, or lines were deleted or moved"),
    "cut the last line in half": (
        "signoffs/audit.jsonl:5: incomplete last line (no newline): an interrupted write, or the line was "
        "cut; the next sign-off command removes an interrupted write"),
    "duplicate line 4": ("signoffs/audit.jsonl:5: this is entry 4 but sits on line 5; "
                         "a line was deleted, inserted or moved"),
}


@pytest.mark.parametrize("case", sorted(TAMPER_CASES))
def test_verify_names_the_first_bad_line(tmp_path, case):
    p, path = _log(tmp_path)
    _write(path, _tamper(case, _lines(path)))
    assert verify_audit(p) == [TAMPER_CASES[case]]


def test_a_rehashed_edit_of_the_last_line_is_caught_by_its_signature(tmp_path):
    """The chain alone cannot see a re-hashed last line; its signature does."""
    p = project(tmp_path)
    d = make_draft()
    signoff.approve(p, "acne", REVIEWER, draft=d, sheet_sha256=d.sheet_sha256, provenance=PROVENANCE,
                    report=report_for(d), now=T0)
    path = tmp_path / LOG
    lines = _lines(path)
    lines[-1] = _rehash(lines[-1].replace('"reviewer":"Dana Reyes"', '"reviewer":"Dr Nobody"'))
    _write(path, lines)
    assert verify_audit(p) == [bad_signature(1)]
    st = signoff.status_of(p, "acne", d, sheet_sha256=d.sheet_sha256, report=None)
    assert not st.is_publishable()


def test_deleting_the_last_sign_off_line_is_caught_by_its_record_file(tmp_path):
    p = project(tmp_path)
    d = make_draft()
    signoff.reject(p, "acne", REVIEWER, "fix dose", draft=d, now=T0)
    signoff.approve(p, "acne", REVIEWER, draft=d, sheet_sha256=d.sheet_sha256, provenance=PROVENANCE,
                    report=report_for(d), now=T0)
    path = tmp_path / LOG
    _write(path, _lines(path)[:-1])
    assert verify_audit(p) == [
        "signoffs/acne.json: records[1]: not the record committed in signoffs/audit.jsonl; it was added, "
        "removed or moved by hand, or the log was cut"]
    st = signoff.status_of(p, "acne", d, sheet_sha256=d.sheet_sha256, report=None)
    assert not st.is_publishable()
    signoff.recover(p)  # never overwrites a record file that disagrees with the log
    assert len(json.loads((tmp_path / "signoffs/acne.json").read_text())["records"]) == 2


def test_a_tampered_log_blocks_signing_until_restored(tmp_path):
    p = project(tmp_path)
    d = make_draft()
    signoff.reject(p, "acne", REVIEWER, "fix dose", draft=d, now=T0)
    path = tmp_path / LOG
    good = path.read_bytes()
    path.write_bytes(good.replace(b"fix dose", b"fine now"))
    with pytest.raises(Exception) as exc:
        signoff.approve(p, "acne", REVIEWER, draft=d, sheet_sha256=d.sheet_sha256, provenance=PROVENANCE,
                        report=report_for(d))
    assert exc.value.message == (
        "acne: cannot approve: the audit log failed verification; restore it (e.g. `git checkout signoffs/`) "
        "and retry:\nsignoffs/audit.jsonl:1: the line's content does not match its hash; it was edited")
    path.write_bytes(good)
    signoff.approve(p, "acne", REVIEWER, draft=d, sheet_sha256=d.sheet_sha256, provenance=PROVENANCE,
                    report=report_for(d))
    assert verify_audit(p) == []


def test_status_ignores_everything_after_the_first_bad_line(tmp_path):
    p = project(tmp_path)
    d = make_draft()
    signoff.approve(p, "acne", REVIEWER, draft=d, sheet_sha256=d.sheet_sha256, provenance=PROVENANCE,
                    report=report_for(d), now=T0)
    path = tmp_path / LOG
    lines = _lines(path)
    _write(path, ["\n"] + lines)  # the approval now sits after a bad line
    st = signoff.status_of(p, "acne", d, sheet_sha256=d.sheet_sha256, report=None)
    assert not st.is_publishable()


def test_history_and_format(tmp_path):
    p = project(tmp_path)
    d = make_draft()
    audit.append(p, {"event": "create", "id": "acne", "content_sha256": d.content_sha256()}, now=T0)
    audit.append(p, {"event": "create", "id": "eczema", "content_sha256": "2" * 64}, now=T0)
    signoff.approve(p, "acne", REVIEWER, draft=d, sheet_sha256=d.sheet_sha256, provenance=PROVENANCE,
                    report=report_for(d), now=T0)
    signoff.record_publish(p, ["acne"])
    hist = audit.history(p, "acne")
    assert [e["event"] for e in hist] == ["create", "approve", "publish"]
    assert audit.format_event(hist[1]) == (
        f'    3  2026-01-15T09:30:00Z  approve  Dana Reyes, MD, FAAD: "approved for publication", '
        f'content {d.content_sha256()[:12]}, sheet {d.sheet_sha256[:12]}  [signed]')
    assert audit.history(p, "melasma") == []


def test_an_empty_or_missing_log_verifies(tmp_path):
    assert verify_audit(project(tmp_path)) == []


# -- attacks: someone with write access to the repository, but no reviewer's key -------------------


def _approved(tmp_path):
    p = project(tmp_path)
    d = make_draft()
    signoff.approve(p, "acne", REVIEWER, draft=d, sheet_sha256=d.sheet_sha256, provenance=PROVENANCE,
                    report=report_for(d), now=T0)
    return p, d, tmp_path / LOG


def _chain(lines: list[str], start: int = 0) -> list[str]:
    """What a careful forger does after changing lines: renumber, re-chain and re-hash from `start` on."""
    out = lines[:start]
    for raw in lines[start:]:
        e = json.loads(raw)
        e["n"] = len(out) + 1
        e["prev"] = files.sha256_text(out[-1].rstrip("\n")) if out else audit.GENESIS
        e.pop("hash", None)
        e["hash"] = files.sha256_text(files.canonical_json(e))
        out.append(files.canonical_json(e) + "\n")
    return out


def _forged_approval(p, d, handout_id="acne", ts="2025-01-15T09:30:00Z", by="dana-reyes", sign_with=None):
    rec = {"kind": "approval", "handout_id": handout_id, "reviewer_id": by, "reviewer": "Dana Reyes",
           "credentials": "MD, FAAD", "signed_at": ts, "meaning": "approved for publication",
           "content_sha256": d.content_sha256(), "sheet_sha256": d.sheet_sha256, "provenance": {},
           "content": d.content(), "signs_for_edits": []}
    rec["record_sha256"] = signoff.record_sha256(rec)
    e = {"event": "approve", "id": handout_id, "record": rec, "ts": ts, "by": by}
    if sign_with is not None:
        lines = _lines(audit.log_path(p)) if audit.log_path(p).exists() else []
        e["n"] = len(lines) + 1
        e["prev"] = files.sha256_text(lines[-1].rstrip("\n")) if lines else audit.GENESIS
        e["sig"] = sign_with.sign(audit.signed_payload(e))
    return files.canonical_json(e) + "\n"


def _publishable(p, d) -> bool:
    return signoff.status_of(p, d.id, d, sheet_sha256=d.sheet_sha256, report=report_for(d)).is_publishable()


def test_attack_a_forged_unsigned_approval_line_is_refused(tmp_path):
    p, d = project(tmp_path), make_draft()
    path = tmp_path / LOG
    audit.append(p, {"event": "create", "id": "acne", "content_sha256": d.content_sha256()}, now=T0)
    _write(path, _chain(_lines(path) + [_forged_approval(p, d, ts="2026-02-01T00:00:00Z")]))
    assert verify_audit(p) == [
        "signoffs/audit.jsonl:2: approve by 'dana-reyes' is not signed; only the signature of a reviewer on the "
        "list (signoffs/reviewers.yaml) makes a sign-off count"]
    assert not _publishable(p, d)


def test_attack_an_approval_signed_with_a_key_not_on_the_list_is_refused(tmp_path):
    p, d = project(tmp_path), make_draft()
    path = tmp_path / LOG
    outsider = signer("Mallory Moe, MD")  # a real SSH key, but not one on the list
    path.parent.mkdir(exist_ok=True)
    _write(path, _chain([_forged_approval(p, d, ts="2026-01-15T09:30:00Z", sign_with=outsider)]))
    assert verify_audit(p) == [bad_signature(1)]
    assert not _publishable(p, d)
    _write(path, _chain([_forged_approval(p, d, ts="2026-01-15T09:30:00Z", by="mallory-moe", sign_with=outsider)]))
    assert verify_audit(p) == [
        "signoffs/audit.jsonl:1: signed as 'mallory-moe', who is not on the reviewer list "
        "(signoffs/reviewers.yaml); the signature does not count"]
    assert not _publishable(p, d)


def test_signing_with_a_key_not_on_the_list_records_nothing(tmp_path):
    from handouts.signoff.reviewers import Signer, find_signer

    p, d = project(tmp_path), make_draft()
    impostor = Signer(signer(REVIEWER).reviewer, signer("Mallory Moe, MD").key_file)  # Dana's name, another key
    with pytest.raises(SignoffError) as exc:
        signoff.approve(p, "acne", draft=d, sheet_sha256=d.sheet_sha256, provenance={}, report=report_for(d),
                        signer=impostor)
    assert exc.value.message == (
        "the signature does not verify against signoffs/reviewers.yaml: the key used is not the key listed for "
        "Dana Reyes, MD, FAAD (dana-reyes); nothing was recorded")
    assert not (tmp_path / LOG).exists() or (tmp_path / LOG).read_text() == ""
    key = signer("Mallory Moe, MD").key_file
    with pytest.raises(SignoffError, match=r"^the signing key .*/outsider \(SHA256:[A-Za-z0-9+/]{43}\) is not on "
                                           r"the reviewer list \(signoffs/reviewers.yaml\); a listed reviewer must "
                                           r"add it with `handouts reviewer add`$"):
        find_signer(p, key_file=key)
    assert not _publishable(p, d)


def test_attack_a_rewritten_and_rechained_old_approval_is_refused(tmp_path):
    """Change the approved warning in an old record, fix every hash and re-chain every later line."""
    p, d, path = _approved(tmp_path)
    signoff.reject(p, "eczema", REVIEWER, "too long", draft=make_draft("eczema"), now=T0)
    signoff.record_publish(p, ["acne"])
    lines = _lines(path)
    e = json.loads(lines[0])
    rec = e["record"]
    rec["content"]["sections"][2]["texts"][0] = "Keep using it even if your face swells."
    rec["content_sha256"] = signoff.content_sha256_of(rec["content"])
    rec["record_sha256"] = signoff.record_sha256(rec)
    lines[0] = files.canonical_json(e) + "\n"
    _write(path, _chain(lines))
    assert verify_audit(p) == [bad_signature(1)]
    changed = make_draft()
    changed.sections[2].facts[0].text = "Keep using it even if your face swells."
    assert not _publishable(p, changed) and not _publishable(p, d)


@pytest.mark.parametrize("how", ["edit the signed time", "append an earlier line"])
def test_attack_a_back_dated_entry_is_refused(tmp_path, how):
    p, d, path = _approved(tmp_path)
    lines = _lines(path)
    if how == "edit the signed time":
        e = json.loads(lines[0])
        e["ts"] = e["record"]["signed_at"] = "2025-01-15T09:30:00Z"
        e["record"]["record_sha256"] = signoff.record_sha256(e["record"])
        _write(path, _chain([files.canonical_json(e) + "\n"]))
        assert verify_audit(p) == [bad_signature(1)]
    else:
        forged = {"event": "create", "id": "acne", "content_sha256": "1" * 64, "ts": "2025-01-15T09:30:00Z"}
        _write(path, _chain(lines + [files.canonical_json(forged) + "\n"]))
        assert verify_audit(p) == [
            "signoffs/audit.jsonl:2: dated 2025-01-15T09:30:00Z, before line 1 (2026-01-15T09:30:00Z); times in "
            "the log never go back: the line was back-dated or moved"]
    assert not _publishable(p, d) or how == "append an earlier line"  # the approval itself is intact there


def test_a_reviewer_cannot_back_date_a_signature(tmp_path):
    """Even with a listed key, a record's time must be its signed line's time, and the clock cannot go back."""
    p, d, path = _approved(tmp_path)
    with pytest.raises(SignoffError, match=r"^signoffs/audit.jsonl: the time now \(2025-06-01T00:00:00Z\) is "
                                           r"before the log's last entry \(2026-01-15T09:30:00Z\); times in the "
                                           r"log never go back: check the computer's clock$"):
        signoff.retire(p, "acne", REVIEWER, "old", now=T0.replace(year=2025, month=6, day=1, hour=0, minute=0))
    rec = json.loads(_lines(path)[0])["record"]
    early = dict(rec, signed_at="2025-01-01T00:00:00Z")
    early["record_sha256"] = signoff.record_sha256(early)
    audit.append(p, {"event": "approve", "id": "acne", "record": early}, now=T0, signer=signer(REVIEWER))
    assert verify_audit(p) == [
        "signoffs/audit.jsonl:2: sign-off record for 'acne': the record says it was signed at "
        "2025-01-01T00:00:00Z, but its line is dated 2026-01-15T09:30:00Z; it was back-dated"]


def test_attack_an_approval_moved_to_another_handout_is_refused(tmp_path):
    p, d, path = _approved(tmp_path)
    e = json.loads(_lines(path)[0])
    e["id"] = e["record"]["handout_id"] = "eczema"
    e["record"]["record_sha256"] = signoff.record_sha256(e["record"])
    _write(path, _chain(_lines(path) + [files.canonical_json(e) + "\n"]))
    assert verify_audit(p) == [bad_signature(2)]
    eczema = make_draft("eczema")
    assert not _publishable(p, eczema)


def test_attack_a_name_claimed_on_an_unsigned_line_is_refused(tmp_path):
    p = project(tmp_path)
    path = tmp_path / LOG
    path.parent.mkdir(exist_ok=True)
    edit = {"event": "edit", "id": "acne", "by": "Dana Reyes, MD, FAAD", "fact": "about.1", "old": "a", "new": "b",
            "ts": "2026-01-15T09:30:00Z"}
    _write(path, _chain([files.canonical_json(edit) + "\n"]))
    assert verify_audit(p) == [
        "signoffs/audit.jsonl:1: names 'Dana Reyes, MD, FAAD' as its author but is not signed by them"]


def test_audit_verify_exits_5_naming_the_problem(tmp_path):
    from click.testing import CliRunner

    from handouts.cli import cli

    p, d, path = _approved(tmp_path)
    (tmp_path / "site_config").mkdir(exist_ok=True)
    ok = CliRunner().invoke(cli, ["audit", "verify", "--root", str(tmp_path)])
    assert (ok.exit_code, ok.output) == (0, "audit log OK\n")
    _write(path, _chain(_lines(path) + [_forged_approval(p, make_draft("eczema"), "eczema", ts="2026-02-01T00:00:00Z")]))
    bad = CliRunner().invoke(cli, ["audit", "verify", "--root", str(tmp_path)])
    assert bad.exit_code == 5
    assert ("signoffs/audit.jsonl:2: approve by 'dana-reyes' is not signed; only the signature of a reviewer on "
            "the list (signoffs/reviewers.yaml) makes a sign-off count") in bad.output


def test_signatures_already_verified_on_this_machine_are_not_checked_again(tmp_path, monkeypatch):
    from handouts.signoff import reviewers

    p, _ = _log(tmp_path, 4)
    calls = []
    real = reviewers._run
    monkeypatch.setattr(reviewers, "_run", lambda args, *a, **k: (calls.append(args[1:3]), real(args, *a, **k))[1])
    reviewers._verified.clear()
    assert verify_audit(p) == [] and calls.count(["-Y", "verify"]) == 4
    assert json.loads((tmp_path / ".handouts/audit-verified.json").read_text())["length"] == 4
    audit.append(p, {"event": "edit", "id": "acne", "fact": "about.9", "old": "a", "new": "b"}, now=T0,
                 signer=signer(REVIEWER))
    reviewers._verified.clear()
    calls.clear()
    assert verify_audit(p) == [] and calls.count(["-Y", "verify"]) == 1  # only the new line
    reviewers._verified.clear()
    calls.clear()
    assert verify_audit(p, full=True) == [] and calls.count(["-Y", "verify"]) == 5  # `audit verify`: all
    # a rewritten, re-chained log no longer matches what was verified: everything is checked again
    path = tmp_path / LOG
    lines = _lines(path)
    e = json.loads(lines[1])
    e["new"] = "forged"
    lines[1] = files.canonical_json(e) + "\n"
    _write(path, _chain(lines))
    reviewers._verified.clear()
    assert verify_audit(p) == [bad_signature(2)]


def test_audit_verify_since_a_git_revision_refuses_a_cut_or_rewritten_log(tmp_path):
    import subprocess

    from click.testing import CliRunner

    from handouts.cli import cli

    p, path = _log(tmp_path, 3)
    git = ["git", "-C", str(tmp_path), "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "signoffs"], check=True)
    subprocess.run(git + ["commit", "-qm", "log"], check=True)
    audit.append(p, {"event": "edit", "id": "acne", "fact": "about.4", "old": "a", "new": "b"}, now=T0,
                 signer=signer(REVIEWER))

    def verify():
        return CliRunner().invoke(cli, ["audit", "verify", "--since", "HEAD", "--root", str(tmp_path)])

    r = verify()
    assert (r.exit_code, r.output) == (0, "audit log OK; it extends the log at HEAD\n")
    _write(path, _lines(path)[:2])  # cut: still a valid log on its own
    assert verify_audit(p) == []
    r = verify()
    assert r.exit_code == 5 and "signoffs/audit.jsonl: has 2 lines, but 3 at HEAD; the log was cut" in r.output
    lines = _lines(path)
    e = json.loads(lines[1])
    e["new"] = "other"
    _write(path, _chain([lines[0], files.canonical_json(e) + "\n"]))
    r = verify()
    assert r.exit_code == 5 and "signoffs/audit.jsonl:2: the signature of 'dana-reyes' does not verify" in r.output
    # an unsigned last line rewritten (no signature covers it yet): only the committed log shows it
    _write(path, _chain(_lines(path)[:0] + [lines[0]]))
    subprocess.run(git + ["checkout", "-q", "--", "signoffs"], check=True)
    audit.append(p, {"event": "create", "id": "acne", "content_sha256": "1" * 64}, now=T0)
    subprocess.run(git + ["commit", "-qam", "create"], check=True)
    lines = _lines(path)
    _write(path, _chain(lines[:-1] + [lines[-1].replace("1" * 64, "2" * 64)], start=len(lines) - 1))
    assert verify_audit(p) == []
    r = verify()
    assert r.exit_code == 5 and "signoffs/audit.jsonl:4: differs from line 4 at HEAD; the log was rewritten" in r.output


def test_a_machine_event_after_a_line_from_a_clock_that_ran_ahead_keeps_times_in_order(tmp_path):
    p, _ = _log(tmp_path, 1)  # signed at T0
    e = audit.append(p, {"event": "create", "id": "acne", "content_sha256": "1" * 64},
                     now=T0.replace(hour=8))  # the build machine's clock is behind the reviewer's
    assert e["ts"] == "2026-01-15T09:30:00Z" and verify_audit(p) == []


# -- reading the log once per command ------------------------------------------------------------


def _counting_scans(monkeypatch) -> list:
    calls = []
    real = audit._scan
    monkeypatch.setattr(audit, "_scan", lambda *a, **k: (calls.append(k.get("known")), real(*a, **k))[1])
    return calls


def test_an_unchanged_log_is_read_once_per_command(tmp_path, monkeypatch):
    p, _ = _log(tmp_path, 3)
    monkeypatch.setattr(audit, "_RACY_NS", 0)  # as if the log were written well before this command
    calls = _counting_scans(monkeypatch)
    first = audit.scan(p)
    assert audit.scan(p) == first and signoff.verify(p) == [] and len(calls) == 1
    audit.append(p, {"event": "create", "id": "acne", "content_sha256": "1" * 64})
    grown = audit.scan(p)  # only the new line is looked at: the rest are the bytes read before
    assert len(calls) == 2 and calls[1] is not None
    audit._scans.clear()
    assert grown == audit.scan(p) and [e["n"] for e in grown[0]] == [1, 2, 3, 4]  # = a fresh scan


def test_a_log_rewritten_within_a_time_stamp_tick_of_its_reading_is_read_again(tmp_path):
    p, path = _log(tmp_path, 3)
    assert audit.scan(p) == (audit.scan(p)[0], [])
    lines = _lines(path)
    lines[1] = lines[1].replace("new 2", "new X")  # same size, at once: the stamp alone may not change
    _write(path, lines)
    assert audit.scan(p)[1] and audit.scan(p)[1][0].startswith("signoffs/audit.jsonl:2: ")


def test_a_grown_log_whose_earlier_lines_were_rewritten_is_checked_from_line_one(tmp_path, monkeypatch):
    p, path = _log(tmp_path, 3)
    monkeypatch.setattr(audit, "_RACY_NS", 0)
    assert audit.scan(p)[1] == []
    lines = _lines(path)
    e = json.loads(lines[1])
    e["new"] = "forged"
    lines[1] = files.canonical_json(e) + "\n"
    _write(path, _chain(lines))  # re-chained and re-hashed: only the signature can tell
    audit.append(p, {"event": "create", "id": "acne", "content_sha256": "1" * 64})
    reviewers._verified.clear()
    assert audit.scan(p)[1] == [bad_signature(2)]
    assert signoff.verify(p) == [bad_signature(2)]


def test_history_and_the_last_publish_are_found_without_parsing_every_line(tmp_path, monkeypatch):
    p = project(tmp_path)
    for hid in ("acne", "acne-2", "eczema"):
        audit.append(p, {"event": "create", "id": hid, "content_sha256": "1" * 64}, now=T0)
    signoff.record_publish(p, ["acne", "eczema"])
    signoff.record_publish(p, ["eczema"])
    parsed = []
    real = json.loads
    monkeypatch.setattr(audit.json, "loads", lambda s, *a, **k: (parsed.append(s), real(s, *a, **k))[1])
    assert [e["event"] for e in audit.history(p, "acne")] == ["create", "publish"]
    assert len(parsed) == 2  # the lines of "acne-2" and "eczema" alone are not even parsed
    parsed.clear()
    assert audit.last_event(p, "publish")["ids"] == ["eczema"] and len(parsed) == 1
    assert audit.last_event(p, "approve") is None
