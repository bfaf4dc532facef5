"""Play audio on the default output device (blocking).

Many machines this runs on have no sound card (servers, CI, containers): callers check
:func:`output_available` first and fall back to printing; :func:`play` raises AudioError
rather than failing somewhere inside PortAudio.
"""

from __future__ import annotations

import logging
import os
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
