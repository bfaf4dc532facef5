"""What the interviewer does when the candidate asks something of it, not of the scenario.

Each reply is short, in the persona's words (``Persona.requests``), and carries no scenario
fact: a repeat repeats, a rephrase rephrases, "can I think?" gets "take your time" and a wait.
"""

from __future__ import annotations

import re

from ...catalog.personas import Persona, Question
from ...speech_requests import TEAM_QUESTION
from .decisions import InterviewerDecision

# How long the turn-taking waits for a candidate who asked for time to think.
THINK_WAIT_S = 60.0
# How long it waits after "I didn't hear an answer. Take your time.": meant, so a candidate
# who thinks on in silence is not moved on 15 s (the usual wait for speech) after hearing it.
SILENT_WAIT_S = 45.0

_IMPERATIVE = re.compile(
    r"^(design|write|build|implement|explain|describe|walk me through|estimate|compare|"
    r"outline|sketch|propose|choose|derive)\b\s*",
    re.IGNORECASE,
)
_TELL_ME = re.compile(r"^tell me about\s+", re.IGNORECASE)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s.strip()]


def rephrase_question(question: Question) -> str:
    """The question in other words: the bank's own rephrasing, else its ask as a question."""
    if question.rephrase:
        return question.rephrase.strip()
    ask = _sentences(question.prompt)[-1].rstrip(".")
    if m := _IMPERATIVE.match(ask):
        ask = f"how would you {m.group(1).lower()} {ask[m.end() :]}".rstrip(" ?") + "?"
    elif m := _TELL_ME.match(ask):
        ask = f"can you describe {ask[m.end() :]}".rstrip(" ?") + "?"
    ask = ask[0].upper() + ask[1:]
    if not ask.endswith("?"):
        ask += "?"
    return f"The topic is {question.title.lower()}. {ask}"


def rephrase_probe(target: str | None) -> str:
    """A 'why' follow-up in other words, about the same words of theirs."""
    if target:
        return (
            f"I'm asking about {target}: what made that the right call here, "
            "rather than something else?"
        )
    return "I'm asking what made your last choice the right one here, rather than another."


def minutes_phrase(seconds: float) -> str:
    minutes = max(0, round(seconds / 60))
    if minutes == 0:
        return "less than a minute"
    return "a minute" if minutes == 1 else f"{minutes} minutes"


def repeat(persona: Persona, last_asked: str) -> InterviewerDecision:
    return InterviewerDecision(
        act="repeat",
        say=persona.requests.repeat.format(question=last_asked).strip(),
        reason="the candidate asked to hear the question again",
        request="repeat",
    )


def rephrase(
    persona: Persona, question: Question, last_probe: str | None, target: str | None
) -> InterviewerDecision:
    said = rephrase_probe(target) if last_probe else rephrase_question(question)
    return InterviewerDecision(
        act="rephrase",
        say=persona.requests.rephrase.format(question=said).strip(),
        reason="the candidate asked for the question in other words",
        request="rephrase",
    )


def think_time(persona: Persona) -> InterviewerDecision:
    return InterviewerDecision(
        act="think_time",
        say=persona.requests.think_time,
        reason=f"the candidate asked for time to think (waiting up to {THINK_WAIT_S:.0f} s)",
        request="think_time",
        wait_s=THINK_WAIT_S,
    )


def time_left(persona: Persona, question: Question, spent_s: float) -> InterviewerDecision:
    remaining = question.time_box_s - spent_s
    if remaining < 30:
        say = persona.requests.no_time_left
    else:
        say = persona.requests.time_left.format(minutes=minutes_phrase(remaining))
    return InterviewerDecision(
        act="time_left",
        say=say[0].upper() + say[1:],
        reason=f"{max(0, remaining):.0f} s left of the question's {question.time_box_s} s",
        request="time_left",
    )


def right_track(persona: Persona) -> InterviewerDecision:
    return InterviewerDecision(
        act="nudge",
        say=persona.requests.right_track,
        reason="asked whether on the right track: a neutral nudge",
        request="right_track",
    )


def back_from_thinking(persona: Persona) -> InterviewerDecision:
    return InterviewerDecision(
        act="nudge",
        say=persona.requests.back_from_thinking,
        reason="silent after asking for time to think",
    )


def offer_move_on(persona: Persona) -> InterviewerDecision:
    return InterviewerDecision(
        act="nudge",
        say=persona.requests.offer_move_on,
        reason="still stuck after a hint: offered to move on",
    )


def questions_at_end(persona: Persona) -> InterviewerDecision:
    return InterviewerDecision(
        act="nudge",
        say=persona.requests.questions_at_end,
        reason="a question about the interviewer's team: kept for the end of the round",
        request=TEAM_QUESTION,
    )
