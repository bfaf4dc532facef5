"""Live answers with latency hidden in the open: while the candidate talks, their words are
transcribed incrementally and fed into the LLM's KV cache, so when they stop only the last
fraction of a second of audio and the last few tokens are left to process.

    microphone frames ─► IncrementalTranscriber ─► words so far ─► TurnEndPolicy (when to stop)
                                   │
                                   └─► stable words ─► PrefillWorker ─► LLM KV cache
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from ..llm.base import ChatMessage
from ..speech.incremental import IncrementalTranscriber
from ..speech.stt import Transcriber
from ..turns.endpointing import AwaitFreshWords, TurnEndPolicy
from .answers import AnswerContext, CandidateAnswer

log = logging.getLogger(__name__)

# With the words in view (and a transcript that has caught up), a finished-sounding answer
# can end after a shorter silence than silence alone allows: benchmarks/latency.py measured
# 0 of 5 thinking pauses cut off at 600 ms, and the longest wait past a finished answer 1.7 s.
STREAMING_END_SILENCE_MS = 600


class PrefillWorker:
    """Keeps the LLM's cache warm with the newest partial answer, on one background thread.

    Only the latest text matters: updates that arrive while a prefill runs replace each other,
    so a slow model never builds a backlog.
    """

    def __init__(
        self,
        prefill: Callable[[list[ChatMessage]], object],
        build_messages: Callable[[str], list[ChatMessage]],
    ) -> None:
        self._prefill = prefill
        self._build = build_messages
        self._latest: str | None = None
        self._done = False
        self._wake = threading.Condition()
        self.prefills = 0
        self._thread = threading.Thread(target=self._run, name="llm-prefill", daemon=True)
        self._thread.start()

    def update(self, partial_answer: str) -> None:
        with self._wake:
            self._latest = partial_answer
            self._wake.notify()

    def close(self) -> None:
        """Stop taking updates and wait for a prefill in flight (it holds the model)."""
        with self._wake:
            self._done = True
            self._latest = None
            self._wake.notify()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._latest is None and not self._done:
                    self._wake.wait()
                if self._done:
                    return
                text, self._latest = self._latest, None
            try:
                self._prefill(self._build(text))
                self.prefills += 1
            except Exception as exc:  # a failed prefill only costs speed, never the turn
                log.info("prefill skipped: %s", exc)


class LiveMicrophoneAnswers:
    """Microphone answers, transcribed while spoken; the turn ends on silence *and* words."""

    kind = "microphone"

    def __init__(
        self, recorder, transcriber: Transcriber, on_frame: Callable | None = None
    ) -> None:
        from ..audio.capture import input_available
        from ..errors import NoInputDeviceError

        if not input_available(recorder.device):
            raise NoInputDeviceError(
                "no microphone found",
                hint="answer from audio files with --answers DIR, or type with --text",
            )
        self.recorder = recorder
        self.transcriber = transcriber
        self.on_frame = on_frame

    def next_answer(self, context: AnswerContext) -> CandidateAnswer | None:
        warm = context.on_partial_text

        def on_stable(_newly_committed: str) -> None:
            # The LLM is warmed with the whole answer so far, not the latest words alone.
            if warm is not None:
                warm(incremental.stable_text())

        incremental = IncrementalTranscriber(
            self.transcriber, context.stt_prompt, on_stable=on_stable
        )

        def on_frame(info) -> None:
            incremental.on_frame(info)
            if self.on_frame is not None:
                self.on_frame(info)

        # Judge the words only once the transcript has caught up with the speech.
        policy = AwaitFreshWords(TurnEndPolicy(self.recorder.endpoint), incremental.caught_up)
        try:
            captured = self.recorder.record_turn(
                on_frame=on_frame, words_provider=incremental.words_so_far, policy=policy
            )
            ended = time.perf_counter()
            transcription = incremental.finish()
        finally:
            incremental.close()
        return CandidateAnswer(
            source="microphone",
            samples=captured.samples,
            ended_by=captured.ended_by,
            transcription=transcription,
            timings={
                "final_stt_s": round(time.perf_counter() - ended, 3),
                "final_stt_audio_s": incremental.stats.finish_audio_s,
                "speech_end_s": captured.speech_end_s,
            },
        )
