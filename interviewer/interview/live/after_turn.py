"""Keep listening after the candidate's turn ends, so the interviewer never talks over them.

The microphone stream that recorded the turn stays open. While the reply is decided and
synthesised, and while it plays, every frame goes through the VAD and the barge-in policy
(turns/barge_in.py):

    turn ends ─► frames ─► VAD + echo gate ─► burst of speech ─► backchannel: the reply goes
                                                 │ (holds the reply    on, from a little before
                                                 │  at its onset)      where it was held
                                                 └► longer: ``reopened``; a playing reply stops
    runner: reopened before the voice ─► reply dropped; while it plays ─► cut short;
            either way ─► ``handoff()``: the frames heard since the turn ended, then the live
            stream, become the rest of the same answer

A reply whose voice starts while the candidate is talking (in a burst, or less than
``join_s`` after one) waits, silent from its first sample, until they go on or fall quiet.
After a typed turn (a line sent from the page, or its Run tests button) the line is heard
over the same way, but speech over it is not the typed turn going on: it is the candidate's
next turn, begun early (``next_turn_began``). The line stops for it as for a barge-in, it
stays said (shown on the page, with what was heard of it) and ``carry_on()`` hands the next
turn the stream from just before the voice began, so its first words are not lost.

A reply said to its end is not yet the end of the turn: ``settle()`` first hears the audio
up to its last sample (this thread may be behind on a busy machine) and a voice that ran on
under it (which the echo gate may have taken for its echo); only speech that begins after
the line is the next turn's, and ``carry_on()`` hands that turn the same stream (from just
before their voice began), so an answer begun as the line ends loses no syllable to a stream
closed and opened again.

One thread per listener, started when the turn ends and stopped by ``handoff`` or ``close``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator

import numpy as np

from ...audio.io import SAMPLE_RATE
from ...audio.playback import PlaybackHandle
from ...audio.vad import WINDOW_SAMPLES, default_speech_probability, hop_dbfs, rms_dbfs
from ...exit_guard import stop_at_exit
from ...turns.barge_in import (
    SILENT_DBFS,
    BargeInConfig,
    BargeInDetector,
    EchoGate,
    resume_hop,
)

log = logging.getLogger(__name__)

_WINDOW_S = WINDOW_SAMPLES / SAMPLE_RATE
_HOP_S = 0.01  # the played line's level is tracked in 10 ms hops
# A burst going as a line ends resolves within min_speech_s (0.5 s) plus a bridge (0.25 s) of
# audio, after the line's echo (0.3 s): this bounds the wait, with room for a listener behind.
SETTLE_TIMEOUT_S = 2.5
_SETTLE_POLL_S = 0.02


class PlayedLevels:
    """What a line being played sounded like, around the moment a microphone frame could echo
    it (held, ducked and rewound as it was), and where a held line should go on.

    ``echo_cancelled``: the microphone has had the line taken out of it already (the browser
    page asks for the browser's echo cancellation), so no frame is the line's echo and
    :meth:`around` is not asked. Only sounddevice playback records what went to the device.
    """

    def __init__(
        self, handle: PlaybackHandle, config: BargeInConfig, echo_cancelled: bool = False
    ) -> None:
        self.handle = handle
        self.echo_cancelled = echo_cancelled
        self.hop = max(1, int(_HOP_S * handle.sample_rate))
        self.echo_s = config.echo_lag_s + _WINDOW_S
        self.rewind_hops = int(round(config.resume_rewind_s / _HOP_S))

    def around(self, when: float) -> float:
        """The loudest hop that a frame heard at perf_counter ``when`` may hold the echo of."""
        if self.handle.started_at is None or when <= self.handle.started_at:
            return SILENT_DBFS
        since_s = when - self.handle.started_at
        first_s = max(0.0, since_s - self.echo_s)
        count = int((since_s - first_s) * self.handle.sample_rate)
        levels = hop_dbfs(self.handle.output(first_s, count), self.hop)
        return float(levels.max()) if levels.size else SILENT_DBFS

    def resume_point(self) -> int:
        """The sample a held line goes on from: a little before where it was held."""
        end = self.handle.position // self.hop
        first = max(0, end - self.rewind_hops)
        before = self.handle.samples[first * self.hop : end * self.hop]
        return (first + resume_hop(hop_dbfs(before, self.hop))) * self.hop


class AfterTurnListener:
    """Hears the candidate between the end of their turn and the end of the reply."""

    def __init__(
        self,
        frames: Iterator[np.ndarray],
        *,
        config: BargeInConfig | None = None,
        gate: EchoGate | None = None,
        sample_rate: int = SAMPLE_RATE,
        after_typed: bool = False,
        heard_until: Callable[[], float | None] | None = None,
    ) -> None:
        """``after_typed``: the turn before was typed, so speech over the line begins the next
        turn (module doc) rather than reopening that one. ``heard_until``: the stream's own
        clock (perf_counter when the newest frame it handed out ended; the recorder's
        ``heard_until``), so frames queued while the turn ended are timed when they were
        heard, not when this thread reads them; without it, by when the first is read."""
        self.config = config or BargeInConfig()
        self.detector = BargeInDetector(self.config, gate or EchoGate(self.config))
        self.sample_rate = sample_rate
        self.reopened = threading.Event()
        self.after_typed = after_typed
        self.next_turn_began = threading.Event()  # after a typed turn: they spoke over the line
        self.voice_heard = False  # the reply's first sample went out
        self.barge_in_at: float | None = None  # perf_counter when the burst became a barge-in
        self.onset_audio_s: float | None = None  # where that burst (and those joined to it) began
        self.heard_s = 0.0  # audio listened to since the turn ended
        self.skipped = np.zeros(0, np.float32)  # the pause before the pre-roll (handoff)
        self._frames = frames
        self._heard_until = heard_until
        self._buffer: list[np.ndarray] = []
        self._pending = np.zeros(0, dtype=np.float32)
        self._vad = default_speech_probability()
        self._lock = threading.Lock()
        self._played: PlayedLevels | None = None
        self._echo_until = 0.0  # perf_counter until which a finished line may still echo
        self._line_ended_at: float | None = None  # perf_counter when the last line ended
        # Set by settle(): bursts that begin after it answer the line just said, so they are
        # the next turn's (its recording takes them), not this answer going on.
        self._turn_over_at: float | None = None
        self._over = False  # settle() found the turn over: no burst reopens it any more
        self._line_checked: PlayedLevels | None = None  # the line whose start was looked at
        self._waiting = False  # the line began as the candidate talked: held until they stop
        # perf_counter of the first frame heard: a frame's time is this plus the audio before
        # it, so the echo gate compares it with what was playing *then*, even when this
        # thread falls behind the microphone and catches up.
        self._started: float | None = None
        self._stopping = threading.Event()
        self._handed_off = False
        self._thread = threading.Thread(target=self._run, name="after-turn", daemon=True)
        self._thread.start()
        stop_at_exit(self)

    # -- the voice's side ---------------------------------------------------------------------

    def voice_started(self, handle: PlaybackHandle, *, echo_cancelled: bool = False) -> None:
        """The reply is about to play: gate its echo, hold or stop it for the candidate.
        ``handle`` is a PlaybackHandle, or anything steered the same way (web/page_line.py:
        a line the browser page plays, whose microphone is echo-cancelled)."""
        with self._lock:
            self.voice_heard = True
            self._played = PlayedLevels(handle, self.config, echo_cancelled)
            self._echo_until = 0.0  # a new line (after an acknowledgement)
            if self.line_stopped:
                handle.stop()
            elif self.detector.talking and self._thread.is_alive():
                self._wait(self._played)

    def voice_ended(self) -> None:
        with self._lock:
            self._line_ended_at = time.perf_counter()
            self._echo_until = self._line_ended_at + self.config.echo_lag_s

    def settle(self, timeout_s: float = SETTLE_TIMEOUT_S) -> bool:
        """The line was said to its end: before the runner takes the turn as over, hear what
        came with it. Waits until this thread has heard the audio up to the line's end (it
        may be behind the microphone on a busy machine); then, while a voice that began
        before the end still runs (the candidate under the line's last words, which the echo
        gate may have taken for its echo), through the line's echo and until that burst is a
        barge-in or has ended. Returns whether they went on. A voice that begins after the
        line answers it: the next turn's. Quick when they were quiet as the line ended;
        never longer than ``timeout_s``."""
        deadline = time.perf_counter() + timeout_s
        ended = self._line_ended_at or time.perf_counter()
        with self._lock:
            self._turn_over_at = ended
        while not self.line_stopped and self._thread.is_alive():
            with self._lock:
                heard_to = (self._started or ended) + self.heard_s
                in_burst = self.detector.in_burst
                going_on = self._goes_on()
                voice_under = self._began_before(self.detector.voice_start_s, ended)
            if heard_to >= ended:
                echo_heard = heard_to >= ended + self.config.echo_lag_s
                if not (in_burst and going_on) and (echo_heard or not voice_under):
                    break
            if time.perf_counter() >= deadline:
                log.warning("stopped waiting for the listener after %.1f s", timeout_s)
                break
            time.sleep(_SETTLE_POLL_S)
        with self._lock:
            self._over = not self.reopened.is_set()
        return not self._over

    @property
    def line_stopped(self) -> bool:
        """The candidate spoke over the line, so it stopped (or never started): they went on,
        or, after a typed turn, began the next one."""
        return self.reopened.is_set() or self.next_turn_began.is_set()

    @property
    def played_s(self) -> float:
        played = self._played
        return played.handle.position_s if played is not None else 0.0

    # -- the runner's side --------------------------------------------------------------------

    def handoff(self) -> Iterator[np.ndarray]:
        """Stop listening; the frames from just before the candidate went on, then the live
        stream. What came before (the pause since the turn ended, however long the reply
        took) is :attr:`skipped`: the end-of-turn policy must not count it as a silent turn."""
        self._stop_thread()
        self._handed_off = True
        first = 0
        if self.onset_audio_s is not None:
            onset = int(max(0.0, self.onset_audio_s - self.config.preroll_s) * self.sample_rate)
            seen = 0
            for first, frame in enumerate(self._buffer):  # noqa: B007 (the index is kept)
                if seen + frame.size > onset:
                    break
                seen += frame.size
            else:
                first = len(self._buffer)
        kept = self._buffer[first:]
        skipped = self._buffer[:first]
        self.skipped = (
            np.concatenate(skipped).astype(np.float32) / 32768.0
            if skipped
            else np.zeros(0, np.float32)
        )
        return _resumed(kept, self._frames)

    def carry_on(self) -> Iterator[np.ndarray]:
        """The turn is over (``settle``): the next turn is recorded from this same stream, so
        an answer begun as the line ended is not cut by a stream closed and opened again.
        From the voice that began after the line (its onset less the pre-roll, never before
        the line's end), or from where this listener stopped; the line's time is dropped."""
        self._stop_thread()
        self._handed_off = True
        over_s = 0.0
        if self._turn_over_at is not None and self._started is not None:
            over_s = max(0.0, self._turn_over_at - self._started)
        # From the pre-roll before the voice now running, else before where this listener
        # stopped (a first syllable may have ended just before); never the line's own audio.
        voice_from = self.detector.voice_start_s
        if self.next_turn_began.is_set() and self.onset_audio_s is not None:
            over_s, voice_from = 0.0, self.onset_audio_s  # begun over the line: all of it
        start_s = max(
            over_s, (self.heard_s if voice_from is None else voice_from) - self.config.preroll_s
        )
        first = int(start_s * self.sample_rate)
        kept: list[np.ndarray] = []
        seen = 0
        for frame in self._buffer:
            if seen + frame.size > first:
                kept.append(frame[max(0, first - seen) :])
            seen += frame.size
        return _resumed(kept, self._frames)

    def close(self, timeout_s: float | None = None) -> None:
        """Stop listening and close the microphone stream (unless handed off, or the thread
        is still reading it after ``timeout_s``)."""
        self._stop_thread(timeout_s)
        if not self._handed_off and not self._thread.is_alive():
            close_stream(self._frames)

    # -- the thread ---------------------------------------------------------------------------

    def _stop_thread(self, timeout_s: float | None = None) -> None:
        self._stopping.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout_s)

    def _run(self) -> None:
        try:
            for frame in self._frames:
                if self._started is None:  # the stream's clock: when this frame began
                    self._started = self._stream_time() - frame.size / self.sample_rate
                self._buffer.append(frame)
                self._listen(frame)
                # A live microphone is real time; a virtual one is paced to it here, so what
                # follows the turn is heard while the reply is prepared, as it would be.
                ahead_s = self.heard_s - (time.perf_counter() - self._started)
                if ahead_s > 0:
                    self._stopping.wait(ahead_s)
                if self._stopping.is_set():
                    return
        except Exception as exc:  # a dead microphone now only costs the barge-in
            log.warning("stopped listening after the turn: %s", exc)
        finally:  # nobody is left to resume a held line: it goes on now
            if not self.line_stopped:
                self._resume_line()

    def _stream_time(self) -> float:
        """When the frame just read ended: by the stream's clock where it keeps one. Read
        late (the capture thread busy at the end of the turn), a frame timed by the reading
        is judged against a later moment of the line than it echoes: the line's first
        syllables then seem to play into a silent room, and the gate learns too quiet an
        echo (turns/barge_in.py)."""
        heard = self._heard_until() if self._heard_until is not None else None
        return time.perf_counter() if heard is None else heard

    def _listen(self, frame: np.ndarray) -> None:
        data = frame.astype(np.float32) / 32768.0 if frame.dtype == np.int16 else frame
        data = np.concatenate([self._pending, data]) if self._pending.size else data
        full = data.size - data.size % WINDOW_SAMPLES
        for offset in range(0, full, WINDOW_SAMPLES):
            self._window(data[offset : offset + WINDOW_SAMPLES])
        self._pending = data[full:].copy()

    def _window(self, window: np.ndarray) -> None:
        prob = self._vad(window)
        self.heard_s += _WINDOW_S
        heard_at = (self._started or time.perf_counter()) + self.heard_s
        with self._lock:
            self._wait_if_talking(heard_at)
            reference = self._reference_dbfs(heard_at)
            event = self.detector.push(_WINDOW_S, prob, rms_dbfs(window), reference)
            handle = self._played.handle if self._played is not None else None
        if event != "quiet":
            log.debug(
                "%.2f s after the turn: %s (speech %.2f, %.0f dBFS, played %s dBFS)",
                self.heard_s,
                event,
                prob,
                rms_dbfs(window),
                None if reference is None else round(reference),
            )
        if event == "onset" and handle is not None:
            handle.duck(self.config.onset_gain)
        elif event == "backchannel" and handle is not None and not self._waiting:
            self._resume_line()
        elif event == "quiet" and self._waiting and self._stopped_talking():
            self._resume_line()  # they did not go on: the line it waited with goes on
        elif event == "barge_in" and self.after_typed:
            if not self.next_turn_began.is_set() and not self._over:
                self._stop_for_them(handle, self.next_turn_began, "began their next turn")
        elif event == "barge_in" and not self.reopened.is_set() and self._goes_on():
            self._stop_for_them(handle, self.reopened, "went on")

    def _stop_for_them(
        self, handle: PlaybackHandle | None, spoke: threading.Event, what: str
    ) -> None:
        """They spoke over the line (or before it): it stops, and what they say is kept from
        where this burst began (halting speech: all of it), as the rest of their turn
        (``reopened``: ``handoff``) or, after a typed turn, as the next (``carry_on``)."""
        self.barge_in_at = time.perf_counter()
        self.onset_audio_s = self.detector.joined_start_s
        spoke.set()
        if handle is not None:
            handle.stop()
        log.info(
            "the candidate %s %.2f s after their turn ended (%s)",
            what,
            self.onset_audio_s or 0.0,
            "reply playing" if handle is not None else "before the reply",
        )

    def _goes_on(self) -> bool:
        """The burst is the answer going on: it, or the unbroken voice it grew from (the
        echo gate may have hidden its start under the line), began before the turn was
        taken as over (settle)."""
        over = self._turn_over_at
        if self._over:
            return False
        if over is None:
            return True
        detector = self.detector
        return self._began_before(detector.joined_start_s, over) or self._began_before(
            detector.voice_start_s, over
        )

    def _began_before(self, audio_s: float | None, when: float) -> bool:
        """Audio time ``audio_s`` (since the turn ended) fell before perf_counter ``when``."""
        return audio_s is not None and (self._started or 0.0) + audio_s < when

    def _wait_if_talking(self, heard_at: float) -> None:
        """At the first frame heard after a line began: if the candidate was talking then
        (in a burst, or between the bursts of halting speech), the line waits, silent, until
        they go on or fall quiet for ``join_s``, as a person who starts to speak over
        someone stops. Judged in the stream's time, so a listener that fell behind the
        microphone still sees what the candidate was doing when the line began; and while
        the line is silent, their voice is not weighed against its echo (it has none)."""
        played = self._played
        if (
            played is None
            or self._line_checked is played
            or played.handle.started_at is None
            or heard_at < played.handle.started_at
        ):
            return
        self._line_checked = played
        if self.detector.talking and not self.reopened.is_set():
            self._wait(played)

    def _wait(self, played: PlayedLevels) -> None:
        self._line_checked = played
        self._waiting = True
        played.handle.duck(0.0)

    def _stopped_talking(self) -> bool:
        """No burst for ``join_s``, and no voice at all for a bridge: a voice the echo gate
        gave to the line's last syllables before it fell silent may be theirs."""
        detector = self.detector
        return not detector.talking and detector.unvoiced_s >= self.config.bridge_s

    def _resume_line(self) -> None:
        """A backchannel, or the echo: the line goes on at full level; a held one from a
        little before where it was held (the start of the word it was held in, mostly)."""
        played = self._played
        self._waiting = False
        if played is None:
            return
        held = played.handle.gain == 0
        played.handle.resume(played.resume_point() if held else None)

    def _reference_dbfs(self, heard_at: float) -> float | None:
        played = self._played
        if played is None or played.echo_cancelled:
            return None
        if self._echo_until and heard_at > self._echo_until:
            return None  # the line ended, and its echo with it
        return played.around(heard_at)


def close_stream(frames: Iterator[np.ndarray]) -> None:
    """Close a microphone stream (a generator); a plain iterator has nothing to close."""
    close = getattr(frames, "close", None)
    if close is not None:
        close()


def _resumed(buffered: list[np.ndarray], live: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
    try:
        yield from buffered
        yield from live
    finally:
        close_stream(live)


class ListeningMicrophone:
    """What both microphone sources share: each turn reads a stream that stays open after
    it, continues the stream a reopened turn hands back, and one echo gate learns the room
    across the whole interview."""

    def __init__(self, recorder, config: BargeInConfig | None = None) -> None:
        self.recorder = recorder
        self.config = config or BargeInConfig()
        self.gate = EchoGate(self.config)

    def record(
        self,
        resume: AfterTurnListener | None,
        follows: AfterTurnListener | None = None,
        **record_kwargs,
    ):
        """One turn (the rest of one, after ``resume``); returns it and its listener. A turn
        that answers the line ``follows`` listened over goes on from that stream."""
        carried = follows is not None and not follows.reopened.is_set()
        began = follows is not None and follows.next_turn_began.is_set()
        if resume is not None:
            frames = resume.handoff()
        elif carried and (began or getattr(self.recorder, "continuous_stream", False)):
            frames = follows.carry_on()  # type: ignore[union-attr]
        else:
            if follows is not None:
                follows.close()  # its stream, before another is read
            frames = self.recorder.open_frames()
        try:
            captured = self.recorder.record_turn(frames=frames, **record_kwargs)
        except BaseException:
            close_stream(frames)
            raise
        self.gate.heard_speaker(captured.speech_level_dbfs)
        return captured, AfterTurnListener(
            frames,
            config=self.config,
            gate=self.gate,
            sample_rate=self.recorder.sample_rate,
            heard_until=self._stream_clock,
        )

    def _stream_clock(self) -> float | None:
        return getattr(self.recorder, "heard_until", None)

    def after_typed(self) -> AfterTurnListener:
        """A listener over the reply to a typed turn (module doc), on a stream of its own."""
        return AfterTurnListener(
            self.recorder.open_frames(),
            config=self.config,
            gate=self.gate,
            sample_rate=self.recorder.sample_rate,
            after_typed=True,
            heard_until=self._stream_clock,
        )


def went_on(listener: AfterTurnListener | None) -> bool:
    """The candidate went on after their turn ended (so the reply must not be, or stop)."""
    return listener is not None and listener.reopened.is_set()


class ContinuedListener:
    """The reply preparer's view of an answer that went on: the words heard before the
    reopening come first, so drafts are written from the whole answer."""

    def __init__(self, inner, earlier_text: str) -> None:
        self._inner = inner
        self._earlier = earlier_text.strip()

    def _whole(self, text: str) -> str:
        return " ".join(t for t in (self._earlier, text.strip()) if t)

    def words_so_far(self, text: str) -> None:
        self._inner.words_so_far(self._whole(text))

    def paused(self, text: str) -> None:
        self._inner.paused(self._whole(text))

    def resumed(self) -> None:
        self._inner.resumed()
