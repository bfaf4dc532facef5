"""The end of a turn heard in the voice as well as read in the words.

With the reader of the words' meaning (turns/text_end.py, the live default where SmolLM2 is
installed) the wait at a pause follows its score instead of the table below: ``text_base_ms``
less ``text_slope_ms`` per standard unit more finished, within [``text_min_ms``,
``text_max_ms``], the voice moving it ``text_voice_ms`` either way; the table's rules stay for
requests, "um", "..." and a thought broken off (``meaning_waits_ms``). On Switchboard's pauses,
held out, that takes the words' ratio to silence alone from 1.10 to 0.69 (docs/turn-taking.md,
"The words' meaning"). Without the reader:

Words and silence alone cannot tell a finished sentence in the middle of an answer from the
end of the answer (docs/turn-taking.md): people pause 0.8 s and more after both. The voice
can: falling pitch, lower energy, a lengthened last syllable. At each pause, once the
silence reaches ``score_at_ms``, an end-of-turn model (audio/smart_turn.py) scores the turn's
last 8 s of audio, once per pause, and the wait for that pause follows:

    the words end                     the voice: finished          the voice: unfinished
    a done phrase, "let me think"     the words' own wait (TurnEndPolicy); the voice unheard
    finished-sounding (or no words)   ``finished_ms`` (600)        ``unfinished_ms`` (1000)
    open ("and", "the"), starting     ``finished_open_ms`` (800)   ``both_unfinished_ms`` (2000)
    a spoken "um", "uh"               ``finished_hesitation_ms``   the thinking wait (4500)
                                      (2000)
    a trailing "..." (no "um")        ``both_unfinished_ms`` (2000), whatever the voice says

Both signals saying "unfinished" is the strongest sign of a thought broken off, so that pause
gets the longest wait. Where the words alone would wait long (1.2 s after "and", 4.5 s after
"um") but the voice says the speaker has finished, the voice shortens the wait, not to its
own 600 ms: on the Switchboard pauses (benchmarks/turn_taking_voice_bound.py) those long
waits alone keep the mean end delay at real ends at 0.94 s even with a voice that is never
wrong, because 19% of turns end on such a word and 5% on "uh"; with the shorter waits, a
voice right nine times in ten gives 0.79 s. "let me think" is a request for time and keeps its
wait whatever the voice says, and a done phrase still ends the turn at once. A trailing "..."
is Whisper's guess that the voice trailed off (it writes one at the end of many live windows,
finished or not). It waits 2 s, not the 4.5 s of a spoken "um": on a quiet machine the model
scored a 1.5 s pause cut mid-phrase ("ask not what your | country") as finished, so the voice
is not trusted to shorten it. Without words (no streaming transcriber) the voice and silence
decide alone. The waits were chosen on real audio (benchmarks/turn_taking_audio.py,
docs/turn-taking.md): on the shared meeting mixtures the model separates pauses inside turns
from turn ends barely better than chance, so a finished-sounding pause still waits 600 ms
and an unfinished one only 1 s; on clean speech from one speaker it is sharp (the jfk
recording: high only at its phrase end and its end).
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..speech_acts import HESITATION_WORDS, bare_words
from .completeness import Ending
from .endpointing import Decision, EndpointConfig, TurnEndPolicy

log = logging.getLogger(__name__)

_SAMPLE_RATE = 16000
_WINDOW_SAMPLES = 8 * _SAMPLE_RATE  # the model hears the last 8 s
# Endings whose wait the voice may set; the rest keep the words' wait.
_VOICE_HEARD = frozenset({Ending.COMPLETE, Ending.OPEN, Ending.STARTING})


class TurnModel(Protocol):
    """Scores the turn so far (float32, 16 kHz) as finished: audio/smart_turn.SmartTurnModel."""

    def probability(self, samples: np.ndarray) -> float: ...


class WordsModel(Protocol):
    """Reads the words so far: how much more finished they sound than the typical pause, in
    standard units (turns/text_end.TextEndModel)."""

    def standard_score(self, words: str) -> float: ...


class VoiceEndConfig(BaseModel):
    """How the voice's score sets the wait at a pause (chosen on real audio; module doc)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    score_at_ms: int = Field(200, ge=0, description="silence at which the pause is scored")
    threshold: float = Field(0.5, ge=0.0, le=1.0, description="finished at or above this")
    finished_ms: int = Field(600, ge=0, description="wait when the voice sounds finished")
    unfinished_ms: int = Field(1000, ge=0, description="wait when it does not")
    both_unfinished_ms: int = Field(
        2000, ge=0, description="wait when the words end open and the voice sounds unfinished"
    )
    finished_open_ms: int = Field(
        800, ge=0, description="wait when the words end open but the voice sounds finished"
    )
    finished_hesitation_ms: int = Field(
        2000, ge=0, description="wait after a spoken 'um' when the voice sounds finished"
    )
    # With a reader of the words' meaning (turns/text_end.py) the wait follows its score
    # instead of the table's word classes: wait = base - slope x score, within [min, max];
    # the voice moves it by voice_ms either way. Fitted on Switchboard's pauses
    # (benchmarks/text_end_fit.py, docs/turn-taking.md).
    text_base_ms: int = Field(850, ge=0, description="the wait at a typical pause (score 0)")
    text_slope_ms: int = Field(300, ge=0, description="shorter by this per unit more finished")
    text_min_ms: int = Field(600, ge=0, description="the shortest wait the words can set")
    text_max_ms: int = Field(3000, ge=0, description="the longest")
    text_voice_ms: int = Field(100, ge=0, description="the voice's finished / unfinished shift")


