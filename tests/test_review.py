"""The review page: forms, cross-site refusals, escaping, edits; and a real browser approving a handout."""

from __future__ import annotations

import hashlib
import http.cookiejar
import http.server
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts import review, service
from handouts.checks import Verdict
from handouts.checks.findings import Finding, Kind
from handouts.cli import cli
from handouts.core.drafts import load_draft, save_draft, save_json, provenance_path
from handouts.core.exceptions import HandoutsError
from handouts.service import Service
from handouts.signoff import audit, signoff
from handouts.signoff.signoff import State
from tests.signoff_support import PROVENANCE, REVIEWER, T0, make_draft, project, real_clinic, report_for, signer
from tests.test_service import _make_machine_text_fail
from tests.test_service import hand_edit as _hand_edit
from handouts.pipeline import verify_audit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SHEET_TEXT = b"id: acne\ntitle: Acne\n"
SHEET = hashlib.sha256(SHEET_TEXT).hexdigest()


class FakeService(review.Service):
    """Reads the project's files; checks are scripted (no lexicons): for adversarial cases and escaping."""

    def report(self, handout_id, draft):
        rep = report_for(draft, findings=[
            {"severity": "warning", "check": "jargon", "fact": "about.1", "message": "hard word: follicles"},
            {"severity": "warning", "check": "grade", "fact": None, "message": "grade 6.4 is above 6"}],
            hard_words=["follicles"])
        for f in draft.facts():
            verdict = self.check_rewrite(f.source, f.text, section="", glossary={})
            if not verdict.accepted:
                rep.findings += service.fact_findings(f.fact_id, f.text, verdict, origin=f.origin)
        return rep

    def check_rewrite(self, source, text, *, section, glossary):
        if "twice a day" in text and "twice" not in source:
            return Verdict(False, (Finding(Kind.CHANGED_QUANTITY, ("once daily", "twice a day"),
                                           "changes the frequency 'once daily' to 'twice a day'", "quantities"),))
        return Verdict(True, ())


def _clinic(tmp_path, draft=None):
    p = project(tmp_path)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources/acne.yaml").write_bytes(SHEET_TEXT)
    save_draft(p.drafts, draft or make_draft(sheet=SHEET))
    save_json(provenance_path(p.drafts, "acne"), dict(PROVENANCE, facts={"treatment.1": {
        "origin": "model rewrite", "chosen_text": "Put adapalene 0.1% gel on once a day at night.", "candidates": [
            {"seed": 1, "text": "Put adapalene 0.1% gel on twice a day.", "accepted": False,
             "reasons": ["changes the frequency 'once daily' to 'twice a day'"]},
            {"seed": 2, "text": "Put adapalene 0.1% gel on once a day at night.", "accepted": True, "reasons": []}]}}))
    return p


TOKEN = "t0k3n-" + "x" * 37


@pytest.fixture
def app(tmp_path):
    p = _clinic(tmp_path)
    return review.ReviewApp(p, FakeService(p), port=8765, token=TOKEN)


HOST = {"Host": "127.0.0.1:8765", "Cookie": f"theme=dark; handouts-review-8765={TOKEN}"}


def _post(app, path, fields, headers=None, token=True):
    fields = dict(fields)
    if token:
        fields.setdefault("csrf", app.csrf)
    h = {**HOST, "Content-Type": "application/x-www-form-urlencoded", "Origin": "http://127.0.0.1:8765",
         **(headers or {})}
    return app.handle("POST", path, h, urllib.parse.urlencode(fields).encode("utf-8"))


def _approve_fields(app, **kw):
    d = app.service.draft("acne")
    return {"name": "Dana Reyes", "credentials": "MD, FAAD", "confirm": "yes",
            "content_sha256": d.content_sha256(), **kw}


def _status(app):
    d = app.service.draft("acne")
    return signoff.status_of(app.project, "acne", d, sheet_sha256=SHEET, report=report_for(d))


# -- pages --------------------------------------------------------------------------------


def test_queue_lists_handouts_with_their_state_and_names_the_page(app):
    r = app.handle("GET", "/", HOST)
    body = r.body.decode()
    assert r.status == 200 and 'href="/h/acne"' in body and '<span class="badge">awaiting review</span>' in body
    assert '<span class="page-name" id="page-name">All handouts</span>' in body
    assert "Handouts awaiting review" not in body


def test_handout_page_shows_each_fact_with_a_word_diff_its_origin_and_candidates(app):
    body = app.handle("GET", "/h/acne", HOST).body.decode()
    assert '<span class="page-name" id="page-name">Review: Acne</span>' in body
    # the clinician's fact with what the text leaves out, the patient text with what it adds
    assert ('<span class="words"><del>Apply</del> adapalene 0.1% gel once <del>daily</del> at night.</span>'
            in body)
    assert ('<span class="words text" id="text-treatment.1"><ins>Put</ins> adapalene 0.1% gel <ins>on</ins> '
            'once <ins>a day</ins> at night.</span>') in body
    assert '<span class="badge origin" id="origin-treatment.1">model rewrite</span>' in body
    assert '<span class="badge origin" id="origin-treatment.2">clinician&#39;s words unchanged</span>' in body
    # every model candidate with its verdict, in the clinician's words
    assert "<summary>Attempts at a plainer text: 2 (1 passed the checks)</summary>" in body
    assert ('<span class="made">model:</span> <q>Put adapalene 0.1% gel on twice a day.</q> '
            '<span class="verdict">refused by the checks</span>\n'
            '<ul><li>changes the frequency &#39;once daily&#39; to &#39;twice a day&#39;</li></ul>') in body
    assert "passed the checks; this is the text the patient reads" in body
    assert "<strong>Note:</strong> hard word: follicles" in body and "grade 6.4 is above 6" in body
    assert '<span class="hard">follicles</span>' in body  # listed, and marked where it is used:
    assert '<ins>hair <mark class="hard">follicles</mark> and oil glands.</ins>' in body
    assert "Flesch-Kincaid 5.8</strong>" in body and "SMOG 7.1" in body
    assert "Never approved before." in body


