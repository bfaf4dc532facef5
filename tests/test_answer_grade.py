"""The model's grade of a whole answer (grading/answer_grade.py): the arithmetic and the
fallbacks with scripted backends here; the real embedded model and a real server on loopback
grade in test_grading_meaning.py and below."""

from __future__ import annotations

import numpy as np
import pytest
from interview_helpers import ScriptedBackend
from llm_helpers import SERVER_REPLY_TIMEOUT_S, shared_llama_server

from interviewer.errors import LLMOutputError
from interviewer.grading.answer_grade import GRADES, grade_answer, grade_messages
from interviewer.llm.openai_backend import OpenAIBackend

QUESTION = "What is the difference between a stack and a queue?"
REFERENCE = "A stack is last in, first out. A queue is first in, first out."


class DistributionBackend(ScriptedBackend):
    """Shows a fixed next-token distribution, as the embedded model does."""

    def __init__(self, probabilities: list[float]) -> None:
        super().__init__([])
        self.probabilities = probabilities
        self.asked: list[tuple[list, tuple[str, ...]]] = []

    def choice_probabilities(self, messages, choices):  # type: ignore[override]
        self.asked.append((messages, tuple(choices)))
        return self.probabilities


def test_the_grade_is_the_expected_digit_of_the_distribution() -> None:
    backend = DistributionBackend([0.0, 0.0, 0.5, 0.5, 0.0])  # between a 2 and a 3
    assert grade_answer(backend, QUESTION, REFERENCE, "It is LIFO vs FIFO.") == pytest.approx(
        2.5 / 4
    )
    messages, choices = backend.asked[0]
    assert choices == GRADES
    assert messages == grade_messages(QUESTION, REFERENCE, "It is LIFO vs FIFO.")


def test_the_answer_comes_last_so_answers_to_one_question_share_the_prompt() -> None:
    one = grade_messages(QUESTION, REFERENCE, "first answer")[-1].content
    two = grade_messages(QUESTION, REFERENCE, "another answer")[-1].content
    shared = len(one) - len("first answer")
    assert one[:shared] == two[:shared] and one.endswith("first answer")


def test_an_empty_answer_is_a_zero_without_asking() -> None:
    backend = ScriptedBackend([])
    assert grade_answer(backend, QUESTION, REFERENCE, "   ") == 0.0
    assert backend.requests == []


def test_a_written_grade_is_read_from_json_and_a_reply_without_one_is_an_error() -> None:
    assert grade_answer(ScriptedBackend(['{"grade": 3}']), QUESTION, REFERENCE, "x") == 0.75
    for reply in ("three", '{"grade": 7}', '{"score": 2}'):
        with pytest.raises(LLMOutputError, match="no grade"):
            grade_answer(ScriptedBackend([reply]), QUESTION, REFERENCE, "x")


@pytest.mark.slow
def test_a_server_on_loopback_shows_the_grades_distribution_as_the_embedded_model_does() -> None:
    """The openai client against a real llama.cpp server serving the bundled model: the
    grade is read from the first token's log-probabilities, and equals the embedded
    backend's on the same model and prompt (the digits are among its likeliest tokens)."""
    from interviewer.llm import LLMSettings, make_backend

    server = shared_llama_server("qwen")
    remote = OpenAIBackend("qwen", server.base_url, timeout_s=SERVER_REPLY_TIMEOUT_S)
    messages = grade_messages(QUESTION, REFERENCE, "A stack is LIFO, a queue is FIFO.")
    shown = remote.choice_probabilities(messages, GRADES)
    assert len(shown) == len(GRADES) and sum(shown) == pytest.approx(1.0)
    embedded = make_backend(LLMSettings(backend="embedded"))
    local = embedded.choice_probabilities(messages, GRADES)
    assert shown == pytest.approx(local, abs=0.02)
    grade = grade_answer(remote, QUESTION, REFERENCE, "A stack is LIFO, a queue is FIFO.")
    assert 0.0 <= grade <= 1.0 and grade not in {int(g) / 4 for g in GRADES}  # not one digit


class _NoLogprobsServer:
    """An OpenAI-compatible server that never shows log-probabilities (as some do): it
    writes a JSON grade and counts what it was asked. A stand-in for the fallback's logic."""

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        asked: list[dict] = []
        self.asked = asked

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                asked.append(body)
                reply = {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": '{"grade": 3}'},
                        }
                    ],
                }
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_a_server_that_shows_no_log_probabilities_is_read_from_its_written_grade() -> None:
    server = _NoLogprobsServer()
    backend = OpenAIBackend("any", server.base_url, timeout_s=30)
    try:
        assert grade_answer(backend, QUESTION, REFERENCE, "LIFO and FIFO.") == 0.75
        assert grade_answer(backend, QUESTION, REFERENCE, "FIFO and LIFO.") == 0.75
    finally:
        backend.close()
        server.server.shutdown()
        server.server.server_close()
    # Asked for log-probabilities once; after that, only for the written grade.
    assert [("logprobs" in body) for body in server.asked] == [True, False, False]


@pytest.mark.slow
def test_the_embedded_model_shows_its_state_beside_the_same_distribution() -> None:
    """One forward pass gives the digits' distribution (as choice_probabilities does) and the
    hidden state a probe reads (benchmarks/answer_probe.py); replies afterwards are
    unaffected (embeddings are off again)."""
    from interviewer.llm import LLMSettings, make_backend
    from interviewer.llm.base import ChatMessage
    from interviewer.llm.embedded import EmbeddedBackend

    embedded = make_backend(LLMSettings(backend="embedded"))
    assert isinstance(embedded, EmbeddedBackend)
    messages = grade_messages(QUESTION, REFERENCE, "A stack is LIFO, a queue is FIFO.")
    probabilities, state = embedded.prompt_state(messages, GRADES)
    alone = embedded.choice_probabilities(messages, GRADES)
    assert probabilities == pytest.approx(alone, abs=0.02)
    assert state.shape == (1536,) and np.isfinite(state).all() and np.linalg.norm(state) > 1
    _, again = embedded.prompt_state(messages, GRADES)  # the cached prompt: the same state
    assert np.linalg.norm(again - state) < 0.05 * np.linalg.norm(state)
    reply = embedded.complete(
        [ChatMessage(role="user", content="Say the word yes.")], max_tokens=4, temperature=0.0
    )
    assert reply.text.strip()
