"""TurnDetector: VAD + endpointing over arrays, exactly as the microphone path runs them.

The thinking-pause cases are issue 5's false cut-off set in miniature: spoken answers with a
2-4 s pause mid-thought, where the words so far end in a filler or "let me think".
"""

from __future__ import annotations

import numpy as np
import pytest
from audio_helpers import silence, synth_samples, to_int16

from interviewer.audio import TurnDetector
from interviewer.turns import EndpointConfig

SR = 16000
FRAME = 512


def replay(detector: TurnDetector, audio: np.ndarray, words_at: list[tuple[float, str]] = ()):
    """Push ``audio`` frame by frame; ``words_at`` = (time_s, words so far) from then on."""
    pcm = to_int16(audio)
    words = None
    for start in range(0, pcm.size, FRAME):
        now_s = start / SR
        for at_s, text in words_at:
            if now_s >= at_s:
                words = text
        detector.push(pcm[start : start + FRAME], words)
        if detector.ended_by is not None:
            break
    return detector.turn()


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    tmp = tmp_path_factory.mktemp("turns")
    return {
        "first": synth_samples("I would start with a simple baseline, um", tmp),
        "second": synth_samples("and then add features for user history.", tmp),
        "think": synth_samples("So the bottleneck is the index. Let me think.", tmp),
        "done": synth_samples("We shard by user id. That's my answer.", tmp),
    }


@pytest.mark.parametrize("pause_s", [2.0, 3.0, 4.0])
def test_thinking_pauses_are_not_cut_off(parts: dict[str, np.ndarray], pause_s: float) -> None:
    first, second = parts["first"], parts["second"]
    audio = np.concatenate([first, silence(pause_s, noise_dbfs=-60), second, silence(6.0)])
    t_second = (first.size + pause_s * SR) / SR
    words = [
        (0.5, "I would start with a simple baseline, um"),
        (
            t_second + 0.5,
            "I would start with a simple baseline, um and then add features for user history.",
        ),
    ]
    turn = replay(TurnDetector(), audio, words)
    assert turn.ended_by == "silence"
    assert turn.speech_end_s > t_second  # the second half was heard, not cut off
    # ... and the finished answer then ended after the short silence (0.8 s).
    assert turn.duration_s - turn.speech_end_s == pytest.approx(0.8, abs=FRAME / SR)


def test_without_words_the_same_pause_is_cut(parts: dict[str, np.ndarray]) -> None:
    first, second = parts["first"], parts["second"]
    audio = np.concatenate([first, silence(2.0), second, silence(2.0)])
    turn = replay(TurnDetector(), audio)
    assert turn.ended_by == "silence"
    assert turn.duration_s < first.size / SR + 1.0  # cut during the pause: why words matter


def test_let_me_think_waits_the_thinking_silence(parts: dict[str, np.ndarray]) -> None:
    audio = np.concatenate([parts["think"], silence(8.0)])
    words = [(0.2, "So the bottleneck is the index. Let me think.")]
    turn = replay(TurnDetector(EndpointConfig(thinking_silence_ms=3000)), audio, words)
    assert turn.ended_by == "silence"
    assert turn.duration_s - turn.speech_end_s == pytest.approx(3.0, abs=FRAME / SR)


def test_done_phrase_ends_quickly(parts: dict[str, np.ndarray]) -> None:
    audio = np.concatenate([parts["done"], silence(3.0)])
    words = [(0.2, "We shard by user id. That's my answer.")]
    turn = replay(TurnDetector(), audio, words)
    assert turn.ended_by == "done_phrase"
    assert turn.duration_s - turn.speech_end_s == pytest.approx(0.25, abs=FRAME / SR)


def test_max_length_ends_the_turn(parts: dict[str, np.ndarray]) -> None:
    long_answer = np.concatenate([parts["first"]] * 4)
    detector = TurnDetector(EndpointConfig(max_turn_s=2.0))
    turn = replay(detector, long_answer)
    assert turn.ended_by == "max_length" and turn.samples.size == 2 * SR
    with pytest.raises(RuntimeError, match="already ended"):
        detector.push(to_int16(parts["first"][:FRAME]))


def test_float_frames_are_accepted(parts: dict[str, np.ndarray]) -> None:
    detector = TurnDetector()
    info = detector.push(parts["first"][:FRAME])
    assert info.frame.dtype == np.int16 and info.index == 0
    np.testing.assert_array_equal(info.frame, to_int16(parts["first"][:FRAME]))


def test_the_turn_carries_the_speakers_own_level(parts: dict[str, np.ndarray]) -> None:
    """What the listener after the turn compares a later voice with (turns/barge_in.py)."""
    audio = np.concatenate([silence(0.3), parts["second"], silence(1.5)])
    loud = replay(TurnDetector(EndpointConfig(end_silence_ms=800)), audio).speech_level_dbfs
    soft = replay(TurnDetector(EndpointConfig(end_silence_ms=800)), audio * 0.1).speech_level_dbfs
    assert loud is not None and soft is not None
    assert -40.0 < loud < 0.0
    assert loud - soft == pytest.approx(20.0, abs=1.0)
    assert replay(TurnDetector(), silence(0.5)).speech_level_dbfs is None  # nobody spoke


def test_the_recorder_gates_a_short_answer_with_the_level_of_the_last(
    parts: dict[str, np.ndarray],
) -> None:
    """The same person at the same microphone: a turn too short to measure the speaker by
    ("Yes.") is gated with the level of their last turn, so the other side's voice 30 dB
    down does not hold it open (MicrophoneRecorder.record_turn, frames given as a stream)."""
    from interviewer.audio import MicrophoneRecorder

    def frames(audio: np.ndarray):
        pcm = to_int16(audio)
        return iter([pcm[i : i + FRAME] for i in range(0, pcm.size, FRAME)])

    short = parts["second"][: round(0.25 * SR)]
    other_side = parts["first"] * np.float32(10 ** (-30 / 20))
    answer = np.concatenate([short, silence(0.2), other_side, silence(0.2), other_side])
    recorder = MicrophoneRecorder(endpoint=EndpointConfig(end_silence_ms=800))
    first = recorder.record_turn(frames=frames(answer))
    assert first.ended_by == "max_length"  # never ended: the other side held it open
    recorder.record_turn(frames=frames(np.concatenate([parts["second"], silence(1.2)])))
    assert recorder.speaker_level_dbfs is not None
    again = recorder.record_turn(frames=frames(answer))
    assert again.ended_by == "silence"
    assert again.duration_s < short.size / SR + 0.2 + 1.0
