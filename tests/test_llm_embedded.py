"""The embedded backend, for real: Qwen2.5-Coder-1.5B (the default) and SmolLM2-135M."""

from __future__ import annotations

import threading
import time
from typing import Literal

import pytest
from llm_helpers import embedded_backend, smollm2_model_path
from pydantic import BaseModel, Field

from interviewer.errors import LLMUnavailableError
from interviewer.llm.base import ChatMessage, GenerationCancelled, LLMBackend
from interviewer.llm.embedded import PROMPT_SLICE_TOKENS, EmbeddedBackend
from interviewer.machine.foreground import Foreground

pytestmark = [pytest.mark.slow, pytest.mark.llm]


class FollowUp(BaseModel):
    act: Literal["probe", "hint", "move_on"]
    question: str = Field(min_length=3)


SYSTEM = (
    "You are an ML-engineering interviewer. Decide the next act and write one short follow-up "
    "question. Answer only with JSON with keys act (probe, hint or move_on) and question."
)
CANDIDATE = (
    "For the feed ranking system I would retrieve candidates with a two-tower model and rank "
    "them with gradient boosted trees, because the trees are cheap to serve."
)


@pytest.fixture
def qwen_backend() -> EmbeddedBackend:
    return embedded_backend("qwen")


@pytest.fixture
def smollm2_backend() -> EmbeddedBackend:
    return embedded_backend("smollm2")


def _messages(candidate: str = CANDIDATE) -> list[ChatMessage]:
    return [
        ChatMessage(role="system", content=SYSTEM),
        ChatMessage(role="user", content=candidate),
    ]


def test_backend_satisfies_the_protocol(qwen_backend: EmbeddedBackend) -> None:
    assert isinstance(qwen_backend, LLMBackend)
    assert qwen_backend.name == "embedded"
    assert qwen_backend.model.endswith(".gguf")


def test_complete_with_schema_validates(qwen_backend: EmbeddedBackend) -> None:
    completion = qwen_backend.complete(
        _messages(), json_schema=FollowUp.model_json_schema(), max_tokens=120
    )
    decision = FollowUp.model_validate_json(completion.text)
    assert decision.question.strip()
    assert completion.prompt_tokens > 20
    assert completion.completion_tokens > 3
    assert completion.seconds > 0
    assert completion.prompt_seconds is not None
    assert 0 < completion.prompt_seconds <= completion.seconds


def test_stream_yields_deltas_that_join_to_the_reply(qwen_backend: EmbeddedBackend) -> None:
    messages = [
        ChatMessage(role="system", content="You are a friendly interviewer."),
        ChatMessage(role="user", content="Ask me one question about overfitting."),
    ]
    deltas = list(qwen_backend.stream(messages, max_tokens=60))
    assert len(deltas) >= 5
    assert all(isinstance(d, str) and d for d in deltas)
    finished = qwen_backend.last_completion
    assert finished is not None
    assert finished.text == "".join(deltas)
    assert len(finished.text.split()) >= 4
    assert finished.prompt_tokens > 10 and finished.completion_tokens > 3


def test_kv_cache_prefix_is_reused_between_calls(smollm2_backend: EmbeddedBackend) -> None:
    """A second prompt that extends the first must not re-evaluate the shared prefix.

    Checked on token counts the cache reports, not on timing (speed lives in benchmarks/).
    """
    llama = smollm2_backend._loaded.llama
    history = " ".join(f"Point {i}: the candidate discussed feature stores." for i in range(60))
    first = _messages(history)
    smollm2_backend.forget_cache()
    smollm2_backend.complete(first, max_tokens=4, temperature=0.0)
    cached_after_first = llama.n_tokens
    longer = [*first, ChatMessage(role="assistant", content="Go on."),
              ChatMessage(role="user", content="And what about latency?")]  # fmt: skip
    evaluated: list[int] = []
    original_eval = llama.eval

    def counting_eval(tokens):  # type: ignore[no-untyped-def]
        evaluated.append(len(tokens))
        return original_eval(tokens)

    llama.eval = counting_eval
    try:
        completion = smollm2_backend.complete(longer, max_tokens=4, temperature=0.0)
    finally:
        del llama.eval
    prompt_evaluated = evaluated[0]
    assert completion.prompt_tokens > 600
    assert cached_after_first > 600
    # Only the new turn (a few dozen tokens) was evaluated, not the 600+ token history.
    assert prompt_evaluated < completion.prompt_tokens - 500


