"""A live microphone meter, so the candidate never wonders whether the mic is on.

:class:`LevelMeter` is fed :class:`~interviewer.audio.capture.FrameInfo` from
``MicrophoneRecorder.record_turn(on_frame=meter.update)`` and renders with rich, e.g.::

    with rich.live.Live(meter, console=console, refresh_per_second=12, transient=True):
        turn = recorder.record_turn(on_frame=meter.update)

    🎙  speaking      ████████████░░░░░░░░░░░░  -23 dBFS   4.2 s

The meter only formats; it holds the last frame's figures and nothing else.
"""

from __future__ import annotations

import threading

from rich.text import Text

from .capture import FrameInfo
from .vad import VADState

FLOOR_DBFS = -60.0  # the bar is empty at or below this level

_LABELS = {
    VADState.QUIET: ("listening…", "cyan"),
    VADState.STARTING: ("listening…", "cyan"),
    VADState.SPEAKING: ("speaking", "green"),
    VADState.STOPPING: ("finishing…", "yellow"),
}


def level_fraction(rms_dbfs: float, floor_dbfs: float = FLOOR_DBFS) -> float:
    """0.0 at the floor (or below), 1.0 at full scale."""
    return min(1.0, max(0.0, (rms_dbfs - floor_dbfs) / -floor_dbfs))


def status_label(state: VADState, decision: str = "") -> str:
    """What the user reads: 'listening…', 'speaking', 'finishing…' or a thinking pause."""
    if decision == "thinking_pause":
        return "take your time…"
    return _LABELS[state][0]


class LevelMeter:
    """A one-line rich renderable: mic state, level bar, dBFS and elapsed time."""

    def __init__(self, width: int = 24) -> None:
        self.width = width
        self._lock = threading.Lock()  # update() and rendering may run on different threads
        self._info: FrameInfo | None = None

    def update(self, info: FrameInfo) -> None:
        with self._lock:
            self._info = info

    def render(self) -> Text:
        with self._lock:
            info = self._info
        if info is None:
            return Text("🎙  opening microphone…", style="dim")
        label = status_label(info.state, info.decision)
        style = "magenta" if info.decision == "thinking_pause" else _LABELS[info.state][1]
        filled = round(level_fraction(info.rms_dbfs) * self.width)
        text = Text("🎙  ")
        text.append(f"{label:<16}", style=style)
        text.append("█" * filled, style=style)
        text.append("░" * (self.width - filled), style="dim")
        text.append(f"  {info.rms_dbfs:4.0f} dBFS  {info.elapsed_s:5.1f} s")
        return text

    def __rich__(self) -> Text:
        return self.render()
