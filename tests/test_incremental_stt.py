"""Incremental speech to text on real faster-whisper (tiny.en) and real espeak-ng speech.

Passes are driven deterministically (``wait_idle`` after every frame: a model that keeps up)
so the figures do not depend on the machine's load; one test also runs the worker free,
and one goes through the real capture path (virtual ALSA mic, sounddevice, Silero VAD).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from audio_helpers import run_python, virtual_mic_env, write_raw_s16  # noqa: E402
from stt_accuracy import normalised_words, word_error_rate  # noqa: E402
from stt_streaming import (  # noqa: E402
    Answer,
    compose_answer,
    feed_like_capture,
    frames,
    run_incremental,
)

from interviewer.speech.incremental import IncrementalTranscriber, join_words  # noqa: E402
from interviewer.speech.stt import TranscribedWord, build_prompt, load_transcriber  # noqa: E402
from interviewer.turns.endpointing import TurnEndPolicy  # noqa: E402

pytestmark = pytest.mark.slow

TERMS = [
    "two-tower",
    "embeddings",
    "nearest neighbour",
    "ranker",
    "recall at k",
    "NDCG",
    "A/B test",
]
THINKING_PIECES: list[str | float] = [
    "Um, so I would start with candidate generation, using a two tower model "
    "with embeddings in an approximate nearest neighbour index, and then",
    2.5,
    "a ranker on top scores each candidate with richer features. Hmm, let me think.",
    3.0,
    "Offline I would track recall at k and NDCG, and, uh, online I would run an A B test.",
]


@pytest.fixture(scope="module")
def transcriber():
    return load_transcriber(None)


@pytest.fixture(scope="module")
def thinking_answer(tmp_path_factory) -> Answer:
    return compose_answer(THINKING_PIECES, tmp_path_factory.mktemp("speech"), TERMS, "thinking")


@pytest.fixture(scope="module")
def whole(transcriber, thinking_answer):
    return transcriber.transcribe(thinking_answer.samples, prompt=build_prompt(TERMS))


def assert_well_formed(words: list[TranscribedWord], duration_s: float) -> None:
    starts = [w.start for w in words]
    assert starts == sorted(starts), starts
    assert all(0.0 <= w.start <= w.end <= duration_s + 0.05 for w in words)


def test_streamed_answer_matches_whole_answer_transcription(transcriber, thinking_answer, whole):
    answer = thinking_answer
    at_pause: dict[str, str] = {}
    think_end = answer.spans_s[1][1]  # "... Hmm, let me think." then 3 s of silence

    def after_frame(elapsed_s: float) -> None:
        if "words" not in at_pause and elapsed_s >= think_end + 1.5:
            at_pause["words"] = inc.words_so_far()

    inc = IncrementalTranscriber(transcriber, build_prompt(TERMS))
    feed_like_capture(
        inc, answer.samples, real_time=False, deterministic=True, after_frame=after_frame
    )
    result = inc.finish()

    whole_wer = word_error_rate(answer.text, whole.text)
    inc_wer = word_error_rate(answer.text, result.text)
    assert inc_wer <= whole_wer + 0.06, (
        f"incremental {inc_wer:.1%} vs whole {whole_wer:.1%}\n{result.text}"
    )
    assert word_error_rate(whole.text, result.text) <= 0.2, (whole.text, result.text)
    assert_well_formed(result.words, answer.duration_s)
    assert result.duration == pytest.approx(answer.duration_s, abs=0.01)

    # The policy saw the thinking phrase during the pause, and would have waited.
    assert normalised_words(at_pause["words"])[-3:] == ["let", "me", "think"], at_pause
    assert TurnEndPolicy().classify(at_pause["words"]) == "unfinished"

    # Work was bounded and cuts fell between words: nothing duplicated or lost at a cut.
    assert len(inc.stats.cuts_s) >= 2
    assert inc.stats.max_window_s < answer.duration_s / 2
    for cut in inc.stats.cuts_s:
        before = [w for w in result.words if w.end <= cut + 0.1]
        after = [w for w in result.words if w.start >= cut - 0.1]
        assert len(before) + len(after) == len(result.words), f"a word straddles the cut at {cut}"
        if before and after and after[0].start - before[-1].end < 0.3:
            # The same word on both sides of a cut, back to back: heard twice.
            assert normalised_words(before[-1].word) != normalised_words(after[0].word), cut
    assert abs(len(result.words) - len(whole.words)) <= 3


def test_finish_transcribes_only_the_uncommitted_tail(transcriber, thinking_answer, whole):
    """Fed with feed() and no trailing pause: finish() must transcribe, but only the tail."""
    answer = thinking_answer
    speech_end = int(answer.spans_s[-1][1] * 16000)
    inc = IncrementalTranscriber(transcriber, build_prompt(TERMS), min_step_s=1.5)
    for frame in frames(answer.samples[:speech_end]):
        inc.feed(frame)
        inc.wait_idle()
    result = inc.finish()
    # Either the last pass already heard past the final voiced frame (nothing left to do),
    # or finish() transcribed a tail: never the whole answer.
    if not inc.stats.finish_reused_pass:
        assert 0.0 < inc.stats.finish_audio_s <= 12.0, inc.stats
    assert inc.stats.finish_audio_s < result.duration / 2
    # Windows cut mid-answer lose some context: within 8 points of the whole answer's WER
    # (benchmarks/stt_streaming.py measures the gap over 9 answers; the capture-path test
    # below allows the same).
    assert (
        word_error_rate(answer.text, result.text) <= word_error_rate(answer.text, whole.text) + 0.08
    )
    assert_well_formed(result.words, result.duration)


def test_free_running_worker_at_four_times_real_time(transcriber, tmp_path):
    """The background thread on its own schedule: whatever passes ran, the turn is complete."""
    answer = compose_answer(
        [
            "So, uh, I would chunk the documents and embed them.",
            1.5,
            "Then retrieve and rerank the passages.",
        ],
        tmp_path,
        ["chunking", "embeddings", "rerank"],
        "free",
    )
    whole = transcriber.transcribe(answer.samples, prompt=build_prompt(answer.terms))
    result, inc = run_incremental(transcriber, answer, real_time=False, deterministic=False)
    assert (
        word_error_rate(answer.text, result.text) <= word_error_rate(answer.text, whole.text) + 0.1
    )
    assert_well_formed(result.words, answer.duration_s)


def test_silence_only_gives_an_empty_transcription(transcriber):
    inc = IncrementalTranscriber(transcriber)
    noise = (np.random.default_rng(1).standard_normal(16000 * 4) * 10 ** (-60 / 20)).astype(
        np.float32
    )
    for start in range(0, noise.size, 512):
        inc.feed(noise[start : start + 512])
        inc.wait_idle()
    assert inc.words_so_far() == ""
    result = inc.finish()
    assert result.text == "" and result.words == []
    assert result.duration == pytest.approx(4.0, abs=0.01)


def test_misuse_is_named(transcriber):
    with pytest.raises(ValueError, match="16 kHz"):
        IncrementalTranscriber(transcriber, sample_rate=44100)
    inc = IncrementalTranscriber(transcriber)
    inc.finish()
    with pytest.raises(RuntimeError, match="new one per turn"):
        inc.feed(np.zeros(512, dtype=np.int16))


def test_join_words_attaches_split_pieces():
    words = [
        TranscribedWord(word=w, start=0, end=0, probability=1)
        for w in ["a", "two", "-tower", "model,", "it", "'s"]
    ]
    assert join_words(words) == "a two-tower model, it's"


# Runs in a subprocess whose default capture device is the virtual mic.
_CAPTURE_WITH_INCREMENTAL = r"""
import json, sys
from interviewer.audio.capture import MicrophoneRecorder
from interviewer.speech.incremental import IncrementalTranscriber
from interviewer.speech.stt import build_prompt, load_transcriber

