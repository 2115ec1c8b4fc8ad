"""`handouts verify --jsonl PAIRS`: run the rewrite guard over source/candidate pairs.

This is how a clinic checks a new model or prompt. Each input line is a JSON object

    {"source": "...", "candidate": "...", "section": "when_to_get_help"}   # section optional

and each output line is the same object (every key kept, in order) with
`"accepted": bool`, `"reasons": [...]` (the messages) and `"findings": [...]` added;
each finding is `{"kind", "words", "message", "check"}` (see `handouts.checks.findings`).

Bad lines never stop the run. For a line that is not a JSON object, or lacks a text
`source` or `candidate`, the output line is `{"line": N, "error": "..."}` in its place,
so output line N always answers input line N, and the same message goes to
`err_stream` as `LINE N: message` (the CLI passes stderr and exits non-zero when
any line was bad). Blank input lines are skipped and produce no output.
"""

from __future__ import annotations

import json
from typing import IO

from handouts.checks import check_rewrite


def _problem(obj) -> str | None:
    if not isinstance(obj, dict):
        return f"expected a JSON object, got {type(obj).__name__}"
    for key in ("source", "candidate"):
        if key not in obj:
            return f"missing \"{key}\""
        if not isinstance(obj[key], str):
            return f"\"{key}\" must be text, got {type(obj[key]).__name__}"
    if "section" in obj and not isinstance(obj["section"], str):
        return f"\"section\" must be text, got {type(obj['section']).__name__}"
    glossary = obj.get("glossary")
    if glossary is not None and not (isinstance(glossary, dict)
                                     and all(isinstance(v, str) for v in glossary.values())):
        return "\"glossary\" must be an object of term -> text"
    return None


def verify_jsonl(in_stream: IO[str], out_stream: IO[str], err_stream: IO[str] | None = None,
                 errors: list[str] | None = None) -> tuple[int, int]:
    """Check every pair; returns (pairs checked, pairs accepted). Bad lines are not counted.

    Each bad line's message ("LINE 3: not JSON: ...") is written to `err_stream` if given
    and appended to `errors` if given.
    """
    total = accepted = 0
    for number, line in enumerate(in_stream, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            problem = _problem(obj)
        except json.JSONDecodeError as exc:
            obj, problem = None, f"not JSON: {exc.msg} at column {exc.colno}"
        if problem:
            message = f"LINE {number}: {problem}"
            if err_stream is not None:
                err_stream.write(message + "\n")
            if errors is not None:
                errors.append(message)
            out_stream.write(json.dumps({"line": number, "error": problem}, ensure_ascii=False) + "\n")
            continue
        verdict = check_rewrite(obj["source"], obj["candidate"], section=obj.get("section", ""),
                                glossary=obj.get("glossary"))
        total += 1
        accepted += verdict.accepted
        out = dict(obj)
        out["accepted"] = verdict.accepted
        out["reasons"] = list(verdict.reasons)
        out["findings"] = [f.to_dict() for f in verdict.findings]
        out_stream.write(json.dumps(out, ensure_ascii=False) + "\n")
    return total, accepted
