"""Review states and hash-bound approvals. (Interface stub: the sign-off engineer completes it.)"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

MEANING = "approved for publication"


class State(enum.Enum):
    DRAFTED = "drafted"
    CHECKS_FAILED = "checks failed"
    AWAITING_REVIEW = "awaiting review"
    CHANGES_REQUESTED = "changes requested"
    APPROVED = "approved"
    PUBLISHED = "published"
    RETIRED = "retired"


@dataclass(frozen=True)
class Approval:
    handout_id: str
    reviewer: str  # printed name
    credentials: str  # e.g. "MD, FAAD"
    signed_at: str  # ISO 8601 UTC, e.g. "2026-11-27T15:04:05Z"
    content_sha256: str  # Draft.content_sha256() of the exact content approved
    sheet_sha256: str
    meaning: str = MEANING
    provenance: dict = field(default_factory=dict)  # model sha256, prompt version, parameters

    def signed_date(self) -> date:
        return date.fromisoformat(self.signed_at[:10])


@dataclass(frozen=True)
class HandoutStatus:
    handout_id: str
    state: State
    reason: str = ""
    approval: Approval | None = None
    review_due: date | None = None  # signed date + review interval
    review_flag: str = ""  # "", "review due", "overdue"

    def is_publishable(self) -> bool:
        return self.state in (State.APPROVED, State.PUBLISHED) and self.approval is not None
