"""The live interviewer and the grader read a candidate's sentence the same way.

Every sentence of the grading development set (transcripts nobody wrote for the policy) goes
through both users of ``interviewer.speech_acts``: the policy's reading of a turn and the
grader's detectors. Where they may differ by design (the grader also counts a hedge such as
"my guess is" as honesty; the interviewer gives a hint only for "I don't know"), the test says
so and checks that the difference is exactly that.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from interviewer import speech_acts
from interviewer.grading import evidence, load_rubric
from interviewer.grading.scorers import SCORERS
from interviewer.grading.sentences import Sentence, candidate_sentences
from interviewer.grading.transcript import parse_text_transcript
from interviewer.turns import TurnEndPolicy

DEVSET = Path(__file__).resolve().parent / "grading_devset"


def _devset_sentences() -> list[Sentence]:
    found: list[Sentence] = []
    for path in sorted(DEVSET.rglob("*.txt")):
        session = parse_text_transcript(path.read_text(encoding="utf-8"), str(path))
        found += [s for s in candidate_sentences(session) if s.ignored is None]
    return found


SENTENCES = _devset_sentences()


def test_the_devset_gives_enough_sentences_of_each_kind() -> None:
    asked = [s for s in SENTENCES if speech_acts.clarifying_questions(s.text)]
    stuck = [s for s in SENTENCES if speech_acts.DONT_KNOW.search(s.text)]
    assert len(SENTENCES) > 300 and len(asked) >= 40 and len(stuck) >= 15


def test_clarifying_questions_read_the_same_live_and_graded() -> None:
    disagree = []
    for s in SENTENCES:
        live = bool(speech_acts.clarifying_questions(s.text))
        # The grader skips answers to a probe (they are not asked before solving): read the
        # sentence as if it came first, which is how the live policy sees every turn.
        graded = bool(evidence.clarifying_questions([dataclasses.replace(s, after_probe=False)]))
        if live != graded:
            disagree.append((s.text, live, graded))
    assert disagree == []


def test_not_knowing_reads_the_same_live_and_graded() -> None:
    """A sentence the interviewer hears as "I don't know" is an admission on the scorecard;
    an admission the interviewer does not answer with a hint is a hedge."""
    hedges = 0
    for s in SENTENCES:
        graded = {h.kind for h in evidence.honesty_markers([s])}
        admitted = bool(graded & {"admission", "admission_reasoned"})
        stuck = bool(speech_acts.DONT_KNOW.search(s.text))
        live = speech_acts.admits_not_knowing(s.text)
        if live and not speech_acts.HINT_REQUEST.search(s.text):
            assert stuck, s.text  # the live reading of one sentence is DONT_KNOW itself
        if stuck:
            assert admitted, s.text
        elif admitted:
            assert speech_acts.HEDGE.search(s.clean), s.text
            hedges += 1
    assert hedges >= 1  # the devset holds both kinds


def test_pause_announcements_read_the_same_live_and_graded() -> None:
    """Where a sentence announces a pause ("let me think"), the live turn stays open after it
    and the grader does not count the silence after it as a blank."""
    policy = TurnEndPolicy()
    announced = 0
    # The devset has almost no announced pauses: a few said the way candidates say them.
    said_here = [
        "Okay, so let me think about the features for a second",
        "Hmm, give me a moment",
        "Let me take a minute to work through the joins",
        "Bear with me, I want to get the window right",
    ]
    for text in [s.text for s in SENTENCES] + said_here:
        said = speech_acts.words(text)
        for phrase in speech_acts.PAUSE_ANNOUNCEMENTS:
            tail = speech_acts.words(phrase)
            at = next((i for i in range(len(said)) if said[i : i + len(tail)] == tail), None)
            if at is None:
                continue
            announced += 1
            # The candidate goes quiet right after the announcement.
            assert policy.classify(" ".join(said[: at + len(tail)])) == "unfinished", text
            assert speech_acts.ANNOUNCED_PAUSE.search(text), text
    assert announced >= len(said_here)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("So, um, how many users do we have", True),  # no question mark: Whisper drops it
        ("What's the latency budget?", True),
        ("Does that make sense?", False),  # a check-in, not about the problem
        ("Why would I pick a tree? Because it is fast.", False),  # rhetorical
        ("I'd use a two-tower model.", False),
    ],
)
def test_clarifying_question_examples(sentence: str, expected: bool) -> None:
    assert bool(speech_acts.clarifying_questions(sentence)) is expected


def test_one_tokeniser_and_one_speaking_rate() -> None:
    assert speech_acts.words("I’m DONE, really!") == ["i'm", "done", "really"]
    assert speech_acts.speaking_time_s("one two three four five") == pytest.approx(
        5 / speech_acts.SPEAKING_WORDS_PER_S
    )


def test_every_scorer_is_used_by_the_default_rubric_and_every_dimension_has_one() -> None:
    rubric = load_rubric()
    assert {d.scorer_id for d in rubric.dimensions} == set(SCORERS)


def test_a_decimal_point_does_not_end_a_sentence() -> None:
    from interviewer.interview.policy.decide import first_sentence
    from interviewer.speech_acts import sentences

    text = "Your team reports 0.95 AUC offline. Why did it drop? It took 2.5 s."
    assert sentences(text) == [
        "Your team reports 0.95 AUC offline.",
        "Why did it drop?",
        "It took 2.5 s.",
    ]
    assert first_sentence(text) == "Your team reports 0.95 AUC offline."


@pytest.mark.parametrize(
    ("sentence", "clarifying"),
    [
        ("Sorry, what do you mean by that?", False),
        ("Can you repeat the question?", False),
        ("Can I take a moment to think?", False),
        ("How much time do I have left?", False),
        ("What do you mean by active users?", True),
        ("How many users do we have?", True),
        ("Is the data labelled?", True),
    ],
)
def test_a_request_to_the_interviewer_is_not_a_clarifying_question(
    sentence: str, clarifying: bool
) -> None:
    from interviewer.speech_acts import is_clarifying_question

    assert is_clarifying_question(sentence) is clarifying


@pytest.mark.parametrize(
    ("sentence", "clarifying"),
    [
        # As the live transcript gave a practice session's question (no mark, "can" lost):
        # taken for an answer, it got a probe after a long wait, not the scale.
        (
            "Before I design anything, I ask how many users and videos we have, and whether "
            "we optimize for watch time, or for something like satisfaction.",
            True,
        ),
        ("Before I design anything, can I ask how many users we have.", True),
        # The coding round's question as the live transcript gave it (the "I" and the mark
        # lost): probed back at the candidate instead of answered.
        (
            "Can assume the labels are only 0 and 1, and what should happen when nothing is "
            "predicted positive.",
            True,
        ),
        ("I'd like to know whether the labels are delayed.", True),
        ("I wonder if we have a GPU for serving.", True),
        # Not questions to the interviewer, however they open.
        ("I know how to build it.", False),
        ("So I asked my manager whether we could delay the launch.", False),
        ("And how we ended up solving this was we all sat down together.", False),
        ("If the labels are delayed we split by time.", False),
    ],
)
def test_a_question_asked_through_a_frame_is_a_question(sentence: str, clarifying: bool) -> None:
    from interviewer.speech_acts import is_clarifying_question

    assert is_clarifying_question(sentence) is clarifying


@pytest.mark.parametrize(
    ("sentence", "clarifying"),
    [
        # The word order asks, with no mark and no listed opener.
        ("Is this input sorted.", True),
        ("Are these times in seconds", True),
        ("Can they overlap at the ends.", True),
        # The recogniser lost the first question's verb; the second clause still asks.
        ("Before I write anything, this input sorted, and are these times in seconds.", True),
        ("I sort the intervals first, and can the input be empty.", True),
        # "Do" and "have" as main verbs (real interview answers): statements.
        ("They hooked up the motors into the CPU and did that and it worked.", False),
        ("We had to model a situation and do the graphs.", False),
        ("I also have the experience that you would want.", False),
        ("And convince everyone and have this mutual consensus.", False),
        # "Which" asks, or goes on with the sentence before (real interview answers).
        ("Which is more important, latency or accuracy.", True),
        ("Which metric do we optimise.", True),
        ("Which was kind of standard.", False),
        ("Which I was happy about.", False),
        ("Which is dependent on our PT scores.", False),
        # A "how many" clause in a statement's order, cut off by the recogniser (the browser
        # page, by voice); the same words in a question's order, or with the mark, ask.
        ("How many open orders it has right now, and its history by hour.", False),
        ("How long it takes depends on the kitchen.", False),
        ("How many open orders does it have right now.", True),
        ("How many orders we handle a day?", True),
        ("So how many of you are on the team.", True),
    ],
)
def test_a_question_in_question_word_order_is_a_question(sentence: str, clarifying: bool) -> None:
    from interviewer.speech_acts import is_clarifying_question

    assert is_clarifying_question(sentence) is clarifying


@pytest.mark.parametrize(
    ("text", "stuck"),
    [
        # An LLM answer on the browser page, by voice, ending on abstention: read as stuck.
        (
            "The assistant would write a read-only SQL query, we run it, and the answer can "
            "only use numbers from the query result. And before we show the answer, I'd check "
            "that every number in it appears in the results, otherwise we say we don't know.",
            False,
        ),
        ("The model should answer I don't know when nothing is retrieved.", False),
        ("I have to say I don't know.", True),
        ("I'd say I don't know.", True),
        ("We don't know the label distribution yet, I don't know.", True),
    ],
)
def test_an_admission_someone_else_is_to_say_is_not_theirs(text: str, stuck: bool) -> None:
    from interviewer.speech_acts import admits_not_knowing

    assert admits_not_knowing(text) is stuck
