"""Shared helpers for the sign-off, audit and review tests: drafts built directly, no model.

Signatures need keys. The tests make their own throwaway ed25519 keys (never a
user's), once per test session, in a temporary folder, list them in each test
project's signoffs/reviewers.yaml, and load them into a private ssh-agent that
the session starts (tests/conftest.py), so the production path (ssh-agent)
signs. `signer(name)` gives a key-file signer for a test that wants one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from handouts.checks.handout import Finding, Grade, Report
from handouts.core.drafts import EDITED, Draft, DraftFact, DraftSection, Origin
from handouts.sources.config import Project, Settings

SHEET = "5" * 64
PROVENANCE = {"model": {"sha256": "a" * 64, "name": "SmolLM2-135M-Instruct"},
              "prompt_version": "rewrite-v1", "params": {"seed": 1, "temperature": 0.3}}
REVIEWER = "Dana Reyes, MD, FAAD"
T0 = datetime(2026, 1, 15, 9, 30, 0, tzinfo=timezone.utc)


REVIEWERS = {  # printed name -> reviewer id
    "Dana Reyes, MD, FAAD": "dana-reyes",
    "Sam Okafor, MD": "sam-okafor",
    "Ana Lopez, MD": "ana-lopez",
    "Ben Cho, MD": "ben-cho",
}
KEYS_ENV = "HANDOUTS_TEST_KEYS"  # the session's key folder, inherited by worker processes


def keys_dir() -> Path:
    """The session's throwaway keys: one per test reviewer, plus 'outsider' (on no list)."""
    folder = os.environ.get(KEYS_ENV)
    if folder and Path(folder, "outsider.pub").exists():
        return Path(folder)
    folder = tempfile.mkdtemp(prefix="handouts-test-keys-")
    for rid in [*REVIEWERS.values(), "outsider"]:
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{rid} (test)",
                        "-f", os.path.join(folder, rid)], check=True)
    os.environ[KEYS_ENV] = folder
    return Path(folder)


def public_key(rid: str) -> str:
    return (keys_dir() / f"{rid}.pub").read_text(encoding="utf-8").strip()


def write_reviewers(root: Path, names=tuple(REVIEWERS)) -> None:
    from handouts.signoff import reviewers

    listed = []
    for printed in names:
        name, credentials = (x.strip() for x in printed.split(",", 1))
        rid = REVIEWERS[printed]
        listed.append(reviewers.Reviewer(rid, name, credentials, reviewers.parse_key(public_key(rid))))
    (root / "signoffs").mkdir(parents=True, exist_ok=True)
    (root / "signoffs/reviewers.yaml").write_text(reviewers.dump(listed), encoding="utf-8")


def signer(printed: str = "Dana Reyes, MD, FAAD", root: Path | None = None):
    """A key-file signer for a test reviewer (or for `outsider`, whose key is on no list)."""
    from handouts.signoff import reviewers

    rid = REVIEWERS.get(printed, "outsider")
    name, _, credentials = printed.partition(",")
    who = reviewers.Reviewer(rid, name.strip(), credentials.strip(), reviewers.parse_key(public_key(rid)))
    return reviewers.Signer(who, keys_dir() / rid)