def test_everything_signed_is_on_the_page(app):
    body = app.handle("GET", "/h/acne", HOST).body.decode()
    assert '<p id="also-called"><strong>Also called:</strong> pimples</p>' in body
    assert '<dt>comedone</dt><dd>a clogged pore</dd>' in body
    assert "<li>Zaenglein AL et al. J Am Acad Dermatol 2016;74:945-73.</li>" in body
    for heading in ("Summary", "What is Acne?", "Treatment", "When to get help"):
        assert f">{heading}</th>" in body


def test_word_diff_marks_only_what_changed():
    left, right = review.word_diff("Seek urgent care for facial swelling.", "Get urgent care right away if your face swells.")
    assert str(review.show_diff(left)) == "<del>Seek</del> urgent care <del>for facial swelling.</del>"
    assert str(review.show_diff(right)) == "<ins>Get</ins> urgent care <ins>right away if your face swells.</ins>"
    assert review.word_diff("Same, words.", "same words") == ([("same", "Same, words.")], [("same", "same words")])
    assert str(review.show_diff([("ins", "<b>")])) == "<ins>&lt;b&gt;</ins>"


def test_word_diff_shows_each_list_item_on_its_own_line():
    left, right = review.word_diff("Triggers include soaps, heat and stress.",
                                   "Triggers include:\n- soaps\n- heat\n- stress")
    assert str(review.show_diff(right)) == ("Triggers include: <ins><br>\u2022</ins> soaps <ins><br>\u2022</ins> heat "
                                            "<ins><br>\u2022</ins> stress")
    assert str(review.show_diff(left)) == "Triggers include soaps, heat <del>and</del> stress."
    assert review.word_diff("a - b", "a - b")[1] == [("same", "a - b")]  # a dash inside a line is a word


def test_changes_since_the_last_approval_list_only_what_changed():
    old = make_draft(sheet=SHEET)
    new = make_draft(sheet=SHEET)
    new.sections[1].facts[0].text = "At night, put adapalene 0.1% gel on once a day."
    new.glossary["papule"] = "a small bump"
    rows = review.changes_since(old.content(), new.content())
    assert [r["where"] for r in rows] == ["Treatment, point 1", "Word to know: papule"]
    assert rows[0]["old"] == [("same", "Put adapalene 0.1% gel on once a day"), ("del", "at night.")]
    assert rows[0]["new"] == [("ins", "At night,"), ("same", "put adapalene 0.1% gel on once a day.")]
    assert rows[1]["old"] == [] and rows[1]["new"] == [("ins", "a small bump")]


def test_unknown_pages_and_methods(app):
    assert app.handle("GET", "/h/eczema", HOST).status == 404
    assert app.handle("GET", "/h/../etc", HOST).status == 404
    assert app.handle("GET", "/h/acne/approve", HOST).status == 405


# -- cross-site refusals ----------------------------------------------------------------------


def test_a_foreign_host_header_is_refused_even_for_reading(app):
    r = app.handle("GET", "/", {**HOST, "Host": "evil.example:8765"})
    assert r.status == 403 and b"unknown Host header" in r.body
    assert app.handle("GET", "/", {}).status == 403


# -- the access token: the page is the reviewer's alone ------------------------------------------

NEEDS_TOKEN = ("this review page needs its access token: open the link that `handouts review` printed "
               "when it started (http://127.0.0.1:8765/?token=...)")


@pytest.mark.parametrize("path", ["/", "/h/acne", "/review.css", "/h/nope"])
@pytest.mark.parametrize("cookie", [None, "handouts-review-8765=wrong", "handouts-review-9999=" + TOKEN,
                                    "handouts-review-8765=" + TOKEN[:-1]])
def test_reading_without_the_access_token_is_refused(app, path, cookie):
    headers = {"Host": "127.0.0.1:8765"} | ({"Cookie": cookie} if cookie else {})
    r = app.handle("GET", path, headers)
    assert r.status == 403 and NEEDS_TOKEN in r.body.decode().replace("&#39;", "'").replace("&#96;", "`")
    assert b"Acne" not in r.body


def test_an_approval_posted_without_the_access_token_is_refused(app, tmp_path):
    """Another local user knows the form (and even the CSRF token) but not the access token."""
    r = _post(app, "/h/acne/approve", _approve_fields(app), {"Cookie": ""})
    assert r.status == 403 and "needs its access token" in r.body.decode()
    r = _post(app, "/h/acne/approve?token=" + TOKEN[:-1] + "x", _approve_fields(app), {"Cookie": ""})
    assert r.status == 403
    assert not (tmp_path / "signoffs/audit.jsonl").exists()
    assert _status(app).state is State.AWAITING_REVIEW