args = json.loads(sys.argv[1])
transcriber = load_transcriber(None)
prompt = build_prompt(args["terms"])
inc = IncrementalTranscriber(transcriber, prompt)
policy_words = []

def on_frame(info):
    inc.on_frame(info)
    inc.wait_idle()  # the virtual mic is faster than real time: let the model keep up

def words_provider():
    words = inc.words_so_far()
    policy_words.append(words)
    return words

turn = MicrophoneRecorder().record_turn(on_frame=on_frame, words_provider=words_provider)
result = inc.finish()
whole = transcriber.transcribe(turn.samples, prompt=prompt)
print(json.dumps({
    "ended_by": turn.ended_by, "duration_s": turn.duration_s, "text": result.text,
    "words": [w.model_dump() for w in result.words], "whole": whole.text,
    "cuts": inc.stats.cuts_s, "policy_saw": sorted(set(policy_words), key=len)[-3:],
}))
"""


def test_capture_path_feeds_the_policy_and_the_transcript(tmp_path, thinking_answer):
    """record_turn(on_frame=inc.on_frame, words_provider=inc.words_so_far) on a virtual mic."""
    answer = thinking_answer
    speech_end = int(answer.spans_s[-1][1] * 16000)
    raw = write_raw_s16(answer.samples[:speech_end], tmp_path / "answer.raw")  # then zeros
    proc = run_python(
        virtual_mic_env(raw, tmp_path), _CAPTURE_WITH_INCREMENTAL, json.dumps({"terms": TERMS})
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    # The 2.5 s and 3 s mid-answer pauses outlast the 0.8 s end silence: only the words
    # ("...", "let me think") kept the turn open until the real end.
    assert out["ended_by"] == "silence"
    assert out["duration_s"] > answer.spans_s[-1][1], out
    assert word_error_rate(out["whole"], out["text"]) <= 0.2, out
    assert (
        word_error_rate(answer.text, out["text"])
        <= word_error_rate(answer.text, out["whole"]) + 0.08
    ), out
    words = [TranscribedWord(**w) for w in out["words"]]
    assert_well_formed(words, out["duration_s"])
