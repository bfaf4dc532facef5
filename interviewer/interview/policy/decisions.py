"""The interviewer's structured output: what the LLM drafts and what the policy decides.

Both are pydantic models: the why-question read from the LLM's text is validated against
``ProbeDraft``; ``InterviewerDecision`` is what the runner acts on and what lands, in part, in
the session file.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ...coding.models import CodeRun

DecisionAct = Literal[
    "clarify",
    "probe",
    "hint",
    "move_on",
    # replies to requests made of the interviewer (speech_requests.py)
    "repeat",
    "rephrase",
    "think_time",
    "time_left",
    "nudge",
    # the coding round's result of a run of the hidden tests (coding/coach.py)
    "test_result",
]
DecisionSource = Literal["rules", "llm", "fallback"]

MAX_PROBE_WORDS = 25
"""A follow-up's length limit: what the prompt asks for and what the validator enforces."""
# How a follow-up may start: "why" about a choice, "what did you do" about a story, "how did
# you know it worked" about a result, "what makes that hold" about a claim.
PROBE_OPENERS: tuple[str, ...] = (
    "Why", "What", "How", "Which", "When", "Who", "Where", "Did you", "Do you", "Was", "Were",
    "Is", "Are", "Could you", "Can you", "Would you", "Have you", "Had you", "If you",
    "Looking back,",
)  # fmt: skip


class ProbeDraft(BaseModel):
    """A follow-up as the LLM writes it: one question, nothing else.

    What it is about (the candidate's words it names) is found in code, by matching the
    question against the answer: asked to quote the candidate as well, a 1.5B model often
    writes an essay in the quote field instead, which costs time and validates badly.
    """

    question: str = Field(
        description="one short follow-up question about something in the last answer",
        # One question, ending at its question mark: generation stops right there.
        pattern=rf"^({'|'.join(PROBE_OPENERS)}) [^?]{{5,240}}[?]$",
    )


class FactPick(BaseModel):
    """The LLM's pick of the scenario fact that answers a clarifying question (-1: none)."""

    fact_index: int


class InterviewerDecision(BaseModel):
    act: DecisionAct
    say: str
    target: str | None = None
    revealed_topics: list[str] = Field(default_factory=list)
    source: DecisionSource = "rules"
    reason: str = ""
    llm_seconds: float = 0.0
    drafted: bool = False  # a probe written while the candidate was still speaking
    request: str | None = None  # the request this decision answers (speech_requests.py)
    wait_s: float | None = None  # the next turn may start after up to this long
    corrected_text: str | None = None  # a self-correction: the answer as the candidate meant it
    retracted: list[tuple[int, int]] = Field(default_factory=list)  # spans taken back
    retracts_turns_back: int = 0  # the spans are in this turn (0) or that many answers back
    code_move: str | None = None  # the coding round's move (coding/coach.py), if it spoke
    code_run: CodeRun | None = None  # the run of the hidden tests this line reports