def test_the_token_link_sets_a_strict_cookie_and_drops_the_token_from_the_address(app):
    r = app.handle("GET", f"/h/acne?done=approved&token={TOKEN}", {"Host": "127.0.0.1:8765"})
    assert (r.status, r.location) == (303, "/h/acne?done=approved")
    assert r.headers == {"Set-Cookie": f"handouts-review-8765={TOKEN}; Path=/; HttpOnly; SameSite=Strict"}
    r = app.handle("GET", "/?token=wrong", {"Host": "127.0.0.1:8765"})
    assert r.status == 403 and "Set-Cookie" not in r.headers
    r = app.handle("GET", f"/?token={TOKEN}", {"Host": "evil.example:8765"})  # DNS rebinding still refused
    assert r.status == 403 and "Set-Cookie" not in r.headers


def test_the_page_signs_with_the_server_s_key_and_refuses_another_name(tmp_path):
    """`handouts review --key-file KEY`: what the page signs is signed with that key; a typed name must be its owner."""
    p = _clinic(tmp_path)
    app = review.ReviewApp(p, FakeService(p, signer=signer("Sam Okafor, MD")), port=8765, token=TOKEN)
    r = _post(app, "/h/acne/approve", _approve_fields(app))  # types Dana Reyes: not the key's owner
    assert r.status == 409
    assert ("reviewer &#39;Dana Reyes, MD, FAAD&#39; does not match the signing key: it is the key of Sam Okafor, "
            "MD") in r.body.decode()
    assert not (tmp_path / "signoffs/audit.jsonl").exists()
    r = _post(app, "/h/acne/approve", _approve_fields(app, name="Sam Okafor", credentials="MD"))
    assert r.status == 303
    e = audit.events(p)[-1]
    assert (e["event"], e["by"], e["record"]["reviewer"]) == ("approve", "sam-okafor", "Sam Okafor") and e["sig"]
    assert verify_audit(p) == []


@pytest.mark.parametrize("name, message", [
    ("D\u0430na Reyes", "mixes alphabets in the word &#39;Dаna&#39;"),
    ("Mallory Moe", "reviewer &#39;Mallory Moe, MD, FAAD&#39; is not on the reviewer list (signoffs/reviewers.yaml)"),
    ("Dana\x1b[2J Reyes", "contains an escape character (U+001B)"),
])
def test_a_name_not_on_the_list_or_not_clean_is_refused_on_the_page(app, tmp_path, name, message):
    r = _post(app, "/h/acne/approve", _approve_fields(app, name=name))
    assert r.status == 409 and message in r.body.decode()
    assert not (tmp_path / "signoffs/audit.jsonl").exists()


def test_a_reason_or_an_edit_with_terminal_escapes_or_bidi_overrides_is_refused(app, tmp_path):
    d = app.service.draft("acne").content_sha256()
    r = _post(app, "/h/acne/reject", {"name": "Dana Reyes", "credentials": "MD, FAAD", "content_sha256": d,
                                      "reason": "fine\x1b]0;owned\x07"})
    assert r.status == 409 and "contains an escape character (U+001B); delete it" in r.body.decode()
    r = _post(app, "/h/acne/edit", _edit_fields(app, "Put adapalene 0.1% gel on \u202eonce a day at night."))
    assert r.status == 409 and "acne: treatment.1: contains a bidirectional control character (U+202E)" in \
        r.body.decode()
    assert not (tmp_path / "signoffs/audit.jsonl").exists()


def test_each_server_makes_its_own_random_token(tmp_path):
    p = _clinic(tmp_path)
    a, b = review.ReviewApp(p, FakeService(p)), review.ReviewApp(p, FakeService(p))
    assert a.token != b.token and len(a.token) >= 43


@pytest.mark.parametrize("headers, token, message", [
    ({}, False, b"missing or wrong CSRF token"),
    ({"Origin": "https://evil.example"}, True, b"Origin does not match"),
    ({"Origin": "null"}, True, b"Origin does not match"),
    ({"Origin": "http://127.0.0.1:9999"}, True, b"Origin does not match"),
    ({"Sec-Fetch-Site": "cross-site"}, True, b"Sec-Fetch-Site"),
    ({"Host": "127.0.0.1.evil.example:8765"}, True, b"unknown Host header"),
])
def test_cross_site_posts_are_refused(app, tmp_path, headers, token, message):
    r = _post(app, "/h/acne/approve", _approve_fields(app), headers, token=token)
    assert r.status == 403 and message in r.body
    assert not (tmp_path / "signoffs/audit.jsonl").exists()


def test_a_wrong_token_is_refused(app, tmp_path):
    r = _post(app, "/h/acne/approve", _approve_fields(app, csrf="x" * 43))
    assert r.status == 403 and not (tmp_path / "signoffs/audit.jsonl").exists()


def test_only_form_encoded_posts_are_accepted(app):
    r = app.handle("POST", "/h/acne/approve", {**HOST, "Content-Type": "application/json"}, b"{}")
    assert r.status == 415


# -- approve, request changes ------------------------------------------------------------------


