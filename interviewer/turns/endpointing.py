"""When has the candidate finished their turn? A pure, swappable policy.

The capture loop measures silence and speech (in samples, turned into ms) and, when a
streaming transcriber provides them, the words so far; the policy decides. It never reads a
clock or a device, so every rule is a one-line test.

Rules, in order:
1. No speech at all for ``no_speech_timeout_s`` → end as "no_speech" (record a silent turn).
2. The words end in a done phrase ("I'm done", "that's my answer") and a short
   ``done_phrase_silence_ms`` has passed → end as "done_phrase".
3. The words sound unfinished (a filler, a conjunction, "let me think", a trailing comma or
   ellipsis) → wait ``thinking_silence_ms`` before ending as "silence".
4. Otherwise end as "silence" after ``end_silence_ms``.
The hard cap ``max_turn_s`` is enforced by the recorder, which knows the turn's length.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from ..speech_acts import DONE_PHRASES, PAUSE_ANNOUNCEMENTS, TRAILING_WORDS, sentences
from ..speech_acts import words as normalise_words

EndReason = Literal["silence", "max_length", "no_speech", "done_phrase"]


class EndpointConfig(BaseModel):
    """Thresholds for ending a turn (defaults to be tuned by benchmarks/latency.py)."""

    model_config = ConfigDict(extra="forbid")

    end_silence_ms: int = Field(800, ge=0, description="silence that ends a finished-sounding turn")
    max_turn_s: float = Field(180.0, gt=0, description="hard cap on one answer")
    no_speech_timeout_s: float = Field(15.0, gt=0, description="no speech at all: a silent turn")
    thinking_silence_ms: int = Field(
        4500, ge=0, description="silence tolerated after an unfinished sentence or a filler"
    )
    done_phrase_silence_ms: int = Field(
        250, ge=0, description="pause after a done phrase, so 'I'm done with X, ...' survives"
    )
    done_phrases: list[str] = Field(default_factory=lambda: list(DONE_PHRASES))
    thinking_phrases: list[str] = Field(default_factory=lambda: list(PAUSE_ANNOUNCEMENTS))
    trailing_words: list[str] = Field(default_factory=lambda: list(TRAILING_WORDS))


class Decision(BaseModel):
    """Whether to end the turn now; ``reason`` is an EndReason when ``end`` is true."""

    model_config = ConfigDict(frozen=True)

    end: bool
    reason: str


class EndPolicy(Protocol):
    """What the recorder needs from a policy; swap in any object with this method."""

    def decide(self, silence_ms: int, spoken_ms: int, words_so_far: str | None) -> Decision: ...


def _ends_with(words: list[str], phrase: str) -> bool:
    tail = normalise_words(phrase)
    return bool(tail) and words[-len(tail) :] == tail


def _find_last(words: list[str], phrase: list[str]) -> int | None:
    """Index where ``phrase`` last occurs in ``words``, or None."""
    for start in range(len(words) - len(phrase), -1, -1):
        if phrase and words[start : start + len(phrase)] == phrase:
            return start
    return None


class TurnEndPolicy:
    """Silence-and-words endpointing (rules in the module docstring)."""

    def __init__(self, config: EndpointConfig | None = None) -> None:
        self.config = config or EndpointConfig()

    def decide(self, silence_ms: int, spoken_ms: int, words_so_far: str | None = None) -> Decision:
        cfg = self.config
        if spoken_ms <= 0:
            if silence_ms >= cfg.no_speech_timeout_s * 1000:
                return Decision(end=True, reason="no_speech")
            return Decision(end=False, reason="waiting_for_speech")
        needed_ms = cfg.end_silence_ms
        if words_so_far is not None and words_so_far.strip():
            shape = self.classify(words_so_far)
            if shape == "done":
                if silence_ms >= cfg.done_phrase_silence_ms:
                    return Decision(end=True, reason="done_phrase")
                return Decision(end=False, reason="speaking")
            if shape == "unfinished":
                needed_ms = max(needed_ms, cfg.thinking_silence_ms)
        if silence_ms >= needed_ms:
            return Decision(end=True, reason="silence")
        if silence_ms <= 0:
            return Decision(end=False, reason="speaking")
        waiting = "thinking_pause" if needed_ms > cfg.end_silence_ms else "pause"
        return Decision(end=False, reason=waiting)

    def classify(self, words_so_far: str) -> Literal["done", "unfinished", "finished"]:
        """How the text so far ends: a done phrase, mid-thought, or a plain sentence end."""
        words = normalise_words(words_so_far)
        if not words:
            return "finished"
        cfg = self.config
        if any(_ends_with(words, p) for p in cfg.done_phrases):
            return "done"
        stripped = words_so_far.rstrip()
        if stripped.endswith((",", "...", "…", "-", "—", ":")):
            return "unfinished"
        if any(_ends_with(words, p) for p in cfg.trailing_words):
            return "unfinished"
        # "let me think" in the last sentence, with little said after it: asked for time.
        said = [x for x in sentences(stripped) if normalise_words(x)]
        last_sentence = normalise_words(said[-1]) if said else words
        for phrase in cfg.thinking_phrases:
            tail = normalise_words(phrase)
            at = _find_last(last_sentence, tail)
            if at is not None and len(last_sentence) - at - len(tail) <= 5:
                return "unfinished"
        return "finished"


class AwaitFreshWords:
    """Wraps a words-aware policy for live transcription, which lags the audio a little.

    When the inner policy would end the turn on silence but the transcript has not yet caught
    up with the speech before the pause, the words it judged may be missing the trailing
    "and…" or "um" that says the candidate is still thinking. Wait for them, up to the
    thinking-pause allowance, rather than cut the candidate off.
    """

    def __init__(self, inner: TurnEndPolicy, words_are_fresh: Callable[[], bool]) -> None:
        self.inner = inner
        self.words_are_fresh = words_are_fresh

    def decide(self, silence_ms: int, spoken_ms: int, words_so_far: str | None = None) -> Decision:
        decision = self.inner.decide(silence_ms, spoken_ms, words_so_far)
        if (
            decision.end
            and decision.reason == "silence"
            and silence_ms < self.inner.config.thinking_silence_ms
            and not self.words_are_fresh()
        ):
            return Decision(end=False, reason="waiting_for_words")
        return decision
