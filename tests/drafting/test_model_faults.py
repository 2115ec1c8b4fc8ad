"""Faulty model servers and model settings: every fault is a clean ModelError (exit 4), never a hang.

A fake OpenAI-compatible server on 127.0.0.1 trickles bytes or answers JSON of the wrong shape.
"""

from __future__ import annotations

import json
import shutil
import socketserver
import subprocess
import sys
import threading
import time

import pytest

from handouts import pipeline
from handouts.core.drafts import load_draft
from handouts.core.exceptions import ContextOverflow, ModelError, ModelTimeout
from handouts.drafting.models import OpenAIServerModel, Params
from tests.doubles import ScriptedModel
from handouts.drafting.prompts import rewrite_messages
from handouts.signoff import signoff
from tests.conftest import FIXTURES, REPO

MODELS = {"object": "list", "data": [{"id": "fake-model", "object": "model"}]}


class _Reply(socketserver.BaseRequestHandler):
    def handle(self):
        data = b""
        self.request.settimeout(10)
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1]
        length = next((int(h.split(":", 1)[1]) for h in lines[1:] if h.lower().startswith("content-length:")), 0)
        while len(body) < length:
            body += self.request.recv(65536)
        self.server.requests.append(path)
        self.server.respond(self.request, path)


class FakeServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, respond):
        super().__init__(("127.0.0.1", 0), _Reply)
        self.respond = respond
        self.requests: list[str] = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


def send_json(sock, obj, status="200 OK"):
    body = json.dumps(obj).encode()
    sock.sendall(f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                 f"Connection: close\r\n\r\n".encode() + body)


def trickle(sock, stop):
    """Headers promising a body, then one byte every 2 s: each read succeeds, the request never ends."""
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
    try:
        while not stop.is_set():
            sock.sendall(b" ")
            stop.wait(2)
    except OSError:
        pass


@pytest.fixture
def fake():
    servers = []
    stop = threading.Event()

    def start(respond):
        server = FakeServer(lambda sock, path: respond(sock, path, stop))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    stop.set()
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_trickling_server_hits_the_total_deadline_of_a_generation(fake):
    server = fake(lambda sock, path, stop: send_json(sock, MODELS) if path == "/v1/models" else trickle(sock, stop))
    model = OpenAIServerModel(server.url)
    start = time.monotonic()
    with pytest.raises(ModelTimeout) as exc:
        model.generate(rewrite_messages("Apply the cream twice daily."), Params(timeout_seconds=3))
    assert time.monotonic() - start < 6
    assert exc.value.format_message() == (f"the model server at {server.url} did not answer within 3s "
                                          "(model.timeout_seconds)")
    assert exc.value.exit_code == 4


def test_the_models_probe_honours_timeout_seconds(fake):
    server = fake(lambda sock, path, stop: trickle(sock, stop))
    model = OpenAIServerModel(server.url, timeout=1)
    start = time.monotonic()
    with pytest.raises(ModelTimeout, match=r"did not answer within 1s"):
        model.sha256
    assert time.monotonic() - start < 3  # not 10 s, not forever


@pytest.mark.parametrize("reply", [
    [],
    "a string",
    42,
    {"choices": []},
    {"choices": "x"},
    {"choices": [{"message": {"content": 7}}]},
    {"choices": [{"message": {"content": ["a", "list"]}}]},
    {"choices": [{"message": "text"}]},
    {"choices": [{"message": {"content": "ok"}, "finish_reason": 3}]},
    {"choices": [{"message": {"content": "ok"}}], "usage": {"completion_tokens": "many"}},
    {"choices": [{"message": {"content": "ok"}}], "usage": []},
])
def test_a_reply_of_the_wrong_shape_is_a_clean_model_error(fake, reply):
    server = fake(lambda sock, path, stop: send_json(sock, MODELS if path == "/v1/models" else reply))
    with pytest.raises(ModelError) as exc:
        OpenAIServerModel(server.url).generate(rewrite_messages("Apply the cream."), Params())
    assert exc.value.format_message().startswith(f"the model server at {server.url} sent an unexpected reply: ")


@pytest.mark.parametrize("listing", [[], {"data": "x"}, {"data": [{"id": 3}]}, {"data": [["m"]]}])
def test_a_models_listing_of_the_wrong_shape_is_a_clean_model_error(fake, listing):
    server = fake(lambda sock, path, stop: send_json(sock, listing))
    with pytest.raises(ModelError, match="sent an unexpected reply"):
        OpenAIServerModel(server.url).sha256