def test_same_model_is_loaded_once() -> None:
    a = EmbeddedBackend(smollm2_model_path(), n_ctx=4096, n_threads=2, seed=1234)
    b = EmbeddedBackend(smollm2_model_path(), n_ctx=4096, n_threads=2, seed=1234)
    assert a._loaded is b._loaded


def test_corrupt_model_file_gives_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 4096)  # right magic, garbage inside
    with pytest.raises(LLMUnavailableError) as info:
        EmbeddedBackend(bad, n_threads=1)
    assert "could not load" in info.value.message
    assert info.value.hint


def test_missing_model_file_gives_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LLMUnavailableError, match="not found"):
        EmbeddedBackend(tmp_path / "nope.gguf", n_threads=1)


def test_prefill_while_the_candidate_talks(smollm2_backend: EmbeddedBackend) -> None:
    """Prefilling the partial answer leaves only the last words to evaluate at turn end."""
    llama = smollm2_backend._loaded.llama
    sentence = (
        "I would shard the feature store by user id and keep a small online cache "
        "of the hottest embeddings close to the ranker, then "
    )
    words = (sentence * 8).split()
    partial = " ".join(words[:-6])
    full = " ".join(words)
    smollm2_backend.forget_cache()
    cached = smollm2_backend.prefill(_messages(partial))
    assert cached > 100
    evaluated: list[int] = []
    original_eval = llama.eval

    def counting_eval(tokens):  # type: ignore[no-untyped-def]
        evaluated.append(len(tokens))
        return original_eval(tokens)

    llama.eval = counting_eval
    try:
        completion = smollm2_backend.complete(_messages(full), max_tokens=4, temperature=0.0)
    finally:
        del llama.eval
    assert completion.prompt_tokens > cached
    assert evaluated[0] < 30  # the six new words and the turn's closing tokens


def test_a_prompt_read_pauses_between_slices(smollm2_backend: EmbeddedBackend) -> None:
    """With ``pause``, the prompt is read in slices and ``pause`` runs before each: the cache
    ends up holding the same prompt as a read in one call."""
    messages = _messages(" ".join(["The ranker scores a thousand candidates."] * 20))
    smollm2_backend.forget_cache()
    whole = smollm2_backend.prefill(messages)
    smollm2_backend.forget_cache()
    pauses: list[int] = []
    llama = smollm2_backend._loaded.llama
    sliced = smollm2_backend.prefill(messages, pause=lambda: pauses.append(llama.n_tokens))
    assert sliced == whole > 150
    assert len(pauses) >= whole // PROMPT_SLICE_TOKENS
    # Before each slice, never more than one slice read since the last pause.
    assert all(b - a <= PROMPT_SLICE_TOKENS for a, b in zip(pauses, pauses[1:], strict=False))
    assert llama.pause is None  # the next request reads at full speed


def test_a_withdrawn_request_stops_inside_its_prompt_read(
    smollm2_backend: EmbeddedBackend,
) -> None:
    """``should_stop`` is polled between slices of the prompt too: withdrawn after three,
    the read stops there; the next request reuses what was read and answers as a cold one."""
    llama = smollm2_backend._loaded.llama
    messages = _messages(" ".join(["We cache the hottest embeddings near the ranker."] * 20))
    smollm2_backend.forget_cache()
    cold = smollm2_backend.complete(messages, max_tokens=8, temperature=0.0)
    smollm2_backend.forget_cache()
    polls: list[int] = []

    def withdrawn_after_three() -> bool:
        polls.append(llama.n_tokens)
        return len(polls) > 3

    with pytest.raises(GenerationCancelled):
        smollm2_backend.complete(
            messages, max_tokens=8, temperature=0.0, should_stop=withdrawn_after_three
        )
    assert llama.n_tokens == 3 * PROMPT_SLICE_TOKENS < cold.prompt_tokens
    again = smollm2_backend.complete(messages, max_tokens=8, temperature=0.0)
    assert again.text == cold.text