def start_agent() -> subprocess.Popen:
    """A private ssh-agent holding every test key; sets SSH_AUTH_SOCK for this process and its children.

    Stop it by closing the returned process's stdin (stop_agent)."""
    folder = keys_dir()
    sock = os.path.join(folder, "agent.sock")
    # ssh-agent runs a command and ends when it ends; the command waits for the end of its stdin, which
    # closes when the session ends, even if pytest is killed, so no agent outlives its test session
    agent = subprocess.Popen(["ssh-agent", "-a", sock, sys.executable, "-c", "import sys; sys.stdin.read()"],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(sock):
            break
        __import__("time").sleep(0.01)
    os.environ["SSH_AUTH_SOCK"] = sock
    os.environ.pop("HANDOUTS_SIGNING_KEY", None)
    for rid in REVIEWERS.values():
        subprocess.run(["ssh-add", "-q", str(folder / rid)], check=True, stderr=subprocess.DEVNULL)
    return agent


def install_kill_points() -> None:
    """Test-only: stop a sign-off between its steps, as told by the environment.

    TEST_CRASH_AT=POINT exits at once (status 86); TEST_PAUSE_AT=POINT writes
    POINT to $TEST_PAUSE_FILE and sleeps, for a test to kill -9 the process.
    POINT is before-audit, after-audit (the line is committed) or after-record
    (signoffs/ID.json written). Used by the worker processes of the kill tests.
    """
    import time

    from handouts.signoff import audit, signoff

    crash, pause = os.environ.get("TEST_CRASH_AT"), os.environ.get("TEST_PAUSE_AT")
    if not (crash or pause):
        return

    def hook(point: str) -> None:
        if crash == point:
            os._exit(86)
        if pause == point:
            Path(os.environ["TEST_PAUSE_FILE"]).write_text(point)
            time.sleep(3600)

    append, write = audit.append, signoff._write_records

    def hooked_append(*args, **kwargs):
        hook("before-audit")
        entry = append(*args, **kwargs)
        hook("after-audit")
        return entry

    def hooked_write(*args, **kwargs):
        write(*args, **kwargs)
        hook("after-record")

    audit.append, signoff._write_records = hooked_append, hooked_write


def stop_agent(agent: subprocess.Popen) -> None:
    agent.stdin.close()
    agent.wait(timeout=30)


def project(tmp_path, **review) -> Project:
    settings = Settings()
    if review:
        settings = settings.model_copy(update={"review": settings.review.model_copy(update=review)})
    write_reviewers(Path(tmp_path))
    return Project(root=tmp_path, settings=settings)


def make_draft(handout_id: str = "acne", *, sheet: str = SHEET, title: str | None = None,
               interval: int = 24) -> Draft:
    title = title or handout_id.capitalize()
    return Draft(
        id=handout_id,
        title=title,
        also_called=["pimples"] if handout_id == "acne" else [],
        summary=DraftFact("summary", f"{title} is a chronic inflammatory disorder.",
                          f"{title} is a common skin problem.", Origin.MODEL),
        sections=[
            DraftSection("about", f"What is {title}?", [
                DraftFact("about.1", "It affects the pilosebaceous unit.",
                          "It starts in the hair follicles and oil glands.", Origin.MODEL),
            ]),
            DraftSection("treatment", "Treatment", [
                DraftFact("treatment.1", "Apply adapalene 0.1% gel once daily at night.",
                          "Put adapalene 0.1% gel on once a day at night.", Origin.MODEL),
                DraftFact("treatment.2", "Benzoyl peroxide 2.5% wash twice daily.",
                          "Benzoyl peroxide 2.5% wash twice daily.", Origin.UNCHANGED),
            ]),
            DraftSection("when_to_get_help", "When to get help", [
                DraftFact("when_to_get_help.1", "Seek urgent care for facial swelling.",
                          "Get urgent care right away if your face swells.", Origin.MODEL),
            ]),
        ],
        references=["Zaenglein AL et al. J Am Acad Dermatol 2016;74:945-73."],
        glossary={"comedone": "a clogged pore"},
        sheet_sha256=sheet,
        review_interval_months=interval,
    )


def report_for(draft: Draft, passed: bool = True, **extra) -> Report:
    """A scripted check report; `findings` may be dicts, `hard_words` are unexplained terms."""
    rep = Report(id=draft.id, content_sha256=draft.content_sha256(), grade=Grade(5.8, 7.1, 6, True),
                 findings=[Finding.from_dict(f) for f in extra.pop("findings", [])],
                 unexplained_terms=list(extra.pop("hard_words", [])))
    if not passed and rep.passed:
        rep.add("error", "checks", "checks failed")
    for key, value in extra.items():
        setattr(rep, key, value)
    return rep


__all__ = ["EDITED", "SHEET", "PROVENANCE", "REVIEWER", "T0", "project", "make_draft", "report_for", "real_clinic",
           "signer", "write_reviewers", "REVIEWERS", "install_kill_points"]


def real_clinic(tmp_path, ids=("acne",)):
    """A clinic with the repository's own sheets and drafts (real checks, no model): the real loader."""
    import shutil
    from pathlib import Path

    from handouts.sources.config import load_project

    repo = Path(__file__).parent.parent
    root = tmp_path / "clinic"
    shutil.copytree(repo / "site_config", root / "site_config")
    (root / "sources").mkdir()
    (root / "drafts").mkdir()
    for hid in ids:
        shutil.copy(repo / "sources" / f"{hid}.yaml", root / "sources")
        for name in (f"{hid}.yaml", f"{hid}.provenance.json"):
            shutil.copy(repo / "drafts" / name, root / "drafts")
    write_reviewers(root)
    return load_project(root)
