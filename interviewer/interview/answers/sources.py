"""Where the candidate's answers come from: the microphone, audio files, typed text, or a
simulated candidate speaking scripted answers through text to speech (``simulated.py``).

Every source returns a :class:`CandidateAnswer` per interviewer turn, or ``None`` when it has
no more answers (files used up, end of typed input), which ends the interview cleanly.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import numpy as np

from ...errors import AudioError
from ...session.models import AnswerSourceKind
from ...speech.stt import Transcription

if TYPE_CHECKING:
    from ..live.after_turn import AfterTurnListener

log = logging.getLogger(__name__)

AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".ogg", ".m4a", ".webm", ".opus", ".aac")


class AnswerListener(Protocol):
    """What a live source reports while the candidate is still talking."""

    def words_so_far(self, text: str) -> None:
        """The transcript so far (it may still change)."""

    def paused(self, text: str) -> None:
        """A pause after fresh words that sound like a finished answer."""

    def resumed(self) -> None:
        """Speech again after ``paused``: those words were not the end."""


@dataclass
class AnswerContext:
    """What the source may want to know about the turn it answers."""

    round: str
    question_id: str
    interviewer_act: str  # the act the candidate is answering: ask, clarify, probe, hint
    interviewer_text: str
    stt_prompt: str | None = None  # biases recognition toward this question's vocabulary
    # Live sources tell it what they hear while the candidate talks (to prepare the reply).
    listener: AnswerListener | None = None
    # The candidate asked for time to think: wait up to this long for them, without cutting in.
    patience_s: float | None = None
    # The candidate went on after their turn ended: record the rest of it from this listener.
    resume: AfterTurnListener | None = None
    # The listener over the line this turn answers: the turn is recorded from its stream.
    follows: AfterTurnListener | None = None
    # What is left of the question's time box (QuestionState.spent_s), for a front end to show.
    time_left_s: float | None = None


# How a page turn ended when the candidate sent text (Run tests, a typed line) while talking:
# the words are the turn, the text is the next one (web/answers.py).
TEXT_SENT = "text_sent"


@dataclass
class CandidateAnswer:
    source: AnswerSourceKind
    samples: np.ndarray | None = None  # 16 kHz mono float32
    text: str | None = None  # typed answers only
    origin: str | None = None  # file name, for messages
    ended_by: str | None = None
    error: str | None = None  # why an answer could not be read (kept as a silent turn)
    transcription: Transcription | None = None  # set by sources that transcribe while listening
    timings: dict[str, float | None] = field(default_factory=dict)
    # A reopened answer: the pauses between its recordings, (start, end) s from its start. The
    # interviewer had the floor there (ending the turn, replying), so they are no silence of
    # the candidate's.
    joined_pauses_s: tuple[tuple[float, float], ...] = ()
    # Microphone sources keep listening after the turn (None: nothing to listen to).
    after: AfterTurnListener | None = None


class AnswerSource(Protocol):
    """Where answers come from. ``live`` sources report words while the candidate talks
    (through ``AnswerContext.listener``), so the runner prepares the reply meanwhile and
    transcribes the answer again, whole, after replying."""

    kind: AnswerSourceKind
    live: bool

    def next_answer(self, context: AnswerContext) -> CandidateAnswer | None: ...


class FileAnswers:
    """One audio file per interviewer turn, taken in name order."""

    kind: AnswerSourceKind = "file"
    live = False

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise AudioError(f"answers folder {folder} does not exist")
        self.files = sorted(p for p in folder.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
        if not self.files:
            raise AudioError(
                f"no audio files in {folder}",
                hint=f"put one answer per file there ({', '.join(AUDIO_SUFFIXES[:3])}, ...)",
            )
        self._next = 0

    def next_answer(self, context: AnswerContext) -> CandidateAnswer | None:
        from ...audio.io import load_audio

        if self._next >= len(self.files):
            return None
        path = self.files[self._next]
        self._next += 1
        try:
            return CandidateAnswer(source="file", samples=load_audio(path), origin=path.name)
        except AudioError as exc:
            # Name the file, keep the turn (as silence) and go on: nothing is lost.
            log.warning("%s", exc)
            return CandidateAnswer(source="file", origin=path.name, error=exc.message)


class TextAnswers:
    """Typed answers, one line each, from stdin (or any text stream)."""

    kind: AnswerSourceKind = "text"
    live = False

    def __init__(self, stream: IO[str] | None = None, prompt: Callable[[], None] | None = None):
        self.stream = stream or sys.stdin
        self.prompt = prompt

    def next_answer(self, context: AnswerContext) -> CandidateAnswer | None:
        if self.prompt:
            self.prompt()
        line = self.stream.readline()
        if not line:
            return None
        return CandidateAnswer(source="text", text=line.strip())


class MicrophoneAnswers:
    """Live answers: record until the endpointing policy ends the turn."""

    kind: AnswerSourceKind = "microphone"
    live = False

    def __init__(self, recorder: Any, on_frame: Callable[[Any], None] | None = None) -> None:
        from ..live.after_turn import ListeningMicrophone

        recorder.check_input()
        self.recorder = recorder
        self.on_frame = on_frame
        self.microphone = ListeningMicrophone(recorder)

    def next_answer(self, context: AnswerContext) -> CandidateAnswer | None:
        from ...turns.thinking import thinking_policy

        policy = None
        if context.patience_s:
            policy = thinking_policy(self.recorder.endpoint, context.patience_s)
        captured, after = self.microphone.record(
            context.resume, context.follows, on_frame=self.on_frame, policy=policy
        )
        return CandidateAnswer(
            source="microphone", samples=captured.samples, ended_by=captured.ended_by, after=after
        )