def test_approve_through_the_app(app, tmp_path):
    r = _post(app, "/h/acne/approve", _approve_fields(app))
    assert (r.status, r.location) == (303, "/h/acne?done=approved")
    st = _status(app)
    assert st.state is State.APPROVED and st.approval.reviewer == "Dana Reyes"
    assert st.approval.provenance == {"model": PROVENANCE["model"], "prompt_version": "rewrite-v1",
                                      "params": PROVENANCE["params"], "candidates_per_fact": None}
    body = app.handle("GET", "/h/acne?done=approved", HOST).body.decode()
    assert "Approved for publication. Run `handouts build` to publish it." in body
    assert "Approved for publication by <strong>Dana Reyes, MD, FAAD</strong>" in body


def test_approval_needs_the_explicit_confirmation(app, tmp_path):
    fields = _approve_fields(app)
    del fields["confirm"]
    r = _post(app, "/h/acne/approve", fields)
    assert r.status == 409
    assert ("tick the box to confirm the meaning of your signature: &#34;approved for publication&#34;"
            in r.body.decode())
    assert not (tmp_path / "signoffs/audit.jsonl").exists()


@pytest.mark.parametrize("name, credentials, message", [
    ("Reyes, Dana", "MD", "printed name: write it without commas, e.g. Dana Reyes"),
    ("Dana Reyes", "", "give your printed name and your credentials (e.g. MD, FAAD)"),
])
def test_approval_needs_a_printed_name_and_credentials(app, name, credentials, message):
    r = _post(app, "/h/acne/approve", _approve_fields(app, name=name, credentials=credentials))
    assert r.status == 409 and message in r.body.decode()


def test_approving_text_that_changed_since_the_page_was_opened_is_refused(app, tmp_path):
    r = _post(app, "/h/acne/approve", _approve_fields(app, content_sha256="0" * 64))
    assert r.status == 409
    assert ("acne: cannot approve: the draft changed since you opened it (someone saved a change); "
            "reload it and review the new text") in r.body.decode()
    assert not (tmp_path / "signoffs/audit.jsonl").exists()


def test_request_changes_shows_the_reason(app):
    r = _post(app, "/h/acne/reject", {"name": "Sam Okafor", "credentials": "MD", "reason": "Say 'at night' first",
                                      "content_sha256": app.service.draft("acne").content_sha256()})
    assert r.status == 303
    assert _status(app).state is State.CHANGES_REQUESTED
    body = app.handle("GET", "/h/acne", HOST).body.decode()
    assert "by Sam Okafor, MD on" in body and "&ldquo;Say &#39;at night&#39; first&rdquo;" in body


# -- editing --------------------------------------------------------------------------------


def test_an_edit_is_checked_saved_logged_marked_and_voids_the_approval(app, tmp_path):
    _post(app, "/h/acne/approve", _approve_fields(app))
    before = app.service.draft("acne").content_sha256()
    r = _post(app, "/h/acne/edit", {"fact": "treatment.1", "text": "At night,  put adapalene 0.1% gel\non once daily.",
                                     "name": "Dana Reyes", "credentials": "MD, FAAD", "content_sha256": before})
    assert (r.status, r.location) == (303, "/h/acne?done=edited")
    d = load_draft(tmp_path / "drafts", "acne")
    f = d.sections[1].facts[0]
    assert (f.text, f.origin.value) == ("At night, put adapalene 0.1% gel on once daily.", "clinician edit")
    e = audit.events(app.project)[-1]
    assert (e["event"], e["by"], e["fact"], e["old"], e["new"]) == (
        "edit", "dana-reyes", "treatment.1", "Put adapalene 0.1% gel on once a day at night.", f.text)
    assert "acknowledged" not in e  # the checks found nothing
    assert e["sig"] and verify_audit(app.project) == []
    prov = json.loads((tmp_path / "drafts/acne.provenance.json").read_text())["facts"]["treatment.1"]
    assert prov["edited_by_clinician"] is True and prov["edited_by"] == "Dana Reyes, MD, FAAD"
    st = _status(app)
    assert st.state is State.AWAITING_REVIEW and not st.is_publishable()
    body = app.handle("GET", "/h/acne", HOST).body.decode()
    assert '<span class="badge origin" id="origin-treatment.1">clinician edit</span>' in body
    # only the changed point, changed words marked within the line
    assert body.count('<tr class="change">') == 1
    assert ('<tr class="change"><th>Treatment, point 1</th><td class="was">Put adapalene 0.1% gel on once '
            '<del>a day at night.</del></td><td class="now"><ins>At night,</ins> put adapalene 0.1% gel on once '
            '<ins>daily.</ins></td></tr>') in body


def _edit_fields(app, text, **kw):
    return {"fact": "treatment.1", "text": text, "name": "Dana Reyes", "credentials": "MD, FAAD",
            "content_sha256": app.service.draft("acne").content_sha256(), **kw}


