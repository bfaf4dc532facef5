"""The acknowledgement said while a slow follow-up is written, and one answer from two parts."""

from __future__ import annotations

import numpy as np
import pytest

from interviewer.catalog.personas import load_catalog
from interviewer.interview.acknowledge import Acknowledger, lines_file, load_lines, named_phrase
from interviewer.interview.answers.joined import join_answers
from interviewer.interview.answers.sources import CandidateAnswer
from interviewer.speech.stt import TranscribedWord, Transcription

TERMS = load_catalog().question("sd-recsys-video").terms


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (
            "I would use a two tower model for candidate generation, then a ranker.",
            "a two tower model",
        ),
        ("Offline I'd measure recall at k, then run an A/B test on watch time.", "watch time"),
        ("So the embeddings can be precomputed.", "embeddings"),
        ("Honestly, I don't know.", ""),
        # Said in a practice session as "It in two stages, okay.": a pronoun names nothing.
        (
            "Okay, I would build it in two stages. First, candidate generation with a two "
            "tower model.",
            "two tower",
        ),
        # "Regularisation for example weight. Right." in a practice session: cut mid-name.
        ("I would add regularisation for example, weight decay or dropout.", "regularisation"),
        # The latency benchmark's answers that named nothing: a filler broke the choice, the
        # choice ran on past "as", or the term is "ranking".
        ("I would, um, add a dropout layer.", "a dropout layer"),
        ("To correct that I would, um, add the position as a feature.", "the position"),
        ("Then the ranker orders them by predicted watch.", "ranker"),
        ("So the list is ranked.", ""),  # a verb's past is not a name: "Okay, ranked."
    ],
)
def test_the_phrase_is_the_candidates_own(answer: str, phrase: str) -> None:
    assert named_phrase(answer, TERMS, 4) == phrase


def test_lines_vary_and_never_repeat_back_to_back() -> None:
    acknowledger = Acknowledger(load_lines(lines_file()))
    answer = "I would use a two tower model for candidate generation."
    said = [acknowledger.line_for(answer, TERMS) for _ in range(6)]
    assert all(line and "two tower model" in line for line in said)
    assert all(a != b for a, b in zip(said, said[1:], strict=False))
    assert acknowledger.line_for("Honestly, I don't know.", TERMS) is None  # nothing to name


def _heard(text: str, start: float, seconds: float) -> CandidateAnswer:
    words = [
        TranscribedWord(word=w, start=start + i * 0.3, end=start + i * 0.3 + 0.25, probability=0.9)
        for i, w in enumerate(text.split())
    ]
    return CandidateAnswer(
        source="microphone",
        samples=np.full(int(seconds * 16000), 0.1, np.float32),
        ended_by="silence",
        transcription=Transcription(text=text, duration=seconds, words=words),
    )


def test_a_reopened_answer_is_one_answer_on_one_timeline() -> None:
    first, rest = _heard("I would use a ranker", 0.5, 3.0), _heard("and measure recall", 0.2, 2.0)
    pause = np.zeros(16000, np.float32)  # a second heard between them
    joined = join_answers(first, rest, pause)
    assert joined.samples.size == (3 + 1 + 2) * 16000
    assert joined.transcription.text == "I would use a ranker and measure recall"
    starts = [w.start for w in joined.transcription.words]
    assert starts == sorted(starts)
    assert joined.transcription.words[5].start == pytest.approx(4.0 + 0.2)  # after 3 s + 1 s
    assert joined.ended_by == "silence"


class _Said:
    """A late line's ``say``: records each time it is said."""

    def __init__(self) -> None:
        import threading

        self.lines: list[str] = []
        self.saying = threading.Event()

    def __call__(self) -> None:
        self.saying.set()
        self.lines.append("ack")


def test_a_late_line_is_said_only_when_nothing_came_first() -> None:
    import time

    from interviewer.interview.runner import LateLine

    say = _Said()
    early = LateLine(say, time.perf_counter() + 3600)  # the reply came first
    early.finish()
    late = LateLine(say, time.perf_counter())  # the reply is late: said, and awaited
    assert say.saying.wait(30)
    late.finish()
    assert say.lines == ["ack"]


def test_a_late_line_hurried_is_said_at_once() -> None:
    """The reply needs the model (seconds of writing): the acknowledgement goes now, not at
    its deadline; hurried after it was cancelled, it stays unsaid."""
    import time

    from interviewer.interview.runner import LateLine

    say = _Said()
    hurried = LateLine(say, time.perf_counter() + 3600)
    hurried.hurry()
    assert say.saying.wait(30)  # an hour before its deadline
    hurried.finish()
    cancelled = LateLine(say, time.perf_counter() + 3600)
    cancelled.finish()
    cancelled.hurry()
    assert say.lines == ["ack"]
