"""Speech first: background LLM work steps aside while a transcription pass runs.

On a laptop's two cores, an incremental Whisper pass and a probe drafted in the background
used to run at once, each with a thread per core: both slowed down, and the pass that hears
the candidate's last words (the one the end of the turn waits for) took two or three times
its time (issue 13). The transcription passes are short and on the reply's path, so they run
in the foreground; a background generation polls ``wait_for_foreground`` between tokens and
pauses there, keeping its place, until the pass is done. Prompt evaluation is one native call
and cannot pause: the background checks before it starts one.

One instance per process, because the cores are the process's.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Foreground:
    """Counts the foreground jobs running; background work waits while there are any."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._running = 0
        self.waits = 0  # times background work stepped aside (for benchmarks and tests)

    @contextmanager
    def running(self) -> Iterator[None]:
        """Mark a foreground job (a transcription pass) for its duration."""
        with self._cond:
            self._running += 1
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()

    def wait_for_foreground(self, timeout_s: float = 30.0) -> None:
        """Block while a foreground job runs (at most ``timeout_s``: never hang a draft)."""
        with self._cond:
            if self._running:
                self.waits += 1
                self._cond.wait_for(lambda: self._running == 0, timeout_s)


SPEECH_FIRST = Foreground()
"""The process's foreground: speech-to-text passes run in it, LLM drafts yield to it."""