def test_a_clinician_edit_with_findings_is_saved_once_each_is_acknowledged(app, tmp_path):
    before = (tmp_path / "drafts/acne.yaml").read_bytes()
    r = _post(app, "/h/acne/edit", _edit_fields(app, "Put the gel on twice a day."))
    body = r.body.decode()
    assert r.status == 422
    assert "treatment.1: not saved yet. The checks found what is listed below." in body
    key = service.finding_key("treatment.1", "Put the gel on twice a day.", "changed_quantity",
                              "changes the frequency 'once daily' to 'twice a day'")
    assert (f'<label class="ack"><input type="checkbox" name="ack" value="{key}" required> changes the '
            f'frequency &#39;once daily&#39; to &#39;twice a day&#39;</label>') in body
    assert ">Put the gel on twice a day.</textarea>" in body  # what they typed is kept for them
    assert (tmp_path / "drafts/acne.yaml").read_bytes() == before
    assert not (tmp_path / "signoffs/audit.jsonl").exists()

    r = _post(app, "/h/acne/edit", _edit_fields(app, "Put the gel on twice a day.", ack=key))
    assert (r.status, r.location) == (303, "/h/acne?done=edited")
    e = audit.events(app.project)[-1]
    assert e["event"] == "edit" and e["new"] == "Put the gel on twice a day."
    [ack] = e["acknowledged"]
    assert (ack["key"], ack["fact"], ack["by"]) == (key, "treatment.1", "Dana Reyes, MD, FAAD")
    assert ack["finding"] == "changes the frequency 'once daily' to 'twice a day'"
    assert (ack["kind"], ack["words"]) == ("changed_quantity", ["once daily", "twice a day"])

    # approving it needs the signer's own acknowledgement of the same finding
    r = _post(app, "/h/acne/approve", _approve_fields(app))
    assert r.status == 409 and "acknowledge each finding on clinician-written text first" in r.body.decode()
    page = app.handle("GET", "/h/acne", HOST).body.decode()
    assert f'<input type="checkbox" name="ack" value="{key}" required>' in page.split('id="approve-form"')[1]
    r = _post(app, "/h/acne/approve", _approve_fields(app, ack=key))
    assert r.status == 303
    rec = json.loads((tmp_path / "signoffs/acne.json").read_text())["records"][-1]
    assert [(a["key"], a["by"]) for a in rec["acknowledgements"]] == [(key, "Dana Reyes, MD, FAAD")]
    shown = "\n".join(audit.format_event(e) for e in audit.history(app.project, "acne"))
    assert "acknowledged by Dana Reyes, MD, FAAD at " in shown and ": treatment.1: changes the frequency" in shown


def test_machine_text_that_fails_is_never_approved_even_acknowledged(app, tmp_path):
    d = app.service.draft("acne")
    d.sections[1].facts[0].text = "Put adapalene 0.1% gel on twice a day."  # as if the model wrote it
    save_draft(tmp_path / "drafts", d)
    prov = json.loads((tmp_path / "drafts/acne.provenance.json").read_text())
    prov["facts"]["treatment.1"]["chosen_text"] = d.sections[1].facts[0].text
    save_json(tmp_path / "drafts/acne.provenance.json", prov)
    page = app.handle("GET", "/h/acne", HOST).body.decode()
    assert "State: <strong>checks failed</strong>" in page and 'id="approve-form"' not in page
    assert "This handout cannot be approved: machine-made text fails its checks" in page
    key = next(f.key for f in app.service.load("acne").report.findings if f.severity == "error")
    r = _post(app, "/h/acne/approve", _approve_fields(app, ack=key))
    assert r.status == 409
    assert ("acne: cannot approve: machine text that fails its checks can never be approved, acknowledged or "
            "not: treatment.1 (model rewrite): changes the frequency") in r.body.decode()
    assert not (tmp_path / "signoffs/acne.json").exists()


def test_editing_an_unknown_fact_is_refused(app):
    r = _post(app, "/h/acne/edit", {"fact": "nope.9", "text": "x", "name": "Dana Reyes", "credentials": "MD, FAAD",
                                     "content_sha256": app.service.draft("acne").content_sha256()})
    assert r.status == 409 and "acne: no fact &#39;nope.9&#39; in this draft" in r.body.decode()


# -- escaping --------------------------------------------------------------------------------


def test_mark_hard_escapes_first_then_marks_whole_words():
    assert str(review.mark_hard("<b>Pruritus</b> & pruritic itch", ["pruritus", "b"])) == (
        '&lt;<mark class="hard">b</mark>&gt;<mark class="hard">Pruritus</mark>&lt;/<mark class="hard">b</mark>&gt; '
        '&amp; pruritic itch')
    assert str(review.mark_hard("a <script>", ["<script>"])) == 'a <mark class="hard">&lt;script&gt;</mark>'


def test_everything_displayed_is_escaped(tmp_path):
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    d = make_draft(sheet=SHEET, title="Acne " + evil)
    d.sections[0].facts[0].text = "Pores " + evil
    d.sections[0].facts[0].source = "Source " + evil
    p = _clinic(tmp_path, d)
    app = review.ReviewApp(p, FakeService(p), port=8765, token=TOKEN)
    signoff.reject(p, "acne", REVIEWER, "reason " + evil, draft=d)
    for path in ("/", "/h/acne"):
        body = app.handle("GET", path, HOST).body.decode()
        assert "<script>" not in body and "<img" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in body


# -- the server ---------------------------------------------------------------------------------


