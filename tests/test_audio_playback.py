"""Playback through real PortAudio into a virtual ALSA sink (no sound card here)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from audio_helpers import no_devices_env, no_mic_env, run_python, synth_wav

from interviewer.audio.playback import play_file
from interviewer.errors import AudioError

pytestmark = pytest.mark.slow

PLAY = (
    "import sys\n"
    "from interviewer.audio import output_available, play_file\n"
    "print(output_available())\n"
    "play_file(sys.argv[1], float(sys.argv[2]), float(sys.argv[3]))\n"
)


def best_match(played: np.ndarray, expected: np.ndarray) -> float:
    """Correlation of ``expected`` with the best-aligned stretch of ``played``."""
    corr = np.correlate(played, expected, mode="valid")
    at = int(np.argmax(corr))
    window = played[at : at + expected.size]
    return float(np.dot(window, expected) / (np.linalg.norm(window) * np.linalg.norm(expected)))


def test_play_file_segment_reaches_the_output(tmp_path: Path) -> None:
    wav = synth_wav("Tell me how you would evaluate this model offline.", tmp_path / "q.wav")
    rate = sf.info(str(wav)).samplerate
    sink = tmp_path / "played.raw"
    proc = run_python(no_mic_env(tmp_path, playback_raw=sink), PLAY, str(wav), "0.5", "1.5")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "True"
    played = np.fromfile(sink, dtype="<i2").astype(np.float64)
    source = sf.read(str(wav), dtype="int16")[0].astype(np.float64)
    segment = source[int(0.5 * rate) : int(1.5 * rate)]
    # All of the segment was played (PortAudio pads silence around it: buffers) ...
    assert segment.size <= played.size <= segment.size + 3 * rate
    # ... and it is that segment (dithering adds +-1 LSB), not another part of the file.
    assert best_match(played, segment) > 0.99
    assert best_match(played, source[int(2.0 * rate) : int(3.0 * rate)]) < 0.9


def test_no_output_device_is_an_audio_error(tmp_path: Path) -> None:
    wav = synth_wav("Hello.", tmp_path / "hello.wav")
    code = (
        "import json, sys\n"
        "from interviewer.audio import output_available, play_file\n"
        "from interviewer.errors import AudioError\n"
        "try:\n"
        "    play_file(sys.argv[1])\n"
        "except AudioError as exc:\n"
        "    print(json.dumps([output_available(), exc.message, exc.hint]))\n"
    )
    proc = run_python(no_devices_env(tmp_path), code, str(wav))
    assert proc.returncode == 0, proc.stderr
    available, message, hint = json.loads(proc.stdout)
    assert available is False
    assert message == "no audio output device found"
    assert "--no-voice" in hint


def test_empty_segment_is_an_error(tmp_path: Path) -> None:
    wav = synth_wav("Hello.", tmp_path / "hello.wav")
    with pytest.raises(AudioError, match="nothing to play"):
        play_file(wav, start_s=30.0)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="gone.wav"):
        play_file(tmp_path / "gone.wav")
