"""The end of a turn read in the words' meaning (turns/text_end.py): the text as the probe was
fitted on it, the window a long turn is read through, the shipped probe, and the real
SmolLM2 reading real-sounding answers."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from interviewer.llm.gguf import SMOLLM2_FILENAME, smollm2_model_path
from interviewer.turns import text_end
from interviewer.turns.text_end import (
    MAX_WORDS,
    STEP_WORDS,
    TextEndReader,
    load_text_end,
    normalise,
    read_probe,
    reading_window,
)


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("Don't stop. I'm sure!", "dont stop im sure"),
        ("Well... it's 10% — maybe", "well its 10 maybe"),
        ("  So,\tuh,  the  ", "so uh the"),
        ("I\u2019d say", "id say"),
    ],
)
def test_words_are_read_as_the_fitted_transcripts_write_them(said: str, written: str) -> None:
    assert normalise(said) == written


def test_a_long_turn_is_read_through_a_window_that_moves_in_steps() -> None:
    words = [f"w{i}" for i in range(MAX_WORDS + 2 * STEP_WORDS + 5)]
    assert reading_window(words[:MAX_WORDS]) == words[:MAX_WORDS]
    one_more = reading_window(words[: MAX_WORDS + 1])
    assert one_more[0] == words[STEP_WORDS] and one_more[-1] == words[MAX_WORDS]
    # The start stays put for a step's worth of words, so the model's cache is reused.
    later = reading_window(words[: MAX_WORDS + STEP_WORDS])
    assert later[0] == one_more[0]
    assert len(reading_window(words)) <= MAX_WORDS


def test_the_shipped_probe_fits_the_bundled_model() -> None:
    probe = read_probe()
    assert probe.model_file == SMOLLM2_FILENAME
    n = len(probe.weights)
    assert len(probe.mean) == len(probe.scale) == n and n > 100
    assert all(s > 0 for s in probe.scale)
    assert 0.6 < probe.held_out["all"] < 1.0  # as measured held out when it was fitted


def test_a_broken_probe_file_leaves_the_word_list_in_charge(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "probe.json"
    broken.write_text('{"model_file": "x"')
    with caplog.at_level(logging.WARNING, logger=text_end.__name__):
        assert load_text_end(probe_path=broken) is None
    assert "the word list decides" in caplog.text


@pytest.fixture(scope="module")
def reader_model():
    model = load_text_end()
    assert model is not None, "the bundled SmolLM2 and the shipped probe should load"
    return model


@pytest.mark.slow
@pytest.mark.llm
@pytest.mark.parametrize(
    ("finished", "unfinished"),
    [
        (
            "And so, my fellow Americans, ask not what your country can do for you, ask what "
            "you can do for your country.",
            "And so, my fellow Americans, ask not what your",
        ),
        (
            "I think precision matters more here because false positives cost the user money.",
            "I think precision matters more here because",
        ),
        (
            "So it is a two tower retrieval model with a ranker on top. That's the whole design.",
            "So it is a two tower retrieval model with a ranker on top of",
        ),
        ("I'm not sure, I haven't worked with that before.", "The main reason is, um"),
    ],
)
def test_a_finished_answer_reads_more_finished_than_one_broken_off(
    reader_model, finished: str, unfinished: str
) -> None:
    assert reader_model.standard_score(finished) > reader_model.standard_score(unfinished) + 0.5
    assert 0.0 < reader_model.probability(unfinished) < reader_model.probability(finished) < 1.0


@pytest.mark.slow
@pytest.mark.llm
def test_the_cache_reads_only_new_words_and_gives_what_a_fresh_read_gives() -> None:
    path = smollm2_model_path()
    system = read_probe().system
    warm = TextEndReader(path, system)
    start = "we looked at the click logs first and then"
    more = start + " we built a ranking model for it"
    warm.features(start)
    read_before = warm.llama.n_tokens
    with_cache = warm.features(more)
    assert warm.llama.n_tokens > read_before  # it went on from the cached words
    fresh = TextEndReader(path, system).features(more)
    assert np.allclose(with_cache, fresh, rtol=0.05, atol=0.05)
    assert with_cache[-1] == pytest.approx(np.log1p(len(more.split())))


def test_two_overlapping_quiet_llama_notes_restore_the_logger_once_both_are_done() -> None:
    """The grader's probe and the end-of-turn reader may read at once: the llama.cpp logger is
    silenced while either reads and back to its level after the last, whatever the order."""
    from interviewer.llm.llama_log import LLAMA_LOGGER, quiet_llama_notes

    logger = logging.getLogger(LLAMA_LOGGER)
    before = logger.level
    logger.setLevel(logging.ERROR)
    try:
        first, second = quiet_llama_notes(), quiet_llama_notes()
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)  # the first one out is not the last
        assert logger.level == logging.CRITICAL
        second.__exit__(None, None, None)
        assert logger.level == logging.ERROR
    finally:
        logger.setLevel(before)


def test_a_probe_of_mismatched_lengths_is_refused_with_the_reason(tmp_path: Path) -> None:
    data = read_probe().model_dump()
    data["weights"] = data["weights"][:-1]
    with pytest.raises(ValueError, match="one length"):
        text_end.TextEndProbe.model_validate(data)