def test_the_server_listens_on_127_0_0_1_only(tmp_path):
    p = _clinic(tmp_path)
    with pytest.raises(HandoutsError, match=r"^the review page only listens on 127.0.0.1, not '0.0.0.0'$"):
        review.serve(p, host="0.0.0.0", port=0)
    server = review.ReviewServer(p, 0, FakeService(p), quiet=True)
    try:
        assert server.server_address[0] == "127.0.0.1"
        server.start_in_thread()
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(server.url, timeout=10)
        assert exc.value.code == 403  # no token: not even the queue is shown
        assert server.login_url == f"{server.url}?token={server.app.token}"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(server.login_url, timeout=10) as resp:
            assert resp.status == 200 and resp.url == server.url
            assert [c.name for c in jar] == [f"handouts-review-{server.server_address[1]}"]
            assert resp.headers["X-Frame-Options"] == "DENY"
            assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
            assert resp.headers["Cache-Control"] == "no-store"
        req = urllib.request.Request(server.url + "h/acne/approve", data=b"csrf=bad", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        with pytest.raises(urllib.error.HTTPError) as exc:
            opener.open(req, timeout=10)
        assert exc.value.code == 403 and b"CSRF" in exc.value.read()
    finally:
        server.shutdown()
        server.server_close()


# -- a real browser -------------------------------------------------------------------------------


def _browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    return sync_api


@pytest.fixture
def live(tmp_path):
    p = _clinic(tmp_path)
    server = review.ReviewServer(p, 0, FakeService(p), quiet=True)
    server.start_in_thread()
    yield p, server
    server.shutdown()
    server.server_close()


@pytest.fixture
def page():
    sync_api = _browser()
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser.new_page()
        finally:
            browser.close()


@pytest.mark.browser
def test_browser_approves_a_handout_end_to_end(live, page, tmp_path):
    p, server = live
    page.goto(server.url)
    assert "needs its access token" in page.text_content("#error")
    page.goto(server.login_url)
    assert "?token" not in page.url
    assert page.text_content("#page-name") == "All handouts"
    page.click("#open-acne")
    assert page.text_content("#page-name") == "Review: Acne"
    assert page.text_content("#state").startswith("State: awaiting review")
    page.fill("#approve-name", "Dana Reyes")
    page.fill("#approve-credentials", "MD, FAAD")
    page.check("#approve-confirm")
    page.click("#approve-submit")
    page.wait_for_url("**/h/acne?done=approved")
    assert "Approved for publication. Run" in page.text_content("#notice")
    assert "Dana Reyes, MD, FAAD" in page.text_content("#signature")
    assert page.text_content("#state").startswith("State: approved (not yet published)")

    rec = json.loads((tmp_path / "signoffs/acne.json").read_text(encoding="utf-8"))["records"][-1]
    assert (rec["kind"], rec["reviewer"], rec["credentials"], rec["meaning"]) == (
        "approval", "Dana Reyes", "MD, FAAD", "approved for publication")
    assert rec["content_sha256"] == load_draft(tmp_path / "drafts", "acne").content_sha256()
    line = audit.events(p)[-1]
    assert (line["event"], line["id"], line["record"]) == ("approve", "acne", rec)
    assert verify_audit(p) == []


@pytest.mark.browser
def test_browser_edit_then_only_the_change_shows_marked_within_the_line(live, page, tmp_path):
    p, server = live
    d = load_draft(tmp_path / "drafts", "acne")
    signoff.approve(p, "acne", REVIEWER, draft=d, sheet_sha256=SHEET, provenance={}, report=report_for(d), now=T0)
    page.goto(server.login_url)
    page.goto(server.url + "h/acne")
    assert page.text_content("#diff").strip().endswith("on 2026-01-15.")  # "No changes since ..."
    page.click('[id="edit-treatment.1"] >> xpath=..')  # open the <details>
    form = page.locator('[id="edit-treatment.1"]')
    form.locator("textarea").fill("At night, put adapalene 0.1% gel on once daily.")
    form.locator('input[name="name"]').fill("Dana Reyes")
    form.locator('input[name="credentials"]').fill("MD, FAAD")
    form.locator("button").click()
    page.wait_for_url("**/h/acne?done=edited#row-treatment.1")
    assert load_draft(tmp_path / "drafts", "acne").sections[1].facts[0].origin.value == "clinician edit"
    assert audit.events(p)[-1]["event"] == "edit"
    assert page.locator("#diff tr.change").count() == 1
    assert page.text_content("#diff tr.change th") == "Treatment, point 1"
    assert page.locator("#diff td.was del").all_text_contents() == ["a day at night."]
    assert page.locator("#diff td.now ins").all_text_contents() == ["At night,", "daily."]
    assert page.text_content("#state").startswith("State: awaiting review")


@pytest.mark.browser
def test_browser_cross_site_form_post_is_refused(live, page, tmp_path):
    p, server = live
    # The attacker's page, on another origin, knows the form fields and even the token.
    d = load_draft(tmp_path / "drafts", "acne")
    fields = {"csrf": server.app.csrf, "name": "Mallory", "credentials": "MD", "confirm": "yes",
              "content_sha256": d.content_sha256()}
    inputs = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in fields.items())
    evil_html = (f'<html><body><form method="post" action="{server.url}h/acne/approve">{inputs}'
                 f'<button id="go">Win a prize</button></form></body></html>').encode()

    class Evil(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(evil_html)

        def log_message(self, *a):
            pass

    evil = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Evil)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        page.goto(server.login_url)  # the reviewer is logged in: the browser holds the cookie
        page.goto(f"http://127.0.0.1:{evil.server_address[1]}/")
        with page.expect_response(lambda r: "/approve" in r.url) as resp:
            page.click("#go")
        assert resp.value.status == 403
        assert "cross-site form post refused" in page.text_content("#error")
    finally:
        evil.shutdown()
        evil.server_close()
    assert not (tmp_path / "signoffs/audit.jsonl").exists()
    assert not (tmp_path / "signoffs/acne.json").exists()


