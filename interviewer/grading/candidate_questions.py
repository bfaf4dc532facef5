"""The candidate's own questions at the end of a round: none, generic, or an owner's.

The guide: "Have sharp questions ready for your interviewers too ... how the team measures
model success in production, how they handle retraining and drift, or where the current
system's technical debt lives". Those three are the owner's questions; anything else asked is
generic; asking nothing (or never being invited) is what the levels start from.
"""

from __future__ import annotations

import re

from ..session.models import Session, Turn
from ..speech_acts import sentence_spans
from .scorecard import Evidence
from .sentences import time_span

# How an interviewer invites them, in our sessions (act) or a foreign transcript (words).
INVITE_ACTS = ("invite_questions", "answer_question")
INVITE = re.compile(r"\bany (?:other )?questions (?:for me|for us|about)\b", re.IGNORECASE)
OWNER_TOPICS: dict[str, re.Pattern[str]] = {
    "success in production": re.compile(
        r"\b(?:measure|measuring|evaluate|define|track|know)\b.{0,50}"
        r"\b(?:success|working|performance|impact|metrics?)\b"
        r"|\bsuccess\b.{0,40}\b(?:production|measured|look like|defined)\b|\bkpis?\b"
        r"|\bmetrics?\b.{0,30}\b(?:production|team|you)\b",
        re.IGNORECASE,
    ),
    "retraining and drift": re.compile(
        r"\b(?:drift\w*|retrain\w*|re-train\w*|stale|data shift|distribution shift|model decay"
        r"|refresh(?:ing)? (?:the|your) models?)\b",
        re.IGNORECASE,
    ),
    "technical debt": re.compile(
        r"\b(?:technical debt|tech debt|debt|legacy|pain points?|messiest|hardest part of"
        r"|what would you (?:fix|rewrite|change))\b",
        re.IGNORECASE,
    ),
}
_QUESTION = re.compile(
    r"\?\s*$|^\W*(?:how|what|who|where|when|why|which|do|does|is|are|can|could|would)\b",
    re.IGNORECASE,
)


def closing_turns(session: Session) -> list[Turn]:
    """Candidate turns that answer an invitation to ask the interviewer questions."""
    found: list[Turn] = []
    invited = False
    for turn in session.turns:
        if turn.speaker == "interviewer":
            invited = turn.act in INVITE_ACTS or (
                turn.act is None and bool(INVITE.search(turn.text))
            )
            continue
        if invited and not turn.silent and turn.text.strip():
            found.append(turn)
    return found


def was_invited(session: Session) -> bool:
    return any(
        t.speaker == "interviewer"
        and (t.act == "invite_questions" or (t.act is None and INVITE.search(t.text)))
        for t in session.turns
    )


def _cite(turn: Turn, offset: int, text: str, kind: str) -> Evidence:
    start, end = time_span(turn, offset, offset + len(text))
    return Evidence(quote=text, turn=turn.index, start=start, end=end, kind=kind)


def candidate_questions(session: Session) -> tuple[list[Evidence], list[Evidence]]:
    """(owner's questions, generic questions) the candidate asked, as cited quotes."""
    owner: list[Evidence] = []
    generic: list[Evidence] = []
    for turn in closing_turns(session):
        for offset, sentence in sentence_spans(turn.text):
            topics = [name for name, rx in OWNER_TOPICS.items() if rx.search(sentence)]
            if topics:
                owner.append(_cite(turn, offset, sentence, topics[0]))
            elif _QUESTION.search(sentence):
                generic.append(_cite(turn, offset, sentence, "generic"))
    return owner, generic
