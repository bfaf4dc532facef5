"""Listening after the turn: backchannels, going on, and the interviewer's own voice.

Real espeak-ng speech, the real Silero VAD, the real listener thread over a stream of frames
(the device path is tested in test_barge_in_device.py). Frames are paced to real time by the
listener, as after a real turn; nothing here asserts a duration of the wall clock.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
from audio_helpers import silence, synth_samples, to_int16

from interviewer.audio.io import SAMPLE_RATE, load_audio
from interviewer.audio.playback import PlaybackHandle
from interviewer.interview.live.after_turn import AfterTurnListener
from interviewer.turns.barge_in import BargeInConfig, BargeInDetector, EchoGate

FRAME = 512
REPLY = "Why did you choose recall at ten over precision for the first version of the ranker?"
GOING_ON = "and then, to be fair, I would also check the calibration of the scores per segment."


def frames_of(samples: np.ndarray) -> list[np.ndarray]:
    pcm = to_int16(samples)
    return [pcm[i : i + FRAME] for i in range(0, pcm.size, FRAME)]


def listen_to(samples: np.ndarray, **kwargs) -> AfterTurnListener:
    listener = AfterTurnListener(iter(frames_of(samples)), **kwargs)
    listener._thread.join(timeout=120)
    return listener


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    tmp = tmp_path_factory.mktemp("speech")
    return {
        # Backchannels as quick as people say them (espeak-ng spells out "mm-hm").
        "yeah": synth_samples("yeah.", tmp, voice="en-gb"),
        "uh-huh": synth_samples("uh-huh.", tmp, speed_wpm=200),
        "okay": synth_samples("okay.", tmp, speed_wpm=180),
        "going_on": synth_samples(GOING_ON, tmp, voice="en-gb"),
    }


def test_detector_counts_one_burst_across_short_gaps() -> None:
    config = BargeInConfig()
    detector = BargeInDetector(config)
    step = FRAME / SAMPLE_RATE
    events = [detector.push(step, 0.9, -30.0) for _ in range(5)]
    events += [detector.push(step, 0.1, -60.0) for _ in range(3)]  # 96 ms: bridged
    assert events[0] == "onset" and "backchannel" not in events
    while (event := detector.push(step, 0.9, -30.0)) != "barge_in":
        assert event == "speech"
    assert detector.burst_speech_s >= config.min_speech_s
    assert detector.bursts == 1


def test_a_burst_lasts_through_the_lines_loud_syllables_but_not_forever() -> None:
    step = FRAME / SAMPLE_RATE
    detector = BargeInDetector(BargeInConfig())
    for _ in range(4):
        detector.gate.observe(-30.0, -20.0)  # an echo path of -10 dB, measured
    for _ in range(BargeInConfig().min_coupling_frames):
        detector.gate.observe(-30.0, -20.0)
    assert detector.push(step, 0.9, -15.0, -20.0) == "onset"  # louder than any echo
    # Voice the gate gives to the echo (the line is loud here): the burst holds ...
    events = [detector.push(step, 0.9, -28.0, -20.0) for _ in range(15)]  # 0.48 s
    assert set(events) == {"speech"}
    # ... but not past echo_bridge_s without the candidate.
    events = [detector.push(step, 0.9, -28.0, -20.0) for _ in range(6)]
    assert events[-1] == "quiet" and "backchannel" in events


def test_short_backchannels_do_not_reopen_the_turn(speech) -> None:
    for word in ("yeah", "uh-huh", "okay"):
        said = np.concatenate([silence(0.3, -60), speech[word], silence(0.8, -60)])
        listener = listen_to(said)
        assert listener.detector.bursts >= 1, word  # it was heard ...
        assert not listener.reopened.is_set(), word  # ... and let pass


def test_going_on_reopens_and_hands_back_every_frame(speech) -> None:
    said = np.concatenate([silence(2.0, -60), speech["going_on"], silence(0.5, -60)])
    listener = listen_to(said)
    assert listener.reopened.is_set()
    assert 1.8 <= listener.onset_audio_s <= 2.2
    handed = np.concatenate(list(listener.handoff()))
    # The reopened turn starts half a second before the candidate went on; the pause before
    # that is kept aside (it goes between the two parts of the answer): nothing is lost.
    assert listener.skipped.size / SAMPLE_RATE == pytest.approx(
        listener.onset_audio_s - 0.5, abs=FRAME / SAMPLE_RATE
    )
    whole = np.concatenate([to_int16(listener.skipped), handed])
    np.testing.assert_array_equal(whole, to_int16(said))


class _Playing:
    """Advances a handle's position at real time, as play_interruptible does."""

    def __init__(self, handle: PlaybackHandle) -> None:
        self.handle = handle
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        started = time.perf_counter()
        self.handle.started_at = started
        while self.handle.position < self.handle.samples.size:
            if self.handle.stop_requested.is_set():
                return
            self.handle.position = min(
                self.handle.samples.size,
                int((time.perf_counter() - started) * self.handle.sample_rate),
            )
            time.sleep(0.005)


