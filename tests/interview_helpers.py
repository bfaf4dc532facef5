"""A scripted chat backend for pure policy-logic tests (beside, never instead of, the real
embedded-model tests in test_interview_embedded.py), and the runner's other parts as stand-ins
for tests of its own logic (the real ones are tested through the device and the page)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

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


class SaysAtOnce:
    """A voice whose every line starts at once (its first sample) and writes no audio."""

    def __init__(self, duration_s: float = 1.0) -> None:
        self.duration_s = duration_s

    def say(self, text, path, *, on_first_sample=None, listener=None):
        if on_first_sample is not None:
            on_first_sample()
        return self.duration_s, None


class AfterTheTurn:
    """The microphone after the turn, as the runner reads an ``AfterTurnListener``: the
    candidate went on (``went_on``) after ``played_s`` of the line, or not yet; with
    ``at_line_end``, they are heard going on only once a line has been said to its end."""

    def __init__(
        self,
        *,
        went_on: bool = False,
        played_s: float = 0.0,
        skipped: int = 0,
        at_line_end: bool = False,
    ):
        self.reopened = threading.Event()
        if went_on:
            self.reopened.set()
        self.next_turn_began = threading.Event()  # after a typed turn (after_turn.py)
        self.at_line_end = at_line_end
        self.settled = 0
        self.voice_heard = played_s > 0
        self.played_s = played_s
        self.skipped = np.zeros(skipped, np.float32)
        self.closed = False

    @property
    def line_stopped(self) -> bool:
        return self.reopened.is_set() or self.next_turn_began.is_set()

    def settle(self) -> bool:
        self.settled += 1
        if self.at_line_end:
            self.at_line_end = False
            self.reopened.set()
        return self.reopened.is_set()

    def close(self) -> None:
        self.closed = True


LIVE_ANSWERS = type("Live", (), {"kind": "microphone", "live": True})
"""A live answer source that is never asked for an answer (the test records them itself)."""


def runner_for(
    tmp_path: Path,
    backend=None,
    *,
    answers=None,
    voice=None,
    transcriber=None,
    observer=None,
):
    """An InterviewRunner over a new session in ``tmp_path``, for tests of its logic
    (imported here: the policy tests that only need ScriptedBackend skip the audio stack)."""
    from interviewer.interview.runner import InterviewRunner
    from interviewer.session.models import Session
    from interviewer.session.store import SessionWriter

    return InterviewRunner(
        SessionWriter(tmp_path / "s", Session(id="s")),
        policy_backend=backend if backend is not None else ScriptedBackend([]),
        transcriber=transcriber,
        answers=answers if answers is not None else LIVE_ANSWERS(),
        voice=voice,
        observer=observer,
    )
