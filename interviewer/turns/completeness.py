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

Word lists are written without apostrophes and matched against words stripped of theirs, so
Whisper's "I'm" and a transcript's "im" read the same.
"""

from __future__ import annotations

import re
from enum import Enum

__all__ = [
    "FILLER_WORDS",
    "OPEN_WORDS",
    "STARTER_WORDS",
    "Ending",
    "bare_words",
    "read_ending",
]


class Ending(str, Enum):
    """The shape of the words so far, from most to least eager to end the turn."""

    DONE = "done"
    COMPLETE = "complete"
    STARTING = "starting"
    OPEN = "open"
    FILLER = "filler"
    THINKING = "thinking"


# Hesitation sounds: the speaker holds the floor while finding the next words.
FILLER_WORDS = frozenset({"um", "uh", "erm", "er", "uhm", "umm", "uhh", "hmm", "hm", "mm", "ah"})

# Function words a sentence cannot stop on: what they introduce is still to come.
_CONJUNCTIONS = {
    "and", "but", "or", "nor", "so", "because", "cause", "cuz", "then", "that", "which",
    "who", "whom", "whose", "where", "if", "when", "whenever", "while", "whereas", "although",
    "though", "since", "unless", "until", "than", "whether", "plus",
}  # fmt: skip
_PREPOSITIONS = {
    "to", "of", "for", "with", "in", "on", "at", "by", "from", "about", "into", "onto",
    "between", "through", "during", "without", "within", "across", "against", "among",
    "toward", "towards", "via", "per", "like",
}  # fmt: skip
_DETERMINERS = {"the", "a", "an", "my", "our", "your", "their", "his", "every", "each", "another"}
_AUXILIARIES = {
    "is", "are", "was", "am", "be", "been", "being", "will", "would", "could", "should",
    "can", "might", "must", "shall",
}  # fmt: skip
# Subjects and subject contractions: the verb is still to come ("its" is also "it's").
_SUBJECTS = {
    "i", "we", "they", "he", "she", "im", "were", "theyre", "youre", "hes", "shes", "its",
    "thats", "theres", "heres", "ive", "weve", "theyve", "id", "wed", "ill", "well",
}  # fmt: skip
_ANNOUNCERS = {"basically", "namely"}  # markers that announce more
OPEN_WORDS = frozenset(
    _CONJUNCTIONS | _PREPOSITIONS | _DETERMINERS | _AUXILIARIES | _SUBJECTS | _ANNOUNCERS
)

# Acknowledgements and discourse markers that open an answer: "Yeah. So..." is a start.
STARTER_WORDS = frozenset(
    {
        "yeah", "yes", "yep", "yup", "no", "nope", "okay", "ok", "right", "sure", "well",
        "so", "oh", "huh", "actually", "alright", "hmm", "uh", "um", "mhm", "great", "good",
        "definitely", "absolutely", "exactly", "interesting", "hi", "hello", "now",
    }
)  # fmt: skip
_STARTER_MAX_WORDS = 3


def bare_words(text: str) -> list[str]:
    """Lower-case words, punctuation and apostrophes stripped ("I'm" -> "im")."""
    text = text.lower().replace("’", "'").replace("'", "")
    return re.findall(r"[a-z0-9]+", text)


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
    sentences = [bare_words(s) for s in re.split(r"[.!?]+", text)]
    sentences = [s for s in sentences if s]
    last_sentence = sentences[-1] if sentences else words
    if _asked_for_time(last_sentence, [bare_words(p) for p in thinking_phrases]):
        return Ending.THINKING
    last = words[-1]
    stripped = text.rstrip()
    # A trailing ellipsis is Whisper hearing the voice trail off: a hesitation, like "um".
    if last in FILLER_WORDS or stripped.endswith(("...", "…")):
        return Ending.FILLER
    if stripped.endswith((",", "-", "—", ":")):
        return Ending.OPEN
    if len(words) <= _STARTER_MAX_WORDS and all(w in STARTER_WORDS for w in words):
        return Ending.STARTING
    if last in OPEN_WORDS:
        return Ending.OPEN
    if any(_ends_with(words, bare_words(p)) for p in extra_open_words):
        return Ending.OPEN
    return Ending.COMPLETE
