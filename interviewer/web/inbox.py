"""What the page sends while the candidate answers: 16 kHz PCM frames, typed text (and the
phrases the buttons stand for), "I'm done" and "stop". One thread-safe queue between the
server's event loop and the interview thread.

Audio is accepted only while a turn is being recorded (``open_turn``..``close_turn``): what
the microphone hears while the interviewer speaks is not an answer, as in ``practice``,
where the microphone opens when the line has been played. Typed text is kept until the
next turn takes it (a button pressed while the interviewer is still talking still counts):
after a turn the same stream is read by the listener that hears whether the candidate goes
on (``interview/live/after_turn.py``), and what it takes that is not audio it hands back
(:meth:`PageInbox.keep_for_the_answer`) for the next turn to take first.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ..audio.io import SAMPLE_RATE

ItemKind = Literal["audio", "text", "finish", "stop"]
# The page sends a frame every 32 ms while its microphone is on (between turns too: frames
# outside a turn are dropped); none for this long means it is off.
MICROPHONE_LIVE_S = 1.0


@dataclass(frozen=True)
class Arrival:
    """When a frame reached the server, and where it ends in the turn (samples)."""

    end_sample: int
    server_s: float  # time.perf_counter() on arrival
    seq: int  # the page's frame number, to find the page's own time for it


@dataclass
class TurnAudio:
    """The frames of the turn being recorded, with their arrival times."""

    samples: int = 0
    arrivals: list[Arrival] = field(default_factory=list)
    finished_by_button: bool = False
    ended_by_text: bool = False  # text sent while they spoke ended it (the text is next)

    def arrival_of(self, sample: int) -> tuple[float, int, int] | None:
        """(server time, page frame seq, samples after ``sample`` in that frame) at which the
        frame holding ``sample`` arrived; None before any frame."""
        for arrival in self.arrivals:
            if arrival.end_sample >= sample:
                after = arrival.end_sample - sample
                return arrival.server_s - after / SAMPLE_RATE, arrival.seq, after
        return None


class PageInbox:
    """Frames and text from the page, for the interview thread to take turn by turn."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[ItemKind, object]] = queue.Queue()
        self._lock = threading.Lock()
        self._open = False
        self._answers_thread: int | None = None  # the thread that takes answers
        self._kept: list[tuple[ItemKind, object]] = []  # for the next turn, in order
        self.turn = TurnAudio()
        self._audio_at: float | None = None  # perf_counter of the last frame the page sent

    # --- the page's side (the event loop) ---------------------------------------------------

    def push_audio(self, pcm: np.ndarray, seq: int = -1) -> bool:
        """Queue one int16 frame; False (dropped) when no turn is being recorded."""
        with self._lock:
            self._audio_at = time.perf_counter()
            if not self._open:
                return False
            self.turn.samples += pcm.size
            self.turn.arrivals.append(Arrival(self.turn.samples, time.perf_counter(), seq))
            self._queue.put(("audio", pcm))
        return True

    def push_text(self, text: str) -> None:
        self._queue.put(("text", text))

    def finish(self) -> None:
        """End the turn being spoken now (the "I'm done" button)."""
        with self._lock:
            if self._open:
                self.turn.finished_by_button = True
                self._queue.put(("finish", None))

    def stop(self) -> None:
        """End the interview: the source has no more answers."""
        self._queue.put(("stop", None))

    # --- the interview thread's side ----------------------------------------------------------

    def microphone_live(self, within_s: float = MICROPHONE_LIVE_S) -> bool:
        """The page's microphone is sending (a frame came in the last ``within_s``): only
        then can a stream opened now be listened to (a page without a microphone, typing
        its answers, sends none, and a listener would wait on it for ever)."""
        with self._lock:
            at = self._audio_at
        return at is not None and time.perf_counter() - at <= within_s

    def open_turn(self) -> None:
        """Start recording a turn: stale frames go, typed text and a stop stay."""
        with self._lock:
            kept = []
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item[0] in ("text", "stop"):
                    kept.append(item)
            for item in self._kept + kept:  # what the listener kept goes first
                self._queue.put(item)
            self._kept = []
            self.turn = TurnAudio()
            self._open = True

    def close_turn(self) -> None:
        with self._lock:
            self._open = False

    def answers_on_this_thread(self) -> None:
        """Called by the thread that takes answers (the interview's): any other thread that
        reads a turn's stream is the listener after it (``is_answering`` is False there)."""
        self._answers_thread = threading.get_ident()

    @property
    def is_answering(self) -> bool:
        return self._answers_thread in (None, threading.get_ident())

    def keep_for_the_answer(self, kind: ItemKind, item: object) -> None:
        """Text or a stop for the next turn, taken first when it opens: sent while the
        listener after a turn read the stream, or while the candidate was speaking. Not the
        rest of a reopened turn: a candidate who went on over the reply is heard to the end
        of it before a button they pressed meanwhile counts."""
        with self._lock:
            self._kept.append((kind, item))

    def take(self, timeout: float | None = None) -> tuple[ItemKind, object]:
        return self._queue.get(timeout=timeout)
