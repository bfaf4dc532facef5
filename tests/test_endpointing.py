"""End-of-turn policy: pure rules over silence, speech and the words so far."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from interviewer.speech_acts import words as normalise_words
from interviewer.turns import Decision, EndpointConfig, TurnEndPolicy
from interviewer.turns.completeness import Ending

policy = TurnEndPolicy()


def test_silence_after_speech_ends_at_end_silence_ms() -> None:
    assert policy.decide(799, 2000, None) == Decision(end=False, reason="pause")
    assert policy.decide(800, 2000, None) == Decision(end=True, reason="silence")
    assert policy.decide(0, 2000, None) == Decision(end=False, reason="speaking")


def test_no_speech_times_out_as_silent_turn() -> None:
    assert policy.decide(14_999, 0, None).end is False
    assert policy.decide(14_999, 0, None).reason == "waiting_for_speech"
    assert policy.decide(15_000, 0, None) == Decision(end=True, reason="no_speech")
    # Words without speech (a transcriber hallucinating on noise) do not end the turn early.
    assert policy.decide(5_000, 0, "i'm done").end is False


@pytest.mark.parametrize(
    ("words", "wait_ms"),
    [
        ("I would use a two tower model and", 1200),
        ("the main reason is, um", 4500),
        ("So the answer is... hmm", 4500),
        ("we could shard the index by", 1200),
        ("Let me think.", 4500),
        ("let me think about that for a second", 4500),
        ("I'd pick precision because", 1200),
        ("First,", 1200),
        ("Yeah.", 1500),
        ("okay so", 1500),
        ("and then we would...", 4500),
    ],
)
def test_unfinished_words_wait_longer(words: str, wait_ms: int) -> None:
    assert policy.classify(words) == "unfinished"
    assert wait_ms > policy.config.end_silence_ms  # the promise: they wait longer
    assert policy.decide(wait_ms - 1, 4_000, words) == Decision(end=False, reason="thinking_pause")
    assert policy.decide(wait_ms, 4_000, words) == Decision(end=True, reason="silence")


@pytest.mark.parametrize(
    ("words", "ending"),
    [
        # Switchboard-style words: no punctuation, no apostrophes.
        ("i really dont have a budget both my wife and", Ending.OPEN),
        ("so i think that", Ending.OPEN),
        ("its", Ending.OPEN),
        ("im", Ending.OPEN),
        ("we spend a lot on the", Ending.OPEN),
        ("and then uh", Ending.FILLER),
        ("yeah", Ending.STARTING),
        ("right well", Ending.STARTING),
        ("i really dont have a budget", Ending.COMPLETE),
        ("we mostly go out on weekends", Ending.COMPLETE),
        ("it depends on the latency budget i'm done", Ending.DONE),
        ("yeah that is my answer", Ending.DONE),
        ("hmm let me think", Ending.THINKING),
    ],
)
def test_endings_are_read_without_punctuation(words: str, ending: Ending) -> None:
    assert policy.read(words) is ending


@pytest.mark.parametrize(
    ("words", "ending"),
    [
        # Whisper spells the contractions: without the apostrophe, before a full stop, the
        # word ends the sentence; with it, or without punctuation (word timings), it opens.
        ("I key the cache on the user id.", Ending.COMPLETE),
        ("The two tower model works well.", Ending.COMPLETE),
        ("And then I'd", Ending.OPEN),
        ("After that we'll.", Ending.OPEN),
        ("i key the cache on the user id", Ending.OPEN),
        ("and then well", Ending.OPEN),
    ],
)
def test_id_and_well_end_a_sentence_unless_they_are_contractions(
    words: str, ending: Ending
) -> None:
    assert policy.read(words) is ending


def test_a_long_answer_that_starts_with_yeah_is_not_starting() -> None:
    assert policy.read("yeah we tried that and it worked") is Ending.COMPLETE
    assert policy.read("yeah okay right so") is Ending.OPEN  # "so" still wants more


@pytest.mark.parametrize(
    "words",
    [
        "I would use a two tower model.",
        "Recall at ten is the metric I would track",
        "It depends on the latency budget.",
    ],
)
def test_finished_sentences_end_after_the_short_silence(words: str) -> None:
    assert policy.classify(words) == "finished"
    assert policy.decide(800, 4_000, words) == Decision(end=True, reason="silence")


@pytest.mark.parametrize(
    "words", ["So yes, that's my answer.", "and I'm done", "I think that's it", "I am done!"]
)
def test_done_phrase_ends_at_once(words: str) -> None:
    assert policy.classify(words) == "done"
    assert policy.decide(250, 4_000, words) == Decision(end=True, reason="done_phrase")
    assert policy.decide(100, 4_000, words).end is False  # still mid-breath


def test_done_phrase_only_counts_at_the_end() -> None:
    words = "I'm done with the baseline, now the ranking stage"
    assert policy.classify(words) == "finished"
    assert policy.decide(300, 4_000, words).end is False


def test_empty_or_missing_words_fall_back_to_silence_only() -> None:
    for words in (None, "", "   "):
        assert policy.decide(800, 1_000, words) == Decision(end=True, reason="silence")


def test_thresholds_and_phrases_are_configurable() -> None:
    custom = TurnEndPolicy(
        EndpointConfig(
            end_silence_ms=300,
            open_silence_ms=1_000,
            done_phrases=["over to you"],
            no_speech_timeout_s=2,
        )
    )
    assert custom.decide(300, 500, "fine.").end
    assert custom.decide(999, 500, "and").end is False
    assert custom.decide(1_000, 500, "and").end
    assert custom.decide(300, 500, "Over to you.").reason == "done_phrase"
    assert custom.classify("that's my answer") == "finished"
    assert custom.decide(2_000, 0, None).reason == "no_speech"


def test_config_rejects_bad_values() -> None:
    with pytest.raises(ValidationError):
        EndpointConfig(end_silence_ms=-1)
    with pytest.raises(ValidationError):
        EndpointConfig(max_turn_s=0)
    with pytest.raises(ValidationError):
        EndpointConfig(end_silence=800)  # a typo is an error, not ignored


def test_normalise_words() -> None:
    assert normalise_words("I’m DONE, really!") == ["i'm", "done", "really"]


@pytest.mark.parametrize(
    "words",
    ["Let me think. The answer is recall.", "Let me think about it. OK. Recall at ten."],
)
def test_thinking_phrase_followed_by_an_answer_is_finished(words: str) -> None:
    assert policy.classify(words) == "finished"
    assert policy.decide(800, 4_000, words).end


def test_await_fresh_words_holds_the_turn_until_the_transcript_catches_up():
    from interviewer.turns.endpointing import AwaitFreshWords, EndpointConfig, TurnEndPolicy

    fresh = {"value": False}
    inner = TurnEndPolicy(EndpointConfig(end_silence_ms=600, thinking_silence_ms=3000))
    policy = AwaitFreshWords(inner, lambda: fresh["value"])
    # The words so far look finished, but they are stale: wait rather than cut off.
    held = policy.decide(700, 5000, "I would use a two tower model.")
    assert not held.end and held.reason == "waiting_for_words"
    # Never past the thinking allowance, fresh or not.
    assert policy.decide(3000, 5000, "I would use a two tower model.").end
    fresh["value"] = True
    assert policy.decide(700, 5000, "I would use a two tower model.").end
    # Fresh words that end mid-thought keep waiting, as the inner policy says.
    assert not policy.decide(700, 5000, "I would use a two tower model and").end
