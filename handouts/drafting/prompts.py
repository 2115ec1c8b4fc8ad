"""The fixed rewrite prompt: one system message and few-shot examples.

Every request starts with the same messages, so llama.cpp reuses its cache for
that common prefix; only the last user message (the fact) differs. The prompt
version is a hash of the prompt itself, so editing it invalidates cached drafts.
"""

from __future__ import annotations

import hashlib
import json

SYSTEM = (
    "Rewrite the medical sentence in plain words for a patient. Keep all numbers, doses, "
    "drug names and warnings. Do not add new facts. Write one to three short sentences."
)

# Few-shot examples: (clinician fact, plain rewrite). Varied on purpose: a small
# model copies the shape and words of its examples, so no two share an opening and
# only one is a "do not". They are about other conditions, so words copied from
# them into an answer stand out to the guard. (rewrite-v1, mostly negations, got
# 5 of 87 starter facts accepted; this set got 22 of 87, greedy.)
EXAMPLES: tuple[tuple[str, str], ...] = (
    (
        "Apply a broad-spectrum sunscreen with SPF 30 or higher 15 minutes before sun exposure.",
        "Put on sunscreen with SPF 30 or higher 15 minutes before you go in the sun.",
    ),
    (
        "Warts are caused by the human papillomavirus and spread by direct contact.",
        "Warts are caused by a virus called the human papillomavirus. They spread by touch.",
    ),
    (
        "Terbinafine 250 mg is taken orally once daily for 12 weeks for toenail infection.",
        "Terbinafine 250 mg is a pill you take once a day for 12 weeks for a toenail infection.",
    ),
    (
        "Avoid prolonged hot showers, which exacerbate xerosis.",
        "Do not take long hot showers. They make dry skin worse.",
    ),
)

PROMPT_VERSION = "rewrite-v2-" + hashlib.sha256(
    json.dumps([SYSTEM, EXAMPLES]).encode("utf-8")
).hexdigest()[:12]


def prefix_messages() -> list[dict]:
    """The shared prefix: identical for every fact."""
    messages = [{"role": "system", "content": SYSTEM}]
    for fact, rewrite in EXAMPLES:
        messages.append({"role": "user", "content": fact})
        messages.append({"role": "assistant", "content": rewrite})
    return messages


def fact_message(fact_text: str) -> dict:
    """The one message that differs from fact to fact."""
    return {"role": "user", "content": " ".join(fact_text.split())}


def rewrite_messages(fact_text: str) -> list[dict]:
    return prefix_messages() + [fact_message(fact_text)]
