"""The review page: `handouts review` serves a local page for clinicians on 127.0.0.1 only.

It lists the handouts awaiting review. For each handout it shows the clinician's
facts and the draft sentences side by side (each sentence linked to its fact),
the check findings in place, a diff against the last approved version, and forms
to approve (printed name and credentials, then an explicit confirmation of the
meaning), to request changes (a reason) and to correct a sentence.

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

The page needs drafts, sheet hashes, check reports and provenance; a Loader
supplies them. The default reads the project's files and re-runs the checks.
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

from handouts import audit, signoff
from handouts.checks.handout import Finding, Report
from handouts.drafts import (Draft, FactRecord, Origin, load_draft, load_json, load_provenance, provenance_path,
                             report_path, save_draft, save_provenance)
from handouts.exceptions import HandoutsError, SignoffError
from handouts.sheets import sha256_bytes
from handouts.signoff import State

LOCAL_HOST = "127.0.0.1"
MAX_BODY = 200_000
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ROUTE = re.compile(r"^/h/([a-z0-9-]+)(?:/(approve|reject|edit))?$")
QUEUE_ORDER = [State.AWAITING_REVIEW, State.CHANGES_REQUESTED, State.CHECKS_FAILED, State.DRAFTED,
               State.APPROVED, State.PUBLISHED, State.RETIRED]
DONE = {
    "approved": "Approved for publication. Run `handouts build` to publish it.",
    "rejected": "Changes requested. The reason is kept with the draft.",
    "edited": "Your correction passed the checks and was saved. Any earlier approval no longer applies.",
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


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    reasons: tuple[str, ...] = ()


# -- where handouts come from ----------------------------------------------------------


class Loader:
    """Drafts, sheet hashes, check reports and provenance for the review page."""

    def __init__(self, project):
        self.project = project

    def ids(self) -> list[str]:
        found = set()
        for folder in (self.project.drafts, self.project.sources):
            if Path(folder).is_dir():
                found |= {p.stem for p in Path(folder).glob("*.yaml") if _SLUG.match(p.stem)}
        return sorted(found)

    def draft(self, handout_id: str) -> Draft | None:
        return load_draft(self.project.drafts, handout_id)

    def sheet_sha256(self, handout_id: str) -> str:
        path = Path(self.project.sources) / f"{handout_id}.yaml"
        return sha256_bytes(path.read_bytes()) if path.exists() else ""

    def report(self, handout_id: str, draft: Draft) -> Report | None:
        """A report for exactly this draft: re-run the checks if we can, else drafts/ID.report.json."""
        try:
            from handouts import pipeline
            from handouts.sheets import load_sheet
        except ImportError:
            pipeline = None
        path = Path(self.project.sources) / f"{handout_id}.yaml"
        if pipeline is not None and path.exists():
            try:
                rep = pipeline.check_draft(self.project, load_sheet(path, f"sources/{handout_id}.yaml"), draft)
            except HandoutsError as exc:
                rep = Report(id=handout_id, content_sha256=draft.content_sha256())
                rep.add("error", "sheet", exc.format_message())
                return rep
            return rep  # shown, not saved: a page view writes nothing (`handouts check` saves reports)
        saved = load_json(report_path(self.project.drafts, handout_id))
        return Report.from_dict(saved) if saved else None

    def provenance(self, handout_id: str) -> dict:
        from handouts.pipeline import provenance_for

        return provenance_for(self.project, handout_id)

    def check_rewrite(self, source: str, text: str, *, section: str, glossary: dict):
        from handouts.checks import check_rewrite

        return check_rewrite(source, text, section=section, glossary=glossary)


# -- editing ---------------------------------------------------------------------------


def _section_of(draft: Draft, fact_id: str):
    if draft.summary.fact_id == fact_id:
        return "summary", draft.summary
    for s in draft.sections:
        for f in s.facts:
            if f.fact_id == fact_id:
                return s.key, f
    return None, None


def apply_edit(project, loader: Loader, handout_id: str, fact_id: str, new_text: str, editor: str,
               *, expected_content_sha256: str | None = None) -> Verdict | None:
    """Correct one text. Returns None if saved or unchanged, else the checks' Verdict (nothing saved).

    A saved edit is marked `edited`, logged with the editor and both texts, and
    marked clinician-written in provenance. Its new content hash voids any approval.
    """
    with audit.lock(project):
        draft = loader.draft(handout_id)
        if draft is None:
            raise SignoffError(f"{handout_id}: no draft to edit")
        if any(r["kind"] == signoff.RETIREMENT for r in signoff.records(project, handout_id)):
            raise SignoffError(f"{handout_id}: retired; it cannot be edited")
        if expected_content_sha256 is not None and draft.content_sha256() != expected_content_sha256:
            raise SignoffError(f"{handout_id}: the draft changed since you opened it; reload it")
        section, fact = _section_of(draft, fact_id)
        if fact is None:
            raise SignoffError(f"{handout_id}: no fact {fact_id!r} in this draft")
        text = " ".join(str(new_text or "").split())
        if not text:
            raise SignoffError(f"{handout_id}: {fact_id}: the text is empty; write the sentence or leave it")
        if text == fact.text:
            return None
        verdict = loader.check_rewrite(fact.source, text, section=section, glossary=dict(draft.glossary))
        if not verdict.accepted:
            return Verdict(False, tuple(verdict.reasons))
        old = fact.text
        fact.text, fact.origin, fact.changes = text, Origin.EDITED, []
        save_draft(project.drafts, draft)
        signoff.record_edit(project, handout_id, editor, fact_id, old, text)
        _mark_provenance(project, handout_id, fact_id, text, editor)
    return None


def _mark_provenance(project, handout_id: str, fact_id: str, text: str, editor: str) -> None:
    if not provenance_path(project.drafts, handout_id).exists():
        return
    prov = load_provenance(project.drafts, handout_id)
    prov.id = prov.id or handout_id
    rec = prov.facts.get(fact_id) or FactRecord(section="", source="", origin=Origin.EDITED, chosen_text=text)
    rec.origin, rec.chosen_text, rec.changes = Origin.EDITED, text, []
    rec.edited_by_clinician, rec.edited_by = True, editor
    prov.facts[fact_id] = rec
    save_provenance(project.drafts, prov)


def signoff_split(text: str) -> list[str]:
    from handouts.drafts import split_sentences

    return split_sentences(text)


def mark_hard(text: str, words) -> Markup:
    """Escape `text`, then wrap each hard word in <mark class="hard">."""
    out = str(escape(text))
    terms = sorted({str(escape(w)) for w in words or [] if str(w).strip()}, key=len, reverse=True)
    if terms:
        pattern = re.compile(r"(?<![\w&])(" + "|".join(re.escape(t) for t in terms) + r")(?!\w)", re.IGNORECASE)
        out = pattern.sub(lambda m: f'<mark class="hard">{m.group(1)}</mark>', out)
    return Markup(out)


# -- page models -----------------------------------------------------------------------


def content_lines(content: dict) -> list[str]:
    """A handout's content as plain lines, for the diff against the last approval."""
    lines = [f"# {content.get('title', '')}"]
    if content.get("also_called"):
        lines.append("Also called: " + ", ".join(content["also_called"]))
    lines.append(content.get("summary", ""))
    for s in content.get("sections", []):
        lines.append(f"## {s.get('heading', '')}")
        lines += [f"- {t}" for t in s.get("texts", [])]
    for term, meaning in sorted((content.get("glossary") or {}).items()):
        lines.append(f"{term}: {meaning}")
    lines += [f"Reference: {r}" for r in content.get("references", [])]
    return lines