def test_a_valid_reply_still_works(fake):
    reply = {"choices": [{"message": {"content": "Use the cream."}, "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 10, "completion_tokens": 3}}
    server = fake(lambda sock, path, stop: send_json(sock, MODELS if path == "/v1/models" else reply))
    g = OpenAIServerModel(server.url).generate(rewrite_messages("Apply the cream."), Params())
    assert (g.text, g.finish_reason, g.prompt_tokens, g.completion_tokens) == ("Use the cream.", "stop", 10, 3)


# -- through the command line ---------------------------------------------------------------


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "handouts", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**__import__("os").environ, "PYTHONPATH": str(REPO)})


def echo():
    return ScriptedModel(respond=lambda text, params: text)


def approved_hives_and_a_new_sheet(root):
    """hives drafted and approved; psoriasis added, so the next build needs the model."""
    pipeline.build(root, model=echo(), progress=False)
    project, sheets = pipeline.load(root)
    d = load_draft(project.drafts, "hives")
    signoff.approve(project, "hives", "Dana Reyes, MD, FAAD", draft=d, sheet_sha256=sheets[0].sha256,
                    provenance={}, report=pipeline.check_draft(project, sheets[0], d))
    shutil.copy(FIXTURES / "sheets" / "psoriasis.yaml", root / "sources" / "psoriasis.yaml")


def test_a_reply_with_an_integer_content_exits_4_and_still_publishes_what_is_approved(tiny, fake):
    approved_hives_and_a_new_sheet(tiny)
    reply = {"choices": [{"message": {"content": 12345}}]}
    server = fake(lambda sock, path, stop: send_json(sock, MODELS if path == "/v1/models" else reply))
    r = run("build", "--quiet", "--model", server.url, cwd=tiny)
    assert r.returncode == 4, r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert f"error: the model server at {server.url} sent an unexpected reply: " in r.stderr
    assert (tiny / "site" / "hives" / "index.html").exists()


def test_a_directory_as_model_path_exits_4_and_still_publishes_what_is_approved(tiny):
    approved_hives_and_a_new_sheet(tiny)
    (tiny / "models").mkdir()
    cfg = tiny / "site_config" / "clinic.yaml"
    cfg.write_text(cfg.read_text() + "  backend: gguf\n  path: models\n")
    r = run("build", "--quiet", cwd=tiny)
    assert r.returncode == 4, r.stderr
    assert f"error: model.path is not a file: {tiny / 'models'}; give the path of a .gguf file" in r.stderr
    assert "Traceback" not in r.stderr
    assert (tiny / "site" / "hives" / "index.html").exists()


def test_a_missing_model_does_not_fail_a_build_with_nothing_to_draft(tiny):
    pipeline.build(tiny, model=echo(), progress=False)
    cfg = tiny / "site_config" / "clinic.yaml"
    cfg.write_text(cfg.read_text() + "  backend: gguf\n  path: models/missing.gguf\n")
    r = run("build", "--quiet", cwd=tiny)
    assert r.returncode == 0, r.stderr
    assert "drafting: 0 facts, 0 model calls" in r.stdout
    shutil.copy(FIXTURES / "sheets" / "psoriasis.yaml", tiny / "sources" / "psoriasis.yaml")
    r = run("build", "--quiet", cwd=tiny)  # now something needs the model
    assert r.returncode == 4 and "model file not found" in r.stderr


def test_a_fact_too_long_for_the_context_is_a_sheet_error_found_before_drafting(tiny):
    sheet = tiny / "sources" / "hives.yaml"
    long_fact = "Apply the cream to the affected skin twice daily. " * 360  # about 18,000 characters
    sheet.write_text(sheet.read_text().replace(
        "      - Avoid hot showers and tight clothing.\n",
        f"      - Avoid hot showers and tight clothing.\n      - {long_fact.strip()}\n"))
    r = run("build", "--quiet", cwd=tiny)  # the bundled model is never loaded
    assert r.returncode == 3, r.stderr
    [line] = [ln for ln in r.stderr.splitlines() if "too long" in ln]
    assert line.startswith("sources/hives.yaml:19:9: sections[4].facts[2]: too long for the model's context (about ")
    assert line.endswith("model.n_ctx is 1024); split it into shorter facts, one idea each")
    assert not (tiny / "drafts").exists()


def test_a_context_overflow_in_one_sheet_does_not_block_the_others(tiny):
    shutil.copy(FIXTURES / "sheets" / "psoriasis.yaml", tiny / "sources" / "psoriasis.yaml")

    def respond(text, params):
        if "cetirizine" in text:
            return ContextOverflow("context overflow: the prompt does not fit in n_ctx=1024")
        return text

    result = pipeline.build(tiny, model=ScriptedModel(respond=respond), progress=False)
    assert isinstance(result.error, ContextOverflow)
    assert result.error.format_message().startswith("sources/hives.yaml: context overflow")
    assert (tiny / "drafts" / "psoriasis.yaml").exists()  # drafted although hives came first
    assert not (tiny / "drafts" / "hives.yaml").exists()