def _echo(reply_16k: np.ndarray, gain_db: float, delay_s: float, total: int) -> np.ndarray:
    echo = np.zeros(total, np.float32)
    start = int(delay_s * SAMPLE_RATE)
    part = reply_16k[: max(0, total - start)] * 10 ** (gain_db / 20)
    echo[start : start + part.size] = part
    return echo


def _listen_while_playing(tmp_path: Path, mic: np.ndarray, reply: PlaybackHandle, gate=None):
    listener = AfterTurnListener(iter(frames_of(mic)), gate=gate)
    listener.voice_started(reply)
    playing = _Playing(reply)
    playing.thread.start()
    listener._thread.join(timeout=120)
    playing.thread.join(timeout=120)
    return listener


@pytest.fixture(scope="module")
def reply(tmp_path_factory) -> tuple[np.ndarray, np.ndarray, int]:
    """The interviewer's line as played (22,050 Hz) and as a 16 kHz microphone hears it."""
    from audio_helpers import synth_wav
    from soundfile import read

    wav = synth_wav(REPLY, tmp_path_factory.mktemp("reply") / "reply.wav")
    played, rate = read(str(wav), dtype="float32")
    return played, load_audio(wav), rate


@pytest.mark.parametrize("gain_db", [-3.0, -12.0])
def test_the_interviewers_own_voice_at_the_microphone_does_not_stop_it(
    tmp_path: Path, reply, gain_db: float
) -> None:
    played, heard, rate = reply
    total = heard.size + SAMPLE_RATE // 2
    mic = _echo(heard, gain_db, 0.08, total) + silence(total / SAMPLE_RATE, -62)
    handle = PlaybackHandle(played, rate)
    listener = _listen_while_playing(tmp_path, mic, handle)
    assert not listener.reopened.is_set()
    assert not handle.stop_requested.is_set()
    # The gate learned the echo path (coupling near the loopback's gain, never below it).
    assert listener.detector.gate.coupling_db == pytest.approx(gain_db, abs=6.0)


def test_the_candidate_over_the_echo_stops_it(tmp_path: Path, reply, speech) -> None:
    played, heard, rate = reply
    total = heard.size + SAMPLE_RATE // 2
    candidate = np.zeros(total, np.float32)
    start = int(1.5 * SAMPLE_RATE)
    going_on = speech["going_on"][: total - start]
    candidate[start : start + going_on.size] = going_on
    mic = _echo(heard, -12.0, 0.08, total) + candidate + silence(total / SAMPLE_RATE, -62)
    handle = PlaybackHandle(played, rate)
    listener = _listen_while_playing(tmp_path, mic, handle)
    assert listener.reopened.is_set()
    assert handle.stop_requested.is_set()
    assert listener.onset_audio_s >= 1.3  # the candidate's burst, not the echo before it
    assert handle.position < handle.samples.size  # the reply did not play to its end


def test_the_echo_gate_is_open_when_nothing_plays() -> None:
    gate = EchoGate()
    assert gate.candidate(-50.0, None)
    assert not gate.candidate(-20.0, -20.0)  # unmeasured: echo assumed as loud as the line
