"""When has the candidate finished their turn? A pure, swappable policy.

The capture loop measures silence and speech (in samples, turned into ms) and, when a
streaming transcriber provides them, the words so far; the policy decides. It never reads a
clock or a device, so every rule is a one-line test.

Rules, in order:
1. No speech at all for ``no_speech_timeout_s`` → end as "no_speech" (record a silent turn).
2. The words end in a done phrase ("I'm done", "that's my answer") and a short
   ``done_phrase_silence_ms`` has passed → end as "done_phrase".
3. Otherwise end as "silence" once the silence reaches the wait for how the words end
   (turns/completeness.py): ``thinking_silence_ms`` after "let me think" or "um",
   ``open_silence_ms`` after a word a sentence cannot stop
   on ("and", "of", "the", "we"), ``starting_silence_ms`` after only "yeah" or "okay so",
   and ``end_silence_ms`` after anything else (or with no words at all).
The hard cap ``max_turn_s`` is enforced by the recorder, which knows the turn's length.

The waits were chosen on real conversation (benchmarks/turn_taking.py, Switchboard word
timings, fitted on one half of the speakers and checked on the other): with silence alone,
1.5 s is needed to cut off fewer than 5% of long turns; the words let finished-sounding
endings go sooner and hold the floor after "and", "the" or "uh".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..speech_acts import DONE_PHRASES, PAUSE_ANNOUNCEMENTS
from .completeness import Ending, read_ending

EndReason = Literal["silence", "max_length", "no_speech", "done_phrase"]

# Waits after words that sound unfinished, in ms. "open" was chosen on one half of the
# Switchboard dev timings (benchmarks/turn_taking.py --split) and checked on the other: with
# 800 ms after a finished-sounding ending and the thinking wait after "um", 21% / 22% of long
# turns are cut off (silence alone at 800 ms: 37%) for a mean end delay of 1.08 s. (Phone
# callers trail off on "uh" as the other side cuts in; a candidate's "um" asks for time, so
# it keeps the thinking wait: 2 s there would give 0.95 s.) "starting" never ends a long turn
# there, so its wait is not fitted: it is the 1.5 s silence alone needs for under 5%.
OPEN_SILENCE_MS = {"starting": 1500, "open": 1200}
# The streaming pipeline's wait after a finished-sounding ending. 600 ms cut off 37% of long
# Switchboard turns (mean end delay 0.77 s); 800 ms 22% (0.94 s); 1200 ms 5% (1.30 s).
STREAMING_END_SILENCE_MS = 800


class EndpointConfig(BaseModel):
    """Thresholds for ending a turn (defaults to be tuned by benchmarks/latency.py)."""

    model_config = ConfigDict(extra="forbid")

    end_silence_ms: int = Field(800, ge=0, description="silence that ends a finished-sounding turn")
    max_turn_s: float = Field(180.0, gt=0, description="hard cap on one answer")
    no_speech_timeout_s: float = Field(15.0, gt=0, description="no speech at all: a silent turn")
    thinking_silence_ms: int = Field(
        4500, ge=0, description="silence tolerated after 'let me think' or 'um': thinking"
    )
    open_silence_ms: int = Field(
        OPEN_SILENCE_MS["open"],
        ge=0,
        description="silence tolerated after a word a sentence cannot stop on ('and', 'the')",
    )
    starting_silence_ms: int = Field(
        OPEN_SILENCE_MS["starting"],
        ge=0,
        description="silence tolerated after only 'yeah', 'okay so': the answer is starting",
    )
    done_phrase_silence_ms: int = Field(
        250, ge=0, description="pause after a done phrase, so 'I'm done with X, ...' survives"
    )
    done_phrases: list[str] = Field(default_factory=lambda: list(DONE_PHRASES))
    thinking_phrases: list[str] = Field(default_factory=lambda: list(PAUSE_ANNOUNCEMENTS))
    trailing_words: list[str] = Field(
        default_factory=list, description="more endings a sentence cannot stop on"
    )


class Decision(BaseModel):
    """Whether to end the turn now; ``reason`` is an EndReason when ``end`` is true."""

    model_config = ConfigDict(frozen=True)

    end: bool
    reason: str


class EndPolicy(Protocol):
    """What the recorder needs from a policy; swap in any object with this method."""

    def decide(self, silence_ms: int, spoken_ms: int, words_so_far: str | None) -> Decision: ...


@runtime_checkable
class HearsAudio(Protocol):
    """A policy that listens as well (turns/voice_end.py): the recorder hands it every frame
    (int16, 16 kHz) before asking it to decide."""

    def hear(self, frame: np.ndarray) -> None: ...


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
            ending = self.read(words_so_far)
            if ending is Ending.DONE:
                if silence_ms >= cfg.done_phrase_silence_ms:
                    return Decision(end=True, reason="done_phrase")
                return Decision(end=False, reason="speaking")
            needed_ms = self.wait_ms(ending)
        if silence_ms >= needed_ms:
            return Decision(end=True, reason="silence")
        if silence_ms <= 0:
            return Decision(end=False, reason="speaking")
        waiting = "thinking_pause" if needed_ms > cfg.end_silence_ms else "pause"
        return Decision(end=False, reason=waiting)

    def wait_ms(self, ending: Ending) -> int:
        """The silence that ends a turn whose words end this way."""
        cfg = self.config
        return {
            Ending.DONE: cfg.done_phrase_silence_ms,
            Ending.COMPLETE: cfg.end_silence_ms,
            Ending.STARTING: max(cfg.end_silence_ms, cfg.starting_silence_ms),
            Ending.OPEN: max(cfg.end_silence_ms, cfg.open_silence_ms),
            Ending.FILLER: max(cfg.end_silence_ms, cfg.thinking_silence_ms),
            Ending.THINKING: max(cfg.end_silence_ms, cfg.thinking_silence_ms),
        }[ending]

    def read(self, words_so_far: str) -> Ending:
        """How the words so far end (turns/completeness.py)."""
        cfg = self.config
        return read_ending(
            words_so_far,
            done_phrases=cfg.done_phrases,
            thinking_phrases=cfg.thinking_phrases,
            extra_open_words=cfg.trailing_words,
        )

    def classify(self, words_so_far: str) -> Literal["done", "unfinished", "finished"]:
        """How the text so far ends: a done phrase, mid-thought, or a plain sentence end."""
        ending = self.read(words_so_far)
        if ending is Ending.DONE:
            return "done"
        return "finished" if ending is Ending.COMPLETE else "unfinished"


class AwaitFreshWords:
    """Wraps a words-aware policy for live transcription, which lags the audio a little.

    When the inner policy would end the turn on silence but the transcript has not yet caught
    up with the speech before the pause, the words it judged may be missing the trailing
    "and…" or "um" that says the candidate is still thinking. Wait for them, up to the
    thinking-pause allowance, rather than cut the candidate off.
    """

    def __init__(self, inner: EndPolicy, words_are_fresh: Callable[[], bool]) -> None:
        """``inner`` is a TurnEndPolicy, or a policy with its ``config`` that also listens
        (turns/voice_end.VoiceEndPolicy): frames are passed on to it."""
        self.inner = inner
        self.words_are_fresh = words_are_fresh
        self.config: EndpointConfig = inner.config  # type: ignore[attr-defined]

    def hear(self, frame: np.ndarray) -> None:
        if isinstance(self.inner, HearsAudio):
            self.inner.hear(frame)

    def decide(self, silence_ms: int, spoken_ms: int, words_so_far: str | None = None) -> Decision:
        decision = self.inner.decide(silence_ms, spoken_ms, words_so_far)
        if (
            decision.end
            and decision.reason == "silence"
            and silence_ms < self.config.thinking_silence_ms
            and not self.words_are_fresh()
        ):
            return Decision(end=False, reason="waiting_for_words")
        return decision
