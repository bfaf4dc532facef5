"""The end of a turn heard in the voice: the combination of the voice's score with the words'
waits (turns/voice_end.py), on arrays, and the real Smart Turn model (audio/smart_turn.py).

The combination is pure logic over (silence, speech, words) and one score per pause, so its
rules are tested with a scripted score; the model itself is tested on real speech.
"""

from __future__ import annotations

import logging

import numpy as np
import pytest
from audio_helpers import SHARED_SPEECH_DIR, silence, synth_samples, to_int16

from interviewer.audio import TurnDetector, smart_turn
from interviewer.turns import Decision, EndpointConfig, TurnEndPolicy
from interviewer.turns.endpointing import AwaitFreshWords
from interviewer.turns.voice_end import VoiceEndConfig, VoiceEndPolicy

SR = 16000
FRAME = 512


class ScriptedVoice:
    """Says the same score for every window it is shown; records what it was shown."""

    def __init__(self, score: float) -> None:
        self.score = score
        self.shown: list[np.ndarray] = []

    def probability(self, samples: np.ndarray) -> float:
        self.shown.append(samples)
        return self.score


def first_end_ms(policy, words: str | None, spoken_ms: int = 4000) -> int | None:
    """The silence (ms, in 32-ms frames) at which the policy ends the pause, if within 6 s."""
    for silence_ms in range(32, 6000, 32):
        if policy.decide(silence_ms, spoken_ms, words).end:
            return silence_ms
    return None


def voice_policy(score: float, **voice) -> tuple[VoiceEndPolicy, ScriptedVoice]:
    model = ScriptedVoice(score)
    policy = VoiceEndPolicy(TurnEndPolicy(), model, VoiceEndConfig(**voice))
    policy.hear(np.zeros(FRAME, dtype=np.int16))
    return policy, model


