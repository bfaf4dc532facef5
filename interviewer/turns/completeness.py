"""How complete do the words so far sound? A lexical reading of an answer's last words.

The end-of-turn policy waits longer after words a sentence cannot stop on. Real speech has no
punctuation to lean on (Switchboard's word timings have none, and Whisper's commas are
guesses), so the reading is lexical: which word class the answer ends on.

    ending       last words                              e.g.
    done         a done phrase                            "... and that's my answer"
    thinking     asked for time in the last sentence      "let me think"
    filler       a hesitation, or a trailing ellipsis     "the main reason is um", "and..."
    starting     only discourse markers so far            "yeah", "okay so", "right well"
    open         a function word that needs what follows  "and", "of", "the", "we", "is"
    complete     anything else                            "the metric I would track"

The word sets live with the rest of the reading of a candidate's sentence, in speech_acts.py.
"""

from __future__ import annotations

from enum import Enum

from ..speech_acts import (
    HESITATION_WORDS,
    OPEN_ONLY_AS_CONTRACTIONS,
    OPEN_WORDS,
    TURN_STARTERS,
    bare_words,
    sentences,
)
from ..speech_acts import words as tokens

__all__ = ["Ending", "read_ending"]


class Ending(str, Enum):
    """The shape of the words so far, from most to least eager to end the turn."""

    DONE = "done"
    COMPLETE = "complete"
    STARTING = "starting"
    OPEN = "open"
    FILLER = "filler"
    THINKING = "thinking"


_STARTER_MAX_WORDS = 3


def _ends_with(words: list[str], phrase: list[str]) -> bool:
    return bool(phrase) and words[-len(phrase) :] == phrase


def _asked_for_time(sentence: list[str], phrases: list[list[str]]) -> bool:
    """A thinking phrase in the last sentence with little said after it."""
    for phrase in phrases:
        n = len(phrase)
        for start in range(len(sentence) - n, -1, -1):
            if sentence[start : start + n] == phrase:
                if len(sentence) - start - n <= 5:
                    return True
                break
    return False


def read_ending(
    text: str,
    *,
    done_phrases: list[str],
    thinking_phrases: list[str],
    extra_open_words: list[str] = (),  # type: ignore[assignment]
) -> Ending:
    """Read how ``text`` (the words so far, punctuated or not) ends."""
    words = bare_words(text)
    if not words:
        return Ending.COMPLETE
    if any(_ends_with(words, bare_words(p)) for p in done_phrases):
        return Ending.DONE
    said = [bare_words(s) for s in sentences(text)]
    said = [s for s in said if s]
    last_sentence = said[-1] if said else words
    if _asked_for_time(last_sentence, [bare_words(p) for p in thinking_phrases]):
        return Ending.THINKING
    last = words[-1]
    stripped = text.rstrip()
    # A trailing ellipsis is Whisper hearing the voice trail off: a hesitation, like "um".
    if last in HESITATION_WORDS or stripped.endswith(("...", "…")):
        return Ending.FILLER
    if stripped.endswith((",", "-", "—", ":")):
        return Ending.OPEN
    if len(words) <= _STARTER_MAX_WORDS and all(w in TURN_STARTERS for w in words):
        return Ending.STARTING
    if last in OPEN_WORDS and not _a_word_that_ends_the_sentence(text, last):
        return Ending.OPEN
    if any(_ends_with(words, bare_words(p)) for p in extra_open_words):
        return Ending.OPEN
    return Ending.COMPLETE


def _a_word_that_ends_the_sentence(text: str, last: str) -> bool:
    """ "the user id." or "it works well.": not "I'd" or "we'll", which Whisper spells with
    the apostrophe, and closed by a full stop (speech_acts.OPEN_ONLY_AS_CONTRACTIONS)."""
    return (
        last in OPEN_ONLY_AS_CONTRACTIONS
        and "'" not in tokens(text)[-1]
        and text.rstrip().endswith((".", "?", "!"))
    )
