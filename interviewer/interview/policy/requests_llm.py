"""The embedded model's reading of a turn the request rules were unsure of.

Its output is constrained to :class:`RequestPick`'s JSON schema (a grammar on llama.cpp), so
a small model can only name one of the kinds; anything unusable reads as "no request", which
sends the turn down the ordinary path (an answer, or a scenario question).
"""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import BaseModel, ValidationError

from ...errors import LLMOutputError
from ...llm.base import ChatMessage, LLMBackend
from ...speech_requests import RequestKind

log = logging.getLogger(__name__)

_KINDS_HELP = (
    "repeat: asks to hear the interviewer's question again\n"
    "rephrase: does not understand the interviewer's question and asks for it in other words\n"
    "think_time: asks for a moment to think\n"
    "skip: asks to skip this question or move on\n"
    "hint: asks for a hint or help to start\n"
    "time_left: asks how much interview time is left\n"
    "right_track: asks whether their answer is going the right way\n"
    "self_correction: takes back words they said and gives the right ones\n"
    "none: anything else: an answer, or a question about the problem itself "
    "(its data, users, scale, latency, labels, meaning of a term)"
)


class RequestPick(BaseModel):
    """The model's label for one candidate turn."""

    kind: RequestKind | Literal["none"]


def request_messages(text: str) -> list[ChatMessage]:
    return [
        ChatMessage(
            role="system",
            content="You label what a job candidate's words ask of the interviewer. "
            "The words come from a speech recogniser: no punctuation, fillers, misheard words.\n"
            f"Labels:\n{_KINDS_HELP}\nReply with JSON only.",
        ),
        ChatMessage(role="user", content=f"Candidate: {text}"),
    ]


class RequestClassifier:
    """Asks an LLM backend which request a turn makes, with constrained output."""

    def __init__(self, backend: LLMBackend) -> None:
        self.backend = backend

    def classify(self, text: str) -> RequestKind | None:
        try:
            completion = self.backend.complete(
                request_messages(text),
                json_schema=RequestPick.model_json_schema(),
                max_tokens=16,
                temperature=0.0,
            )
            kind = RequestPick.model_validate_json(completion.text).kind
        except (ValidationError, LLMOutputError, ValueError) as exc:
            log.info("request label unusable: %s", exc)
            return None
        return None if kind == "none" else kind
