"""The reviewer list, adding a reviewer, finding the signing key, and SSH signatures."""

from __future__ import annotations

import os
import subprocess

import pytest
from click.testing import CliRunner

from handouts.cli import cli
from handouts.core.exceptions import InputError, SignoffError
from handouts.signoff import reviewers
from handouts.sources.config import Project, Settings
from tests.signoff_support import REVIEWER, keys_dir, project, public_key, signer
from handouts.pipeline import verify_audit

LIST = "signoffs/reviewers.yaml"


def _write(tmp_path, text):
    (tmp_path / "signoffs").mkdir(exist_ok=True)
    (tmp_path / LIST).write_text(text, encoding="utf-8")
    return Project(root=tmp_path, settings=Settings())


def test_the_list_loads_with_names_credentials_and_keys(tmp_path):
    p = project(tmp_path)
    listed = reviewers.load(p)
    assert [(r.id, r.printed) for r in listed][:2] == [("dana-reyes", "Dana Reyes, MD, FAAD"),
                                                       ("sam-okafor", "Sam Okafor, MD")]
    assert listed[0].key == " ".join(public_key("dana-reyes").split()[:2])
    assert reviewers.allowed_signers(listed[:1]) == f'dana-reyes namespaces="handouts" {listed[0].key}\n'
    fp = subprocess.run(["ssh-keygen", "-l", "-f", str(keys_dir() / "dana-reyes.pub")], capture_output=True,
                        text=True).stdout.split()[1]
    assert listed[0].fingerprint == fp


def test_no_list_means_no_reviewers_and_signing_says_how_to_add_one(tmp_path):
    p = Project(root=tmp_path, settings=Settings())
    assert reviewers.load(p) == []
    with pytest.raises(SignoffError) as exc:
        reviewers.find_signer(p, REVIEWER)
    assert exc.value.message == ('no reviewers are listed in signoffs/reviewers.yaml; add the first one with '
                                 '`handouts reviewer add "Dana Reyes, MD, FAAD" --new-key`')


@pytest.mark.parametrize("text, problem", [
    ("reviewers:\n  - id: a\n    id: b\n", "signoffs/reviewers.yaml:3:5: reviewers[1].id: duplicate key; first at "
                                          "line 2, again at line 3; keep only one"),
    ("reviewers: &x\n  - *x\n", "signoffs/reviewers.yaml:1:12: reviewers: anchors (&x) and their aliases are not "
                                "allowed; write the value out in full"),
    ("people: []\n", "signoffs/reviewers.yaml:1:1: (top): expected only `reviewers:`, a list; unknown field 'people'"),
    ("reviewers:\n  - id: Dana\n    name: Dana Reyes\n    credentials: MD\n    key: {key}\n",
     "signoffs/reviewers.yaml:2:9: reviewers[1].id: expected lowercase letters, digits and hyphens, e.g. dana-reyes"),
    ("reviewers:\n  - id: dana\n    name: D\u0430na Reyes\n    credentials: MD\n    key: {key}\n",
     "signoffs/reviewers.yaml:3:11: reviewers[1].name: name: mixes alphabets in the word 'Dаna' (Cyrillic and "
     "Latin): 'а' (CYRILLIC SMALL LETTER A) only looks like a letter of the rest; retype it"),
    ("reviewers:\n  - id: dana\n    name: Dana Reyes\n    credentials: MD\n    key: ssh-ed25519 AAAAbroken\n",
     "signoffs/reviewers.yaml:5:10: reviewers[1].key: the key's base64 part is damaged"),
    ("reviewers:\n  - id: dana\n    name: Dana Reyes\n    credentials: MD\n    key: {key}\n"
     "  - id: sam\n    name: Sam Okafor\n    credentials: MD\n    key: {key}\n",
     "signoffs/reviewers.yaml:9:10: reviewers[2].key: the same key as reviewers[1]; each reviewer needs their own"),
    ("reviewers:\n  - id: dana\n    name: Dana Reyes\n    credentials: MD\n", "signoffs/reviewers.yaml:2:5: "
                                                                               "reviewers[1].key: missing, or not text"),
])
def test_a_bad_list_is_a_clean_input_error(tmp_path, text, problem):
    p = _write(tmp_path, text.replace("{key}", public_key("dana-reyes")))
    with pytest.raises(InputError) as exc:
        reviewers.load(p)
    assert exc.value.problems == [problem]


