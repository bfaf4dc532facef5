"""The live pipeline's couplings, made explicit: declared capabilities, the retranscription
gated on the reply's first sample, turns addressed by their id. Logic only (a counting stand-in
for whisper); test_reply_preparer.py and test_practice_e2e.py run the real pipeline."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
import pytest

from interviewer.interview.answers.simulated import SimulatedCandidate
from interviewer.interview.answers.sources import (
    FileAnswers,
    MicrophoneAnswers,
    TextAnswers,
)
from interviewer.interview.live.microphone import LiveMicrophoneAnswers
from interviewer.interview.live.retranscribe import AnswerRetranscriber
from interviewer.interview.pipeline import microphone_endpoint
from interviewer.llm.embedded import EmbeddedBackend
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.session.models import Session, Turn
from interviewer.session.store import SessionWriter
from interviewer.turns.endpointing import STREAMING_END_SILENCE_MS, EndpointConfig


def test_sources_and_backends_declare_what_they_can_do() -> None:
    assert LiveMicrophoneAnswers.live is True
    for source in (FileAnswers, TextAnswers, MicrophoneAnswers, SimulatedCandidate):
        assert source.live is False, source
    assert EmbeddedBackend.cancellable is True and callable(EmbeddedBackend.prefill)
    assert OpenAIBackend.cancellable is False and OpenAIBackend.prefill is None


def test_streaming_uses_its_own_end_silence_unless_told_otherwise() -> None:
    assert microphone_endpoint(True).end_silence_ms == STREAMING_END_SILENCE_MS
    assert microphone_endpoint(False) == EndpointConfig()
    assert microphone_endpoint(True, {"end_silence_ms": 900}).end_silence_ms == 900


@dataclass
class _Heard:
    text: str = "heard"
    seconds: float = 0.0
    words: tuple = ()


class _CountingTranscriber:
    def __init__(self) -> None:
        self.calls = 0

    def transcribe(self, samples, prompt=None):
        self.calls += 1
        return _Heard(text=f"whole answer {self.calls}")


def test_a_queued_answer_waits_for_the_reply_to_start() -> None:
    stt = _CountingTranscriber()
    retranscriber = AnswerRetranscriber(stt)  # type: ignore[arg-type]
    reply_started = threading.Event()
    retranscriber.submit(4, np.zeros(160, np.float32), None, not_before=reply_started)
    time.sleep(0.3)
    assert stt.calls == 0 and retranscriber.collect() == []  # the CPU is the reply's
    reply_started.set()
    done = retranscriber.collect(wait=True)
    assert [d.index for d in done] == [4] and stt.calls == 1
    # Closing with a job still gated drops it (the live words stay) instead of hanging.
    retranscriber.submit(6, np.zeros(160, np.float32), None, not_before=threading.Event())
    retranscriber.close()
    assert stt.calls == 1


def test_turns_are_addressed_by_their_id_not_their_position(tmp_path) -> None:
    writer = SessionWriter.create(tmp_path, Session(id="ids"))
    for index in (0, 2, 5):  # ids need not be positions (e.g. a session re-read and trimmed)
        writer.add_turn(
            Turn(index=index, speaker="candidate", text=f"turn {index}", start=index, end=index)
        )
    assert writer.turn(5).text == "turn 5"
    writer.replace_turn(writer.turn(2).model_copy(update={"text": "better"}))
    assert [t.text for t in writer.session.turns] == ["turn 0", "better", "turn 5"]
    with pytest.raises(KeyError):
        writer.turn(1)
