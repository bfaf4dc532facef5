"""Voice activity state machine on arrays: real Silero VAD on espeak-ng speech, no device."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from audio_helpers import silence, synth_samples

from interviewer.audio.vad import (
    CROSSTALK_MARGIN_DB,
    WINDOW_SAMPLES,
    EnergySpeechProbability,
    SileroSpeechProbability,
    VADParams,
    VADState,
    VoiceActivityDetector,
    rms_dbfs,
)

SR = 16000


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    tmp = tmp_path_factory.mktemp("vad")
    return synth_samples("The model overfits, so I would add regularisation and more data.", tmp)


def run(detector: VoiceActivityDetector, audio: np.ndarray, frame: int = WINDOW_SAMPLES):
    updates = []
    for start in range(0, audio.size, frame):
        updates.append(detector.process(audio[start : start + frame]))
    return updates


def test_silero_finds_speech_between_silences(speech: np.ndarray) -> None:
    audio = np.concatenate([silence(1.0), speech, silence(1.5)])
    updates = run(VoiceActivityDetector(speech_probability=SileroSpeechProbability()), audio)
    states = [u.state for u in updates]
    # Every state of the machine is visited, in order, and it returns to QUIET.
    assert states[0] is VADState.QUIET
    first = {s: states.index(s) for s in VADState}
    assert first[VADState.QUIET] < first[VADState.STARTING] < first[VADState.SPEAKING]
    assert first[VADState.SPEAKING] < first[VADState.STOPPING]
    assert states[-1] is VADState.QUIET
    final = updates[-1]
    assert final.speech_detected
    # Speech starts where the synthesised audio does (espeak pads a little silence itself).
    assert 1.0 <= final.speech_start_sample / SR <= 1.3
    speech_end_s = 1.0 + speech.size / SR
    assert speech_end_s - 0.6 <= final.speech_end_sample / SR <= speech_end_s + 0.1
    # Most of the sentence is speech, and the trailing silence is counted exactly in samples.
    assert final.speech_samples / SR > 0.6 * speech.size / SR
    assert final.silence_samples == final.samples_seen - final.speech_end_sample


def test_pure_silence_and_low_noise_stay_quiet() -> None:
    for audio in (silence(3.0), silence(3.0, noise_dbfs=-55)):
        updates = run(VoiceActivityDetector(), audio)
        assert {u.state for u in updates} == {VADState.QUIET}
        assert not updates[-1].speech_detected
        assert updates[-1].silence_samples == updates[-1].samples_seen


def test_frame_length_does_not_change_the_result(speech: np.ndarray) -> None:
    audio = np.concatenate([silence(0.5), speech, silence(1.0)])
    by_window = run(VoiceActivityDetector(), audio, frame=WINDOW_SAMPLES)[-1]
    by_10ms = run(VoiceActivityDetector(), audio, frame=160)[-1]
    assert by_10ms == by_window


def test_int16_frames_give_the_same_result(speech: np.ndarray) -> None:
    audio = np.concatenate([silence(0.5), speech, silence(1.0)])
    as_int16 = (audio * 32767).astype(np.int16)
    a = run(VoiceActivityDetector(), audio)[-1]
    b = run(VoiceActivityDetector(), as_int16)[-1]
    assert a.speech_start_sample == b.speech_start_sample
    assert abs(a.speech_samples - b.speech_samples) <= 2 * WINDOW_SAMPLES


def test_streaming_silero_matches_faster_whispers_batch_model(speech: np.ndarray) -> None:
    from faster_whisper.vad import get_vad_model

    audio = np.concatenate([silence(0.3), speech])
    audio = np.pad(audio, (0, WINDOW_SAMPLES - audio.size % WINDOW_SAMPLES))
    batch = np.ravel(get_vad_model()(audio))
    prob = SileroSpeechProbability()
    streamed = [prob(audio[i : i + WINDOW_SAMPLES]) for i in range(0, audio.size, WINDOW_SAMPLES)]
    np.testing.assert_allclose(streamed, batch, atol=1e-5)


def test_short_blip_does_not_start_speech() -> None:
    """A 64 ms click (two windows) is STARTING, never SPEAKING, with start_ms=96."""
    t = np.arange(2 * WINDOW_SAMPLES) / SR
    blip = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    audio = np.concatenate([silence(16 * WINDOW_SAMPLES / SR), blip, silence(1.0)])
    det = VoiceActivityDetector(
        VADParams(start_ms=96), speech_probability=EnergySpeechProbability()
    )
    updates = run(det, audio)
    assert VADState.STARTING in {u.state for u in updates}
    assert VADState.SPEAKING not in {u.state for u in updates}
    assert not updates[-1].speech_detected


def test_stop_ms_counts_samples_not_time(speech: np.ndarray) -> None:
    """STOPPING lasts exactly stop_ms of audio (rounded up to whole windows) before QUIET."""
    det = VoiceActivityDetector(VADParams(stop_ms=320))
    updates = run(det, np.concatenate([speech, silence(2.0)]))
    last_speaking = max(i for i, u in enumerate(updates) if u.state is VADState.SPEAKING)
    stopping = [u for u in updates[last_speaking + 1 :] if u.state is VADState.STOPPING]
    assert len(stopping) * WINDOW_SAMPLES == 320 * SR // 1000 - WINDOW_SAMPLES


def _pause_then(speech: np.ndarray, gain_db: float, margin_db: float | None):
    """The speaker, a 0.6 s pause, then the same speech ``gain_db`` louder (or softer)."""
    after = speech * np.float32(10 ** (gain_db / 20))
    audio = np.concatenate([speech, silence(0.6), after, silence(0.3)])
    det = VoiceActivityDetector(VADParams(crosstalk_margin_db=margin_db))
    return run(det, audio)[-1], speech.size + round(0.6 * SR)


def test_a_voice_far_under_the_speakers_own_does_not_end_their_pause(speech: np.ndarray) -> None:
    """Crosstalk on a headset, a telephone's echo, a voice across the room: Silero hears speech
    at any level, so without the gate the pause would end as if the speaker went on."""
    gated, resumes_at = _pause_then(speech, -30.0, margin_db=CROSSTALK_MARGIN_DB)
    assert gated.speech_end_sample <= resumes_at  # the pause runs on through the other voice
    assert gated.silence_samples >= gated.samples_seen - resumes_at
    ungated, _ = _pause_then(speech, -30.0, margin_db=None)
    assert ungated.speech_end_sample > resumes_at + SR // 2  # heard as the speaker going on


def test_the_speaker_going_on_softer_still_ends_the_pause(speech: np.ndarray) -> None:
    for gain_db in (0.0, -10.0):
        final, resumes_at = _pause_then(speech, gain_db, margin_db=CROSSTALK_MARGIN_DB)
        assert final.speech_end_sample > resumes_at + SR // 2, gain_db


def _level(speech: np.ndarray) -> float:
    """The speaker's own level over a whole turn of their speech, as the VAD measures it."""
    det = VoiceActivityDetector()
    run(det, np.concatenate([speech, silence(0.3)]))
    level = det.own_level_dbfs()
    assert level is not None
    return level


