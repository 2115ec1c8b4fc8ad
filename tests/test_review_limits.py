"""The review server's limits: idle sockets time out, connections are bounded, and a page view writes nothing."""

from __future__ import annotations

import hashlib
import http.cookiejar
import shutil
import socket
import threading
import time
import urllib.request

from handouts import pipeline, review
from tests.doubles import ScriptedModel
from tests.conftest import FIXTURES
from tests.test_review import HOST, TOKEN, FakeService, _clinic


def _stall(url_port: int) -> socket.socket:
    """A connection that announces a form body and never sends it."""
    s = socket.create_connection(("127.0.0.1", url_port), timeout=5)
    s.sendall(b"POST /h/acne/edit HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n")
    return s


def test_300_stalled_connections_hold_a_bounded_number_of_threads_and_time_out(tmp_path, monkeypatch):
    monkeypatch.setattr(review._Handler, "timeout", 1)
    p = _clinic(tmp_path)
    server = review.ReviewServer(p, 0, FakeService(p), quiet=True)
    server.start_in_thread()
    port = server.server_address[1]
    before = threading.active_count()
    stalled = []
    try:
        for _ in range(300):
            try:
                stalled.append(_stall(port))
            except OSError:
                pass
        time.sleep(0.3)
        assert threading.active_count() - before <= review.ReviewServer.MAX_CONNECTIONS
        deadline = time.monotonic() + 10  # each stalled request times out and frees its thread
        while threading.active_count() - before > 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert threading.active_count() - before <= 0
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with opener.open(server.login_url, timeout=10) as resp:  # still serving
            assert resp.status == 200
    finally:
        for s in stalled:
            s.close()
        server.shutdown()
        server.server_close()


def _files(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_viewing_pages_writes_no_files(tmp_path):
    root = tmp_path / "clinic"
    shutil.copytree(FIXTURES / "tiny", root)
    pipeline.build(root, model=ScriptedModel(respond=lambda text, params: text), progress=False)
    project, _ = pipeline.load(root)
    (project.drafts / "hives.report.json").unlink()
    before = _files(project.drafts)
    app = review.ReviewApp(project, port=8765, token=TOKEN)  # the real loader: it re-runs the checks
    assert app.handle("GET", "/", HOST).status == 200
    page = app.handle("GET", "/h/hives", HOST)
    assert page.status == 200 and b"hives" in page.body.lower()
    assert _files(project.drafts) == before  # no report written by a GET