# -- a real browser on the real acne sheet and draft (the real service: real checks, no model) ------------


SUMMARY_EDIT = ("Acne is a common, long-lasting skin problem of the hair follicle and oil gland. It can be itchy. "
                "Early, steady treatment clears most acne and limits scarring and dark spots.")


@pytest.fixture
def real(tmp_path):
    p = real_clinic(tmp_path)
    server = review.ReviewServer(p, 0, quiet=True)
    server.start_in_thread()
    yield p, server
    server.shutdown()
    server.server_close()


def _open(page, server, hid="acne"):
    page.goto(server.login_url)
    page.goto(server.url + f"h/{hid}")


def _page_edit(page, fact, text, name="Dana Reyes", credentials="MD, FAAD"):
    page.locator(f'[id="edit-{fact}"] >> xpath=..').evaluate("e => e.open = true")
    form = page.locator(f'[id="edit-{fact}"]')
    form.locator("textarea").fill(text)
    form.locator('input[name="name"]').fill(name)
    form.locator('input[name="credentials"]').fill(credentials)
    form.locator("button").click()
    page.wait_for_load_state()


def _page_acknowledge_and_save(page, fact):
    form = page.locator(f'[id="edit-{fact}"]')
    for box in form.locator('input[name="ack"]').all():
        box.check()
    form.locator("button").click()
    page.wait_for_url(f"**?done=edited#row-{fact}")


def _page_approve(page, name="Dana Reyes", credentials="MD, FAAD", acknowledge=True):
    if acknowledge:
        for box in page.locator('#approve-form input[name="ack"]').all():
            box.check()
    page.fill("#approve-name", name)
    page.fill("#approve-credentials", credentials)
    page.check("#approve-confirm")
    page.click("#approve-submit")
    page.wait_for_load_state()


@pytest.mark.browser
def test_browser_shows_the_word_diff_the_origin_and_every_candidate_with_its_verdict(real, page):
    p, server = real
    _open(page, server)
    assert page.text_content("#page-name") == "Review: Acne"
    # a fact the lexicon changed: what was swapped out and in, said as word swaps, not "not simplified"
    swapped = next(f for f in load_draft(p.drafts, "acne").facts() if f.origin.value == "word swaps")
    left, right = review.word_diff(swapped.source, swapped.text)
    assert page.text_content(f'[id="origin-{swapped.fact_id}"]') == "word swaps"
    assert page.locator(f'[id="fact-{swapped.fact_id}"] del').all_text_contents() == [w for k, w in left if k == "del"]
    assert page.locator(f'[id="text-{swapped.fact_id}"] ins').all_text_contents() == [w for k, w in right if k == "ins"]
    assert [w for k, w in right if k == "ins"]
    # a model rewrite, with each attempt and its verdict
    model = next(f for f in load_draft(p.drafts, "acne").facts() if f.origin.value == "model rewrite")
    assert page.text_content(f'[id="origin-{model.fact_id}"]') == "model rewrite"
    cands = page.locator(f'[id="candidates-{model.fact_id}"]')
    cands.locator("summary").click()
    verdicts = cands.locator(".verdict").all_text_contents()
    assert "passed the checks; this is the text the patient reads" in verdicts
    assert any(v == "refused by the checks" for v in verdicts)
    refused = cands.locator("li.refused ul li").all_text_contents()
    assert refused and all(r and not r.startswith("[") for r in refused)  # findings in the clinician's words
    # everything signed is on the page
    assert "acne vulgaris, pimples, breakouts" in page.text_content("#also-called")
    assert "sebum" in page.locator("#glossary dt").all_text_contents()
    assert page.locator("#references li").count() == 5


@pytest.mark.browser
def test_browser_clinician_edit_with_findings_acknowledged_then_approved_and_in_audit_show(real, page):
    p, server = real
    _open(page, server)
    _page_edit(page, "summary", SUMMARY_EDIT)
    assert "summary: not saved yet. The checks found what is listed below." in page.text_content("#error")
    assert "'itchy' (a symptom), which your fact does not say" in page.text_content('[id="edit-summary"] fieldset')
    assert audit.events(p) == []
    _page_acknowledge_and_save(page, "summary")
    assert page.text_content('[id="origin-summary"]') == "clinician edit"
    assert "To acknowledge:" in page.text_content('[id="row-summary"]')
    _page_approve(page, acknowledge=False)  # the browser refuses an unticked required box ...
    assert page.url.endswith("done=edited#row-summary")
    _page_approve(page)  # ... ticked, it signs
    page.wait_for_url("**?done=approved")
    assert page.text_content("#state").startswith("State: approved (not yet published)")
    rec = json.loads((p.signoffs / "acne.json").read_text())["records"][-1]
    assert {a["fact"] for a in rec["acknowledgements"]} == {"summary"} and len(rec["acknowledgements"]) >= 1
    shown = CliRunner().invoke(cli, ["audit", "show", "acne", "--root", str(p.root)]).output
    assert "acknowledged by Dana Reyes, MD, FAAD at " in shown
    assert "'itchy' (a symptom), which your fact does not say" in shown
    assert "acknowledged by Dana Reyes, MD, FAAD" in page.text_content("#history")
    assert "'itchy' (a symptom), which your fact does not say" in page.text_content("#approval-acks")


