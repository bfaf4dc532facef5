"""Speech first (machine/foreground.py): background model work steps aside for passes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from interviewer.machine.foreground import Foreground
from interviewer.speech.incremental import IncrementalTranscriber
from interviewer.speech.stt import Transcription


def _wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + 30  # the limit only guards against a hang
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.005)


def test_a_pass_starts_once_the_background_step_in_flight_is_over() -> None:
    """A pass asked for mid-step waits for that step (a slice of a prompt read) to end, and
    the background's next step waits for the pass: the two never share the cores."""
    foreground = Foreground()
    in_step, end_step, log = threading.Event(), threading.Event(), []

    def background() -> None:
        with foreground.background():
            foreground.wait_for_foreground()  # the first step begins
            in_step.set()
            assert end_step.wait(30)
            log.append("step 1 over")
            foreground.wait_for_foreground()  # the pass runs now: wait
            log.append("step 2")

    def a_pass() -> None:
        with foreground.running():
            log.append("pass")

    worker = threading.Thread(target=background)
    worker.start()
    assert in_step.wait(30)
    passer = threading.Thread(target=a_pass)
    passer.start()
    _wait_until(lambda: foreground.drains == 1, "the pass did not wait for the step")
    assert log == []  # the pass waits for the step in flight (at most DRAIN_TIMEOUT_S)
    end_step.set()
    worker.join(30)
    passer.join(30)
    assert log == ["step 1 over", "pass", "step 2"]
    assert foreground.drains == 1 and foreground.waits == 1


def test_a_pass_never_waits_for_background_that_has_ended() -> None:
    """A request that failed mid-step (a cancelled draft) has no step in flight after it."""
    foreground = Foreground()

    def background() -> None:
        try:
            with foreground.background():
                foreground.wait_for_foreground()
                raise RuntimeError("cancelled")
        except RuntimeError:
            pass

    worker = threading.Thread(target=background)
    worker.start()
    worker.join(30)
    with foreground.running():
        pass
    assert foreground.drains == 0


class _RecordingForeground(Foreground):
    """Logs each time the last foreground job ends: background work may step in there."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    @contextmanager
    def running(self) -> Iterator[None]:
        with super().running():
            yield
        with self._cond:
            if self._running == 0:
                self.log.append("released")


class _HeldTranscriber:
    """A Whisper pass that returns only when the test releases it (logic only: no model)."""

    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.started = threading.Semaphore(0)
        self.release = threading.Semaphore(0)

    def transcribe(self, samples, *, prompt=None) -> Transcription:
        self.log.append("pass")
        self.started.release()
        assert self.release.acquire(timeout=30)
        return Transcription(text="", duration=samples.size / 16000, words=[])


def _feed(incremental: IncrementalTranscriber, seconds: float, voiced: bool) -> None:
    """Frames of 32 ms: a loud tone (voice, by level) or silence."""
    frame = np.full(512, 0.3 if voiced else 0.0, dtype=np.float32)
    for _ in range(round(seconds / 0.032)):
        incremental.feed(frame)


def test_a_pause_kicked_during_a_pass_runs_next_without_letting_background_work_in() -> None:
    """The candidate stops while a step pass runs: the pause's own pass, which the end of the
    turn waits for, follows it in the same foreground stretch. Released in between, the
    background's next step (0.6-0.7 s of a prompt read, measured in the live pipeline) ran
    first and held that pass up."""
    log: list[str] = []
    transcriber = _HeldTranscriber(log)
    incremental = IncrementalTranscriber(
        transcriber, min_step_s=0.5, foreground=_RecordingForeground(log)
    )
    _feed(incremental, 0.6, voiced=True)  # a step pass starts while the voice goes on
    assert transcriber.started.acquire(timeout=30)
    _feed(incremental, 0.2, voiced=True)
    _feed(incremental, 0.3, voiced=False)  # a pause begins: its pass is due at once
    transcriber.release.release()
    assert transcriber.started.acquire(timeout=30)
    assert log == ["pass", "pass"]  # no release between the two passes
    transcriber.release.release()
    assert incremental.wait_idle(30)
    incremental.close(30)
    assert log == ["pass", "pass", "released"]


def test_the_foreground_is_released_between_passes_that_are_not_due_back_to_back() -> None:
    """While the candidate talks, background work (the reply's draft) runs between passes,
    and the words go out to it (``on_words``) only once the foreground is released."""
    log: list[str] = []
    transcriber = _HeldTranscriber(log)
    transcriber.release.release()  # the first pass returns at once
    incremental = IncrementalTranscriber(
        transcriber,
        min_step_s=0.5,
        foreground=_RecordingForeground(log),
        on_words=lambda words: log.append("words"),
    )
    _feed(incremental, 0.6, voiced=True)
    assert incremental.wait_idle(30)
    transcriber.release.release()
    _feed(incremental, 0.6, voiced=True)  # the next step, after the worker went idle
    assert incremental.wait_idle(30)
    incremental.close(30)
    assert log == ["pass", "released", "words", "pass", "released", "words"]


def test_the_preempt_byte_is_set_only_while_a_job_waits_for_a_step() -> None:
    """Native work in a background step reads it (llm/embedded.py): set while a pass waits
    for the step, clear before and after; outside a step there is no byte to read."""
    import ctypes

    from interviewer.machine.foreground import preempt_flag_address

    foreground = Foreground()
    assert preempt_flag_address() is None
    seen: list[bytes] = []
    in_step, job_waiting, step_over = threading.Event(), threading.Event(), threading.Event()

    def background() -> None:
        with foreground.background():
            foreground.wait_for_foreground()
            address = preempt_flag_address()
            assert address is not None
            seen.append(ctypes.string_at(address, 2))
            in_step.set()
            assert job_waiting.wait(30)
            _wait_until(lambda: ctypes.string_at(address, 1) == b"\x01", "never set")
            seen.append(ctypes.string_at(address, 2))
        assert preempt_flag_address() is None  # the step is over
        step_over.set()

    worker = threading.Thread(target=background)
    worker.start()
    assert in_step.wait(30)

    def a_pass() -> None:
        job_waiting.set()
        with foreground.running():
            seen.append(bytes(foreground._preempt.raw))

    passer = threading.Thread(target=a_pass)
    passer.start()
    worker.join(30)
    passer.join(30)
    assert step_over.is_set()
    assert seen == [b"\x00\x00", b"\x01\x00", b"\x00\x00"]
