"""Prompts for the interviewer LLM.

The system prompt for a question is built once and kept byte-identical for every turn of that
question, so a backend with a KV cache (llama.cpp) only processes the new turns.
"""

from __future__ import annotations

from ...catalog.personas import FollowUpKind, Persona, Question, round_follow_ups, round_title
from ...llm.base import ChatMessage
from .decisions import MAX_PROBE_WORDS


def follow_up_guide(kinds: list[FollowUpKind]) -> str:
    """The round's kinds of follow-up, one line each with its example (empty: none given)."""
    if not kinds:
        return ""
    lines = [f'- {k.kind}: {k.asks}. Example: "{k.example}"' for k in kinds]
    return (
        "Kinds of follow-up in this round (ask the one that fits what they said; the examples "
        "show the form only, never ask one of them as it is):\n" + "\n".join(lines)
    )


def probe_system_prompt(persona: Persona, question: Question) -> str:
    points = "\n".join(f"- {p}" for p in question.strong_points)
    guide = follow_up_guide(round_follow_ups(question.round))
    job = (
        "Your job now: ask ONE short follow-up question about something specific the "
        "candidate said in their LAST answer, to find the edge of their knowledge.\n"
        + (guide + "\n" if guide else "")
    )
    if not guide:
        job = (
            "Your job now: ask ONE short follow-up 'why' question about a specific choice or "
            "claim the candidate made in their LAST answer, to find the edge of their "
            "knowledge.\n"
        )
    return (
        f"You are {persona.name}, interviewing a machine-learning engineer in a "
        f"{round_title(question.round)} round. {persona.style}\n"
        f"The question you asked: {question.prompt}\n"
        f"Points a strong answer covers (never reveal them):\n{points}\n\n"
        + job
        + "Rules: speak to the candidate as 'you'; the question must name what it asks about "
        "in the candidate's own words (not the words of the question you asked), be at most "
        f"{MAX_PROBE_WORDS} "
        "words, end with a question mark, and must not suggest the answer or list "
        "alternatives they did not mention.\n"
        "Reply with the question only."
    )


# Before the answer in the candidate's message: the same tokens then come first in the prompt
# warmed while the candidate talks and in the one the probe is generated from, so at the end
# of the turn only the answer's last words are left to evaluate.
PROBE_INSTRUCTION = (
    "Ask one follow-up question about something specific in this answer, naming it in the "
    "candidate's words."
)


def anchored_probe_messages(
    system: str, answer: str, focus: str, problems: list[str]
) -> list[ChatMessage]:
    """The probe prompt again, with words of the answer to ask about after it: for the one
    retry. A 1.5B model shown its rejected question and told what was wrong mostly writes it
    again (or the question's own words); asked afresh about a phrase of the answer, it asks
    about the answer (benchmarks/followups.py). The note comes after the answer, so the
    prompt up to the answer's last word is the first draft's, already in the model's cache:
    the retry reads a sentence, not the whole answer again."""
    first = probe_messages(system, answer)
    note = (
        f"(A follow-up was unusable: {'; '.join(problems)}. Ask one follow-up question about "
        f'"{focus}" in this answer, naming it in the candidate\'s words.)'
    )
    return [first[0], ChatMessage(role="user", content=f"{first[1].content}\n\n{note}")]


def probe_messages(system: str, answer: str) -> list[ChatMessage]:
    """The probe prompt: the brief, then the instruction and the (partial) answer."""
    return [
        ChatMessage(role="system", content=system),
        ChatMessage(role="user", content=f"({PROBE_INSTRUCTION})\n\nCandidate: {answer}"),
    ]


def fact_pick_messages(question_text: str, facts: list[str]) -> list[ChatMessage]:
    numbered = "\n".join(f"{i}. {fact}" for i, fact in enumerate(facts))
    return [
        ChatMessage(
            role="system",
            content=(
                "You match an interview candidate's clarifying question to the one fact that "
                'answers it. Reply with JSON only: {"fact_index": N}, where N is the number of '
                "the fact, or -1 if no fact answers the question."
            ),
        ),
        ChatMessage(role="user", content=f"Facts:\n{numbered}\n\nQuestion: {question_text}"),
    ]
