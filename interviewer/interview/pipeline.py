"""Assemble the interview pipeline in one place, for ``practice``, the latency benchmark and
the tests alike: the microphone as an answer source (live or whole-answer, with its
end-of-turn settings and its microphone check), and a runner over a new session.

    microphone frames ─► answer source ─► InterviewRunner ─► policy ─► voice
                          (live: words while spoken, reply prepared meanwhile)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..llm.base import LLMBackend
from ..machine.speed import StreamingPlan
from ..session.models import Session
from ..session.store import SessionWriter
from ..speech.stt import Transcriber
from ..turns.endpointing import STREAMING_END_SILENCE_MS, EndpointConfig
from .answers.sources import AnswerSource, MicrophoneAnswers
from .live.microphone import LiveMicrophoneAnswers
from .runner import InterviewObserver, InterviewRunner, RunConfig
from .voice import InterviewerVoice

if TYPE_CHECKING:
    from ..audio.capture import MicrophoneRecorder


def microphone_endpoint(
    streaming: bool, overrides: Mapping[str, float | int] | None = None
) -> EndpointConfig:
    """End-of-turn settings: with the words in view (streaming), the policy's waits follow
    how the words end; ``STREAMING_END_SILENCE_MS`` after a finished-sounding ending."""
    base: dict[str, float | int] = {"end_silence_ms": STREAMING_END_SILENCE_MS} if streaming else {}
    return EndpointConfig(**(base | dict(overrides or {})))  # type: ignore[arg-type]


def microphone_answers(
    transcriber: Transcriber,
    *,
    streaming: bool = True,
    endpoint: Mapping[str, float | int] | None = None,
    recorder_type: type[MicrophoneRecorder] | None = None,
    realtime: bool = False,
    on_frame: Callable | None = None,
    plan: StreamingPlan | None = None,
    voice_end: bool = True,
    on_words: Callable[[str], None] | None = None,
) -> LiveMicrophoneAnswers | MicrophoneAnswers:
    """The microphone as an answer source; raises NoInputDeviceError when there is none.

    ``streaming`` transcribes while the candidate talks and lets the runner prepare the reply
    meanwhile; otherwise each answer is transcribed once it ends. ``recorder_type`` and
    ``realtime`` are for replaying a virtual microphone (benchmarks, tests). ``plan`` sizes
    the live pipeline's background work to the machine (interviewer/machine). ``voice_end``:
    the live pipeline hears the end of the turn in the voice too (audio/smart_turn.py) and reads
    it in the words' meaning (turns/text_end.py), each when its model is installed; the word
    list and silence otherwise (logged). ``on_words`` gets the
    words heard so far (streaming only), for a page's live transcript.
    """
    from ..audio.capture import MicrophoneRecorder

    recorder = (recorder_type or MicrophoneRecorder)(
        endpoint=microphone_endpoint(streaming, endpoint), realtime=realtime
    )
    if streaming:
        from ..audio.smart_turn import load_smart_turn
        from ..turns.text_end import load_text_end

        model = load_smart_turn() if voice_end else None
        words_model = load_text_end() if voice_end else None
        return LiveMicrophoneAnswers(
            recorder,
            transcriber,
            on_frame=on_frame,
            plan=plan,
            turn_model=model,
            on_words=on_words,
            words_model=words_model,
        )
    return MicrophoneAnswers(recorder, on_frame=on_frame)


def interview_runner(
    out_dir: Path,
    session: Session,
    *,
    backend: LLMBackend,
    transcriber: Transcriber,
    answers: AnswerSource,
    voice: InterviewerVoice,
    observer: InterviewObserver | None = None,
    config: RunConfig | None = None,
) -> InterviewRunner:
    """A runner recording into a new session folder under ``out_dir``."""
    return InterviewRunner(
        SessionWriter.create(out_dir, session),
        policy_backend=backend,
        transcriber=transcriber,
        answers=answers,
        voice=voice,
        observer=observer,
        config=config,
    )
