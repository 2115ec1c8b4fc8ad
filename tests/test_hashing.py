"""The hashes that approvals, records, the audit chain and release manifests are bound to.

Existing signatures and approvals name these exact hex strings, so the encoding
(canonical JSON: sorted keys, no spaces, UTF-8 kept as is) must never drift.
The expected values below were computed once and are pinned.
"""

from __future__ import annotations

from handouts.core import files
from handouts.core.drafts import Draft, DraftFact, DraftSection, Origin
from handouts.signoff import audit, signoff

DATA = {"b": [1, 2.5, None, True], "a": "caf\u00e9 \u2014 \"quoted\"", "c": {"z": "", "y": []}}


def _draft() -> Draft:
    return Draft(
        id="acne", title="Acne", also_called=["pimples"],
        summary=DraftFact("summary", "Acne is common.", "Acne is common.", Origin.UNCHANGED),
        sections=[DraftSection("about", "What is acne?", [
            DraftFact("about.1", "Pores clog.", "Pores get clogged \u2014 often.", Origin.WORD_SWAPS)])],
        references=["AAD 2024"], glossary={"comedones": "clogged pores"})


def test_canonical_json_is_pinned():
    assert files.canonical_json(DATA) == ('{"a":"caf\u00e9 \u2014 \\"quoted\\"","b":[1,2.5,null,true],'
                                          '"c":{"y":[],"z":""}}')


def test_content_hash_of_a_draft_is_pinned():
    d = _draft()
    want = "15978c8575b4751dd2926f635326c8e9b08459929997631e6399dfcb42ed5e5e"
    assert d.content_sha256() == want
    assert signoff.content_sha256_of(d.content()) == want


def test_record_and_audit_line_hashes_are_pinned():
    want = "155715d548196b93bdd6337c1a8e838d25527555392a10f4b3c351c8a902aa39"
    assert signoff.record_sha256({"record_sha256": "ignored", **DATA}) == want
    assert files.canonical_sha256(DATA) == want
    assert files.sha256_text(files.canonical_json(DATA)) == want
    assert audit.signed_payload({"hash": "x", "sig": "y", **DATA}) == files.canonical_json(DATA).encode("utf-8")
