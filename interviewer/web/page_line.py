"""A line the page is playing, as the after-turn listener steers it: the page's side of
``audio.playback.PlaybackHandle``. The listener's decisions (turns/barge_in.py) are the
same; here they become events to the page, which plays the line itself:

    listener: onset ─► duck(0) ─► "hold" {line, gain}      page: fades out, pauses, says
              backchannel ─► resume(sample) ─► "resume"          "held" {at_s}; goes on from
                                {line, from_s}                   from_s; or fades out, stops
              barge_in ─► stop() ─► "stop" {line}                and says "heard" {played_s}

Where the page is in the line is known from its own reports ("started", "held", "heard");
between them it is estimated from the server's clock (the page plays in real time). The
resume point is chosen here, from the line's samples (``resume_hop``), and sent as seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from ..audio.playback import LineTimes


class PageLine(LineTimes):
    """One line played in the page (see the module docstring). Thread-safe: the listener's
    thread steers it, the event loop reports the page's position, the interview thread
    waits for it."""

    def __init__(
        self, line: int, samples: np.ndarray, sample_rate: int, publish: Callable[[dict], None]
    ) -> None:
        self.line = line
        self.samples = samples.astype(np.float32, copy=False)
        self.sample_rate = sample_rate
        self.gain = 1.0
        self.started_at: float | None = None  # perf_counter: the page said it started
        self.stopped = False
        self.held_s = 0.0  # total time held, so the wait for the line allows for it
        self._publish = publish
        self._lock = threading.Lock()
        self._from = 0  # the sample playing went on from (the start, or a resume point)
        self._since: float | None = None  # perf_counter it went on from there; None: paused
        self._held_since: float | None = None

    # -- where the page is ---------------------------------------------------------------

    @property
    def position(self) -> int:
        """Samples of the line the page has played (a held one waits where it was held)."""
        with self._lock:
            return self._position()

    def _position(self) -> int:
        if self._since is None:
            return self._from
        played = int((time.perf_counter() - self._since) * self.sample_rate)
        return min(self.samples.size, self._from + played)

    def page_started(self) -> None:
        with self._lock:
            if self.started_at is None:
                self.started_at = time.perf_counter()
                if self.gain != 0 and not self.stopped:
                    self._since = self.started_at

    def page_held(self, at_s: float) -> None:
        """The page paused at ``at_s`` of the line (its own count, better than the estimate)."""
        with self._lock:
            if self.gain == 0:
                self._from = self._clamp(at_s)

    def page_finished(self, played_s: float | None) -> None:
        """The page stopped the line (``played_s`` in) or played it to its end."""
        with self._lock:
            self._from = self._clamp(played_s) if played_s is not None else self.samples.size
            self._since = None
            self._end_hold()

    def _clamp(self, at_s: float) -> int:
        return int(min(self.samples.size, max(0.0, at_s) * self.sample_rate))

    # -- the listener's side (as PlaybackHandle) -------------------------------------------

    def duck(self, gain: float) -> None:
        """Lower the line to ``gain`` in the page; 0 holds it (paused, its place kept)."""
        with self._lock:
            if self.stopped:
                return
            if gain == 0 and self.gain != 0:
                self._from, self._since = self._position(), None
                self._held_since = time.perf_counter()
            self.gain = gain
        self._publish({"type": "hold", "line": self.line, "gain": gain})

    def resume(self, from_sample: int | None = None) -> None:
        """Back to full level; a held line goes on from ``from_sample``."""
        with self._lock:
            if self.stopped or self.gain == 1.0:
                return
            event: dict = {"type": "resume", "line": self.line}
            if self.gain == 0:
                if from_sample is not None:
                    self._from = int(min(max(0, from_sample), self._from))
                event["from_s"] = round(self._from / self.sample_rate, 4)
                self._since = time.perf_counter() if self.started_at is not None else None
                self._end_hold()
            self.gain = 1.0
        self._publish(event)

    def stop(self) -> None:
        with self._lock:
            if self.stopped:
                return
            self.stopped = True
            self._from, self._since = self._position(), None
        self._publish({"type": "stop", "line": self.line})

    def _end_hold(self) -> None:
        if self._held_since is not None:
            self.held_s += time.perf_counter() - self._held_since
            self._held_since = None

    @property
    def holding_s(self) -> float:
        """Time held so far, the hold going on included."""
        with self._lock:
            now = time.perf_counter() - self._held_since if self._held_since else 0.0
            return self.held_s + now
