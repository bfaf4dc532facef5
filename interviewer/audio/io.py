"""Audio files in and out: decode anything to 16 kHz mono float32, write 16-bit PCM WAV.

Decoding goes through faster-whisper's ``decode_audio`` (PyAV), so the samples fed to the
recogniser are exactly the ones it would decode itself, and wav/flac/mp3/ogg all work.
Writing is atomic (temporary file + ``os.replace``): a crash mid-write never leaves a
half-written turn in a session folder.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

from ..errors import AudioError

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
"""The one sample rate of the speech pipeline (Whisper and Silero VAD both want 16 kHz)."""


def load_audio(path: str | os.PathLike[str], sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Decode ``path`` to mono float32 in [-1, 1] at ``sample_rate``.

    Raises AudioError naming the file when it is missing, unreadable, corrupt or empty.
    """
    file = Path(path)
    if not file.exists():
        raise AudioError(f"audio file not found: {file}")
    if not file.is_file():
        raise AudioError(f"not an audio file (it is a folder): {file}")
    if file.stat().st_size == 0:
        raise AudioError(f"audio file is empty: {file}")
    # Imported here: faster_whisper pulls in CTranslate2, which callers that only write
    # WAVs should not pay for.
    from faster_whisper.audio import decode_audio

    try:
        samples = decode_audio(str(file), sampling_rate=sample_rate)
    except Exception as exc:  # PyAV raises many types (InvalidDataError, ValueError, ...)
        raise AudioError(
            f"cannot decode audio file {file}: {exc.__class__.__name__}: {exc}",
            hint="is it a complete wav/flac/mp3 file?",
        ) from exc
    samples = np.asarray(samples, dtype=np.float32)
    if samples.size == 0:
        raise AudioError(f"audio file contains no audio: {file}")
    return samples


def to_float32(samples: np.ndarray) -> np.ndarray:
    """int16 PCM or float audio as mono float32 in [-1, 1] (a channel axis is averaged)."""
    array = np.asarray(samples)
    if array.dtype == np.int16:
        array = array.astype(np.float32) / 32768.0
    elif array.dtype.kind != "f":
        raise AudioError(f"unsupported sample type {array.dtype}; use int16 or float")
    if array.ndim == 2:
        array = array.mean(axis=1)
    return array.astype(np.float32, copy=False)


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float audio in [-1, 1] as int16 PCM (clipped), the capture's frame format."""
    data = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 32767 / 32768)
    return (data * 32768).astype(np.int16)


def write_wav(
    path: str | os.PathLike[str], samples: np.ndarray, sample_rate: int = SAMPLE_RATE
) -> Path:
    """Write mono 16-bit PCM WAV atomically; float input is clipped to [-1, 1]."""
    target = Path(path)
    data = np.clip(to_float32(samples), -1.0, 1.0)
    tmp_name: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        sf.write(tmp_name, data, sample_rate, subtype="PCM_16", format="WAV")
        os.replace(tmp_name, target)
    except (OSError, sf.SoundFileError, RuntimeError) as exc:
        if tmp_name is not None:
            Path(tmp_name).unlink(missing_ok=True)
        raise AudioError(f"cannot write audio file {target}: {exc}") from exc
    log.debug("wrote %s (%.2f s)", target, data.size / sample_rate)
    return target


def audio_duration_s(path: str | os.PathLike[str]) -> float:
    """Duration in seconds; reads only the header when libsndfile knows the format."""
    file = Path(path)
    if not file.is_file():
        raise AudioError(f"audio file not found: {file}")
    try:
        info = sf.info(str(file))
        if info.frames > 0 and info.samplerate > 0:
            return info.frames / info.samplerate
    except (sf.SoundFileError, RuntimeError):
        pass  # not a libsndfile format (or a header it cannot read): decode instead
    return load_audio(file).size / SAMPLE_RATE
