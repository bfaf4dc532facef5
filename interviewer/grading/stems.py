"""Crude word stems: the word rules of substance and of the reader of meaning share them.

Its own module so that ``substance`` (which uses the reader) and ``meaning`` (which uses the
stems) do not import each other.
"""

from __future__ import annotations

from ..speech_acts import words

STOP = frozenset(
    """a an the and or but to of in on for with is are was were be been being i i'd i'm
    we we'd it it's that this these those my our you your would will so then just like um uh
    use using used uses as at by from into over under than such e g eg etc not no nor
    can could should may might must do does did done doing have has had having there their
    them they what how which when why who where because if else also only some any all each
    every more most less least very much many one two three first second other others
    about across after before between both during out up down off again further once here
    describes describe explains explain mentions mention proposes propose shows show states
    state makes make clear candidate candidate's personally way ways thing things well good
    right rather instead where possible including include includes plus e.g i.e via
    whether kind sort lot really think know say said get got go going want need""".split()
)
_SUFFIXES = ("ations", "ation", "ings", "ing", "edly", "ed", "es", "s", "ly", "e")


def stem(word: str) -> str:
    """A crude stem: one common suffix off, then the first six letters, so "changed",
    "changing" and "change" meet, and "evaluates" meets "evaluation"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word[:6]


def stems(text: str) -> set[str]:
    return {
        stem(w)
        for part in words(text)
        for w in part.replace("'s", "").split("'")
        if w not in STOP and len(w) > 1
    }
