"""The model's grade of a whole answer (grading/answer_grade.py): the arithmetic and the
fallbacks with scripted backends here; the real embedded model and a real server on loopback
grade in test_grading_meaning.py and below."""

from __future__ import annotations

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
def test_a_server_on_loopback_writes_a_grade_the_schema_allows() -> None:
    """The openai client against a real llama.cpp server: its grammar holds the reply to
    one of the five grades (SmolLM2-135M: this is about plumbing, not judgement)."""
    server = shared_llama_server("smollm2")
    backend = OpenAIBackend("smollm2", server.base_url, timeout_s=SERVER_REPLY_TIMEOUT_S)
    assert backend.choice_probabilities is None
    grade = grade_answer(backend, QUESTION, REFERENCE, "A stack is LIFO, a queue is FIFO.")
    assert grade in {int(g) / 4 for g in GRADES}
