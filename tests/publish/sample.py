"""Sample approved handouts for the publishing tests: drafts built directly, no model."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from handouts.core.drafts import Draft, DraftFact, DraftSection, Origin
from handouts.publish.publish import PublishItem
from handouts.signoff.signoff import Approval, HandoutStatus, State
from handouts.sources.config import Clinic, Project, Settings, Site

REPO = Path(__file__).resolve().parents[2]
REVIEWER, CREDENTIALS = "Dana Reyes", "MD, FAAD"
CLINIC = Clinic(name="Riverside Dermatology Clinic", phone="(555) 010-2040",
                address="120 Harbor Street, Springfield", hours="Monday to Friday, 8 am to 5 pm",
                logo="logo.svg", primary_color="#1f5f8b")


def fact(fid: str, text: str) -> DraftFact:
    return DraftFact(fid, "clinician wording of " + fid, text, Origin.MODEL)


def make_draft(hid: str = "acne", title: str = "Acne", **override) -> Draft:
    fields = dict(
        id=hid,
        title=title,
        also_called=["pimples", "zits"],
        summary=fact("summary", f"{title} is a common skin problem. It can be treated."),
        sections=[
            DraftSection("about", f"What is {title.lower()}?", [fact("about.1", "Pores get clogged with oil and dead skin.")]),
            DraftSection("skin_of_color", f"{title} on darker skin", [
                fact("skin_of_color.1", "On brown or Black skin, spots can leave dark marks that last for months.")]),
            DraftSection("treatment", "Treatment", [
                fact("treatment.1", "Put adapalene 0.1% gel on your face once a day at night."),
                fact("treatment.2", "It can take 8 to 12 weeks to work.")]),
            DraftSection("self_care", "Caring for your skin at home", [
                fact("self_care.1", "Wash your face twice a day with a gentle cleanser."),
                fact("self_care.2", "These can make acne worse:\n- oily makeup\n- helmets or straps that rub\n"
                                    "- picking or squeezing spots")]),
            DraftSection("when_to_get_help", "When to get help", [
                fact("when_to_get_help.1", "Call us if your face swells or you get a rash all over.")]),
        ],
        references=["Zaenglein AL, et al. Guidelines of care for the management of acne vulgaris. "
                    "J Am Acad Dermatol. 2016;74(5):945-973."],
        glossary={"comedone": "a clogged pore"},
        sheet_sha256="5" * 64,
    )
    fields.update(override)
    return Draft(**fields)


def approve(draft: Draft, *, flag: str = "", due: date = date(2028, 1, 15),
            reviewer: str = REVIEWER, credentials: str = CREDENTIALS) -> HandoutStatus:
    approval = Approval(handout_id=draft.id, reviewer=reviewer, credentials=credentials,
                        signed_at="2026-01-15T09:30:00Z", content_sha256=draft.content_sha256(),
                        sheet_sha256=draft.sheet_sha256)
    return HandoutStatus(draft.id, State.APPROVED, approval=approval, review_due=due, review_flag=flag)


def item(draft: Draft | None = None, **kw) -> PublishItem:
    draft = draft or make_draft()
    return PublishItem(draft=draft, status=approve(draft, **kw), grade={"fk": 5.8, "smog": 6.4})


def clinic_project(root: Path, *, clinic: Clinic = CLINIC, paper: str = "Letter",
                   url: str = "https://derm.example.org/handouts/") -> Project:
    """A tiny clinic with the repository's site_config/ (mkdocs.yml: the repository's, by fallback)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "site_config", root / "site_config", dirs_exist_ok=True)
    return Project(root=root, settings=Settings(clinic=clinic, site=Site(url=url, paper=paper)))
