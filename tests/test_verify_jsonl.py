"""`verify_jsonl`: the guard over JSON lines, bad lines reported and skipped."""

from __future__ import annotations

import io
import json

from handouts.verify import verify_jsonl


def test_verify_jsonl_adds_verdicts_and_keeps_keys():
    lines = [
        {"id": 1, "source": "Use it two to three times weekly.", "candidate": "Use it twice a day."},
        {"source": "Apply adapalene 0.1% gel nightly.", "candidate": "Put adapalene 0.1% gel on every night."},
        {"source": "Seek urgent care if you get hives.", "candidate": "Get urgent care if you get hives.",
         "section": "when_to_get_help"},
    ]
    out, err, errors = io.StringIO(), io.StringIO(), []
    n, ok = verify_jsonl(io.StringIO("\n".join(json.dumps(x) for x in lines) + "\n"), out, err, errors)
    assert (n, ok) == (3, 2)
    got = [json.loads(x) for x in out.getvalue().splitlines()]
    assert got[0] == {"id": 1, "source": lines[0]["source"], "candidate": lines[0]["candidate"],
                      "accepted": False,
                      "reasons": ["changes the frequency 'two to three times weekly' to 'twice a day'"],
                      "findings": [{"kind": "changed_quantity", "words": ["two to three times weekly", "twice a day"],
                                    "message": "changes the frequency 'two to three times weekly' to 'twice a day'",
                                    "check": "quantities"}]}
    assert got[1]["accepted"] is True and got[1]["reasons"] == [] and got[1]["findings"] == []
    assert got[2]["section"] == "when_to_get_help" and got[2]["accepted"] is True
    assert err.getvalue() == "" and errors == []


def test_bad_lines_are_reported_by_number_and_do_not_stop_the_rest():
    text = "\n".join([
        '{"source": "Use it daily.", "candidate": "Use it every day."}',
        "not json",
        "",
        '["a", "list"]',
        '{"source": "Use it daily."}',
        '{"source": "Use it daily.", "candidate": 3}',
        '{"source": "Use it daily.", "candidate": "Use it weekly."}',
    ]) + "\n"
    out, err, errors = io.StringIO(), io.StringIO(), []
    assert verify_jsonl(io.StringIO(text), out, err, errors) == (2, 1)
    assert errors == [
        "LINE 2: not JSON: Expecting value at column 1",
        "LINE 4: expected a JSON object, got list",
        'LINE 5: missing "candidate"',
        'LINE 6: "candidate" must be text, got int',
    ]
    assert err.getvalue() == "".join(e + "\n" for e in errors)
    got = [json.loads(x) for x in out.getvalue().splitlines()]
    assert len(got) == 6  # one answer per non-blank input line, in order
    assert got[1] == {"line": 2, "error": "not JSON: Expecting value at column 1"}
    assert got[0]["accepted"] is True and got[5]["accepted"] is False
