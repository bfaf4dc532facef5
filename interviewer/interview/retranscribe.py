"""Transcribe each live answer once more, whole, while the interviewer speaks its reply.

A live answer is transcribed in windows while it is spoken, so the reply can come quickly;
each cut between windows costs Whisper some context. On 25 s answers, windowed passes have
about twice the word error rate of one pass over the whole answer (18 % vs 9 %,
``benchmarks/stt_streaming.py --fast``). The interviewer has already replied to the live
words; the session keeps the whole-answer transcript, which the scorecard cites and replay
shows, and keeps the live words in the turn's meta when they differ.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass

import numpy as np

from ..speech.stt import Transcriber, Transcription

log = logging.getLogger(__name__)


@dataclass
class Retranscribed:
    index: int  # the candidate turn's index in the session
    transcription: Transcription


class AnswerRetranscriber:
    """One background thread; the runner submits answers and collects results between turns."""

    def __init__(self, transcriber: Transcriber) -> None:
        self._transcriber = transcriber
        self._jobs: queue.Queue[tuple[int, np.ndarray, str | None] | None] = queue.Queue()
        self._done: list[Retranscribed] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="retranscribe", daemon=True)
        self._thread.start()

    def submit(self, index: int, samples: np.ndarray, prompt: str | None) -> None:
        self._jobs.put((index, samples, prompt))

    def collect(self, *, wait: bool = False) -> list[Retranscribed]:
        """Finished results, oldest first; ``wait`` first lets every submitted job finish."""
        if wait:
            self._jobs.join()
        with self._lock:
            done, self._done = self._done, []
        return done

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                index, samples, prompt = job
                result = self._transcriber.transcribe(samples, prompt=prompt)
                with self._lock:
                    self._done.append(Retranscribed(index, result))
            except Exception as exc:  # the live transcript stays: nothing is lost
                log.warning("could not re-transcribe answer %s: %s", job and job[0], exc)
            finally:
                self._jobs.task_done()
