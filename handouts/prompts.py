"""The fixed rewrite prompt: one system message and few-shot examples.

Every request starts with the same messages, so llama.cpp reuses its cache for
that common prefix; only the last user message (the fact) differs. The prompt
version is a hash of the prompt itself, so editing it invalidates cached drafts.
"""

from __future__ import annotations

import hashlib
import json

SYSTEM = (
    "You rewrite one medical fact so a patient who reads at grade 6 understands it. "
    "Use short sentences and everyday words. Keep every number, dose, drug name, time, "
    "and warning exactly as written. Keep words like not, never, only, and at least. "
    "Do not add anything that is not in the fact. Reply with the rewritten fact only."
)

# Few-shot examples: (clinician fact, plain rewrite). Deliberately about general
# topics, so that words copied from them into an answer stand out to the guard.
EXAMPLES: tuple[tuple[str, str], ...] = (
    (
        "Apply a broad-spectrum sunscreen with SPF 30 or higher 15 minutes before sun exposure.",
        "Put on sunscreen with SPF 30 or higher. Do it 15 minutes before you go out in the sun.",
    ),
    (
        "Avoid prolonged hot showers, which exacerbate xerosis.",
        "Do not take long hot showers. They make dry skin worse.",
    ),
    (
        "Do not exceed 2 applications daily unless directed by your physician.",
        "Do not use it more than 2 times a day unless your doctor tells you to.",
    ),
)

PROMPT_VERSION = "rewrite-v1-" + hashlib.sha256(
    json.dumps([SYSTEM, EXAMPLES]).encode("utf-8")
).hexdigest()[:12]


def prefix_messages() -> list[dict]:
    """The shared prefix: identical for every fact."""
    messages = [{"role": "system", "content": SYSTEM}]
    for fact, rewrite in EXAMPLES:
        messages.append({"role": "user", "content": fact})
        messages.append({"role": "assistant", "content": rewrite})
    return messages


def rewrite_messages(fact_text: str) -> list[dict]:
    return prefix_messages() + [{"role": "user", "content": " ".join(fact_text.split())}]
