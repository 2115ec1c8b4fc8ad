"""Shared fixtures: a tiny clinic on disk, hand-built sheets, and the scripted model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from handouts.sources.config import Project, Settings
from handouts.sources.sheets import Fact, Section, Sheet

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


@pytest.fixture(scope="session", autouse=True)
def _test_signing_keys():
    """Throwaway reviewer keys in a private ssh-agent for the whole session; no user key is ever used."""
    import os

    from tests.signoff_support import KEYS_ENV, start_agent, stop_agent

    saved = {k: os.environ.get(k) for k in ("SSH_AUTH_SOCK", "HANDOUTS_SIGNING_KEY")}
    agent = start_agent()
    yield
    stop_agent(agent)
    keys = os.environ.pop(KEYS_ENV, None)
    if keys:
        shutil.rmtree(keys, ignore_errors=True)
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def pytest_configure(config):
    config.addinivalue_line("markers", "model: drafts with the real bundled model (slow)")
    config.addinivalue_line("markers", "browser: drives headless Chromium")


@pytest.fixture
def tiny(tmp_path) -> Path:
    """A copy of tests/fixtures/tiny: one small sheet and a clinic config."""
    from tests.signoff_support import write_reviewers

    root = tmp_path / "clinic"
    shutil.copytree(FIXTURES / "tiny", root)
    write_reviewers(root)  # the test reviewers and their throwaway keys
    return root


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(root=tmp_path, settings=Settings())


def make_sheet(facts_by_section: dict[str, list[str]] | None = None, *, id: str = "demo",
               summary: str = "Demo disease is a common rash.", glossary=None) -> Sheet:
    facts_by_section = facts_by_section or {
        "about": ["Demo disease is a common rash."],
        "skin_of_color": ["On darker skin, the rash may look brown or purple."],
        "treatment": ["Apply hydrocortisone 1% cream twice daily for up to 7 days."],
        "self_care": ["Use a fragrance-free moisturizer every day."],
        "when_to_get_help": ["Seek urgent care if you have a fever."],
    }
    sections = tuple(
        Section(key, key.replace("_", " ").title(),
                tuple(Fact(f"{key}.{i}", text, key, 0) for i, text in enumerate(texts, 1)))
        for key, texts in facts_by_section.items()
    )
    return Sheet(id=id, title=id.title(), summary=Fact("summary", summary, "summary", 0),
                 sections=sections, references=("A reference.",), glossary=dict(glossary or {}),
                 sha256="sheet-" + id)
