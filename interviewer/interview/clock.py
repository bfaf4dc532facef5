"""Session time: one timeline on which turns never overlap.

Live turns take real time; turns from files or synthesis can be produced faster than real
time, so each turn starts at ``max(wall clock, end of the previous turn)`` and lasts as long as
its audio. Replays and reports can then seek to any moment.
"""

from __future__ import annotations

import time


class SessionClock:
    def __init__(self) -> None:
        self._t0 = time.monotonic()
        self._last_end = 0.0

    def now(self) -> float:
        return max(time.monotonic() - self._t0, self._last_end)

    def place(self, duration_s: float, *, started_at: float | None = None) -> tuple[float, float]:
        """Reserve [start, end) for a turn lasting ``duration_s``; returns rounded bounds."""
        start = max(started_at if started_at is not None else self.now(), self._last_end)
        end = start + max(0.0, duration_s)
        self._last_end = end
        return round(start, 3), round(end, 3)

    def reopen(self, start: float) -> None:
        """The last turn goes on: the next ``place`` may start again at its ``start``."""
        self._last_end = min(self._last_end, start)