def ceil_frame(ms: int) -> int:
    return -(-ms // 32) * 32


@pytest.mark.parametrize(
    ("words", "score", "wait_ms"),
    [
        # Finished-sounding words: the voice sets the wait.
        ("I would shard the index by region.", 0.9, 600),
        ("I would shard the index by region.", 0.1, 1000),
        (None, 0.9, 600),  # no transcriber: voice and silence alone
        (None, 0.1, 1000),
        # Words that need more: shorter than the words' own wait (1.2 s, 1.5 s) when the voice
        # says finished, longer when it agrees they are not.
        ("I would shard the index by", 0.9, 800),
        ("I would shard the index by", 0.1, 2000),
        ("okay so", 0.9, 800),
        ("okay so", 0.1, 2000),
        # A spoken "um": the thinking wait, unless the voice says they have finished.
        ("the main reason is, um", 0.9, 2000),
        ("the main reason is, um", 0.1, 4500),
        ("and then, uh...", 0.9, 2000),
        ("and then, uh...", 0.1, 4500),
        # Whisper's trailing "..." (no "um" said): 2 s, whatever the voice says.
        ("I would shard the index by region...", 0.9, 2000),
        ("I would shard the index by region...", 0.1, 2000),
        ("I would shard the index by...", 0.9, 2000),
    ],
)
def test_the_wait_follows_the_voice_and_the_words(words, score, wait_ms) -> None:
    policy, _ = voice_policy(score)
    assert first_end_ms(policy, words) == ceil_frame(wait_ms)


def test_a_spoken_um_said_unfinished_is_a_thinking_pause() -> None:
    """What the level meter shows ("take your time…") while the thinking wait runs."""
    policy, _ = voice_policy(0.1)
    assert policy.decide(1000, 4000, "the main reason is, um").reason == "thinking_pause"
    policy, _ = voice_policy(0.9)
    assert policy.decide(1000, 4000, "the main reason is, um").reason == "pause"


@pytest.mark.parametrize("words", ["Let me think.", "Give me a second to think about that."])
def test_asking_for_time_keeps_its_wait_whatever_the_voice_says(words) -> None:
    policy, model = voice_policy(0.99)
    assert first_end_ms(policy, words) == 4512  # 4.5 s, the thinking wait, in frames
    assert model.shown == []  # the voice is not even asked


def test_a_done_phrase_ends_at_once_and_no_speech_is_the_words_rule() -> None:
    policy, model = voice_policy(0.0)
    assert first_end_ms(policy, "We shard by user id. That's my answer.") == 256
    assert policy.decide(15_000, 0, None) == Decision(end=True, reason="no_speech")
    assert model.shown == []


def test_each_pause_is_scored_once_and_afresh_after_speech() -> None:
    policy, model = voice_policy(0.1)
    words = "I would shard the index by region."
    for silence_ms in (32, 160, 224, 500, 900):
        assert not policy.decide(silence_ms, 3000, words).end
    assert len(model.shown) == 1  # scored once, at 200 ms of silence
    assert policy.decide(0, 3100, words) == Decision(end=False, reason="speaking")
    assert policy.score is None
    policy.decide(224, 3100, words)
    assert len(model.shown) == 2  # the next pause is heard anew


def test_the_model_hears_the_turns_last_eight_seconds() -> None:
    policy, model = voice_policy(0.9)
    tone = (np.sin(np.arange(12 * SR) * 0.05) * 8000).astype(np.int16)
    for start in range(0, tone.size, FRAME):
        policy.hear(tone[start : start + FRAME])
    policy.decide(224, 10_000, None)
    [shown] = model.shown
    assert shown.dtype == np.float32 and shown.size == 8 * SR
    np.testing.assert_allclose(shown, tone[-8 * SR :] / 32768.0)


def test_the_detector_hands_every_frame_to_a_listening_policy(tmp_path) -> None:
    """TurnDetector (the microphone path's heart) passes each frame through AwaitFreshWords to
    the voice policy before it decides; the turn ends at the voice's finished wait."""
    speech = synth_samples("I would shard the index by region.", tmp_path)
    audio = to_int16(np.concatenate([silence(0.3), speech, silence(3.0)]))
    model = ScriptedVoice(0.9)
    policy = AwaitFreshWords(VoiceEndPolicy(TurnEndPolicy(), model), lambda: True)
    detector = TurnDetector(EndpointConfig(), policy)
    for start in range(0, audio.size, FRAME):
        info = detector.push(audio[start : start + FRAME], "I would shard the index by region.")
        if detector.ended_by is not None:
            break
    assert detector.ended_by == "silence"
    assert 0.6 <= info.silence_s < 0.7  # finished_ms, not the words' 800 ms
    # Scored at the last pause, on the turn's audio up to that frame, every sample of it.
    shown = model.shown[-1]
    assert 0 < shown.size < start + FRAME
    np.testing.assert_allclose(shown, audio[: shown.size] / 32768.0)


# -- the real model --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model() -> smart_turn.SmartTurnModel:
    loaded = smart_turn.load_smart_turn()
    if loaded is None:
        pytest.fail(
            f"the end-of-turn model is not installed at {smart_turn.model_path()}: "
            "run ./install.sh (or python -m interviewer.audio.smart_turn install)"
        )
    return loaded


def test_features_are_the_models_input_shape_with_the_front_zero_padded() -> None:
    speech = (np.random.default_rng(0).standard_normal(2 * SR) * 0.1).astype(np.float32)
    feats = smart_turn.features(speech)
    assert feats.shape == (80, 800) and feats.dtype == np.float32
    # 2 s of sound at the end of the 8-s window: the first 6 s are padding, flat in time.
    assert np.ptp(feats[:, :550], axis=1).max() < 1e-5  # each band flat over time
    assert np.ptp(feats[:, -150:]) > 0.1


@pytest.mark.skipif(
    not (SHARED_SPEECH_DIR / "jfk.flac").is_file(), reason="needs ../shared/data/speech"
)
def test_the_model_hears_mid_sentence_from_the_end_in_real_speech(model) -> None:
    from interviewer.audio.io import load_audio

    jfk = load_audio(SHARED_SPEECH_DIR / "jfk.flac")  # "... can do for you, ask what ..."
    pause = silence(0.2)
    mid = model.probability(np.concatenate([jfk[: int(6.04 * SR)], pause]))  # "what your"
    end = model.probability(np.concatenate([jfk, pause]))  # "... for your country."
    assert mid < smart_turn.THRESHOLD <= end, (mid, end)


def _load_from(path, monkeypatch, caplog) -> str:
    """Load the model from ``path`` (a fresh load, not the cached one): it must fall back to
    None; what it logged is returned."""
    monkeypatch.setenv(smart_turn.MODEL_ENV, str(path))
    smart_turn.load_smart_turn.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="interviewer.audio.smart_turn"):
            assert smart_turn.load_smart_turn() is None
    finally:
        smart_turn.load_smart_turn.cache_clear()
    return caplog.text


