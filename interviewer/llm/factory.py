"""Build the backend the settings ask for; describe it for the session record (no secrets)."""

from __future__ import annotations

from typing import Any

from .base import LLMBackend
from .gguf import Progress, resolve_model
from .settings import LLMSettings


def make_backend(settings: LLMSettings, progress: Progress | None = None) -> LLMBackend:
    """The configured backend, ready to use (the embedded model is loaded here, once)."""
    if settings.backend == "openai":
        from .openai_backend import OpenAIBackend

        return OpenAIBackend(
            model=settings.resolved_model(),
            base_url=settings.base_url,
            api_key=settings.api_key.get_secret_value() if settings.api_key else None,
            timeout_s=settings.timeout_s,
            max_retries=settings.max_retries,
            json_mode=settings.json_mode,
        )
    from .embedded import EmbeddedBackend
    from .health import ensure_model_runs

    path = resolve_model(settings.model, progress=progress)
    # A library built for instructions this CPU refuses would kill this process (SIGILL) at the
    # first generation, mid-interview: prove it in a child process first (once per build).
    ensure_model_runs(path, settings.n_threads)
    return EmbeddedBackend(
        path, n_ctx=settings.n_ctx, n_threads=settings.n_threads, seed=settings.seed
    )


def describe(settings: LLMSettings, backend: LLMBackend | None = None) -> dict[str, Any]:
    """What session.json records about the model: backend, model, knobs; never the API key."""
    info = settings.public_dict()
    if backend is not None:
        info["backend"] = backend.name
        info["model"] = backend.model
    return info