def test_adding_a_reviewer_is_one_command(tmp_path):
    (tmp_path / "sources").mkdir()
    r = CliRunner().invoke(cli, ["reviewer", "add", "Dana Reyes, MD, FAAD", "--key",
                                 str(keys_dir() / "dana-reyes.pub"), "--root", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("added Dana Reyes, MD, FAAD (id dana-reyes, key SHA256:")
    assert f"ssh-add {keys_dir() / 'dana-reyes'}" in r.output
    listed = reviewers.load(Project(root=tmp_path, settings=Settings()))
    assert [(x.id, x.printed) for x in listed] == [("dana-reyes", "Dana Reyes, MD, FAAD")]
    text = (tmp_path / LIST).read_text()
    assert text.startswith("# Authorised reviewers") and "reviewers:\n  - id: dana-reyes\n" in text
    again = CliRunner().invoke(cli, ["reviewer", "add", "Sam Okafor, MD", "--key",
                                     str(keys_dir() / "dana-reyes.pub"), "--root", str(tmp_path)])
    assert again.exit_code == 5
    assert "this key is already listed for Dana Reyes, MD, FAAD (dana-reyes)" in again.output
    bad = CliRunner().invoke(cli, ["reviewer", "add", "D\u0430na Reyes, MD", "--key",
                                   str(keys_dir() / "sam-okafor.pub"), "--root", str(tmp_path)])
    assert bad.exit_code == 5 and "mixes alphabets" in bad.output
    private = CliRunner().invoke(cli, ["reviewer", "add", "Sam Okafor, MD", "--key", str(keys_dir() / "sam-okafor"),
                                       "--root", str(tmp_path)])
    assert private.exit_code == 5 and "this is a private key; give the public key (the .pub file)" in private.output
    listing = CliRunner().invoke(cli, ["reviewer", "list", "--root", str(tmp_path)])
    assert listing.output.splitlines()[2].startswith("dana-reyes  Dana Reyes, MD, FAAD  SHA256:")


def test_first_reviewer_setup_makes_a_key_and_can_sign_with_it(tmp_path):
    (tmp_path / "sources").mkdir()
    key = tmp_path / "home/.ssh/handouts_ed25519"
    r = CliRunner().invoke(cli, ["reviewer", "add", "Dana Reyes, MD, FAAD", "--new-key", str(key),
                                 "--no-passphrase", "--root", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert key.exists() and (key.stat().st_mode & 0o077) == 0
    p = Project(root=tmp_path, settings=Settings())
    s = reviewers.find_signer(p, key_file=key)
    assert s.reviewer.printed == "Dana Reyes, MD, FAAD"
    sig = s.sign(b"payload")
    assert reviewers.verify_many(reviewers.load(p), [("dana-reyes", b"payload", sig),
                                                     ("dana-reyes", b"other", sig),
                                                     ("sam-okafor", b"payload", sig)]) == [True, False, False]


def test_the_signing_key_comes_from_the_option_the_environment_or_ssh_agent(tmp_path, monkeypatch):
    p = project(tmp_path)
    # ssh-agent (the session's private agent) holds all four test reviewers' keys: say which
    with pytest.raises(SignoffError, match=r"^ssh-agent holds the keys of several reviewers \(Dana Reyes, MD, "
                                           r"FAAD, Sam Okafor, MD, Ana Lopez, MD, Ben Cho, MD\); say which with "
                                           r'--reviewer "Name, credentials"$'):
        reviewers.find_signer(p)
    assert reviewers.find_signer(p, "Sam Okafor, MD") == reviewers.Signer(reviewers.load(p)[1], None)
    with pytest.raises(SignoffError, match=r"^reviewer 'Sam Okafor, DO': the reviewer list has 'Sam Okafor, MD'$"):
        reviewers.find_signer(p, "Sam Okafor, DO")
    with pytest.raises(SignoffError, match=r"^reviewer 'Mallory Moe, MD' is not on the reviewer list"):
        reviewers.find_signer(p, "Mallory Moe, MD")
    # $HANDOUTS_SIGNING_KEY
    monkeypatch.setenv("HANDOUTS_SIGNING_KEY", str(keys_dir() / "ana-lopez"))
    assert reviewers.find_signer(p).reviewer.id == "ana-lopez"
    with pytest.raises(SignoffError, match=r"^no signing key for Dana Reyes, MD, FAAD: the key file is Ana Lopez, "
                                           r"MD's$"):
        reviewers.find_signer(p, REVIEWER)
    # --key-file wins over the environment
    assert reviewers.find_signer(p, key_file=keys_dir() / "ben-cho").reviewer.id == "ben-cho"
    monkeypatch.delenv("HANDOUTS_SIGNING_KEY")
    monkeypatch.delenv("SSH_AUTH_SOCK")
    with pytest.raises(SignoffError, match=r"^no signing key: give --key-file, set HANDOUTS_SIGNING_KEY"):
        reviewers.find_signer(p, REVIEWER)


def test_a_key_file_signer_signs_and_the_record_names_the_listed_reviewer(tmp_path):
    from handouts.signoff import audit, signoff
    from tests.signoff_support import T0, make_draft, report_for

    p, d = project(tmp_path), make_draft()
    a = signoff.approve(p, "acne", draft=d, sheet_sha256=d.sheet_sha256, provenance={}, report=report_for(d),
                        now=T0, signer=signer("Sam Okafor, MD"))
    assert (a.reviewer, a.credentials) == ("Sam Okafor", "MD")
    assert audit.events(p)[0]["by"] == "sam-okafor" and verify_audit(p) == []
    with pytest.raises(SignoffError, match=r"^reviewer 'Dana Reyes, MD, FAAD' does not match the signing key: it "
                                           r"is the key of Sam Okafor, MD$"):
        signoff.approve(p, "acne", REVIEWER, draft=d, sheet_sha256=d.sheet_sha256, provenance={},
                        report=report_for(d), signer=signer("Sam Okafor, MD"))


def test_a_removed_reviewer_s_signatures_no_longer_count(tmp_path):
    from handouts.signoff import audit, signoff
    from tests.signoff_support import T0, make_draft, report_for, write_reviewers

    p, d = project(tmp_path), make_draft()
    signoff.approve(p, "acne", "Sam Okafor, MD", draft=d, sheet_sha256=d.sheet_sha256, provenance={},
                    report=report_for(d), now=T0)
    write_reviewers(tmp_path, ["Dana Reyes, MD, FAAD"])
    assert verify_audit(p) == [
        "signoffs/audit.jsonl:1: signed as 'sam-okafor', who is not on the reviewer list (signoffs/reviewers.yaml); "
        "the signature does not count"]
    st = signoff.status_of(p, "acne", d, sheet_sha256=d.sheet_sha256, report=report_for(d))
    assert not st.is_publishable()
    assert os.environ.get("SSH_AUTH_SOCK")  # the session agent is still there for other tests


def test_a_reviewer_who_leaves_keeps_their_past_signatures_and_signs_nothing_after(tmp_path):
    from handouts.signoff import audit, signoff
    from tests.signoff_support import T0, make_draft, report_for

    p, d = project(tmp_path), make_draft()
    signoff.approve(p, "acne", "Sam Okafor, MD", draft=d, sheet_sha256=d.sheet_sha256, provenance={},
                    report=report_for(d), now=T0)
    late = T0.replace(month=3)
    signoff.reject(p, "acne", "Sam Okafor, MD", "late", draft=d, now=late)
    text = (tmp_path / LIST).read_text()
    sam = "    name: \"Sam Okafor\"\n    credentials: \"MD\"\n    key: " + reviewers.load(p)[1].key + "\n"
    assert sam in text
    (tmp_path / LIST).write_text(text.replace(sam, sam + "    until: 2026-01-31\n"))
    assert reviewers.load(p)[1].until == "2026-01-31"
    # signed before the end: still counts; signed after it (say, with a key someone kept): does not
    assert verify_audit(p) == [
        "signoffs/audit.jsonl:2: signed by 'sam-okafor' on 2026-03-15, after their signing ended (2026-01-31, "
        "signoffs/reviewers.yaml); the signature does not count"]
    assert signoff.status_of(p, "acne", d, sheet_sha256=d.sheet_sha256, report=report_for(d)).is_publishable()
    with pytest.raises(SignoffError, match=r"^Sam Okafor, MD may no longer sign: their signing ended on 2026-01-31"):
        reviewers.find_signer(p, key_file=keys_dir() / "sam-okafor")
    (tmp_path / "signoffs/audit.jsonl").unlink()
    (tmp_path / "signoffs/acne.json").unlink()
    with pytest.raises(SignoffError, match=r"^Sam Okafor, MD may no longer sign: their signing ended on 2026-01-31 "
                                           r"\(signoffs/reviewers.yaml\); nothing was recorded$"):
        signoff.reject(p, "acne", None, "late", draft=d, signer=signer("Sam Okafor, MD"), now=late)