def test_a_missing_model_falls_back_with_a_clear_log(tmp_path, monkeypatch, caplog) -> None:
    logged = _load_from(tmp_path / "absent.onnx", monkeypatch, caplog)
    assert "not installed" in logged and "words and silence" in logged


def test_a_corrupt_model_file_falls_back_too(tmp_path, monkeypatch, caplog) -> None:
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not an onnx model")
    assert "cannot load" in _load_from(broken, monkeypatch, caplog)


class ScriptedMeaning:
    """A reader of the words' meaning that gives one standard score; records what it read."""

    def __init__(self, score: float) -> None:
        self.score = score
        self.read: list[str] = []

    def standard_score(self, words: str) -> float:
        self.read.append(words)
        return self.score


def meaning_policy(
    meaning: float, voice: float | None, **config
) -> tuple[VoiceEndPolicy, ScriptedMeaning]:
    reader = ScriptedMeaning(meaning)
    model = ScriptedVoice(voice) if voice is not None else None
    policy = VoiceEndPolicy(TurnEndPolicy(), model, VoiceEndConfig(**config), reader)
    policy.hear(np.zeros(FRAME, dtype=np.int16))
    return policy, reader


@pytest.mark.parametrize(
    ("words", "meaning", "voice", "wait_ms"),
    [
        # The wait falls as the words sound more finished: base 850 ms - 300 ms per unit.
        ("I would shard the index by region.", 0.0, None, 850),
        ("I would shard the index by region.", 0.5, None, 700),
        ("I would shard the index by region.", -2.0, None, 1450),
        # An open last word no longer fixes the wait: the reader's score does...
        ("I would shard the index by", -1.0, None, 1150),
        ("I would shard the index by", 1.0, 0.1, 700),
        # ...unless the voice says unfinished too: a thought broken off waits 2 s.
        ("I would shard the index by", -1.0, 0.1, 2000),
        ("I would shard the index by", -1.0, 0.9, 1050),
        # Within [600 ms, 3 s].
        ("That is the whole design.", 5.0, None, 600),
        ("That is the whole design.", 5.0, 0.9, 600),
        ("I would shard it.", -20.0, None, 3000),
        # The voice moves the wait 100 ms either way.
        ("I would shard the index by region.", 0.0, 0.9, 750),
        ("I would shard the index by region.", 0.0, 0.1, 950),
        # After a spoken "um", at least 2 s, whatever the voice says.
        ("the main reason is, um", 2.0, 0.9, 2000),
        ("the main reason is, um", 2.0, 0.1, 2000),
        ("the main reason is, um", -10.0, 0.9, 2900),  # 3 s at most, less the voice
        # Whisper's "..." (its guess that the voice trailed off) keeps the table's 2 s.
        ("I would shard the index by region...", 1.0, 0.9, 2000),
        ("I would shard the index by region...", -4.0, 0.1, 2150),
    ],
)
def test_the_words_meaning_sets_the_wait(
    words: str, meaning: float, voice: float | None, wait_ms: int
) -> None:
    policy, reader = meaning_policy(meaning, voice)
    assert first_end_ms(policy, words) == ceil_frame(wait_ms)
    assert reader.read and set(reader.read) == {words}


@pytest.mark.parametrize(
    ("words", "wait_ms"), [("That's my answer.", 250), ("Hmm, let me think.", 4500)]
)
def test_requests_keep_their_own_wait_over_the_meaning(words: str, wait_ms: int) -> None:
    """A done phrase ends at once and "let me think" gets its time, whatever the reader says
    (rules do these well: the gates come first)."""
    policy, reader = meaning_policy(-5.0 if wait_ms < 1000 else 5.0, 0.5)
    assert first_end_ms(policy, words) == ceil_frame(wait_ms)
    assert reader.read == []


def test_a_reader_that_fails_mid_answer_leaves_the_word_list_in_charge(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The capture thread asks at every pause: a reader that raises must not stop it."""

    class Broken:
        def standard_score(self, words: str) -> float:
            raise RuntimeError("llama_decode returned -1")

    policy = VoiceEndPolicy(TurnEndPolicy(), ScriptedVoice(0.1), VoiceEndConfig(), Broken())
    policy.hear(np.zeros(FRAME, dtype=np.int16))
    with caplog.at_level(logging.WARNING):
        assert first_end_ms(policy, "I would shard the index by region.") == ceil_frame(1000)
    assert "the word list decides" in caplog.text and policy.meaning is None
