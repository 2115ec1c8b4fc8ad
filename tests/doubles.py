"""Test doubles. They live here, not in the package, so no command or setting can select one."""

from __future__ import annotations

import hashlib
from typing import Iterable

from handouts.drafting.models import Generation, Model, Params


class ScriptedModel(Model):
    """Replays canned replies in order (or via a function of the last user message).

    For tests of adversarial output only: never a default.
    """

    def __init__(self, replies: Iterable[str | Generation] | None = None, *, respond=None, id: str = "scripted",
                 score=None):
        self.replies = list(replies or [])
        self.respond = respond
        self.id = id
        self.requests: list[tuple[list[dict], Params]] = []
        self.score = score  # optional text -> mean log-probability per token, for fluency tests

    def score_text(self, text: str) -> float | None:
        return None if self.score is None else self.score(text)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(f"scripted:{self.id}".encode()).hexdigest()

    def _generate(self, messages: list[dict], params: Params) -> Generation:
        self.requests.append((messages, params))
        if self.respond is not None:
            reply = self.respond(messages[-1]["content"], params)
        elif self.replies:
            reply = self.replies.pop(0)
        else:
            reply = ""
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, Generation):
            return reply
        return Generation(text=reply, finish_reason="stop", completion_tokens=len(reply.split()))
