"""Words the speech recogniser made up: a follow-up never quotes them.

"What makes the review queue prioritise the news by predicted summarity time?", after a
candidate said "ordered by predicted severity times expected views", is a question no person
would ask: it repeats what the recogniser made of words it did not catch. A word is
**unclear** when the recogniser gave it a probability under :data:`UNCLEAR_WORD_PROBABILITY`
*and* it is not a word: not a whole word of the recogniser's own vocabulary nor one of the
question banks' (which hold the jargon, "softmax", "NDCG"), and not heard clearly elsewhere
in the answer.

Why both: on every line of the simulated candidates spoken by espeak-ng and heard by the
bundled Whisper (``benchmarks/unclear_words.py``), a probability under 0.7 alone flags 28% of
the naming words, of which only 30% were misheard; with the vocabulary, 1.5%, of which 79%
were. Most mishearings are real words ("news" for "views"), which neither can tell apart
from a right word the recogniser was unsure of (the rule catches 8% of misheard naming
words); the made-up ones ("summarity", "jackered"), which make a follow-up absurd, it can.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from ... import speech_acts
from ...catalog.personas import load_catalog

if TYPE_CHECKING:
    from ...speech.stt import Transcriber

UNCLEAR_WORD_PROBABILITY = 0.7


class HeardWord(Protocol):
    word: str
    probability: float


def unclear_words(words: Iterable[HeardWord], known: Collection[str]) -> frozenset[str]:
    """The bare words (``speech_acts.bare_words``) heard with a low probability that are not
    in ``known`` (lower-case words), nor heard clearly elsewhere in the same answer."""
    unsure: set[str] = set()
    clear: set[str] = set()
    for w in words:
        parts = speech_acts.bare_words(w.word)
        if w.probability >= UNCLEAR_WORD_PROBABILITY:
            clear.update(parts)
        else:
            unsure.update(p for p in parts if p not in known and not p.isdigit())
    return frozenset(unsure - clear)


def quotes_unclear(phrase: str, unclear: Collection[str]) -> bool:
    """Does ``phrase`` repeat one of the ``unclear`` words (compared part by part, so a
    made-up word inside a hyphenated one counts)?"""
    return any(w in unclear for w in speech_acts.bare_words(phrase))


def known_words(transcriber: Transcriber) -> frozenset[str]:
    """What the interview knows as words: the recogniser's whole words and the banks'."""
    return transcriber.whole_words() | bank_vocabulary()


@lru_cache(maxsize=1)
def bank_vocabulary() -> frozenset[str]:
    """Every word of the question banks: the interview's own jargon."""
    words: set[str] = set()
    for bank in load_catalog().banks.values():
        for q in bank.questions:
            facts = (f.fact for f in q.scenario_facts)
            text = " ".join([q.prompt, *q.terms, *q.strong_points, *q.hints, *facts])
            words.update(speech_acts.bare_words(text))
    return frozenset(words)
