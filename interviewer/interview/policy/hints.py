"""Which of a question's hints still helps: none whose idea the candidate has already said.

A hint leads to one idea of the answer ("There are many good ways to phrase a correct answer.
What does that do to word-overlap metrics?"). Given after the candidate said that idea ("I
would not rely on BLEU, because a correct answer can be phrased in many different ways"),
it tells them the interviewer was not listening: a practice session by voice got exactly
that, the bank's first hint, to an honest "I'm not sure how I'd calibrate the judge".

A hint counts as said when one statement of the candidate's in this question holds at least
half of the hint's own words (stems not in the question's prompt; "many", "ways" and "good"
count), and at least :data:`MIN_SAID_WORDS` of them (one fewer when the hint has only
three). Their questions do not count: "is being late worse than being early?" asks what the
hint "Being late is worse than being early. What loss would express that?" goes on from.
Words, not the sentence-embedding reader: on the scripted answers its cosines between a
hint and a sentence on the same topic that does not make the hint's idea reach 0.72, where
the shared words pick out the sentences that do make it.

A hint that sets a worked example is said by a statement holding all its numbers (at least
:data:`MIN_EXAMPLE_NUMBERS` not in the prompt). A hint of three own words is said by two of
them ("How would you check every number in an answer before the user sees it?" by "before
we show the answer, I'd check that every number in it appears in the results"). On the
scripted candidates (team-written): 59 of the 165 hints read as said by the strong answers
(51 with three of three words, 42 when statements were read one at a time, not also two in a
row), 0 of 165 by the weak ones; on 60 real (MIT) answers 2 hints either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ... import speech_acts
from ...catalog.personas import Question

MIN_SAID_SHARE = 0.5
MIN_SAID_WORDS = 3
# A hint that sets a worked example ("Try coins 1, 3 and 4 for 6.") is said by a statement
# that works it, all its numbers in one place: "with coins 1, 3 and 4 and amount 6, greedy
# takes 4, 1, 1, but 3 plus 3 is 2 coins" (a coding round on the page, by voice, where the
# recogniser wrote "3d" for "greedy", so the hint's other words were not there to match).
MIN_EXAMPLE_NUMBERS = 3


# The grader's stop words, less the words an idea is said in: "many ways to phrase a correct
# answer" is the whole idea of one hint.
_KEPT = frozenset("many way ways good first second one two three other rather instead".split())


# "2,000" in the bank, "2000" in the live transcript (the whole answer's has "2,000"): the
# page by voice gave "They can review 2,000 accounts. How could your metric use that
# number?" after "precision at 2000, since that is what the reviewers can check".
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def _words(text: str) -> set[str]:
    from ...grading.stems import STOP, stem  # the grader's stems: one stemmer for both

    plain = _THOUSANDS.sub("", text)
    return {stem(w) for w in speech_acts.words(plain) if w in _KEPT or w not in STOP}


def _own_words(hint: str, question: Question) -> set[str]:
    return _words(hint) - _words(f"{question.title} {question.prompt}")


# "How would you compute every distance without a Python loop?" is not said by "I'd loop
# over the points and compute the distance": its own words, the other way round.
_CONTRAST = frozenset("without instead rather not never no avoid".split())


def _statements(candidate_turns: Iterable[str]) -> list[tuple[set[str], bool]]:
    """Each statement the candidate made (not their questions), and each two in a row of one
    turn: its words, and whether it says a contrast word. Read once for all of a question's
    hints. An idea is often said over two sentences: "Because being late hurts much more
    than being early, I would not train on squared error. I would use a quantile loss ..."
    makes the hint "Being late is worse than being early. What loss would express that?"."""
    read: list[tuple[set[str], bool]] = []
    for turn in candidate_turns:
        said = [
            (_words(sentence), bool(_CONTRAST & set(speech_acts.words(sentence))))
            for sentence in speech_acts.sentences(turn)
            if not speech_acts.is_question(sentence)
        ]
        read += said
        read += [(a | b, ca or cb) for (a, ca), (b, cb) in zip(said, said[1:], strict=False)]
    return read


def _said(hint: str, question: Question, statements: list[tuple[set[str], bool]]) -> bool:
    """Whether one of the candidate's statements already makes the hint's idea."""
    own = _own_words(hint, question)
    if len(own) < MIN_SAID_WORDS:
        return False
    numbers = {w for w in own if w.replace(".", "", 1).isdigit()}
    if len(numbers) >= MIN_EXAMPLE_NUMBERS and any(numbers <= said for said, _ in statements):
        return True
    contrast = bool(_CONTRAST & set(speech_acts.words(hint)))
    for said, says_contrast in statements:
        if contrast and not says_contrast:
            continue
        shared = len(own & said)
        if shared >= min(MIN_SAID_WORDS, len(own) - 1) and shared >= MIN_SAID_SHARE * len(own):
            return True
    return False


def next_hint(question: Question, given: Iterable[int], candidate_turns: list[str]) -> int | None:
    """The first hint in the bank's order not yet given nor already said, or None."""
    used = set(given)
    statements = _statements(candidate_turns)
    for index, hint in enumerate(question.hints):
        if index not in used and not _said(hint, question, statements):
            return index
    return None
