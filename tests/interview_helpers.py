"""A scripted chat backend for pure policy-logic tests (beside, never instead of, the real
embedded-model tests in test_interview_embedded.py)."""

from __future__ import annotations

from collections.abc import Iterator

from interviewer.llm.base import ChatMessage, Completion


class ScriptedBackend:
    """Returns the scripted replies in order and records every request."""

    name = "scripted"
    model = "scripted"
    cancellable = False
    prefill = None
    choice_probabilities = None

    def __init__(self, replies: list[str]) -> None:
        self.replies = list(replies)
        self.requests: list[list[ChatMessage]] = []

    def complete(
        self, messages, *, json_schema=None, max_tokens=256, temperature=0.2, stop=None
    ) -> Completion:
        self.requests.append(list(messages))
        if not self.replies:
            raise AssertionError("the policy asked the LLM more often than scripted")
        return Completion(text=self.replies.pop(0))

    def stream(self, messages, *, max_tokens=256, temperature=0.2) -> Iterator[str]:
        yield self.complete(messages).text
