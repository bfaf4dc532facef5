"""What a candidate turn is doing, read from its words: a clarifying question, an admission of
not knowing, a request to move on. Pure functions, so the policy's gates are testable and the
same words always get the same reading.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9']+")

# Openers of a question put to the interviewer ("how many users do we have").
_QUESTION_OPENERS = (
    "how many",
    "how much",
    "how big",
    "how fast",
    "how often",
    "how long",
    "how do we",
    "how are",
    "how is",
    "what is the",
    "what's the",
    "what are the",
    "what kind",
    "what type",
    "what data",
    "what does",
    "what do we",
    "which",
    "do we",
    "does the",
    "is there",
    "are there",
    "is it",
    "are we",
    "can i assume",
    "can we assume",
    "could you tell",
    "can you tell",
    "should i",
    "should we",
    "may i ask",
    "could i ask",
    "can i ask",
    "what would",
    "am i allowed",
    "is the",
    "are the",
    "do you",
    "what's our",
    "what is our",
    "who are",
)
# Words people say before the question itself: "so, um, how many users...".
_LEAD_IN = re.compile(r"^(?:(?:so|okay|ok|and|um|uh|right|well|alright)\b[,\s]*)+")
_ASKS_ADVICE = re.compile(r"\b(any|a) (hint|clue|pointer)s?\b|\bcan you help\b|\bgive me a hint\b")
_DONT_KNOW = re.compile(
    r"\b(i )?(do not|don't|dont) (really )?(know|remember|recall)\b"
    r"|\bno idea\b|\bnot sure\b|\bi'm stuck\b|\bi am stuck\b|\bi have no clue\b"
    r"|\bnever (used|worked with|heard of)\b|\bnot familiar\b|\bi can't recall\b|\bblanking\b"
)
_MOVE_ON = re.compile(r"\b(can we|let's|could we) (move on|skip|go to the next)\b|\bskip this\b")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s.strip()]


def clarifying_questions(text: str) -> list[str]:
    """Sentences in which the candidate asks the interviewer something."""
    found = []
    for sentence in sentences(text):
        lowered = _LEAD_IN.sub("", sentence.lower())
        if sentence.endswith("?") or lowered.startswith(_QUESTION_OPENERS):
            found.append(sentence)
    return found


def is_mainly_clarifying(text: str) -> bool:
    """A turn that asks before it answers: most of its words are in questions.

    Whisper often drops question marks, so question openers count as much as the mark.
    """
    asked = clarifying_questions(text)
    if not asked:
        return False
    asked_words = sum(len(words(q)) for q in asked)
    return asked_words >= 0.5 * max(1, len(words(text)))


def admits_not_knowing(text: str) -> bool:
    """An honest "I don't know" or a request for help: answered with a hint, not a 'why'."""
    lowered = text.lower()
    if _ASKS_ADVICE.search(lowered):
        return True
    # A short turn that admits not knowing is stuck; a long answer that hedges one detail is
    # not, unless it ends on the admission.
    if len(words(text)) <= 40:
        return bool(_DONT_KNOW.search(lowered))
    last = sentences(lowered)[-1] if sentences(lowered) else lowered
    return bool(_DONT_KNOW.search(last))


def asks_to_move_on(text: str) -> bool:
    return bool(_MOVE_ON.search(text.lower()))