def diff_rows(old: dict, new: dict) -> list[tuple[str, str]]:
    """[(kind, line)] with kind 'same', 'removed' or 'added'."""
    kinds = {"  ": "same", "- ": "removed", "+ ": "added"}
    return [(kinds[line[:2]], line[2:]) for line in difflib.ndiff(content_lines(old), content_lines(new))
            if line[:2] in kinds]


def _findings(report: Report | None) -> list[Finding]:
    return list(report.findings) if report is not None else []


def _hard_words(report: Report | None) -> list[str]:
    return list(report.unexplained_terms) if report is not None else []


def handout_view(project, loader: Loader, handout_id: str) -> dict:
    draft = loader.draft(handout_id)
    sheet = loader.sheet_sha256(handout_id)
    report = loader.report(handout_id, draft) if draft is not None else None
    st = signoff.status_of(project, handout_id, draft, sheet_sha256=sheet, report=report)
    findings = _findings(report)
    by_fact: dict[str, list[dict]] = {}
    for f in findings:
        if f.fact:
            by_fact.setdefault(f.fact, []).append(f)
    groups = []
    if draft is not None:
        sections = [("summary", "Summary", [draft.summary])] + [(s.key, s.heading, s.facts) for s in draft.sections]
        for key, heading, facts in sections:
            groups.append({"key": key, "heading": heading, "facts": [
                {"id": f.fact_id, "source": f.source, "text": f.text, "origin": f.origin, "changes": f.changes,
                 "sentences": f.sentences(), "findings": by_fact.get(f.fact_id, [])}
                for f in facts]})
    known = {f["id"] for g in groups for f in g["facts"]}
    last = st.last_approval
    diff = None
    if draft is not None and last is not None and last.content != draft.content():
        diff = diff_rows(last.content, draft.content())
    can_approve = draft is not None and st.state in (State.AWAITING_REVIEW, State.CHANGES_REQUESTED, State.APPROVED)
    return {
        "id": handout_id, "draft": draft, "status": st, "report": report, "groups": groups,
        "general_findings": [f for f in findings if (f.fact or "") not in known],
        "hard_words": _hard_words(report), "grade": report.grade if report is not None else {},
        "diff": diff, "last_approval": last,
        "content_sha256": draft.content_sha256() if draft is not None else "",
        "can_approve": can_approve, "can_reject": draft is not None and st.state is not State.RETIRED,
        "can_edit": draft is not None and st.state is not State.RETIRED,
        "history": [audit.format_event(e) for e in audit.history(project, handout_id)],
        "meaning": signoff.MEANING,
    }


