"""Strict mode for `when_to_get_help`: a warning keeps every symptom and instruction.

`check_rewrite(..., section="when_to_get_help")` runs the content check with
`strict=True`: every content word of the source, plain words included, must be kept
(as written or as a lexicon synonym), so no symptom and no instruction ("seek",
"stop", "call") can be dropped; added symptoms are refused by precision, and lost or
added urgency by the markers check. This module adds what is particular to warnings:
the source joins signs with "or" (any one of them is reason enough to get help);
a rewrite that says "and" instead would mean that all of them are needed.
"""

from __future__ import annotations

from handouts.checks.findings import Finding, Kind, messages
from handouts.sources.lexicon import tokens

SECTION = "when_to_get_help"


def findings(source: str, candidate: str) -> list[Finding]:
    if "or" in tokens(source) and "or" not in tokens(candidate):
        return [Finding(Kind.WARNING, ("or",),
                        "drops 'or' between the signs: your fact says any one of them is reason "
                        "enough to get help", "warnings")]
    return []


def check(source: str, candidate: str) -> list[str]:
    return messages(findings(source, candidate))
