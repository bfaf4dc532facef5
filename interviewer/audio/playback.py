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


class PlaybackHandle:
    """One line being played, as the barge-in listener sees and steers it: the samples (the
    reference for the echo gate), how far playback has got, a gain to duck under the
    candidate's voice, and a stop. Thread-safe enough for one writer and one steerer: plain
    attribute reads and writes, and an Event."""

    def __init__(self, samples: np.ndarray, sample_rate: int) -> None:
        self.samples = to_float32(samples)
        self.sample_rate = sample_rate
        self.position = 0  # samples handed to the device so far
        self.gain = 1.0
        self.started = threading.Event()
        self.stop_requested = threading.Event()
        self.stopped_at: float | None = None  # perf_counter when playback stopped early
        self.started_at: float | None = None  # perf_counter of the first sample written

    def position_at(self, when: float) -> int:
        """The sample being played at perf_counter ``when`` (playback runs in real time)."""
        if self.started_at is None or when <= self.started_at:
            return 0
        return min(self.position, int((when - self.started_at) * self.sample_rate))

    @property
    def position_s(self) -> float:
        return self.position / self.sample_rate

    @property
    def duration_s(self) -> float:
        return self.samples.size / self.sample_rate

    def stop(self) -> None:
        self.stop_requested.set()


_BLOCK_S = 0.016  # written in blocks this long: a stop or a gain change lands within one


def play_interruptible(handle: PlaybackHandle) -> float:
    """Play ``handle``'s samples until they end or ``handle.stop()``; return the seconds played.

    Written block by block from this thread and paced to real time, so a stop is heard within
    a block plus the device's own buffer, and a device that takes audio faster than real time
    (a virtual one) still plays it over its real duration. A gain change ramps over one block.
    """
    if not output_available():
        raise AudioError("no audio output device found", hint="use --no-voice to print instead")
    sd = sounddevice_module()
    block = max(1, int(_BLOCK_S * handle.sample_rate))
    try:
        with sd.OutputStream(
            samplerate=handle.sample_rate, channels=1, dtype="float32", latency="low"
        ) as stream:
            started = time.perf_counter()
            handle.started_at = started
            handle.started.set()
            gain = handle.gain
            while handle.position < handle.samples.size:
                if handle.stop_requested.is_set():
                    handle.stopped_at = time.perf_counter()
                    break
                chunk = handle.samples[handle.position : handle.position + block]
                target = handle.gain
                ramp = np.linspace(gain, target, chunk.size, dtype=np.float32)
                gain = target
                stream.write((chunk * ramp).reshape(-1, 1))
                handle.position += chunk.size
                ahead_s = handle.position_s - (time.perf_counter() - started)
                if ahead_s > _BLOCK_S:
                    time.sleep(ahead_s - _BLOCK_S)
    except sd.PortAudioError as exc:
        raise AudioError(f"audio playback failed: {exc}") from exc
    return handle.position_s
