"""Speech first: background LLM work steps aside while a transcription pass runs.

On a laptop's two cores, an incremental Whisper pass and a probe drafted in the background
used to run at once, each with a thread per core: both slowed down, and the pass that hears
the candidate's last words (the one the end of the turn waits for) took two or three times
its time (issue 13). The transcription passes are short and on the reply's path, so they run
in the foreground; a background generation polls ``wait_for_foreground`` between tokens and
pauses there, keeping its place, until the pass is done. A prompt read pauses the same way
between slices of 16 tokens (llm/embedded.py): read whole, in one native call, a draft's or
a warm-up's read ran beside the pass that the end of the turn waits for and slowed it by about
half.

A step in flight when a pass starts is cut short where it can be: while the pass waits for
it, a byte native code can read without Python (``preempt_flag_address``) is set, and the
embedded model's read stops at its next graph node and is read again after the pass
(llm/embedded.py). Waiting for the whole step cost the pass 0.1-0.7 s in the live pipeline
(benchmarks/latency.py, instrumented: a 16-token slice took up to 0.7 s beside the capture).

One instance per process, because the cores are the process's.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# A foreground job waits at most this long for the background step in flight (a 16-token
# slice takes about 0.3 s on two cores; a token about 60 ms): never hang a pass on it.
DRAIN_TIMEOUT_S = 1.0

_step = threading.local()  # .foreground: the Foreground whose background step this thread is in


def preempt_flag_address() -> int | None:
    """For native work inside a background step on this thread: the address of a byte that
    becomes non-zero while a foreground job waits for the step (a C string of length 1, else
    empty). None outside a step: such work must not be stopped (the reply's own request)."""
    foreground = getattr(_step, "foreground", None)
    return None if foreground is None else ctypes.addressof(foreground._preempt)


class Foreground:
    """Counts the foreground jobs running; background work waits while there are any.

    Background work goes in steps (a token, a slice of a prompt read): it calls
    ``wait_for_foreground`` between two steps, inside ``background()``. A foreground job
    starting lets the step in flight finish before it runs, so the two never share the cores
    (benchmarks/speech_first.py, a prompt read behind Whisper passes over 5 s of speech, 2
    cores: 0.76-1.00 s from asking for a pass to its words, against 1.13-1.15 s with reads
    that could not pause and 0.72-0.75 s with nothing behind; docs/slow-machines.md).
    """

    def __init__(self, *, preempt: bool = True) -> None:
        """``preempt=False`` lets every step finish (benchmarks/speech_first.py compares)."""
        self._preempts = preempt
        self._cond = threading.Condition()
        self._running = 0
        self._stepping: set[int] = set()  # background threads inside a step
        self.waits = 0  # times background work stepped aside (for benchmarks and tests)
        self.drains = 0  # times a foreground job waited for a background step to end
        # b"\x01\x00" while a job waits for a step (preempt_flag_address), else zeros.
        self._preempt = ctypes.create_string_buffer(2)

    @contextmanager
    def running(self) -> Iterator[None]:
        """Mark a foreground job (a transcription pass) for its duration; it starts once the
        background step in flight is over (at most :data:`DRAIN_TIMEOUT_S` later)."""
        with self._cond:
            self._running += 1
            if self._stepping:
                self.drains += 1
                if self._preempts:
                    self._preempt[0] = b"\x01"  # native steps stop at their next graph node
                try:
                    self._cond.wait_for(lambda: not self._stepping, DRAIN_TIMEOUT_S)
                finally:
                    self._preempt[0] = b"\x00"
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()

    def wait_for_foreground(self, timeout_s: float = 30.0) -> None:
        """Between two background steps: block while a foreground job runs (at most
        ``timeout_s``: never hang a draft); the next step begins on return. Call it inside
        ``background()``, which ends the last step: a thread left mid-step would make every
        pass wait :data:`DRAIN_TIMEOUT_S` for it."""
        me = threading.get_ident()
        with self._cond:
            self._stepping.discard(me)
            self._cond.notify_all()
            if self._running:
                self.waits += 1
                self._cond.wait_for(lambda: self._running == 0, timeout_s)
            self._stepping.add(me)
            _step.foreground = self

    @contextmanager
    def background(self) -> Iterator[None]:
        """Around one background request: when it ends (or fails), its last step is over."""
        try:
            yield
        finally:
            _step.foreground = None
            with self._cond:
                self._stepping.discard(threading.get_ident())
                self._cond.notify_all()


SPEECH_FIRST = Foreground()
"""The process's foreground: speech-to-text passes run in it, LLM drafts yield to it."""
