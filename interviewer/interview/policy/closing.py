"""The end of a round: "Do you have any questions for me?", answered from the persona's data.

Every answer is a fact written in the persona's file (``candidate_questions.about``); a
question no fact covers gets the persona's "not something I can speak to", never an
invented answer. A question about the interviewer's team asked in the middle of a question
(:func:`about_the_team`) is kept for this moment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ... import speech_acts
from ...catalog.personas import Persona, Question, fact_hits

MAX_CANDIDATE_QUESTIONS = 3
# The question id the candidate's own questions are recorded under.
CANDIDATE_QUESTIONS_ID = "candidate-questions"
MAX_FACTS_PER_ANSWER = 2

# "No, I'm good", "nothing from me", "that's all": the candidate has no (more) questions.
_DECLINES = re.compile(
    r"^\W*(?:no|nope|nah|not really|none|nothing|i'm good|i am good|i'm all set|all good|"
    r"that's all|that is all|that's it|no more|no thanks|no thank you|i think i'm good|"
    r"i don't have any|i do not have any|not at the moment|not right now|i think that's it)\b",
    re.IGNORECASE,
)
_ASKS = re.compile(r"\?|^\W*(?:how|what|who|where|when|why|which|do|does|is|are|can|could)\b", re.I)


@dataclass
class ClosingReply:
    say: str
    topics: list[str] = field(default_factory=list)
    done: bool = False  # the candidate has no more questions


def declines(text: str) -> bool:
    """The candidate says they have no (more) questions, and asks none."""
    words = text.strip()
    if not words:
        return True
    return bool(_DECLINES.search(words)) and "?" not in words


def reply_to_candidate(persona: Persona, text: str, answered: int = 0) -> ClosingReply:
    """The persona's answer to the candidate's question, from its own data only.
    ``answered``: how many of their questions were answered already. "No, that's all,
    thanks." after questions closes with the thanks: "No problem." fits only a first "no"."""
    questions = persona.candidate_questions
    if declines(text):
        return ClosingReply(say=questions.thanks if answered else questions.no_questions, done=True)
    facts = questions.find(text)
    if len(facts) > 1:
        # "How does your team measure success?" is about success, not about the team.
        facts = [f for f in facts if f.topic != "team"]
    facts = facts[:MAX_FACTS_PER_ANSWER]
    if not facts:
        if not _ASKS.search(text):
            # A remark, not a question ("thanks, that was fun"): close kindly.
            return ClosingReply(say=questions.thanks, done=True)
        return ClosingReply(say=questions.not_covered)
    return ClosingReply(
        say=" ".join(f.fact.strip() for f in facts) + " " + questions.more,
        topics=[f.topic for f in facts],
    )


def about_the_team(persona: Persona, question: Question, text: str) -> bool:
    """A question put to the interviewer about their own team, asked in the middle of a
    question ("how does your team measure whether a model is doing well in production?").

    It addresses the interviewer's side ("your team", "you guys") and the persona's facts
    about its team fit it at least as well as the scenario's facts do; "does your team have
    manual reviewers?" fits the scenario better, and is answered from it.
    """
    if not speech_acts.asks_interviewers_side(text):
        return False
    team = max((n for n, _ in fact_hits(persona.candidate_questions.about, text)), default=0)
    scenario = max((n for n, _ in fact_hits(question.scenario_facts, text)), default=0)
    return team >= scenario
