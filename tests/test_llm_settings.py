"""Settings, the factory and describe(): defaults from the environment, and the API key
never leaving the process in anything meant for a session file or a log."""

from __future__ import annotations

import json
import logging

import pytest
from llm_helpers import SERVER_REPLY_TIMEOUT_S, LlamaServer, shared_llama_server
from pydantic import ValidationError

from interviewer.errors import LLMUnavailableError
from interviewer.llm import ChatMessage, LLMSettings, describe, make_backend
from interviewer.llm.embedded import EmbeddedBackend
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.llm.retry import RetryPolicy, call_with_retries


@pytest.fixture
def smollm2_server() -> LlamaServer:
    return shared_llama_server("smollm2")


SECRET = "sk-test-0123456789abcdef-should-never-leak"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "INTERVIEWER_OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults_are_embedded_and_offline(clean_env: pytest.MonkeyPatch) -> None:
    settings = LLMSettings()
    assert settings.backend == "embedded"
    assert settings.resolved_model() == "bundled"
    assert settings.api_key is None and settings.base_url is None
    assert settings.n_threads >= 1


def test_openai_defaults_come_from_the_environment(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("OPENAI_API_KEY", SECRET)
    clean_env.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    clean_env.setenv("INTERVIEWER_OPENAI_MODEL", "qwen-local")
    settings = LLMSettings(backend="openai")
    assert settings.base_url == "http://127.0.0.1:9/v1"
    assert settings.api_key is not None and settings.api_key.get_secret_value() == SECRET
    assert settings.resolved_model() == "qwen-local"
    # A CLI passes None for options not given: that still means "from the environment".
    explicit_none = LLMSettings(backend="openai", model=None, base_url=None, api_key=None)
    assert explicit_none.base_url == "http://127.0.0.1:9/v1"
    assert explicit_none.api_key is not None
    clean_env.delenv("INTERVIEWER_OPENAI_MODEL")
    assert LLMSettings(backend="openai").resolved_model() == "gpt-4o-mini"


def test_api_key_never_in_public_dict_describe_repr_or_logs(
    clean_env: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = LLMSettings(backend="openai", api_key=SECRET, base_url="http://127.0.0.1:9/v1")
    backend = make_backend(settings)
    assert isinstance(backend, OpenAIBackend)
    public = settings.public_dict()
    info = describe(settings, backend)
    for text in (json.dumps(public), json.dumps(info), repr(settings), str(settings),
                 repr(backend), settings.model_dump_json(), caplog.text):  # fmt: skip
        assert SECRET not in text
    assert "api_key" not in public and "api_key" not in info
    assert info["backend"] == "openai" and info["base_url"] == "http://127.0.0.1:9/v1"


def test_unknown_backend_is_rejected() -> None:
    with pytest.raises(ValidationError):
        LLMSettings(backend="llamafile")  # type: ignore[arg-type]


def test_factory_missing_openai_key_is_clear(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(LLMUnavailableError) as info:
        make_backend(LLMSettings(backend="openai"))
    assert "OPENAI_API_KEY" in (info.value.hint or "")


@pytest.mark.slow
@pytest.mark.llm
def test_factory_builds_embedded_smollm2(clean_env: pytest.MonkeyPatch) -> None:
    settings = LLMSettings(model="smollm2", n_threads=2, seed=1234)
    backend = make_backend(settings)
    assert isinstance(backend, EmbeddedBackend)
    info = describe(settings, backend)
    assert info["backend"] == "embedded"
    assert info["model"] == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert "base_url" not in info


@pytest.mark.slow
def test_factory_builds_openai_against_loopback(
    clean_env: pytest.MonkeyPatch, smollm2_server: LlamaServer
) -> None:
    settings = LLMSettings(
        backend="openai",
        model="smollm2",
        base_url=smollm2_server.base_url,
        timeout_s=SERVER_REPLY_TIMEOUT_S,
    )
    backend = make_backend(settings)
    assert isinstance(backend, OpenAIBackend)
    completion = backend.complete([ChatMessage(role="user", content="Hi")], max_tokens=5)
    assert completion.completion_tokens > 0


def test_retry_gives_up_within_bounds() -> None:
    """Pure logic with a fake clock: retries transient errors, then re-raises."""
    now = [0.0]
    sleeps: list[float] = []
    calls = [0]

    def fail() -> None:
        calls[0] += 1
        raise ConnectionError("down")

    def sleep(s: float) -> None:
        sleeps.append(s)
        now[0] += s

    with pytest.raises(ConnectionError):
        call_with_retries(
            fail, policy=RetryPolicy(max_retries=3, base_delay_s=0.5), is_transient=lambda e: True,
            sleep=sleep, clock=lambda: now[0],
        )  # fmt: skip
    assert calls[0] == 4 and sleeps == [0.5, 1.0, 2.0]

    calls[0] = 0
    sleeps.clear()
    with pytest.raises(ConnectionError):
        call_with_retries(
            fail, policy=RetryPolicy(max_retries=10, base_delay_s=1, max_total_s=4),
            is_transient=lambda e: True, sleep=sleep, clock=lambda: now[0],
        )  # fmt: skip
    assert sum(sleeps) <= 4 and calls[0] == 3  # 1 + 2 s slept; a 4 s wait would bust the budget

    calls[0] = 0
    with pytest.raises(ConnectionError):
        call_with_retries(fail, policy=RetryPolicy(), is_transient=lambda e: False, sleep=sleep)
    assert calls[0] == 1


def test_structured_output_request_shapes_per_mode() -> None:
    """Pure logic: what each negotiated mode puts on the wire (the loopback tests cover the
    modes a llama.cpp server accepts; OpenAI's own json_schema form is checked here)."""
    schema = {"type": "object", "properties": {"act": {"type": "string"}}}
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    openai_backend = OpenAIBackend("gpt-4o-mini", None, api_key=SECRET)
    assert openai_backend.structured_mode == "json_schema"
    request = openai_backend._request(messages, schema, "json_schema", 10, 0.0)
    assert request["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "reply", "schema": schema, "strict": False},
    }
    local = OpenAIBackend("m", "http://localhost:8000/v1")
    assert local.structured_mode == "json_object"
    request = local._request(messages, schema, "json_object", 10, 0.0)
    assert request["response_format"] == {"type": "json_object", "schema": schema}
    assert request["messages"] == messages
    request = local._request(messages, schema, "prompt", 10, 0.0)
    assert request["response_format"] == {"type": "json_object"}
    assert '"act"' in request["messages"][0]["content"]
    assert request["messages"][0]["content"].startswith("Be brief.")
    request = local._request(messages, schema, "plain", 10, 0.0)
    assert "response_format" not in request
    assert '"act"' in request["messages"][0]["content"]


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8080/v1", True),
        ("http://localhost:11434/v1", True),
        ("http://192.168.1.20:8000/v1", True),
        ("http://[::1]:8000/v1", True),
        ("http://gpu-box.local:8000/v1", True),
        ("https://api.openai.com/v1", False),
        ("https://llm.example.com/v1", False),
    ],
)
def test_local_hosts_are_recognised(url: str, local: bool) -> None:
    from interviewer.llm.openai_backend import is_local_host

    assert is_local_host(url) is local
