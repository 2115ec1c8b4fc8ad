"""Fixtures for the publishing tests: one built sample site shared per module."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sample import clinic_project, item, make_draft  # noqa: E402

from handouts.publish.publish import publish  # noqa: E402


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A clinic with acne (approved) and eczema (approved, review overdue) published."""
    root = tmp_path_factory.mktemp("clinic")
    project = clinic_project(root)
    items = [item(), item(make_draft("eczema", "Eczema", also_called=[]), flag="overdue")]
    site = publish(project, items)
    return project, site, items
