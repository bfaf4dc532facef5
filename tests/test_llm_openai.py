"""The openai backend against a REAL OpenAI-compatible server on loopback
(``python -m llama_cpp.server`` with the bundled SmolLM2-135M: this is about plumbing)."""

from __future__ import annotations

import time
from typing import Literal

import pytest
from llm_helpers import (
    SERVER_REPLY_TIMEOUT_S,
    LlamaServer,
    free_port,
    llama_server,
    shared_llama_server,
    smollm2_model_path,
)
from pydantic import BaseModel

from interviewer.errors import LLMError, LLMUnavailableError
from interviewer.llm.base import ChatMessage, LLMBackend
from interviewer.llm.openai_backend import OpenAIBackend

pytestmark = [pytest.mark.slow]


@pytest.fixture
def smollm2_server() -> LlamaServer:
    return shared_llama_server("smollm2")


class Decision(BaseModel):
    act: Literal["probe", "hint", "move_on"]
    question: str


MESSAGES = [
    ChatMessage(
        role="system",
        content="You are an interviewer. Reply in JSON with keys act and question.",
    ),
    ChatMessage(role="user", content="I would use XGBoost because it handles tabular data."),
]


def test_plain_completion(smollm2_server: LlamaServer) -> None:
    backend = OpenAIBackend("smollm2", smollm2_server.base_url, timeout_s=SERVER_REPLY_TIMEOUT_S)
    assert isinstance(backend, LLMBackend)
    completion = backend.complete(
        [ChatMessage(role="user", content="Say hello in one short sentence.")], max_tokens=30
    )
    assert completion.text.strip()
    assert completion.prompt_tokens > 0 and completion.completion_tokens > 0
    assert completion.seconds > 0


def test_structured_output_auto_uses_json_object_with_schema(smollm2_server: LlamaServer) -> None:
    backend = OpenAIBackend("smollm2", smollm2_server.base_url, timeout_s=SERVER_REPLY_TIMEOUT_S)
    completion = backend.complete(MESSAGES, json_schema=Decision.model_json_schema(), max_tokens=80)
    Decision.model_validate_json(completion.text)  # the grammar forced the enum and keys
    assert backend.structured_mode == "json_object"


def test_rejected_json_schema_form_falls_back_once(smollm2_server: LlamaServer) -> None:
    """Ask as if this were OpenAI (json_schema first): the llama.cpp server rejects that form,
    the backend steps down to json_object+schema and remembers it."""
    backend = OpenAIBackend("smollm2", smollm2_server.base_url, timeout_s=SERVER_REPLY_TIMEOUT_S)
    backend._wire_modes = ["json_schema", "json_object", "prompt", "plain"]
    completion = backend.complete(MESSAGES, json_schema=Decision.model_json_schema(), max_tokens=80)
    Decision.model_validate_json(completion.text)
    assert backend.structured_mode == "json_object"


def count_requests(backend: OpenAIBackend) -> list[dict]:
    """Every request the backend sends to the server (the real client still sends it)."""
    sent: list[dict] = []
    completions = backend._client.chat.completions
    create = completions.create

    def counted(**request):
        sent.append(request)
        return create(**request)

    completions.create = counted  # type: ignore[method-assign]
    return sent


def test_explicit_unsupported_mode_is_a_clear_error(smollm2_server: LlamaServer) -> None:
    backend = OpenAIBackend(
        "smollm2",
        smollm2_server.base_url,
        json_mode="json_schema",
        timeout_s=SERVER_REPLY_TIMEOUT_S,
    )
    sent = count_requests(backend)
    with pytest.raises(LLMError) as info:
        backend.complete(MESSAGES, json_schema=Decision.model_json_schema(), max_tokens=20)
    assert not isinstance(info.value, LLMUnavailableError)
    assert "refused" in info.value.message
    assert len(sent) == 1, "a format rejection must not be retried"


def test_prompt_mode_puts_the_schema_in_the_prompt(smollm2_server: LlamaServer) -> None:
    backend = OpenAIBackend(
        "smollm2", smollm2_server.base_url, json_mode="prompt", timeout_s=SERVER_REPLY_TIMEOUT_S
    )
    # Greedy, so the reply does not depend on what the shared server sampled before (at 0.2
    # another test's requests moved its random state, and an 80-token reply was cut mid-JSON).
    completion = backend.complete(
        MESSAGES, json_schema=Decision.model_json_schema(), max_tokens=200, temperature=0.0
    )
    # json_object mode guarantees JSON syntax, not the schema: a 135M model may miss keys.
    import json

    assert isinstance(json.loads(completion.text), dict)


def test_streaming(smollm2_server: LlamaServer) -> None:
    backend = OpenAIBackend("smollm2", smollm2_server.base_url, timeout_s=SERVER_REPLY_TIMEOUT_S)
    deltas = list(
        backend.stream([ChatMessage(role="user", content="List three colours.")], max_tokens=40)
    )
    assert len(deltas) >= 3
    assert backend.last_completion is not None
    assert backend.last_completion.text == "".join(deltas)
    assert backend.last_completion.prompt_seconds is not None


def test_dead_server_fails_fast_after_bounded_retries() -> None:
    port = free_port()  # nothing listens there
    backend = OpenAIBackend("smollm2", f"http://127.0.0.1:{port}/v1", timeout_s=5, max_retries=2)
    sent = count_requests(backend)
    started = time.monotonic()
    with pytest.raises(LLMUnavailableError) as info:
        backend.complete(MESSAGES, max_tokens=10)
    elapsed = time.monotonic() - started
    assert f"cannot reach the LLM server at http://127.0.0.1:{port}/v1" in info.value.message
    assert "embedded" in (info.value.hint or "")
    # Bounded: the first try and two retries, then give up (the backoff's schedule and time
    # budget are checked on a fake clock in test_llm_settings.py).
    assert len(sent) == 3
    assert elapsed >= 1.5  # it did wait between tries: 0.5 s, then 1 s (a floor, any machine)
    with pytest.raises(LLMUnavailableError):
        list(backend.stream(MESSAGES, max_tokens=10))


def test_server_killed_mid_conversation() -> None:
    with llama_server(smollm2_model_path()) as server:
        backend = OpenAIBackend(
            "smollm2", server.base_url, timeout_s=SERVER_REPLY_TIMEOUT_S, max_retries=1
        )
        assert backend.complete(MESSAGES, max_tokens=10).text
        # Killed while streaming a long reply...
        deltas = backend.stream(
            [ChatMessage(role="user", content="Write a long essay about databases.")],
            max_tokens=400,
        )
        assert next(deltas)
        server.kill()
        with pytest.raises(LLMUnavailableError, match="mid-reply|cannot reach"):
            for _ in deltas:
                pass
        # ...and the next turn finds nobody there.
        with pytest.raises(LLMUnavailableError, match="cannot reach"):
            backend.complete(MESSAGES, max_tokens=10)


def test_missing_key_for_openai_itself_is_a_clear_error() -> None:
    for base_url in (None, "https://api.openai.com/v1"):
        with pytest.raises(LLMUnavailableError) as info:
            OpenAIBackend("gpt-4o-mini", base_url, api_key=None)
        assert "OPENAI_API_KEY" in (info.value.hint or "")


def test_local_server_needs_no_key(smollm2_server: LlamaServer) -> None:
    backend = OpenAIBackend(
        "smollm2", smollm2_server.base_url, api_key=None, timeout_s=SERVER_REPLY_TIMEOUT_S
    )
    assert backend.complete(MESSAGES, max_tokens=5).completion_tokens > 0
