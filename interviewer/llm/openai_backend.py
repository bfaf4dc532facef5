"""OpenAI, or any OpenAI-compatible server (llama.cpp server, Ollama, vLLM, LM Studio).

Structured output is negotiated, because servers disagree on how to ask for it:

- ``json_schema``: OpenAI's ``{"type": "json_schema", "json_schema": {...}}``.
- ``json_object``: ``{"type": "json_object", "schema": {...}}`` — llama-cpp-python's server
  compiles the schema to a grammar (it rejects OpenAI's ``json_schema`` form).
- ``prompt``: the schema is written into the system message, plus plain JSON mode; if the
  server rejects even that, no ``response_format`` at all.

``auto`` starts with ``json_schema`` for OpenAI's own host and ``json_object`` elsewhere, and
steps down the list when the server rejects the format (HTTP 400/422). Whatever works is
remembered for the rest of the session.

Failures are translated into :class:`LLMUnavailableError` (unreachable, timeouts, 429 and 5xx
after bounded retries; bad key; unknown model) or :class:`LLMError`. The API key is never
logged, and never part of a message.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import math
import time
from collections.abc import Iterator, Sequence
from typing import Any, Literal
from urllib.parse import urlparse

from ..errors import LLMError, LLMUnavailableError
from .base import ChatMessage, ChoicesNotShown, Completion
from .retry import RetryPolicy, call_with_retries

logger = logging.getLogger(__name__)

JsonMode = Literal["auto", "json_schema", "json_object", "prompt"]
_Wire = Literal["json_schema", "json_object", "prompt", "plain"]

TOP_LOGPROBS = 20  # the most OpenAI's API shows; llama.cpp's server takes it too
OPENAI_HOST = "api.openai.com"
OPENAI_BASE_URL = f"https://{OPENAI_HOST}/v1"
PLACEHOLDER_KEY = "sk-no-key-required"  # local servers ignore the key, the client wants one
_SERVER_HINT = (
    "start the server (e.g. python -m llama_cpp.server --model FILE.gguf), check "
    "OPENAI_BASE_URL, or use the default embedded backend (--backend embedded)"
)


def is_openai_host(base_url: str | None) -> bool:
    return base_url is None or urlparse(base_url).hostname == OPENAI_HOST


def is_local_host(base_url: str) -> bool:
    """Loopback, private-network or .local hosts: servers there rarely need a key."""
    host = urlparse(base_url).hostname or ""
    if host == "localhost" or host.endswith(".local"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def _negotiation_order(json_mode: JsonMode, base_url: str | None) -> list[_Wire]:
    if json_mode == "auto":
        if is_openai_host(base_url):
            return ["json_schema", "json_object", "prompt", "plain"]
        return ["json_object", "prompt", "plain"]
    return [json_mode]


def _with_schema_in_prompt(
    messages: list[dict[str, str]], schema: dict[str, Any]
) -> list[dict[str, str]]:
    instruction = (
        "Reply with one JSON object and nothing else. It must follow this JSON schema:\n"
        + json.dumps(schema)
    )
    if messages and messages[0]["role"] == "system":
        first = {**messages[0], "content": messages[0]["content"] + "\n\n" + instruction}
        return [first, *messages[1:]]
    return [{"role": "system", "content": instruction}, *messages]


class OpenAIBackend:
    """The ``openai`` client against OpenAI or a compatible server."""

    name = "openai"
    cancellable = False  # a request in flight runs to its end
    prefill = None  # the server's cache is not ours to warm

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        timeout_s: float = 60.0,
        max_retries: int = 2,
        json_mode: JsonMode = "auto",
        max_total_s: float | None = None,
    ) -> None:
        try:
            import openai
        except ImportError as exc:
            raise LLMUnavailableError(
                "the openai backend needs the openai package, which is not installed",
                hint="pip install openai, or use the default embedded backend",
            ) from exc
        self._openai = openai
        self.model = model
        self.base_url = base_url or OPENAI_BASE_URL
        if not api_key:
            if is_openai_host(base_url):
                raise LLMUnavailableError(
                    f"no API key for {self.base_url}",
                    hint="set OPENAI_API_KEY, or use the default embedded backend",
                )
            api_key = PLACEHOLDER_KEY
            if not is_local_host(self.base_url):
                logger.info("no API key set for %s; sending a placeholder", self.base_url)
        self.timeout_s = timeout_s
        self.json_mode: JsonMode = json_mode
        self._wire_modes = _negotiation_order(json_mode, base_url)
        self.retry_policy = RetryPolicy(
            max_retries=max_retries,
            max_total_s=max_total_s if max_total_s is not None else 2 * timeout_s,
        )
        # Our own retries (bounded, logged); the client's would hide behind ours.
        self._client = openai.OpenAI(
            base_url=self.base_url, api_key=api_key, timeout=timeout_s, max_retries=0
        )
        self.last_completion: Completion | None = None
        """Figures of the last finished ``stream()`` (text, timings; tokens when known)."""
        self._shows_logprobs: bool | None = None  # unknown until a server's first reply

    def __repr__(self) -> str:
        return f"OpenAIBackend(model={self.model!r}, base_url={self.base_url!r})"

    @property
    def structured_mode(self) -> str:
        """The structured-output form currently in use (after any negotiation)."""
        return self._wire_modes[0]

    def close(self) -> None:
        """Close pooled connections (also done on garbage collection)."""
        self._client.close()

    def __del__(self) -> None:
        # Without this, keep-alive sockets of a dropped backend surface as ResourceWarnings.
        with contextlib.suppress(Exception):
            self._client.close()

    # ---- the LLMBackend interface ----

    def complete(
        self,
        messages: list[ChatMessage],
        *,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int = 256,
        temperature: float = 0.2,
        stop: list[str] | None = None,
    ) -> Completion:
        wire = [m.model_dump() for m in messages]
        while True:
            mode = self._wire_modes[0] if json_schema is not None else None
            request = self._request(wire, json_schema, mode, max_tokens, temperature)
            if stop:
                request["stop"] = stop
            started = time.perf_counter()
            try:
                response = self._call(
                    lambda request=request: self._client.chat.completions.create(**request)
                )
            except self._openai.APIStatusError as exc:
                if mode is not None and self._step_down(exc, mode):
                    continue
                raise self._translate(exc) from exc
            except self._openai.APIError as exc:
                raise self._translate(exc) from exc
            seconds = time.perf_counter() - started
            break
        if not response.choices:
            raise LLMError(f"the LLM server at {self.base_url} returned no choices")
        text = response.choices[0].message.content or ""
        usage = response.usage
        return Completion(
            text=text,
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
            seconds=seconds,
        )

    def choice_probabilities(
        self, messages: list[ChatMessage], choices: Sequence[str]
    ) -> list[float]:
        """How likely the reply is to start with each of ``choices``, from the first token's
        top log-probabilities (``logprobs``, ``top_logprobs``: OpenAI's API and llama.cpp's
        server show them; " 4" and "4" count as one), renormalised over the choices. Raises
        :class:`ChoicesNotShown` when the server shows none (remembered: it is not asked
        again) or when no choice is among its likeliest first tokens."""
        if self._shows_logprobs is False:
            raise ChoicesNotShown(f"{self.base_url} shows no log-probabilities")
        request = self._request([m.model_dump() for m in messages], None, None, 1, 0.0)
        request |= {"logprobs": True, "top_logprobs": TOP_LOGPROBS}
        try:
            response = self._call(lambda: self._client.chat.completions.create(**request))
        except self._openai.APIStatusError as exc:
            if exc.status_code in (400, 422):  # a server that refuses the parameters
                self._shows_logprobs = False
                raise ChoicesNotShown(f"{self.base_url} refused log-probabilities") from exc
            raise self._translate(exc) from exc
        except self._openai.APIError as exc:
            raise self._translate(exc) from exc
        shown = response.choices[0].logprobs if response.choices else None
        if shown is None or not shown.content:
            self._shows_logprobs = False
            raise ChoicesNotShown(f"{self.base_url} shows no log-probabilities")
        self._shows_logprobs = True
        where = {choice: n for n, choice in enumerate(choices)}
        weights = [0.0] * len(choices)
        for top in shown.content[0].top_logprobs or []:
            n = where.get(top.token.strip())
            if n is not None:
                weights[n] += math.exp(top.logprob)
        total = sum(weights)
        if total <= 0.0:
            raise ChoicesNotShown("none of the choices is among the likeliest first tokens")
        return [w / total for w in weights]

    def stream(
        self,
        messages: list[ChatMessage],
        *,
        max_tokens: int = 256,
        temperature: float = 0.2,
    ) -> Iterator[str]:
        """Text deltas as they arrive. Retries happen only before the first delta."""
        request = self._request(
            [m.model_dump() for m in messages], None, None, max_tokens, temperature
        )
        request["stream"] = True
        started = time.perf_counter()
        try:
            chunks = self._call(lambda: self._client.chat.completions.create(**request))
        except self._openai.APIError as exc:
            raise self._translate(exc) from exc
        return self._deltas(chunks, started)

    # ---- internals ----

    def _request(
        self,
        messages: list[dict[str, str]],
        schema: dict[str, Any] | None,
        mode: _Wire | None,
        max_tokens: int,
        temperature: float,
    ) -> dict[str, Any]:
        request: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        if schema is None or mode is None:
            return request
        if mode == "json_schema":
            request["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "reply", "schema": schema, "strict": False},
            }
        elif mode == "json_object":
            request["response_format"] = {"type": "json_object", "schema": schema}
        else:
            request["messages"] = _with_schema_in_prompt(messages, schema)
            if mode == "prompt":
                request["response_format"] = {"type": "json_object"}
        return request

    def _call(self, fn: Any) -> Any:
        return call_with_retries(fn, policy=self.retry_policy, is_transient=self._is_transient)

    def _is_transient(self, exc: BaseException) -> bool:
        openai = self._openai
        if isinstance(exc, openai.APIConnectionError | openai.RateLimitError):
            return True  # includes APITimeoutError
        return (
            isinstance(exc, openai.APIStatusError)
            and exc.status_code >= 500
            and not _rejects_response_format(exc)
        )

    def _step_down(self, exc: Any, mode: _Wire) -> bool:
        """On a rejected response_format, move to the next form (auto mode only)."""
        if not _rejects_response_format(exc) or len(self._wire_modes) < 2:
            return False
        self._wire_modes = self._wire_modes[1:]
        logger.info(
            "%s rejected response_format %s (HTTP %d); trying %s",
            self.base_url,
            mode,
            exc.status_code,
            self._wire_modes[0],
        )
        return True

    def _deltas(self, chunks: Any, started: float) -> Iterator[str]:
        parts: list[str] = []
        first_s: float | None = None
        try:
            for chunk in chunks:
                if not chunk.choices:
                    continue
                delta = chunk.choices[0].delta.content
                if delta:
                    if first_s is None:
                        first_s = time.perf_counter() - started
                    parts.append(delta)
                    yield delta
        except (self._openai.APIError, *_transport_errors()) as exc:
            raise LLMUnavailableError(
                f"lost the connection to the LLM server at {self.base_url} mid-reply: "
                f"{exc.__class__.__name__}",
                hint=_SERVER_HINT,
            ) from exc
        finally:
            chunks.close()
        self.last_completion = Completion(
            text="".join(parts), seconds=time.perf_counter() - started, prompt_seconds=first_s
        )

    def _translate(self, exc: Exception) -> LLMError:
        openai = self._openai
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return LLMUnavailableError(
                f"the LLM server at {self.base_url} rejected the API key (HTTP {exc.status_code})",
                hint="set OPENAI_API_KEY to a valid key, or use the default embedded backend",
            )
        if isinstance(exc, openai.NotFoundError):
            return LLMUnavailableError(
                f"the LLM server at {self.base_url} does not know model {self.model!r}",
                hint="pass a model name the server serves with --model",
            )
        if isinstance(exc, openai.RateLimitError):
            return LLMUnavailableError(
                f"the LLM server at {self.base_url} is rate-limiting requests (HTTP 429)",
                hint="wait a minute and retry, or use the default embedded backend",
            )
        if isinstance(exc, openai.APIStatusError) and _rejects_response_format(exc):
            return LLMError(
                f"the LLM server at {self.base_url} refused the request "
                f"(HTTP {exc.status_code}): {_short(exc)}",
                hint="the server's message says why; for structured output, try "
                f"another --json-mode (now {self.structured_mode!r})",
            )
        if isinstance(exc, openai.APITimeoutError):
            reason = f"no answer within {self.timeout_s:g} s"
        elif isinstance(exc, openai.APIConnectionError):
            cause = exc.__cause__
            reason = f"{cause.__class__.__name__}: {cause}" if cause else str(exc)
        elif isinstance(exc, openai.APIStatusError):
            reason = f"server error (HTTP {exc.status_code}): {_short(exc)}"
        else:
            reason = str(exc)
        return LLMUnavailableError(
            f"cannot reach the LLM server at {self.base_url}: {reason}", hint=_SERVER_HINT
        )


def _rejects_response_format(exc: Any) -> bool:
    """A 400/422 — or a 500 that names response_format: llama-cpp-python's server reports
    its request-validation errors as HTTP 500."""
    status = getattr(exc, "status_code", 0)
    if status in (400, 422):
        return True
    return status >= 500 and "response_format" in str(getattr(exc, "message", exc))


def _transport_errors() -> tuple[type[BaseException], ...]:
    """The HTTP library's base error (openai moved from httpx to httpx2), and OSError.

    Errors raised while reading a stream come from the transport, not as openai.APIError.
    """
    errors: list[type[BaseException]] = [OSError]
    for module_name in ("httpx2", "httpx"):
        try:
            module = __import__(module_name)
        except ImportError:
            continue
        errors.append(module.HTTPError)
    return tuple(errors)


def _short(exc: Any, limit: int = 200) -> str:
    text = str(getattr(exc, "message", exc))
    return text if len(text) <= limit else text[:limit] + "…"
