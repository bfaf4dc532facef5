"""Play audio on the default output device (blocking).

Many machines this runs on have no sound card (servers, CI, containers): callers check
:func:`output_available` first and fall back to printing; :func:`play` raises AudioError
rather than failing somewhere inside PortAudio.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from types import ModuleType

import numpy as np
import soundfile as sf

from ..errors import AudioError
from .io import SAMPLE_RATE, load_audio, to_float32

log = logging.getLogger(__name__)


def sounddevice_module() -> ModuleType:
    """Import sounddevice, translating a missing PortAudio into a clear AudioError."""
    try:
        import sounddevice
    except OSError as exc:  # raised at import when libportaudio is not installed
        raise AudioError(
            f"PortAudio is not available: {exc}", hint="apt-get install libportaudio2"
        ) from exc
    return sounddevice


def output_available() -> bool:
    """True when PortAudio reports a default output device."""
    try:
        sd = sounddevice_module()
        sd.query_devices(kind="output")
    except Exception as exc:  # AudioError, PortAudioError, ValueError: no device
        log.debug("no audio output: %s", exc)
        return False
    return True


def play(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> None:
    """Play mono samples and block until they finish."""
    if not output_available():
        raise AudioError("no audio output device found", hint="use --no-voice to print instead")
    sd = sounddevice_module()
    data = to_float32(samples)
    try:
        sd.play(data, samplerate=sample_rate, blocking=True)
    except sd.PortAudioError as exc:
        raise AudioError(f"audio playback failed: {exc}") from exc


def play_file(
    path: str | os.PathLike[str], start_s: float = 0.0, end_s: float | None = None
) -> None:
    """Play ``path`` from ``start_s`` to ``end_s`` (seconds of the file); blocks."""
    try:
        sample_rate = sf.info(str(path)).samplerate
    except (sf.SoundFileError, RuntimeError):
        sample_rate = SAMPLE_RATE
    samples = load_audio(path, sample_rate=sample_rate)
    first = max(0, int(round(start_s * sample_rate)))
    last = samples.size if end_s is None else min(samples.size, int(round(end_s * sample_rate)))
    if last <= first:
        raise AudioError(f"nothing to play in {path} between {start_s:.2f} s and {end_s} s")
    play(samples[first:last], sample_rate)


class LineTimes:
    """Seconds from a line's samples: how far it has got and how long it is (for
    :class:`PlaybackHandle` and the page's ``PageLine``, which keep ``position`` their way)."""

    samples: np.ndarray
    sample_rate: int
    position: int

    @property
    def position_s(self) -> float:
        return self.position / self.sample_rate

    @property
    def duration_s(self) -> float:
        return self.samples.size / self.sample_rate