def queue_view(project, loader: Loader) -> list[dict]:
    rows = []
    for hid in loader.ids():
        try:
            draft = loader.draft(hid)
            report = loader.report(hid, draft) if draft is not None else None
            st = signoff.status_of(project, hid, draft, sheet_sha256=loader.sheet_sha256(hid), report=report)
            rows.append({"id": hid, "title": draft.title if draft else hid, "state": st.state.value,
                         "reason": st.reason, "flag": st.review_flag, "order": QUEUE_ORDER.index(st.state)})
        except HandoutsError as exc:
            rows.append({"id": hid, "title": hid, "state": "error", "reason": exc.format_message(),
                         "flag": "", "order": len(QUEUE_ORDER)})
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
    def __init__(self, project, loader: Loader | None = None, port: int = 0, token: str | None = None):
        self.project = project
        self.loader = loader or Loader(project)
        self.port = port
        self.token = token or secrets.token_urlsafe(32)  # the reviewer's access token
        self.csrf = secrets.token_urlsafe(32)
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("handouts", "templates"),
            autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        )
        self.env.filters["mark_hard"] = mark_hard

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
        why = self.refuse(method, headers, form)
        if why:
            return self.error(403, why)
        if method == "GET" and url.path == "/":
            return self.render("review_queue.html", rows=queue_view(self.project, self.loader))
        if method == "GET" and url.path == "/review.css":
            css = self.env.loader.get_source(self.env, "review.css")[0]
            return Response(200, css.encode("utf-8"), "text/css; charset=utf-8")
        m = _ROUTE.match(url.path)
        if not m or m.group(1) not in self.loader.ids():
            return self.error(404, "no such page")
        hid, action = m.group(1), m.group(2)
        if method == "GET" and action is None:
            done = parse_qs(url.query).get("done", [""])[0]
            return self.page(hid, notice=DONE.get(done, ""))
        if method == "POST" and action:
            return getattr(self, f"post_{action}")(hid, form)
        return self.error(405, "method not allowed")

    def page(self, hid: str, status: int = 200, notice: str = "", error: str = "",
             reasons: tuple[str, ...] = (), attempt: dict | None = None, form: dict | None = None) -> Response:
        view = handout_view(self.project, self.loader, hid)
        return self.render("review_handout.html", status, v=view, notice=notice, error=error,
                           reasons=reasons, attempt=attempt or {}, form=form or {})

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
                raise SignoffError(f'tick the box to confirm the meaning of your signature: "{signoff.MEANING}"')
            draft = self.loader.draft(hid)
            if draft is None:
                raise SignoffError(f"{hid}: no draft to approve")
            signoff.approve(self.project, hid, reviewer, draft=draft,
                            sheet_sha256=self.loader.sheet_sha256(hid), provenance=self.loader.provenance(hid),
                            report=self.loader.report(hid, draft),
                            expected_content_sha256=form.get("content_sha256", ""))
        except SignoffError as exc:
            return self.page(hid, 409, error=exc.format_message(), form=form)
        return Response(303, location=f"/h/{hid}?done=approved")

    def post_reject(self, hid: str, form: dict) -> Response:
        try:
            reviewer = self._reviewer(form)
            draft = self.loader.draft(hid)
            if draft is None:
                raise SignoffError(f"{hid}: no draft")
            signoff.reject(self.project, hid, reviewer, form.get("reason", ""), draft=draft,
                           expected_content_sha256=form.get("content_sha256", ""))
        except SignoffError as exc:
            return self.page(hid, 409, error=exc.format_message(), form=form)
        return Response(303, location=f"/h/{hid}?done=rejected")

    def post_edit(self, hid: str, form: dict) -> Response:
        fact_id = form.get("fact", "")
        try:
            editor = self._reviewer(form)
            verdict = apply_edit(self.project, self.loader, hid, fact_id, form.get("text", ""), editor,
                                 expected_content_sha256=form.get("content_sha256", ""))
        except SignoffError as exc:
            return self.page(hid, 409, error=exc.format_message(), attempt={fact_id: form.get("text", "")},
                             form=form)
        if verdict is not None:
            return self.page(hid, 422, error=f"{fact_id}: your correction was not saved; the checks found:",
                             reasons=verdict.reasons, attempt={fact_id: form.get("text", "")}, form=form)
        return Response(303, location=f"/h/{hid}?done=edited")


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

    def __init__(self, project, port: int = 0, loader: Loader | None = None, quiet: bool = False):
        super().__init__((LOCAL_HOST, port), _Handler)
        self.app = ReviewApp(project, loader, self.server_address[1])
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


def serve(project, host: str = LOCAL_HOST, port: int = 8765, loader: Loader | None = None) -> None:
    """Run the review page until Ctrl-C. Only ever listens on 127.0.0.1."""
    if host != LOCAL_HOST:
        raise HandoutsError(f"the review page only listens on {LOCAL_HOST}, not {host!r}")
    try:
        server = ReviewServer(project, port, loader)
    except OSError as exc:
        raise HandoutsError(f"cannot listen on {LOCAL_HOST}:{port}: {exc.strerror}; try --port") from None
    print(f"Review page (local only; Ctrl-C to stop). Open this link; it holds your access token:\n"
          f"    {server.login_url}", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
