"""The review page: `handouts review` serves a local page for clinicians on 127.0.0.1 only.

It lists every handout with its state (the words `status` uses). For each handout
it shows everything that is signed, and per fact the truth about its text: the
clinician's fact beside the patient text with a word diff (deletions and
insertions marked), how the text was made (its origin), each candidate with its
verdict and every finding in the clinician's words. A clinician may write a fact's
text; it is checked, and saved once each finding is ticked as acknowledged.
"Changes since the last approval" lists only what changed, marked within the line.
Forms approve (each finding on clinician-written text acknowledged, printed name
and credentials, the meaning confirmed; bound to the hash of the text shown) and
request changes.

The page is the reviewer's alone. The server makes a random access token when it
starts and prints a link carrying it (http://127.0.0.1:PORT/?token=..., as Jupyter
does); opening that link sets a cookie (HttpOnly, SameSite=Strict) and drops the
token from the address. Every request without the token, reading included, is
refused, so another user of the same machine can neither read nor approve.

It refuses cross-site requests: every request must carry a Host header naming
this server (127.0.0.1:PORT or localhost:PORT, against DNS rebinding), and every
form post must carry this server's CSRF token and, when the browser sends one,
a matching Origin. Everything shown is escaped (Jinja2 autoescape); pages load
no script and forbid framing (Content-Security-Policy).

Everything it shows and does goes through the one sign-off service
(handouts.service), the same one the CLI uses, so the same actions give the
same audit events.
"""

from __future__ import annotations

import difflib
import hmac
import re
import secrets
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import jinja2
from markupsafe import Markup, escape

from handouts import service
from handouts.core.exceptions import HandoutsError, SignoffError
from handouts.service import MEANING, Service, State

LOCAL_HOST = "127.0.0.1"
MAX_BODY = 200_000
_ROUTE = re.compile(r"^/h/([a-z0-9-]+)(?:/(approve|reject|edit))?$")
QUEUE_ORDER = [State.AWAITING_REVIEW, State.CHANGES_REQUESTED, State.CHECKS_FAILED, State.OUT_OF_DATE,
               State.NO_DRAFT, State.APPROVED, State.RETIRED]