@pytest.mark.browser
def test_browser_machine_text_that_fails_is_refused_even_with_an_acknowledgement(real, page):
    p, server = real
    key = _make_machine_text_fail(p)
    _open(page, server)
    assert page.text_content("#state").startswith("State: checks failed")
    assert page.locator("#approve-form").count() == 0
    assert "cannot be approved: machine-made text fails its checks" in page.text_content("#cannot-approve")
    # a hand-made post that acknowledges the failing finding anyway
    page.evaluate("""([key, sha, csrf]) => {
        const f = document.createElement('form'); f.method = 'post'; f.action = '/h/acne/approve';
        for (const [k, v] of Object.entries({csrf, content_sha256: sha, ack: key, name: 'Dana Reyes',
                                              credentials: 'MD, FAAD', confirm: 'yes'})) {
            const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i); }
        document.body.appendChild(f); f.submit(); }""",
                  [key, page.get_attribute('#reject-form input[name="content_sha256"]', "value"),
                   page.get_attribute('#reject-form input[name="csrf"]', "value")])
    page.wait_for_load_state()
    assert re.search(r"^acne: cannot approve: machine text that fails its checks can never be approved, "
                     r"acknowledged or not: [a-z_]+\.\d+ \(model rewrite\): ", page.text_content("#error"))
    assert not (p.signoffs / "acne.json").exists()


@pytest.mark.browser
def test_browser_approval_after_a_concurrent_edit_is_refused_with_a_clear_message(real, page):
    p, server = real
    _open(page, server)  # the reviewer reads the page ...
    new = "Acne is not caused by dirt or poor hygiene, and you cannot catch it."
    Service(p).edit("acne", "about.3", new, "Sam Okafor, MD",  # ... while a colleague saves a change
                    acknowledged=[f.key for f in Service(p).check_text(Service(p).draft("acne"), "about.3", new)])
    _page_approve(page)
    assert ("acne: cannot approve: the draft changed since you opened it (someone saved a change); "
            "reload it and review the new text") in page.text_content("#error")
    assert [e["event"] for e in audit.events(p)] == ["edit"]
    assert page.text_content('[id="text-about.3"]').endswith("you cannot catch it.")  # the new text is shown


def _normalised(events):
    out = []
    for e in events:
        e = {k: v for k, v in e.items() if k not in ("ts", "hash", "prev", "sig")}  # time-dependent
        if "record" in e:
            e["record"] = {k: v for k, v in e["record"].items() if k not in ("signed_at", "record_sha256")}
            e["record"]["acknowledgements"] = [{k: v for k, v in a.items() if k != "at"}
                                               for a in e["record"].get("acknowledgements", [])]
        if "acknowledged" in e:
            e["acknowledged"] = [{k: v for k, v in a.items() if k != "at"} for a in e["acknowledged"]]
        out.append(e)
    return out


@pytest.mark.browser
def test_page_and_cli_give_identical_audit_events(tmp_path, page, monkeypatch):
    web, term = real_clinic(tmp_path / "web"), real_clinic(tmp_path / "cli")

    def hand_edit(p):
        _hand_edit(p, "about.3", " It is not from dirt.")

    # through the page: an edit with findings, an approval, a hand edit of the file, a request for changes
    server = review.ReviewServer(web, 0, quiet=True)
    server.start_in_thread()
    try:
        _open(page, server)
        _page_edit(page, "summary", SUMMARY_EDIT)
        _page_acknowledge_and_save(page, "summary")
        _page_approve(page)
        page.wait_for_url("**?done=approved")
        hand_edit(web)
        page.goto(server.url + "h/acne")
        form = page.locator("#reject-form")
        form.locator('input[name="name"]').fill("Dana Reyes")
        form.locator('input[name="credentials"]').fill("MD, FAAD")
        form.locator("textarea").fill("Say what 'spread' means.")
        form.locator("button").click()
        page.wait_for_url("**?done=rejected")
    finally:
        server.shutdown()
        server.server_close()

    # the same through the command line
    def run(*args, input=None):
        r = CliRunner().invoke(cli, [*args, "--root", str(term.root)], input=input)
        assert r.exit_code == 0, r.output
    run("edit", "acne", "summary", SUMMARY_EDIT, "--reviewer", REVIEWER, input="y\n" * 5)
    run("approve", "acne", "--reviewer", REVIEWER, input="y\n" * 6)
    hand_edit(term)
    run("reject", "acne", "--reviewer", REVIEWER, "--reason", "Say what 'spread' means.")

    web_events, cli_events = _normalised(audit.events(web)), _normalised(audit.events(term))
    assert [e["event"] for e in web_events] == ["edit", "approve", "edit", "reject"]
    assert web_events == cli_events
    assert verify_audit(web) == [] and verify_audit(term) == []  # and each is signed and chained
