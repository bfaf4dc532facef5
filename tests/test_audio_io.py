"""Audio files: decode wav/flac/mp3 to 16 kHz mono float32, atomic 16-bit WAV writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from audio_helpers import SHARED_SPEECH_DIR, synth_wav

from interviewer.audio.io import SAMPLE_RATE, audio_duration_s, load_audio, to_float32, write_wav
from interviewer.errors import AudioError

JFK = SHARED_SPEECH_DIR / "jfk.flac"


def tone(seconds: float, rate: int = SAMPLE_RATE, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def test_load_espeak_wav_resamples_to_16k(tmp_path: Path) -> None:
    wav = synth_wav("Tell me about your last project.", tmp_path / "q.wav")
    assert sf.info(str(wav)).samplerate == 22050  # espeak's native rate
    samples = load_audio(wav)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert samples.size / SAMPLE_RATE == pytest.approx(sf.info(str(wav)).duration, abs=0.02)
    assert 0.05 < np.abs(samples).max() <= 1.0


@pytest.mark.parametrize("fmt", ["FLAC", "MP3", "OGG"])
def test_load_compressed_formats(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"tone.{fmt.lower()}"
    sf.write(str(path), tone(2.0, rate=44100), 44100, format=fmt)
    samples = load_audio(path)
    assert samples.size / SAMPLE_RATE == pytest.approx(2.0, abs=0.1)
    assert audio_duration_s(path) == pytest.approx(2.0, abs=0.1)


def test_stereo_is_mixed_to_mono(tmp_path: Path) -> None:
    path = tmp_path / "stereo.wav"
    sf.write(str(path), np.stack([tone(1.0), tone(1.0)], axis=1), SAMPLE_RATE)
    samples = load_audio(path)
    assert samples.ndim == 1 and samples.size == SAMPLE_RATE


@pytest.mark.skipif(not JFK.exists(), reason=f"shared speech sample not present at {JFK}")
def test_load_real_speech_flac() -> None:
    samples = load_audio(JFK)
    assert samples.size / SAMPLE_RATE == pytest.approx(11.0, abs=0.1)
    assert audio_duration_s(JFK) == pytest.approx(11.0, abs=0.1)


def test_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.wav"
    with pytest.raises(AudioError, match="not found.*nope.wav"):
        load_audio(missing)
    with pytest.raises(AudioError, match="nope.wav"):
        audio_duration_s(missing)


def test_empty_and_corrupt_files_are_named(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(AudioError, match="empty.*empty.wav"):
        load_audio(empty)
    corrupt = tmp_path / "corrupt.mp3"
    corrupt.write_bytes(np.random.default_rng(1).bytes(4096))
    with pytest.raises(AudioError, match="corrupt.mp3"):
        load_audio(corrupt)
    text = tmp_path / "notes.wav"
    text.write_text("this is not audio\n" * 50)
    with pytest.raises(AudioError, match="notes.wav"):
        audio_duration_s(text)


def test_truncated_wav_is_an_error_or_shorter_audio(tmp_path: Path) -> None:
    """A WAV cut mid-write (a crash) still loads what is there, or fails naming the file."""
    path = tmp_path / "cut.wav"
    write_wav(path, tone(2.0))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    samples = load_audio(path)
    assert 0.9 <= samples.size / SAMPLE_RATE <= 1.1
    path.write_bytes(data[:20])  # header only, cut
    with pytest.raises(AudioError, match="cut.wav"):
        load_audio(path)


def test_folder_is_not_audio(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="folder"):
        load_audio(tmp_path)


def test_write_wav_round_trip_is_16_bit_pcm(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "turn.wav"
    samples = tone(1.5)
    assert write_wav(path, samples) == path
    info = sf.info(str(path))
    assert (info.samplerate, info.channels, info.subtype) == (SAMPLE_RATE, 1, "PCM_16")
    back = load_audio(path)
    np.testing.assert_allclose(back, samples, atol=1 / 32768 + 1e-6)
    assert audio_duration_s(path) == pytest.approx(1.5)
    assert [p.name for p in path.parent.iterdir()] == ["turn.wav"]  # no temp files left


def test_write_wav_accepts_int16_and_clips_floats(tmp_path: Path) -> None:
    ints = np.array([0, 1000, -32768, 32767], dtype=np.int16)
    write_wav(tmp_path / "i.wav", ints)
    np.testing.assert_array_equal(sf.read(str(tmp_path / "i.wav"), dtype="int16")[0], ints)
    write_wav(tmp_path / "f.wav", np.array([2.0, -2.0, 0.5], dtype=np.float32))
    back = sf.read(str(tmp_path / "f.wav"), dtype="float32")[0]
    assert back[0] == pytest.approx(1.0, abs=1e-4) and back[1] == -1.0


def test_write_wav_replaces_atomically(tmp_path: Path) -> None:
    path = tmp_path / "turn.wav"
    write_wav(path, tone(1.0))
    write_wav(path, tone(0.5))
    assert audio_duration_s(path) == pytest.approx(0.5)


def test_write_wav_failure_is_an_audio_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(AudioError):
        write_wav(blocker / "turn.wav", tone(0.1))


def test_to_float32_rejects_unsupported_types() -> None:
    with pytest.raises(AudioError, match="int32"):
        to_float32(np.zeros(4, dtype=np.int32))
    stereo = np.zeros((10, 2), dtype=np.int16)
    assert to_float32(stereo).shape == (10,)