DONE = {
    "approved": "Approved for publication. Run `handouts build` to publish it.",
    "rejected": "Changes requested. The reason is kept with the draft.",
    "edited": "Your text was saved and logged. Any earlier approval no longer applies; review and approve it again.",
    "unchanged": "The text was unchanged; nothing was saved.",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


# -- word-level diffs -------------------------------------------------------------------

_PUNCT = ".,;:!?\"'()[]"


def word_diff(old: str, new: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(old side, new side) as [(kind, words)], kind 'same', 'del' (old side) or 'ins' (new side).

    Words are compared without case and surrounding punctuation; each side shows its own words.
    """
    a, b = _tokens(old), _tokens(new)
    key = lambda w: w.lower().strip(_PUNCT) or w  # noqa: E731
    sm = difflib.SequenceMatcher(None, [key(w) for w in a], [key(w) for w in b], autojunk=False)
    left, right = [], []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            left.append(("same", " ".join(a[i1:i2])))
            right.append(("same", " ".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(("del", " ".join(a[i1:i2])))
        if j2 > j1:
            right.append(("ins", " ".join(b[j1:j2])))
    return left, right


_BULLET = "\u2022"


def _tokens(text) -> list[str]:
    """Words of a text; each "- item" line of a list (handouts.core.drafts.list_parts) starts with a bullet word."""
    return re.sub(r"(?m)^\s*- (?=\S)", f"{_BULLET} ", str(text or "")).split()


def show_diff(segments, hard_words=()) -> Markup:
    """Escaped words, deletions in <del>, insertions in <ins>, hard words in <mark class="hard">;
    a list's items start on their own line, after a bullet."""
    tag = {"del": "del", "ins": "ins"}
    out = []
    for kind, words in segments:
        text = str(mark_hard(words, hard_words)).replace(_BULLET, f"<br>{_BULLET}")
        out.append(f"<{tag[kind]}>{text}</{tag[kind]}>" if kind in tag else text)
    return Markup(" ".join(out))


def mark_hard(text: str, words) -> Markup:
    """Escape `text`, then wrap each hard word in <mark class="hard">."""
    out = str(escape(text))
    terms = sorted({str(escape(w)) for w in words or [] if str(w).strip()}, key=len, reverse=True)
    if terms:
        pattern = re.compile(r"(?<![\w&])(" + "|".join(re.escape(t) for t in terms) + r")(?!\w)", re.IGNORECASE)
        out = pattern.sub(lambda m: f'<mark class="hard">{m.group(1)}</mark>', out)
    return Markup(out)


# -- page models -----------------------------------------------------------------------


def changes_since(old: dict, new: dict) -> list[dict]:
    """Only what changed between two signed contents: [{where, old, new}] with word-level diffs."""
    rows = []

    def compare(where: str, a: str, b: str) -> None:
        if (a or "") != (b or ""):
            left, right = word_diff(a or "", b or "")
            rows.append({"where": where, "old": left, "new": right, "was": a or "", "now": b or ""})

    compare("Title", old.get("title", ""), new.get("title", ""))
    compare("Also called", ", ".join(old.get("also_called") or []), ", ".join(new.get("also_called") or []))
    compare("Summary", old.get("summary", ""), new.get("summary", ""))
    before = {s.get("key"): s for s in old.get("sections") or []}
    after = {s.get("key"): s for s in new.get("sections") or []}
    for key in list(after) + [k for k in before if k not in after]:
        a, b = before.get(key) or {}, after.get(key) or {}
        heading = b.get("heading") or a.get("heading") or key
        compare(f"Heading of \u201c{heading}\u201d", a.get("heading", ""), b.get("heading", ""))
        ta, tb = list(a.get("texts") or []), list(b.get("texts") or [])
        for i in range(max(len(ta), len(tb))):
            compare(f"{heading}, point {i + 1}", ta[i] if i < len(ta) else "", tb[i] if i < len(tb) else "")
    ga, gb = old.get("glossary") or {}, new.get("glossary") or {}
    for term in sorted(set(ga) | set(gb)):
        compare(f"Word to know: {term}", ga.get(term, ""), gb.get(term, ""))
    ra, rb = list(old.get("references") or []), list(new.get("references") or [])
    for i in range(max(len(ra), len(rb))):
        compare(f"Reference {i + 1}", ra[i] if i < len(ra) else "", rb[i] if i < len(rb) else "")
    return rows


def finding_view(f) -> dict:
    """A report finding as the page shows it: the clinician's words, without the fact id when it is beside it."""
    return {"severity": f.severity, "check": f.check, "fact": f.fact, "key": f.key,
            "message": f.message, "reason": service.plain_message(f)}


def _findings(report) -> list[dict]:
    return [finding_view(f) for f in (report.findings if report is not None else [])]


def _hard_words(report) -> list[str]:
    return list(report.unexplained_terms) if report is not None else []


def candidates_view(record, kept_text: str) -> list[dict]:
    """Each candidate for one fact (model output or sentence rules), with its verdict in plain words."""
    out = []
    for i, c in enumerate(record.candidates if record is not None else [], 1):
        if c.accepted and c.text == kept_text:
            verdict = "passed the checks; this is the text the patient reads"
        elif c.accepted:
            verdict = "passed the checks, but was not kept" + (
                f" (grade {c.grade:.1f}; the kept text reads easier)" if isinstance(c.grade, (int, float)) else "")
        else:
            verdict = "refused by the checks"
        made = "sentence rules: " + ", ".join(c.rules) if c.kind == "rule" else "model"
        out.append({"n": i, "text": c.text, "accepted": c.accepted, "verdict": verdict, "made": made,
                    "reasons": [] if c.accepted else list(c.reasons), "seed": c.seed})
    return out


ORIGIN_NOTE = {
    "clinician's words unchanged": "The clinician's fact, word for word.",
    "word swaps": "The clinician's fact with plainer words swapped in (each swap is marked).",
    "restructured": "The clinician's fact, restructured by fixed sentence rules (each change is marked).",
    "model rewrite": "Written by the model; it passed every check.",
    "clinician edit": "Written by a clinician reviewer.",
}


def origin_note(origin: str, candidates: list[dict], why: str = "") -> str:
    note = ORIGIN_NOTE.get(origin, "")
    if origin in ("model rewrite", "clinician edit"):
        return note
    if why:
        return f"{note} {why[:1].upper()}{why[1:]}{'' if why.endswith('.') else '.'}"
    if not candidates:
        return note
    models = [c for c in candidates if c["made"] == "model"]
    if any(c["accepted"] and c["verdict"].startswith("passed the checks, but") for c in models):
        return note + " A model rewrite passed the checks but did not read easier, so it was not used."
    return note + (" No model rewrite passed the checks." if models else "")


def handout_view(project, svc: Service, handout_id: str) -> dict:
    snap = svc.load(handout_id)
    draft, report, st = snap.draft, snap.report, snap.status
    findings = _findings(report)
    by_fact: dict[str, list[dict]] = {}
    for f in findings:
        if f.get("fact"):
            by_fact.setdefault(str(f["fact"]), []).append(f)
    prov_facts = snap.provenance.facts if snap.provenance is not None else {}
    groups = []
    if draft is not None:
        sections = [("summary", "Summary", [draft.summary])] + [(s.key, s.heading, s.facts) for s in draft.sections]
        for key, heading, facts in sections:
            rows = []
            for f in facts:
                left, right = word_diff(f.source, f.text)
                origin = service.origin_label(f)
                record = prov_facts.get(f.fact_id)
                candidates = candidates_view(record, f.text)
                rows.append({
                    "id": f.fact_id, "source": f.source, "text": f.text, "origin": origin,
                    "origin_note": origin_note(origin, candidates, record.why if record is not None else ""),
                    "changes": list(getattr(f, "changes", []) or []),
                    "source_diff": left, "text_diff": right, "same": f.source == f.text,
                    "sentences": f.sentences(), "findings": by_fact.get(f.fact_id, []), "candidates": candidates})
            groups.append({"key": key, "heading": heading, "facts": rows})
    known = {f["id"] for g in groups for f in g["facts"]}
    last = st.last_approval
    changes = None
    if draft is not None and last is not None and last.content != draft.content():
        changes = changes_since(last.content, draft.content())
    failing = [f for f in findings if f.get("severity") == "error"]
    can_approve = draft is not None and st.state in (State.AWAITING_REVIEW, State.CHANGES_REQUESTED, State.APPROVED)
    return {
        "id": handout_id, "draft": draft, "status": st, "state": service.state_label(st, snap.published),
        "report": report, "groups": groups,
        "general_findings": [f for f in findings if str(f.get("fact") or "") not in known],
        "failing": failing, "to_acknowledge": [finding_view(f) for f in snap.to_acknowledge()],
        "hard_words": _hard_words(report),
        "grade": {"fk": report.grade.fk, "smog": report.grade.smog, "target": report.grade.target} if report else {},
        "changes": changes, "last_approval": last,
        "content_sha256": snap.content_sha256,
        "can_approve": can_approve, "can_reject": draft is not None and st.state is not State.RETIRED,
        "can_edit": draft is not None and st.state is not State.RETIRED,
        "approval_acks": _approval_acks(svc, handout_id, st.approval),
        "history": svc.history(handout_id),
        "meaning": MEANING,
    }


def _approval_acks(svc: Service, handout_id: str, approval) -> list[dict]:
    """The findings the signer of the current approval acknowledged (from the signed record)."""
    if approval is None:
        return []
    rec = next((r for r in svc.records(handout_id)
                if r.get("record_sha256") == approval.record_sha256), None)
    return [a for a in (rec or {}).get("acknowledgements") or [] if isinstance(a, dict)]


def queue_view(project, svc: Service) -> list[dict]:
    rows = []
    for hid in svc.ids():
        try:
            snap = svc.load(hid)
            st = snap.status
            rows.append({"id": hid, "title": snap.draft.title if snap.draft else hid,
                         "state": service.state_label(st, snap.published),
                         "reason": st.reason, "order": QUEUE_ORDER.index(st.state)})
        except HandoutsError as exc:
            rows.append({"id": hid, "title": hid, "state": "error", "reason": exc.format_message(),
                         "order": len(QUEUE_ORDER)})
    return sorted(rows, key=lambda r: (r["order"], r["id"]))


# -- the application (no sockets: testable directly) ---------------------------------------


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str = ""
    headers: dict = field(default_factory=dict)


class ReviewApp:
    def __init__(self, project, service_: Service | None = None, port: int = 0, token: str | None = None):
        self.project = project
        self.service = service_ or Service(project)
        self.port = port
        self.token = token or secrets.token_urlsafe(32)  # the reviewer's access token
        self.csrf = secrets.token_urlsafe(32)
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("handouts", "templates"),
            autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        )
        self.env.filters["mark_hard"] = mark_hard
        self.env.filters["show_diff"] = show_diff

    # security -----------------------------------------------------------------
    def allowed_hosts(self) -> set[str]:
        return {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}

    def allowed_origins(self) -> set[str]:
        return {f"http://{h}" for h in self.allowed_hosts()}

    @property
    def cookie_name(self) -> str:
        return f"handouts-review-{self.port}"

    def _token_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))

    def _cookie_token(self, headers) -> str:
        for part in (headers.get("Cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == self.cookie_name:
                return value.strip()
        return ""

    def refuse(self, method: str, headers, form: dict | None) -> str | None:
        """Why a request is refused, or None."""
        if headers.get("Host", "") not in self.allowed_hosts():
            return "unknown Host header; open the review page at http://127.0.0.1:%d/" % self.port
        if not self._token_ok(self._cookie_token(headers)):
            return ("this review page needs its access token: open the link that `handouts review` printed "
                    "when it started (http://127.0.0.1:%d/?token=...)" % self.port)
        if method != "POST":
            return None
        origin = headers.get("Origin")
        if origin is not None and origin not in self.allowed_origins():
            return "cross-site form post refused (Origin does not match this page)"
        if headers.get("Sec-Fetch-Site") not in (None, "same-origin", "none"):
            return "cross-site form post refused (Sec-Fetch-Site)"
        token = (form or {}).get("csrf", "")
        if not hmac.compare_digest(token.encode("utf-8"), self.csrf.encode("utf-8")):
            return "form post refused: missing or wrong CSRF token; reload the page and try again"
        return None

    # rendering ----------------------------------------------------------------
    def render(self, name: str, status: int = 200, **ctx) -> Response:
        html = self.env.get_template(name).render(csrf=self.csrf, **ctx)
        return Response(status, html.encode("utf-8"))

    def error(self, status: int, message: str) -> Response:
        return self.render("review_error.html", status, message=message)

    # dispatch -----------------------------------------------------------------
    def handle(self, method: str, target: str, headers, body: bytes = b"") -> Response:
        url = urlsplit(target)
        query = parse_qs(url.query)
        if method == "GET" and "token" in query and headers.get("Host", "") in self.allowed_hosts():
            if not self._token_ok(query["token"][0]):
                return self.error(403, "wrong access token; open the link that `handouts review` printed")
            rest = urlencode({k: v for k, v in query.items() if k != "token"}, doseq=True)
            cookie = f"{self.cookie_name}={self.token}; Path=/; HttpOnly; SameSite=Strict"
            return Response(303, location=url.path + (f"?{rest}" if rest else ""),
                            headers={"Set-Cookie": cookie})
        form = None
        if method == "POST":
            if headers.get("Content-Type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
                return self.error(415, "form posts must be application/x-www-form-urlencoded")
            try:
                parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                return self.error(400, "the form was not UTF-8")
            form = {k: v[0] for k, v in parsed.items()}
            form["ack"] = parsed.get("ack", [])  # one value per acknowledged finding
        why = self.refuse(method, headers, form)
        if why:
            return self.error(403, why)
        if method == "GET" and url.path == "/":
            return self.render("review_queue.html", rows=queue_view(self.project, self.service))
        if method == "GET" and url.path == "/review.css":
            css = self.env.loader.get_source(self.env, "review.css")[0]
            return Response(200, css.encode("utf-8"), "text/css; charset=utf-8")
        m = _ROUTE.match(url.path)
        if not m or m.group(1) not in self.service.ids():
            return self.error(404, "no such page")
        hid, action = m.group(1), m.group(2)
        if method == "GET" and action is None:
            done = parse_qs(url.query).get("done", [""])[0]
            return self.page(hid, notice=DONE.get(done, ""))
        if method == "POST" and action:
            return getattr(self, f"post_{action}")(hid, form)
        return self.error(405, "method not allowed")

    def page(self, hid: str, status: int = 200, notice: str = "", error: str = "",
             findings: list | None = None, attempt: dict | None = None, form: dict | None = None) -> Response:
        view = handout_view(self.project, self.service, hid)
        return self.render("review_handout.html", status, v=view, notice=notice, error=error,
                           findings=findings or [], attempt=attempt or {}, form=form or {})

    def _reviewer(self, form: dict) -> str:
        name = " ".join(form.get("name", "").split())
        credentials = " ".join(form.get("credentials", "").split())
        if "," in name:
            raise SignoffError("printed name: write it without commas, e.g. Dana Reyes")
        if not name or not credentials:
            raise SignoffError("give your printed name and your credentials (e.g. MD, FAAD)")
        return f"{name}, {credentials}"

    def post_approve(self, hid: str, form: dict) -> Response:
        try:
            reviewer = self._reviewer(form)
            if form.get("confirm") != "yes":
                raise SignoffError(f'tick the box to confirm the meaning of your signature: "{MEANING}"')
            self.service.approve(hid, reviewer, expected_content_sha256=form.get("content_sha256", ""),
                                 acknowledged=form.get("ack", []))
        except SignoffError as exc:
            return self.page(hid, 409, error=exc.format_message(), form=form)
        return Response(303, location=f"/h/{hid}?done=approved")

    def post_reject(self, hid: str, form: dict) -> Response:
        try:
            reviewer = self._reviewer(form)
            self.service.reject(hid, reviewer, form.get("reason", ""),
                                expected_content_sha256=form.get("content_sha256", ""))
        except SignoffError as exc:
            return self.page(hid, 409, error=exc.format_message(), form=form)
        return Response(303, location=f"/h/{hid}?done=rejected")

    def post_edit(self, hid: str, form: dict) -> Response:
        fact_id = form.get("fact", "")
        attempt = {fact_id: form.get("text", "")}
        try:
            editor = self._reviewer(form)
            result = self.service.edit(hid, fact_id, form.get("text", ""), editor,
                                       expected_content_sha256=form.get("content_sha256", ""),
                                       acknowledged=form.get("ack", []))
        except SignoffError as exc:
            return self.page(hid, 409, error=exc.format_message(), attempt=attempt, form=form)
        if result.outcome == "needs acknowledgement":
            return self.page(hid, 422, error=f"{fact_id}: not saved yet. The checks found what is listed below. "
                                             f"Tick each one you accept as written, then save again.",
                             findings=[finding_view(f) for f in result.findings], attempt=attempt, form=form)
        return Response(303, location=f"/h/{hid}?done={'unchanged' if result.outcome == 'unchanged' else 'edited'}")


# -- the server ------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server_version = "handouts-review"
    sys_version = ""
    app: ReviewApp
    timeout = 10  # seconds a connection may sit idle mid-request (socket timeout), then it is closed

    def _send(self, resp: Response) -> None:
        self.send_response(resp.status)
        for k, v in SECURITY_HEADERS.items():
            self.send_header(k, v)
        if resp.location:
            self.send_header("Location", resp.location)
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(resp.body)

    def _run(self, method: str) -> None:
        body = b""
        if method == "POST":
            try:
                length = int(self.headers.get("Content-Length", "0"))
            except ValueError:
                length = -1
            if not 0 <= length <= MAX_BODY:
                self._send(self.server.app.error(413, "the form is too large"))
                return
            body = self.rfile.read(length)
        try:
            resp = self.server.app.handle(method, self.path, self.headers, body)
        except HandoutsError as exc:
            resp = self.server.app.error(500, exc.format_message())
        except Exception as exc:  # a page, never a traceback
            sys.stderr.write(f"review: internal error: {type(exc).__name__}: {exc}\n")
            resp = self.server.app.error(500, "internal error; see the terminal running `handouts review`")
        self._send(resp)

    def do_GET(self):  # noqa: N802
        self._run("GET")

    def do_POST(self):  # noqa: N802
        self._run("POST")

    def _no(self):
        self._send(Response(405, b"method not allowed", "text/plain; charset=utf-8"))

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _no  # noqa: N815

    def log_message(self, fmt, *args):  # one short line per request, on stderr
        if not getattr(self.server, "quiet", False):
            sys.stderr.write(f"review: {self.command} {self.path.split('?')[0]} {args[1] if len(args) > 1 else ''}\n")


class ReviewServer(ThreadingHTTPServer):
    """One thread per connection, at most MAX_CONNECTIONS at once; each idle socket times out.

    A connection beyond the bound is answered 503 and closed at once, without a thread,
    so connections that announce a body and never send it cannot pile up threads.
    """

    daemon_threads = True
    allow_reuse_address = True
    MAX_CONNECTIONS = 16
    request_queue_size = 64

    def __init__(self, project, port: int = 0, service_: Service | None = None, quiet: bool = False):
        super().__init__((LOCAL_HOST, port), _Handler)
        self.app = ReviewApp(project, service_, self.server_address[1])
        self.quiet = quiet
        self._slots = threading.BoundedSemaphore(self.MAX_CONNECTIONS)

    def process_request(self, request, client_address):
        if not self._slots.acquire(blocking=False):
            try:
                request.settimeout(1)
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                                b"Connection: close\r\nRetry-After: 1\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    @property
    def url(self) -> str:
        return f"http://{LOCAL_HOST}:{self.server_address[1]}/"

    @property
    def login_url(self) -> str:
        """The link to open: it carries the access token, which the page swaps for a cookie."""
        return f"{self.url}?token={self.app.token}"

    def start_in_thread(self) -> threading.Thread:
        t = threading.Thread(target=self.serve_forever, name="handouts-review", daemon=True)
        t.start()
        return t


def serve(project, host: str = LOCAL_HOST, port: int = 8765, service_: Service | None = None,
          signer=None) -> None:
    """Run the review page until Ctrl-C. Only ever listens on 127.0.0.1.

    Approvals, change requests and edits made on the page are signed with `signer`
    (handouts.signoff.reviewers.Signer: the reviewer's key file or agent key), or else with
    the key ssh-agent holds for the name typed on the page.
    """
    if host != LOCAL_HOST:
        raise HandoutsError(f"the review page only listens on {LOCAL_HOST}, not {host!r}")
    try:
        server = ReviewServer(project, port, service_ or Service(project, signer=signer))
    except OSError as exc:
        raise HandoutsError(f"cannot listen on {LOCAL_HOST}:{port}: {exc.strerror}; try --port") from None
    who = f"signing as {signer.reviewer.printed}" if signer else "signing with your key in ssh-agent"
    print(f"Review page (local only, {who}; Ctrl-C to stop). Open this link; it holds your access token:\n"
          f"    {server.login_url}", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