def test_a_short_answer_is_gated_with_the_level_of_earlier_turns(speech: np.ndarray) -> None:
    """ "Yes." is too short to measure the speaker by (under 10 sure windows): with their
    level from an earlier turn, the other side's voice 30 dB down after it does not count as
    them going on; with no earlier turn it still does."""
    short = speech[: round(0.25 * SR)]
    audio = np.concatenate([short, silence(0.6), speech * np.float32(10 ** (-30 / 20))])
    resumes_at = short.size + round(0.6 * SR)
    fresh = run(VoiceActivityDetector(), audio)[-1]
    assert fresh.speech_end_sample > resumes_at + SR // 2
    known = run(VoiceActivityDetector(speaker_level_dbfs=_level(speech)), audio)[-1]
    assert known.speech_end_sample <= resumes_at


def test_the_level_of_earlier_turns_never_hides_the_start_of_a_turn(speech: np.ndarray) -> None:
    """Someone 30 dB quieter than last time (further from the microphone) is still heard
    starting; the earlier level only gates voices once this turn's speech has begun."""
    quiet = speech * np.float32(10 ** (-30 / 20))
    det = VoiceActivityDetector(speaker_level_dbfs=_level(speech))
    final = run(det, np.concatenate([silence(0.5), quiet, silence(0.3)]))[-1]
    assert final.speech_detected and final.speech_start_sample < round(0.5 * SR) + SR // 2
    assert det.own_level_dbfs() is not None and det.own_level_dbfs() < _level(speech) - 20


def test_energy_fallback_detects_speech(speech: np.ndarray) -> None:
    audio = np.concatenate([silence(1.0), speech, silence(1.0)])
    final = run(VoiceActivityDetector(speech_probability=EnergySpeechProbability()), audio)[-1]
    assert final.speech_detected
    assert 0.9 <= final.speech_start_sample / SR <= 1.3


def test_rms_dbfs() -> None:
    assert rms_dbfs(np.zeros(512, np.float32)) == -100.0
    full = np.ones(512, np.float32)
    assert rms_dbfs(full) == pytest.approx(0.0)
    assert rms_dbfs(full * 0.1) == pytest.approx(-20.0)
    assert rms_dbfs(np.full(512, 3277, np.int16)) == pytest.approx(-20.0, abs=0.01)


def test_vad_rejects_other_sample_rates() -> None:
    with pytest.raises(ValueError, match="16000"):
        VoiceActivityDetector(sample_rate=8000)


def test_helpers_write_real_files(tmp_path: Path) -> None:
    samples = synth_samples("hello", tmp_path)
    assert samples.dtype == np.float32 and samples.size > 0.2 * SR