def test_a_background_read_waits_for_speech_to_text(smollm2_backend: EmbeddedBackend) -> None:
    """A warm-up read while a transcription pass runs stops at a slice boundary until the
    pass ends (machine/foreground.py), then reads the rest."""
    llama = smollm2_backend._loaded.llama
    messages = _messages(" ".join(["The two-tower model retrieves candidates."] * 20))
    foreground = Foreground()
    smollm2_backend.forget_cache()
    done: list[int] = []
    with foreground.running():
        reader = threading.Thread(
            target=lambda: done.append(
                smollm2_backend.prefill(messages, pause=foreground.wait_for_foreground)
            )
        )
        reader.start()
        deadline = time.monotonic() + 60
        while foreground.waits == 0:  # the limit only guards against a hang
            assert time.monotonic() < deadline, "the read never stepped aside"
            time.sleep(0.01)
        assert reader.is_alive() and not done
        assert llama.n_tokens == 0  # it waits before its first slice
    reader.join(120)
    assert not reader.is_alive() and done and done[0] > 150


def test_a_pass_stops_the_background_slice_in_flight(
    smollm2_backend: EmbeddedBackend, capfd: pytest.CaptureFixture[str]
) -> None:
    """A pass that starts mid-slice does not wait for the slice: llama.cpp stops it at its
    next graph node (machine/foreground.py's preempt byte, read by the abort callback), and
    the read takes it again after the pass. What is cached reads as an unbroken read does,
    and llama.cpp's note on the dropped slice does not reach the candidate's terminal."""
    llama = smollm2_backend._loaded.llama
    messages = _messages(" ".join(["The two-tower model retrieves candidates."] * 40))
    smollm2_backend.forget_cache()
    cold = smollm2_backend.complete(messages, max_tokens=8, temperature=0.0)
    smollm2_backend.forget_cache()
    foreground = Foreground()
    before = llama.preempted
    done: list[int] = []

    def read() -> None:
        with foreground.background():
            done.append(smollm2_backend.prefill(messages, pause=foreground.wait_for_foreground))

    reader = threading.Thread(target=read)
    reader.start()
    while reader.is_alive() and llama.preempted == before:  # a pass lands mid-slice
        with foreground.running():
            pass
        time.sleep(0.002)
    reader.join(120)
    assert not reader.is_alive() and done and done[0] > 300
    assert llama.preempted > before, "no pass landed inside a slice"
    again = smollm2_backend.complete(messages, max_tokens=8, temperature=0.0)
    assert again.text == cold.text
    assert "removing memory" not in capfd.readouterr().err


def test_a_request_outside_a_background_step_is_never_stopped(
    smollm2_backend: EmbeddedBackend,
) -> None:
    """The reply's own request polls ``should_stop`` but steps aside for no pass: the abort
    callback is not set for it, whatever the foregrounds are doing."""
    llama = smollm2_backend._loaded.llama
    messages = _messages(" ".join(["The ranker scores each candidate."] * 30))
    smollm2_backend.forget_cache()
    foreground = Foreground()
    before = llama.preempted
    stepping = threading.Event()

    def background_step() -> None:  # another thread inside a step, holding a job waiting
        with foreground.background():
            foreground.wait_for_foreground()
            stepping.set()
            time.sleep(0.5)

    other = threading.Thread(target=background_step)
    other.start()
    assert stepping.wait(30)

    def a_pass() -> None:
        with foreground.running():  # the preempt byte is set while it waits for the step
            pass

    waiter = threading.Thread(target=a_pass)
    waiter.start()
    reply = smollm2_backend.complete(messages, max_tokens=4, should_stop=lambda: False)
    other.join(30)
    waiter.join(30)
    assert reply.prompt_tokens > 200 and llama.preempted == before
