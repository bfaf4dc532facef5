"""What every scorer sees (:class:`Context`), and what it may read of a rubric dimension.

Its own module so that the scorers of code (``code_scorers.py``) and of speech
(``scorers.py``) share it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..session.models import Session, Turn
from ..speech_acts import word_count
from . import evidence as ev
from .scorecard import DeliveryStats, Evidence
from .sentences import Sentence, quote_span, time_span


class Tunable(Protocol):
    """A rubric dimension as a scorer sees it: thresholds by name (rubric.Dimension)."""

    def param(self, name: str, default: float) -> float: ...


@dataclass
class Context:
    """What every scorer sees: the sentences of the rounds the dimension applies to."""

    session: Session
    sentences: list[Sentence]
    stats: DeliveryStats
    silences: list[Evidence]
    turns: dict[int, Turn] = field(default_factory=dict)

    def cite(self, hit: ev.Hit) -> Evidence:
        s = hit.sentence
        lo, hi = quote_span(s, hit.start, hit.end)
        turn = self.turns[s.turn]
        start, end = time_span(turn, s.char_start + lo, s.char_start + hi)
        return Evidence(quote=s.text[lo:hi], turn=s.turn, start=start, end=end, kind=hit.kind)

    def cite_sentence(self, s: Sentence, kind: str) -> Evidence:
        return self.cite(ev.Hit(kind, s, 0, len(s.text)))

    def words(self) -> int:
        return sum(word_count(s.clean) for s in self.sentences if s.ignored is None)
