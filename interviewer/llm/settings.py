"""Which language model to use, and how: one validated object the CLI fills from flags and env.

The API key is a ``SecretStr`` so it never shows up in a repr, a log line or a traceback, and
:meth:`LLMSettings.public_dict` is what goes into ``session.json`` — it has no key at all.
"""

from __future__ import annotations

import os
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from ..machine.cpus import usable_cpus

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
BackendName = Literal["embedded", "openai"]
BACKEND_NAMES: tuple[str, ...] = get_args(BackendName)


def _env(name: str) -> str | None:
    return os.environ.get(name) or None


def _env_secret(name: str) -> SecretStr | None:
    value = _env(name)
    return SecretStr(value) if value else None


class LLMSettings(BaseModel):
    """Settings for :func:`interviewer.llm.factory.make_backend`.

    ``model`` means, for ``embedded``: a path to a .gguf, "bundled"/"qwen2.5-coder-1.5b"
    (the default), "smollm2", or "hf:<owner>/<repo>/<file>"; for ``openai``: the model name
    the server knows (default ``$INTERVIEWER_OPENAI_MODEL`` or gpt-4o-mini).
    """

    model_config = ConfigDict(extra="forbid")

    backend: BackendName = "embedded"
    model: str | None = None
    base_url: str | None = Field(default_factory=lambda: _env("OPENAI_BASE_URL"))
    api_key: SecretStr | None = Field(default_factory=lambda: _env_secret("OPENAI_API_KEY"))
    n_threads: int = Field(default_factory=usable_cpus, ge=1)
    n_ctx: int = Field(default=4096, ge=256)
    timeout_s: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=2, ge=0)
    seed: int | None = None
    json_mode: Literal["auto", "json_schema", "json_object", "prompt"] = "auto"

    @field_validator("model", "base_url")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    # A CLI passes None for an option not given; that must still mean "use the environment".
    @field_validator("base_url", mode="after")
    @classmethod
    def _base_url_from_env(cls, value: str | None) -> str | None:
        return value or _env("OPENAI_BASE_URL")

    @field_validator("api_key", mode="after")
    @classmethod
    def _api_key_from_env(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value and value.get_secret_value() else _env_secret("OPENAI_API_KEY")

    def resolved_model(self) -> str:
        """The model name with the per-backend default filled in."""
        if self.model:
            return self.model
        if self.backend == "openai":
            return _env("INTERVIEWER_OPENAI_MODEL") or DEFAULT_OPENAI_MODEL
        return "bundled"

    def public_dict(self) -> dict[str, Any]:
        """Everything worth recording in a session, and never the API key."""
        data = self.model_dump(exclude={"api_key"})
        data["model"] = self.resolved_model()
        if self.backend == "embedded":
            for key in ("base_url", "timeout_s", "max_retries", "json_mode"):
                data.pop(key, None)
        return data
