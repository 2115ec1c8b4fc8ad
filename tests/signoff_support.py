"""Shared helpers for the sign-off, audit and review tests: drafts built directly, no model."""

from __future__ import annotations

from datetime import datetime, timezone

from handouts.config import Project, Settings
from handouts.checks.handout import Finding, Grade, Report
from handouts.drafts import EDITED, Draft, DraftFact, DraftSection, Origin

SHEET = "5" * 64
PROVENANCE = {"model": {"sha256": "a" * 64, "name": "SmolLM2-135M-Instruct"},
              "prompt_version": "rewrite-v1", "params": {"seed": 1, "temperature": 0.3}}
REVIEWER = "Dana Reyes, MD, FAAD"
T0 = datetime(2026, 1, 15, 9, 30, 0, tzinfo=timezone.utc)


def project(tmp_path, **review) -> Project:
    settings = Settings()
    if review:
        settings = settings.model_copy(update={"review": settings.review.model_copy(update=review)})
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


__all__ = ["EDITED", "SHEET", "PROVENANCE", "REVIEWER", "T0", "project", "make_draft", "report_for", "real_clinic"]


def real_clinic(tmp_path, ids=("acne",)):
    """A clinic with the repository's own sheets and drafts (real checks, no model): the real loader."""
    import shutil
    from pathlib import Path

    from handouts.config import load_project

    repo = Path(__file__).parent.parent
    root = tmp_path / "clinic"
    shutil.copytree(repo / "site_config", root / "site_config")
    (root / "sources").mkdir()
    (root / "drafts").mkdir()
    for hid in ids:
        shutil.copy(repo / "sources" / f"{hid}.yaml", root / "sources")
        for name in (f"{hid}.yaml", f"{hid}.provenance.json"):
            shutil.copy(repo / "drafts" / name, root / "drafts")
    return load_project(root)
