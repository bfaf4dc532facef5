"""Real microphone capture: sounddevice/PortAudio records from a virtual ALSA device.

Each test runs the recorder in a subprocess whose ALSA_CONFIG_PATH makes a raw file the
default capture device (see audio_helpers). The device is faster than real time, so every
expectation is in samples (32 ms frames), never wall-clock time.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from audio_helpers import (
    capture_in_subprocess,
    mic_raw_path,
    no_devices_env,
    no_mic_env,
    read_wav_int16,
    run_python,
    silence,
    synth_samples,
    to_int16,
    virtual_mic_env,
    write_raw_s16,
)

pytestmark = pytest.mark.slow

SR = 16000
FRAME_S = 512 / SR
ANSWER = "I would start with a logistic regression baseline and measure recall at ten."


@pytest.fixture(scope="module")
def answer(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    return synth_samples(ANSWER, tmp_path_factory.mktemp("answer"))


def mic(tmp_path: Path, *parts: np.ndarray) -> dict[str, str]:
    raw = write_raw_s16(np.concatenate(parts), tmp_path / "mic.raw")
    return virtual_mic_env(raw, tmp_path)


def test_turn_ends_on_silence_after_speech(tmp_path: Path, answer: np.ndarray) -> None:
    signal = np.concatenate([silence(0.5), answer, silence(2.0, noise_dbfs=-60)])
    env = mic(tmp_path, signal)
    out = tmp_path / "turn.wav"
    turn = capture_in_subprocess(env, out)

    assert turn["ended_by"] == "silence"
    assert turn["speech_detected"]
    assert turn["dropped_frames"] == 0
    assert set(turn["states"]) == {"quiet", "starting", "speaking", "stopping"}
    speech_end_in_file = 0.5 + answer.size / SR
    assert 0.5 <= turn["speech_start_s"] <= 0.8
    assert speech_end_in_file - 0.6 <= turn["speech_end_s"] <= speech_end_in_file + FRAME_S
    # The turn stops 800 ms (end_silence_ms) after the last speech, to the frame.
    assert turn["duration_s"] - turn["speech_end_s"] == pytest.approx(0.8, abs=FRAME_S)
    # What was recorded is, sample for sample, what the device delivered.
    recorded = read_wav_int16(out)
    expected = to_int16(signal)[: recorded.size]
    assert recorded.size == round(turn["duration_s"] * SR)
    np.testing.assert_array_equal(recorded, expected)


def test_end_silence_is_configurable(tmp_path: Path, answer: np.ndarray) -> None:
    env = mic(tmp_path, answer, silence(3.0))
    turn = capture_in_subprocess(env, tmp_path / "t.wav", endpoint={"end_silence_ms": 2000})
    assert turn["ended_by"] == "silence"
    assert turn["duration_s"] - turn["speech_end_s"] == pytest.approx(2.0, abs=FRAME_S)


def test_no_speech_ends_as_silent_turn(tmp_path: Path) -> None:
    env = mic(tmp_path, silence(2.0, noise_dbfs=-55))  # then the null device's zeros
    turn = capture_in_subprocess(env, tmp_path / "t.wav")
    assert turn["ended_by"] == "no_speech"
    assert not turn["speech_detected"]
    assert turn["speech_start_s"] is None
    assert turn["duration_s"] == pytest.approx(15.0, abs=FRAME_S)  # no_speech_timeout_s


def test_max_turn_length_cuts_a_long_answer(tmp_path: Path, answer: np.ndarray) -> None:
    env = mic(tmp_path, answer, answer, answer)
    turn = capture_in_subprocess(env, tmp_path / "t.wav", endpoint={"max_turn_s": 3.0})
    assert turn["ended_by"] == "max_length"
    assert turn["speech_detected"]
    assert turn["duration_s"] == pytest.approx(3.0, abs=1 / SR)
    assert read_wav_int16(tmp_path / "t.wav").size == 3 * SR


def test_thinking_pause_waits_when_words_sound_unfinished(
    tmp_path: Path, answer: np.ndarray
) -> None:
    """Words that end mid-thought stretch the allowed pause (issue 5's hook)."""
    signal = [answer, silence(2.5), answer, silence(6.0)]
    plain = capture_in_subprocess(mic(tmp_path, *signal), tmp_path / "a.wav")
    assert plain["ended_by"] == "silence"
    assert plain["duration_s"] < answer.size / SR + 1.0 + FRAME_S  # cut off in the pause

    thinking = capture_in_subprocess(
        mic(tmp_path, *signal), tmp_path / "b.wav", words="so, um, let me think"
    )
    assert thinking["ended_by"] == "silence"
    assert thinking["speech_end_s"] > 2 * answer.size / SR  # heard the second half
    assert thinking["duration_s"] - thinking["speech_end_s"] == pytest.approx(4.5, abs=FRAME_S)


def test_done_phrase_ends_the_turn_quickly(tmp_path: Path, answer: np.ndarray) -> None:
    env = mic(tmp_path, answer, silence(3.0))
    turn = capture_in_subprocess(env, tmp_path / "t.wav", words="and that's my answer.")
    assert turn["ended_by"] == "done_phrase"
    assert turn["duration_s"] - turn["speech_end_s"] == pytest.approx(0.25, abs=FRAME_S)


def test_frames_generator_yields_the_device_audio(tmp_path: Path, answer: np.ndarray) -> None:
    signal = np.concatenate([answer, silence(1.0)])
    env = mic(tmp_path, signal)
    code = (
        "import numpy as np, sys\n"
        "from interviewer.audio.capture import MicrophoneRecorder\n"
        "frames = MicrophoneRecorder().frames()\n"
        "got = [next(frames) for _ in range(40)]\n"
        "frames.close()\n"
        "assert all(f.dtype == np.int16 and f.shape == (512,) for f in got)\n"
        "np.concatenate(got).tofile(sys.argv[1])\n"
    )
    out = tmp_path / "frames.raw"
    proc = run_python(env, code, str(out))
    assert proc.returncode == 0, proc.stderr
    np.testing.assert_array_equal(np.fromfile(out, dtype=np.int16), to_int16(signal)[: 40 * 512])


def test_no_microphone_gives_a_clear_error(tmp_path: Path) -> None:
    for env in (no_mic_env(tmp_path), no_devices_env(tmp_path)):
        result = capture_in_subprocess(env, tmp_path / "t.wav")
        assert result["error"] == "NoInputDeviceError"
        assert result["message"] == "no microphone found"
        assert "--answers" in result["hint"] and "--text" in result["hint"]
        proc = run_python(
            env, "from interviewer.audio import input_available; print(input_available())"
        )
        assert proc.stdout.strip() == "False", proc.stderr


def test_input_available_with_the_virtual_mic(tmp_path: Path) -> None:
    env = mic(tmp_path, silence(0.1))
    proc = run_python(
        env, "from interviewer.audio import input_available; print(input_available())"
    )
    assert proc.stdout.strip() == "True", proc.stderr


def test_each_turn_reads_its_own_answer(tmp_path: Path, answer: np.ndarray) -> None:
    """One recorder, two turns: the virtual mic's file is swapped between them."""
    second = synth_samples("Latency matters more than recall here.", tmp_path)
    env = mic(tmp_path, answer, silence(1.5))
    np.save(tmp_path / "second.npy", np.concatenate([second, silence(1.5)]))
    code = (
        "import json, sys, numpy as np\n"
        "sys.path.insert(0, 'tests')\n"
        "from audio_helpers import replace_mic_audio\n"
        "from interviewer.audio.capture import MicrophoneRecorder\n"
        "rec = MicrophoneRecorder()\n"
        "first = rec.record_turn()\n"
        "replace_mic_audio(sys.argv[1], np.load(sys.argv[2]))\n"
        "second = rec.record_turn()\n"
        "print(json.dumps([first.speech_end_s, second.speech_end_s]))\n"
    )
    proc = run_python(env, code, str(mic_raw_path(env)), str(tmp_path / "second.npy"))
    assert proc.returncode == 0, proc.stderr
    first_end, second_end = json.loads(proc.stdout)
    assert first_end == pytest.approx(answer.size / SR, abs=0.6)
    assert second_end == pytest.approx(second.size / SR, abs=0.6)
    assert abs(first_end - second_end) > 0.3  # really a different answer


def test_realtime_pacing_replays_at_speaking_pace(tmp_path: Path, answer: np.ndarray) -> None:
    """realtime=True (benchmarks): the turn takes at least as long as its audio."""
    env = mic(tmp_path, answer, silence(1.0))
    code = (
        "import json, time\n"
        "from interviewer.audio.capture import MicrophoneRecorder\n"
        "start = time.monotonic()\n"
        "turn = MicrophoneRecorder(realtime=True).record_turn()\n"
        "print(json.dumps([turn.duration_s, time.monotonic() - start, turn.ended_by]))\n"
    )
    proc = run_python(env, code)
    assert proc.returncode == 0, proc.stderr
    audio_s, wall_s, ended_by = json.loads(proc.stdout)
    assert ended_by == "silence"
    assert wall_s >= audio_s - 2 * FRAME_S  # never faster than real time (no upper bound)


def test_frames_read_late_keep_the_time_they_were_heard(tmp_path: Path, answer: np.ndarray) -> None:
    """The stream's clock (``heard_until``) times a frame by when it was heard, not when it
    was read: frames queued while the reader was busy are in the past (after_turn.py)."""
    env = mic(tmp_path, answer, silence(1.0))
    code = (
        "import json, time\n"
        "from interviewer.audio.capture import MicrophoneRecorder\n"
        "recorder = MicrophoneRecorder(realtime=True)\n"
        "frames = recorder.frames()\n"
        "next(frames)\n"
        "first = recorder.heard_until\n"
        "time.sleep(0.5)  # busy: the next frames wait in the queue\n"
        "for _ in range(5):\n"
        "    frame = next(frames)\n"
        "print(json.dumps([first, recorder.heard_until, time.perf_counter(), frame.size]))\n"
        "frames.close()\n"
    )
    proc = run_python(env, code)
    assert proc.returncode == 0, proc.stderr
    first, heard_until, read_at, size = json.loads(proc.stdout)
    assert heard_until == pytest.approx(first + 5 * size / SR, abs=1e-6)  # by the stream
    assert read_at - heard_until > 0.3  # read well after it was heard


def test_unknown_named_device_is_a_clear_error(tmp_path: Path) -> None:
    env = mic(tmp_path, silence(0.1))
    code = (
        "from interviewer.audio import MicrophoneRecorder\n"
        "from interviewer.errors import NoInputDeviceError\n"
        "try:\n"
        "    MicrophoneRecorder(device='USB headset 42').record_turn()\n"
        "except NoInputDeviceError as exc:\n"
        "    print(exc.message)\n"
    )
    proc = run_python(env, code)
    assert proc.stdout.startswith("no microphone found: input device 'USB headset 42'"), proc.stderr