class PlaybackHandle(LineTimes):
    """One line being played, as the barge-in listener sees and steers it: the samples, how
    far playback has got, what went to the device (the reference for the echo gate), a gain
    and a stop. At gain 0 the line is *held*: the device hears silence and the line waits
    where it is until :meth:`resume`. Thread-safe enough for one writer and one steerer:
    plain attribute reads and writes, and an Event."""

    def __init__(self, samples: np.ndarray, sample_rate: int) -> None:
        self.samples = to_float32(samples)
        self.sample_rate = sample_rate
        self.position = 0  # samples of the line handed to the device so far (held: waits)
        self.gain = 1.0
        self.resume_from: int | None = None  # where a held line goes on (None: where it is)
        self.started = threading.Event()
        self.stop_requested = threading.Event()
        self.stopped_at: float | None = None  # perf_counter when playback stopped early
        self.started_at: float | None = None  # perf_counter of the first sample written
        self.holds: list[list[float | None]] = []  # [perf_counter held, resumed or None]
        self.rewound = 0  # samples said again after holds
        self.written = 0  # samples written to the device, the line's and the silence held
        self._output = np.zeros(self.samples.size, np.float32)

    def duck(self, gain: float) -> None:
        """Lower the line to ``gain`` (0 holds it), ramped over one block."""
        self.resume_from = None
        self.gain = gain

    def resume(self, from_sample: int | None = None) -> None:
        """Back to full level; a held line goes on from ``from_sample`` (rewound to it)."""
        self.resume_from = from_sample
        self.gain = 1.0

    def stop(self) -> None:
        self.stop_requested.set()

    def output(self, start_s: float, count: int, rate: int | None = None) -> np.ndarray:
        """``count`` samples of what went to the device from ``start_s`` of its output (so the
        time since the first sample), at ``rate`` (its own by default): silence before the
        line and where nothing was written yet. Playback runs in real time, so this is what
        was heard at ``started_at + start_s``."""
        written = self.written  # read before the buffer: it only grows before this does
        output = self._output
        rate = rate or self.sample_rate
        at = (start_s + np.arange(count) / rate) * self.sample_rate
        if count == 0:
            return np.zeros(0, np.float32)
        lo = int(np.clip(np.floor(at[0]), 0, written))
        hi = int(np.clip(np.ceil(at[-1]) + 1, lo, written))
        if hi - lo < 2:
            return np.zeros(count, np.float32)
        heard = np.interp(at, np.arange(lo, hi), output[lo:hi], left=0.0, right=0.0)
        return heard.astype(np.float32)

    def _record(self, block: np.ndarray) -> None:
        end = self.written + block.size
        if end > self._output.size:
            grown = np.zeros(max(end, 2 * self._output.size), np.float32)
            grown[: self.written] = self._output[: self.written]
            self._output = grown
        self._output[self.written : end] = block
        self.written = end


_BLOCK_S = 0.016  # written in blocks this long: a stop or a gain change lands within one


def play_interruptible(handle: PlaybackHandle) -> float:
    """Play ``handle``'s samples until they end or ``handle.stop()``; return the seconds played.

    See :func:`play_blocks`; this one writes to the default output device.
    """
    if not output_available():
        raise AudioError("no audio output device found", hint="use --no-voice to print instead")
    sd = sounddevice_module()
    try:
        with sd.OutputStream(
            samplerate=handle.sample_rate, channels=1, dtype="float32", latency="low"
        ) as stream:
            return play_blocks(handle, lambda block: stream.write(block.reshape(-1, 1)))
    except sd.PortAudioError as exc:
        raise AudioError(f"audio playback failed: {exc}") from exc


def play_blocks(handle: PlaybackHandle, write: Callable[[np.ndarray], object]) -> float:
    """Write ``handle``'s line block by block until it ends or is stopped; its seconds played.

    Paced to real time from this thread, so a stop is heard within a block plus the device's
    own buffer, and a device that takes audio faster than real time (a virtual one) still
    plays it over its real duration. A gain change ramps over one block (no click). A held
    line (gain 0) keeps the device fed with silence, so it goes on at once when resumed.
    """
    block = max(1, int(_BLOCK_S * handle.sample_rate))
    silence = np.zeros(block, np.float32)
    started = time.perf_counter()
    handle.started_at = started
    handle.started.set()
    gain = handle.gain
    if gain == 0:
        handle.holds.append([started, None])
    while handle.position < handle.samples.size:
        if handle.stop_requested.is_set():
            handle.stopped_at = time.perf_counter()
            break
        target = handle.gain
        if gain == 0 and target == 0:
            out = silence
        else:
            if gain == 0:  # going on after a hold, from a little before it when asked
                if handle.resume_from is not None:
                    back = max(0, min(handle.resume_from, handle.position))
                    handle.rewound += handle.position - back
                    handle.position, handle.resume_from = back, None
                handle.holds[-1][1] = time.perf_counter()
            chunk = handle.samples[handle.position : handle.position + block]
            out = chunk * np.linspace(gain, target, chunk.size, dtype=np.float32)
            handle.position += chunk.size
        write(out)
        handle._record(out)
        if target == 0 and gain != 0:
            handle.holds.append([time.perf_counter(), None])
        gain = target
        ahead_s = handle.written / handle.sample_rate - (time.perf_counter() - started)
        if ahead_s > _BLOCK_S:
            time.sleep(ahead_s - _BLOCK_S)
    return handle.position_s
