"""Shared helpers for the sign-off, audit and review tests: drafts built directly, no model."""

from __future__ import annotations

from datetime import datetime, timezone

from handouts.config import Project, Settings
from handouts.drafts import EDITED, NOT_SIMPLIFIED, SIMPLIFIED, Draft, DraftFact, DraftSection

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
                          f"{title} is a common skin problem.", SIMPLIFIED),
        sections=[
            DraftSection("about", f"What is {title}?", [
                DraftFact("about.1", "It affects the pilosebaceous unit.",
                          "It starts in the hair follicles and oil glands.", SIMPLIFIED),
            ]),
            DraftSection("treatment", "Treatment", [
                DraftFact("treatment.1", "Apply adapalene 0.1% gel once daily at night.",
                          "Put adapalene 0.1% gel on once a day at night.", SIMPLIFIED),
                DraftFact("treatment.2", "Benzoyl peroxide 2.5% wash twice daily.",
                          "Benzoyl peroxide 2.5% wash twice daily.", NOT_SIMPLIFIED),
            ]),
            DraftSection("when_to_get_help", "When to get help", [
                DraftFact("when_to_get_help.1", "Seek urgent care for facial swelling.",
                          "Get urgent care right away if your face swells.", SIMPLIFIED),
            ]),
        ],
        references=["Zaenglein AL et al. J Am Acad Dermatol 2016;74:945-73."],
        glossary={"comedone": "a clogged pore"},
        sheet_sha256=sheet,
        review_interval_months=interval,
    )


def report_for(draft: Draft, passed: bool = True, **extra) -> dict:
    rep = {"passed": passed, "content_sha256": draft.content_sha256(),
           "grade": {"fk": 5.8, "smog": 7.1}, "findings": []}
    rep.update(extra)
    return rep


__all__ = ["EDITED", "SHEET", "PROVENANCE", "REVIEWER", "T0", "project", "make_draft", "report_for"]
