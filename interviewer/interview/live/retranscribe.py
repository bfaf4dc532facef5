"""Transcribe each live answer once more, whole, while the interviewer speaks its reply.

A live answer is transcribed in windows while it is spoken, so the reply can come quickly;
each cut between windows costs Whisper some context. On 25 s answers, windowed passes have
about twice the word error rate of one pass over the whole answer (18 % vs 9 %,
``benchmarks/stt_streaming.py --fast``). The interviewer has already replied to the live
words; the session keeps the whole-answer transcript, which the scorecard cites and replay
shows, and keeps the live words in the turn's meta when they differ.

A turn the candidate went on after (reopened) is recorded again, longer, under the same
index: its new job supersedes the older one, whose transcript (of the first part only) is
dropped whenever it finishes, so it can never replace the joined answer's words.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from dataclasses import dataclass

import numpy as np

from ...exit_guard import stop_at_exit
from ...speech.stt import Transcriber, Transcription

log = logging.getLogger(__name__)


@dataclass
class Retranscribed:
    index: int  # the candidate turn's index (Turn.index) in the session
    transcription: Transcription


@dataclass
class _Job:
    index: int
    samples: np.ndarray
    prompt: str | None
    not_before: threading.Event  # set when the job may take the CPU
    serial: int  # the newest job of a turn is the one whose transcript counts


class AnswerRetranscriber:
    """One background thread; the runner queues each answer as it records it, and the job
    starts once its ``not_before`` event is set (the reply's first sample is out: until then
    the CPU is the reply's). Results are collected between turns."""

    def __init__(self, transcriber: Transcriber) -> None:
        self._transcriber = transcriber
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._done: list[Retranscribed] = []
        self._lock = threading.Lock()
        self._serials = itertools.count()
        self._newest: dict[int, int] = {}  # turn index -> serial of its newest recording
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retranscribe", daemon=True)
        self._thread.start()
        stop_at_exit(self)

    def submit(
        self,
        index: int,
        samples: np.ndarray,
        prompt: str | None,
        *,
        not_before: threading.Event | None = None,
    ) -> None:
        """Queue turn ``index``; it is transcribed once ``not_before`` is set (now if None).
        A turn submitted again (reopened: recorded again, longer) supersedes its earlier
        job: that job's transcript is dropped, whether it is waiting, running or done."""
        if not_before is None:
            not_before = threading.Event()
            not_before.set()
        with self._lock:
            serial = next(self._serials)
            self._newest[index] = serial
            self._done = [d for d in self._done if d.index != index]
        self._jobs.put(_Job(index, samples, prompt, not_before, serial))

    def collect(self, *, wait: bool = False) -> list[Retranscribed]:
        """Finished results, oldest first; ``wait`` first lets every submitted job finish."""
        if wait:
            self._jobs.join()
        with self._lock:
            done, self._done = self._done, []
        return done

    def close(self, timeout_s: float | None = None) -> None:
        """Stop after the job in hand; jobs still waiting for their event are dropped."""
        self._closing.set()
        self._jobs.put(None)
        self._thread.join(timeout_s)

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                while not job.not_before.wait(0.05):
                    if self._closing.is_set() or self._superseded(job):
                        break
                if self._superseded(job):
                    continue  # the turn was recorded again, longer: that job counts
                if self._closing.is_set() and not job.not_before.is_set():
                    continue  # the interview ended before the reply: keep the live words
                result = self._transcriber.transcribe(job.samples, prompt=job.prompt)
                with self._lock:
                    if self._newest.get(job.index) == job.serial:  # else: superseded meanwhile
                        self._done.append(Retranscribed(job.index, result))
            except Exception as exc:  # the live transcript stays: nothing is lost
                log.warning("could not re-transcribe answer %s: %s", job and job.index, exc)
            finally:
                self._jobs.task_done()

    def _superseded(self, job: _Job) -> bool:
        with self._lock:
            return self._newest.get(job.index) != job.serial
