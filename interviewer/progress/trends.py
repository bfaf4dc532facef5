"""Cells of the progress grid (round x dimension), their series over time and their trend.

The trend is the least-squares slope of the observed scores against the session number: a
rise of at least ``TREND_STEP`` levels per session is "up". Scores are 1-4 integers, so a
single-level wobble across many sessions stays "flat".
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from .history import History

Trend = Literal["up", "down", "flat", "new"]
TREND_STEP = 0.15
ARROWS: dict[str, str] = {"up": "↑", "down": "↓", "flat": "→", "new": "·"}


class Point(BaseModel):
    session_id: str
    started_at: datetime
    score: int
    regraded: bool = False


class Cell(BaseModel):
    round: str
    dimension: str
    name: str
    points: list[Point]

    @property
    def latest(self) -> int:
        return self.points[-1].score

    @property
    def mean(self) -> float:
        return sum(p.score for p in self.points) / len(self.points)

    @property
    def trend(self) -> Trend:
        return trend_of([p.score for p in self.points])

    @property
    def arrow(self) -> str:
        return ARROWS[self.trend]


def slope(values: list[float]) -> float:
    n = len(values)
    if n < 2:
        return 0.0
    mean_x = (n - 1) / 2
    mean_y = sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    den = sum((i - mean_x) ** 2 for i in range(n))
    return num / den


def trend_of(values: list[float]) -> Trend:
    if len(values) < 2:
        return "new"
    s = slope(values)
    if s >= TREND_STEP:
        return "up"
    if s <= -TREND_STEP:
        return "down"
    return "flat"


def build_cells(history: History) -> list[Cell]:
    """One cell per (round, dimension) with at least one observed score, in registry and
    rubric order."""
    cells: list[Cell] = []
    for round in history.rounds():
        for dim_id, name in history.dimensions.items():
            points = [
                Point(
                    session_id=r.session_id,
                    started_at=r.started_at,
                    score=score,
                    regraded=r.status == "regraded",
                )
                for r in history.results
                if r.round == round and (score := r.scores.get(dim_id)) is not None
            ]
            if points:
                cells.append(Cell(round=round, dimension=dim_id, name=name, points=points))
    return cells


def weakest_cells(cells: list[Cell], n: int = 3) -> list[Cell]:
    """The ``n`` cells with the lowest latest score (then lowest mean, then falling trend);
    cells already at the top level are never "weak"."""
    order = {"down": 0, "flat": 1, "new": 2, "up": 3}
    weak = [c for c in cells if c.latest < 4]
    weak.sort(key=lambda c: (c.latest, c.mean, order[c.trend]))
    return weak[:n]


def round_scores(cells: list[Cell]) -> dict[str, float]:
    """A round's measured level: the mean of its dimensions' latest scores."""
    by_round: dict[str, list[int]] = {}
    for c in cells:
        by_round.setdefault(c.round, []).append(c.latest)
    return {r: round(sum(v) / len(v), 2) for r, v in by_round.items()}
