"""A follow-up never quotes words the speech recogniser made up.

The answer below is what the bundled Whisper made of the simulated candidate saying "The human
review queue is ordered by predicted severity times expected views" (the install's demo), with
the probabilities it gave; the interviewer then asked "What makes the human review queue
prioritize the news by predicted summarity time?". The last test runs the demo's question end
to end: real espeak-ng speech, real faster-whisper, the embedded model.
"""

from __future__ import annotations

import json

import pytest
from cli_helpers import simulate
from interview_helpers import ScriptedBackend

from interviewer import speech_acts
from interviewer.catalog.personas import load_catalog
from interviewer.interview.policy.decide import InterviewerPolicy, QuestionState
from interviewer.interview.policy.decisions import ProbeDraft
from interviewer.interview.policy.probes import (
    content_phrase,
    fallback_probe,
    naming_words,
    validate_probe,
)
from interviewer.interview.policy.unclear import (
    UNCLEAR_WORD_PROBABILITY,
    known_words,
    unclear_words,
)
from interviewer.session.models import Word
from interviewer.speech.stt import load_transcriber

HEARD = [
    ("The", 0.9),
    ("human", 0.95),
    ("review", 0.8),
    ("queue", 0.9),
    ("is", 0.97),
    ("ordered", 0.7),
    ("by", 0.6),
    ("predicted", 0.9),
    ("summarity", 0.2),
    ("time", 0.25),
    ("next", 0.27),
    ("-acted", 0.12),
    ("news,", 0.07),
    ("because", 0.9),
    ("reviewer", 0.8),
    ("capacity", 0.9),
    ("is", 0.97),
    ("fixed.", 0.9),
]
ANSWER = "".join(w if w.startswith("-") else " " + w for w, _ in HEARD).strip()
GARBLED_PROBE = "What makes the human review queue prioritize the news by predicted summarity time?"


@pytest.fixture(scope="module")
def known():
    """What the interview knows as words: the bundled Whisper's vocabulary and the banks'."""
    return known_words(load_transcriber(None))


def _words(heard):
    return [
        Word(word=w, start=i * 0.3, end=i * 0.3 + 0.25, probability=p)
        for i, (w, p) in enumerate(heard)
    ]


def test_a_made_up_word_heard_with_a_low_probability_is_unclear(known):
    # "news" (for "views") and "next" are words: the probability alone cannot tell them from
    # a right word it was unsure of. "summarity" is not a word.
    assert unclear_words(_words(HEARD), known) == {"summarity"}


def test_jargon_and_words_heard_clearly_are_not_unclear(known):
    jargon = [("softmax", 0.5), ("NDCG", 0.4), ("two", 0.9), ("-tower", 0.2), ("BM25", 0.3)]
    assert unclear_words(_words(jargon), known) == frozenset()
    made_up = [("jackered", 0.4), ("jackered,", 0.95)]  # heard clearly the second time
    assert unclear_words(_words(made_up), known) == frozenset()
    assert unclear_words(_words([("jackered", 0.4)]), known) == {"jackered"}
    assert unclear_words(_words([("jackered", UNCLEAR_WORD_PROBABILITY)]), known) == frozenset()


def test_the_recogniser_s_vocabulary_is_its_whole_words(known):
    words = load_transcriber(None).whole_words()
    assert {"tower", "news", "queue", "because"} <= words
    assert not {"summarity", "jackered", "softmax"} & words
    assert "softmax" in known  # the banks' jargon


def test_typed_answers_have_no_unclear_words(known):
    assert unclear_words([], known) == frozenset()


def test_a_probe_repeating_a_misheard_word_is_rejected_with_the_reason(known):
    question = load_catalog().question("sd-content-moderation")
    unclear = unclear_words(_words(HEARD), known)
    draft = ProbeDraft(question=GARBLED_PROBE)
    problems = validate_probe(draft, ANSWER, question, [], unclear)
    assert any("not heard clearly" in p and "summarity" in p for p in problems), problems
    # Without the recogniser's doubts the same draft passed: the check is what rejects it.
    assert validate_probe(draft, ANSWER, question, []) == []
    clear = ProbeDraft(
        question="Why does reviewer capacity decide how the review queue is ordered?"
    )
    assert validate_probe(clear, ANSWER, question, [], unclear) == []


def test_a_made_up_word_inside_a_hyphenated_one_is_never_quoted(known):
    heard = [("I'd", 0.9), ("prefer", 0.9), ("a", 0.9), ("no", 0.6), ("-no", 0.5)]
    heard += [("-dification", 0.4), ("rollout", 0.9), ("over", 0.9), ("months.", 0.9)]
    answer = "I'd prefer a no-no-dification rollout over months."
    unclear = unclear_words(_words(heard), known)
    assert unclear == {"dification"}
    assert "dification" not in fallback_probe(answer, unclear=unclear)[1]
    assert "dification" not in content_phrase(answer, unclear)


def test_the_fallback_quotes_only_words_heard_clearly(known):
    unclear = unclear_words(_words(HEARD), known)
    for target, question in [fallback_probe(ANSWER, unclear=unclear)]:
        quoted = set(speech_acts.bare_words(target))
        assert quoted and not quoted & unclear, (target, question)
    assert not set(speech_acts.bare_words(content_phrase(ANSWER, unclear))) & unclear
    assert "summarity" in content_phrase(ANSWER)  # quoted when nothing says it was misheard


def test_the_decider_retries_a_draft_that_quotes_a_misheard_word(known):
    """The gate order is unchanged: a 'why', whose first draft quotes the misheard words and
    is retried about a phrase heard clearly."""
    catalog = load_catalog()
    question = catalog.question("sd-content-moderation")
    backend = ScriptedBackend(
        [
            GARBLED_PROBE.rstrip("?"),
            "Why does reviewer capacity decide how the review queue is ordered",
        ]
    )
    policy = InterviewerPolicy(backend, catalog.persona("ada"), max_depth=3)
    state = QuestionState(question=question, started_at_s=0.0)
    state.history.append(("interviewer", question.prompt))
    decision = policy.decide(state, ANSWER, 10.0, unclear=unclear_words(_words(HEARD), known))
    assert decision.act == "probe"
    assert "summarity" not in decision.say.lower()
    assert "reviewer capacity" in decision.say
    retry_prompt = backend.requests[-1][-1].content
    assert "not heard clearly" in retry_prompt


@pytest.mark.slow
@pytest.mark.llm
def test_the_demo_s_follow_ups_never_repeat_what_the_recogniser_made_up(tmp_path, known):
    session = simulate(tmp_path, "ml_system_design", "sd-content-moderation", "strong")
    turns = session.turns
    probes = 0
    for i, turn in enumerate(turns):
        if turn.speaker != "interviewer" or turn.act != "probe":
            continue
        answer = next(t for t in reversed(turns[:i]) if t.speaker != "interviewer")
        unclear = unclear_words(answer.words, known)
        # The words that name something of theirs ("time" or "what" may be the probe's own).
        asked = {w.replace("'", "") for w in naming_words(turn.text) & naming_words(answer.text)}
        assert not asked & unclear, (turn.text, sorted(unclear), answer.text)
        probes += 1
    assert probes >= 2, json.dumps([(t.speaker, t.act, t.text) for t in turns], indent=1)
