"""The one interface every language-model backend implements.

A backend turns chat messages into text. Structured output is asked for with a JSON schema;
each backend negotiates how to enforce it (llama.cpp compiles it to a grammar, OpenAI takes
``json_schema``, others get ``json_object`` plus the schema in the prompt). Callers always
validate the text themselves with pydantic: enforcement is a help, never a guarantee.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field


class GenerationCancelled(Exception):
    """A caller withdrew a request (a drafted reply the candidate talked over).

    Not an :class:`~interviewer.errors.InterviewerError`: nothing went wrong, and nothing
    that handles errors should swallow it.
    """


class ChoicesNotShown(Exception):
    """The server did not show how likely the choices were (no log-probabilities, or none of
    the choices among the likeliest first tokens): read one written reply instead."""


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class Completion(BaseModel):
    """A finished reply, with the figures the speed benchmark reports."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    prompt_seconds: float | None = Field(
        default=None, description="time to first token, where the backend streams"
    )


# Runs between two steps of a request's model work (a slice of a prompt read, a token): it may
# wait (machine/foreground.py) or raise GenerationCancelled.
Pause = Callable[[], None]


class Prefill(Protocol):
    """Evaluates a prompt into the backend's KV cache ahead of the request (returns its
    tokens); ``pause`` runs between slices of the read, so background work can wait there
    (machine/foreground.py)."""

    def __call__(self, messages: list[ChatMessage], *, pause: Pause | None = None) -> int: ...


# How likely the reply is to start with each of a few one-token choices (summing to 1);
# raises ChoicesNotShown where a server turns out not to show them.
ChoiceProbabilities = Callable[[list["ChatMessage"], Sequence[str]], list[float]]


@runtime_checkable
class LLMBackend(Protocol):
    """``complete`` for whole replies (structured decisions), ``stream`` for speech.

    What a backend can do beyond that it declares, so nobody probes for it:
    ``cancellable`` (``complete`` takes ``should_stop``, polled between tokens) and
    ``prefill`` (a :data:`Prefill`, or None where the prompt cannot be warmed ahead);
    ``choice_probabilities`` (a :data:`ChoiceProbabilities`, or None where the next token's
    distribution is not visible: callers then read one sampled reply, as they do when it
    raises :class:`ChoicesNotShown`).
    """

    name: str
    model: str
    cancellable: bool
    prefill: Prefill | None
    choice_probabilities: ChoiceProbabilities | None

    def complete(
        self,
        messages: list[ChatMessage],
        *,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int = 256,
        temperature: float = 0.2,
        stop: list[str] | None = None,
    ) -> Completion:
        """The whole reply; generation ends before any ``stop`` string (which is not
        included in the text)."""
        ...

    def stream(
        self,
        messages: list[ChatMessage],
        *,
        max_tokens: int = 256,
        temperature: float = 0.2,
    ) -> Iterator[str]: ...
