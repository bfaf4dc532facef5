"""Is the answer about something else? Read against the questions of its own round only.

A behavioural story is never "about payment fraud detection": an answer is compared with the
other questions of the round it was asked in, by the words that name each question's topic
(its ``terms``: "escalation", "design review", "postmortem"), rare words weighing more. The
prompt's everyday words ("team", "time", "learned") and the points a strong answer makes are
left out: real stories use them whatever they are about. An answer reads as one to another
question only when the candidate's own words name four or more of that question's rare
terms, and it names the question asked at most a third as much. The interviewer then says
what it was asking ("I was asking about a time you ..."), in the question's own words, and
never names the other question.

Measured (benchmarks/followups.py, and the scripted candidates of personas/simulated/): no
MIT answer is read as off the question; 56 of 57 scripted off-topic turns are, and 1 of 358
scripted on-topic turns.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from ...catalog.personas import Catalog, Question, load_catalog
from ...errors import ConfigError
from ...speech_acts import sentences

# The other question must be named by at least this many distinct rare words of the answer
# ("escalated", "compromise", "experiment", "stakeholders"), whose weight is at least three
# times the question's.
MIN_RIVAL_WORDS = 4
RIVAL_MARGIN = 3.0
# A word used by at most this share of the round's questions is rare enough to tell them apart.
RARE_SHARE = 0.25
REDIRECT_REASON = "the answer is about something else"
REDIRECT_OPENING = "Let's come back to the question."

# The part of a prompt that says what is asked: "Tell me about a time you X." -> "a time you X".
_ASKS_ABOUT = re.compile(r"^(?:can you |could you )?tell me about (?P<topic>.+?)[.?]?$", re.I)
_IMPERATIVE = re.compile(
    r"^(?P<verb>design|explain|implement|walk me through|describe|write|build|compare|estimate"
    r"|return|sketch|give)\b",
    re.IGNORECASE,
)


def _topic_text(q: Question) -> str:
    return " ".join(q.terms)


def _stems(text: str) -> set[str]:
    from ...grading.stems import stems  # the grader's word stems: one stemmer for both

    return stems(text)


@lru_cache(maxsize=16)
def _round_topics(catalog: Catalog, round_id: str) -> tuple[dict[str, frozenset[str]], Counter]:
    """Each question's topic stems in one round, and how many questions use each stem."""
    topics = {q.id: frozenset(_stems(_topic_text(q))) for q in catalog.bank(round_id).questions}
    used: Counter[str] = Counter()
    for words in topics.values():
        used.update(words)
    return topics, used


def other_topic(question: Question, text: str, catalog: Catalog | None = None) -> Question | None:
    """The question of the same round that this answer is about instead, or None."""
    if catalog is None:
        try:
            catalog = load_catalog()
        except ConfigError:
            return None
    try:
        topics, used = _round_topics(catalog, question.round)
    except ConfigError:
        return None
    if question.id not in topics or len(topics) < 2:
        return None
    n = len(topics)
    said = _stems(text)

    def weight(words: frozenset[str]) -> tuple[float, int]:
        shared = said & words
        rare = [w for w in shared if used[w] <= max(1, RARE_SHARE * n)]
        return sum(math.log(n / used[w]) for w in shared), len(rare)

    asked, _ = weight(topics[question.id])
    best_id, best, best_rare = None, 0.0, 0
    for qid, words in topics.items():
        if qid == question.id:
            continue
        score, rare = weight(words)
        if score > best:
            best_id, best, best_rare = qid, score, rare
    if best_id is None or best_rare < MIN_RIVAL_WORDS or best < RIVAL_MARGIN * asked:
        return None
    return catalog.question(best_id)


def what_was_asked(question: Question) -> str:
    """The question as "what I was asking": 'I was asking about a time you ...', then the
    rest of its prompt; a prompt that opens with its scenario is said again as it is."""
    said = [s.strip() for s in sentences(question.prompt) if s.strip()]
    first, rest = (said[0], said[1:]) if said else (question.prompt.strip(), [])
    about = _ASKS_ABOUT.match(first)
    verb = _IMPERATIVE.match(first)
    if about:
        first = f"I was asking about {about.group('topic')}."
    elif verb:
        first = f"I was asking you to {first[0].lower()}{first[1:].rstrip('.?')}."
    else:
        return question.prompt.strip()
    return " ".join([first, *rest])


def redirect_line(question: Question) -> str:
    """What the interviewer says to bring an answer about something else back."""
    return f"{REDIRECT_OPENING} {what_was_asked(question)}"
