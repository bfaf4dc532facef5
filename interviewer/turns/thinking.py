"""Turn-taking after "can I take a moment to think?": wait for them, without cutting in.

The same rules as :class:`TurnEndPolicy`, on a config that waits up to ``wait_s`` for speech
to start, and that does not end the turn on a murmur ("hmm", "okay so") followed by silence:
that is someone thinking, not an answer.
"""

from __future__ import annotations

from ..speech_acts import words
from .endpointing import Decision, EndpointConfig, TurnEndPolicy

_MURMUR_WORDS = frozenset(
    "um uh erm er hmm mm ah okay ok so right well alright let me think see yeah yes".split()
)
# Without words to read (no streaming transcriber), speech this short is a murmur.
MURMUR_MS = 1500


class ThinkingTimePolicy(TurnEndPolicy):
    """Patient endpointing for the turn after the candidate asked for time to think."""

    def __init__(self, config: EndpointConfig, wait_s: float) -> None:
        super().__init__(
            config.model_copy(
                update={"no_speech_timeout_s": max(config.no_speech_timeout_s, wait_s)}
            )
        )
        self.patience_ms = int(wait_s * 1000)

    def decide(self, silence_ms: int, spoken_ms: int, words_so_far: str | None = None) -> Decision:
        decision = super().decide(silence_ms, spoken_ms, words_so_far)
        if not decision.end or decision.reason != "silence" or silence_ms >= self.patience_ms:
            return decision
        if words_so_far is not None:
            murmur = all(w in _MURMUR_WORDS for w in words(words_so_far))
        else:
            murmur = spoken_ms < MURMUR_MS
        if murmur:
            return Decision(end=False, reason="thinking_pause")
        return decision


def thinking_policy(config: EndpointConfig, wait_s: float) -> ThinkingTimePolicy:
    return ThinkingTimePolicy(config, wait_s)