class VoiceEndPolicy:
    """Words, silence and the voice (module doc). Hears every frame through ``hear``."""

    def __init__(
        self,
        words: TurnEndPolicy,
        model: TurnModel | None,
        voice: VoiceEndConfig | None = None,
        meaning: WordsModel | None = None,
    ) -> None:
        """``model`` hears the voice, ``meaning`` reads the words; either may be None (not
        both: then the words policy alone is the policy)."""
        self.words = words
        self.model = model
        self.meaning = meaning
        self.voice = voice or VoiceEndConfig()
        self._frames: deque[np.ndarray] = deque()
        self._buffered = 0
        self.score: float | None = None  # the voice's score for the current pause

    @property
    def config(self) -> EndpointConfig:
        return self.words.config

    def hear(self, frame: np.ndarray) -> None:
        """Keep the turn's last 8 s (int16 frames, 16 kHz)."""
        self._frames.append(frame)
        self._buffered += frame.size
        while self._frames and self._buffered - self._frames[0].size >= _WINDOW_SAMPLES:
            self._buffered -= self._frames.popleft().size

    def audio(self) -> np.ndarray:
        if not self._frames:
            return np.zeros(0, dtype=np.float32)
        data = np.concatenate(list(self._frames))[-_WINDOW_SAMPLES:]
        if data.dtype == np.int16:
            return data.astype(np.float32) / 32768.0
        return data.astype(np.float32)

    def decide(self, silence_ms: int, spoken_ms: int, words_so_far: str | None = None) -> Decision:
        said = self.words.decide(silence_ms, spoken_ms, words_so_far)
        if spoken_ms <= 0 or silence_ms <= 0:
            self.score = None  # speaking again: the next pause is scored afresh
            return said
        if said.end and said.reason != "silence":
            return said  # a done phrase, or no speech at all
        waits = self.waits_ms(words_so_far)
        if waits is None:
            return said  # "let me think": the words' thinking wait stands
        if silence_ms < self.voice.score_at_ms:
            return Decision(end=False, reason="pause")
        if self.score is None:
            if self.model is None:
                self.score = self.voice.threshold  # no voice: the finished wait, unshifted
            else:
                self.score = self.model.probability(self.audio())
            log.debug("end-of-turn voice score %.2f at %d ms of silence", self.score, silence_ms)
        return self.wait_decision(silence_ms, *waits, self.score)

    def waits_ms(self, words_so_far: str | None) -> tuple[int, int] | None:
        """(the wait if the voice sounds finished, the wait if not) after these words, as the
        table of the module doc gives; None where the voice does not set it (a done phrase,
        "let me think")."""
        voice = self.voice
        if words_so_far is None or not words_so_far.strip():
            return voice.finished_ms, voice.unfinished_ms
        ending = self.words.read(words_so_far)
        if self.meaning is not None and ending not in (Ending.DONE, Ending.THINKING):
            try:
                return self.meaning_waits_ms(words_so_far, ending)
            except Exception as exc:  # the reader failed mid-answer: the word list goes on
                log.warning("cannot read the words' end of turn (%s); the word list decides", exc)
                self.meaning = None
        if ending is Ending.FILLER:
            if HESITATION_WORDS & set(bare_words(words_so_far)[-1:]):
                thinking = self.words.wait_ms(ending)
                return min(voice.finished_hesitation_ms, thinking), thinking
            # Whisper's "...", its guess that the voice trailed off: read the words without it.
            bare = self.words.read(words_so_far.rstrip().rstrip(".…").rstrip())
            wait = self.words.wait_ms(bare) if bare in _VOICE_HEARD else voice.finished_ms
            longest = max(wait, voice.finished_ms, voice.both_unfinished_ms)
            return longest, longest
        if ending is Ending.COMPLETE:
            return voice.finished_ms, voice.unfinished_ms
        if ending in (Ending.OPEN, Ending.STARTING):
            words_wait = self.words.wait_ms(ending)
            return min(voice.finished_open_ms, words_wait), max(
                words_wait, voice.both_unfinished_ms
            )
        return None

    def meaning_waits_ms(self, words_so_far: str, ending: Ending) -> tuple[int, int]:
        """(finished, unfinished) waits from the reader of the words' meaning: the wait falls
        as the words sound more finished, and the voice moves it either way (without a voice
        model the finished wait is taken, unshifted). Floors from the word list stay: after a
        spoken "um" at least ``finished_hesitation_ms`` whatever the voice says (the thinking
        wait there cost more than it saved on real calls: docs/turn-taking.md; who goes on
        later reopens the turn); after Whisper's trailing "..." (no "um") at least
        ``both_unfinished_ms``, as the table has it (the reader never saw one: its transcripts
        have no punctuation); and after an open word, when the voice and the meaning both say
        unfinished, ``both_unfinished_ms``: a thought broken off."""
        assert self.meaning is not None
        voice = self.voice
        score = self.meaning.standard_score(words_so_far)
        wait = voice.text_base_ms - voice.text_slope_ms * score
        wait = round(min(max(wait, voice.text_min_ms), voice.text_max_ms))
        shift = voice.text_voice_ms if self.model is not None else 0
        finished, unfinished = max(wait - shift, voice.text_min_ms), wait + shift
        if ending is Ending.FILLER:
            spoken = HESITATION_WORDS & set(bare_words(words_so_far)[-1:])
            floor = voice.finished_hesitation_ms if spoken else voice.both_unfinished_ms
            return max(finished, floor), max(unfinished, floor)
        if ending in (Ending.OPEN, Ending.STARTING) and score < 0:
            unfinished = max(unfinished, voice.both_unfinished_ms)
        return finished, unfinished

    def wait_decision(
        self, silence_ms: int, finished_wait_ms: int, unfinished_wait_ms: int, score: float
    ) -> Decision:
        """End once the silence reaches the wait for what the voice says (``waits_ms``)."""
        finished = score >= self.voice.threshold
        wait = finished_wait_ms if finished else unfinished_wait_ms
        if silence_ms >= wait:
            return Decision(end=True, reason="silence")
        if wait >= self.words.config.thinking_silence_ms:
            return Decision(end=False, reason="thinking_pause")  # the meter: "take your time…"
        return Decision(end=False, reason="pause" if finished else "voice_unfinished")
