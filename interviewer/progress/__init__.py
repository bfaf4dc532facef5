"""Progress across sessions: every graded session, per round and rubric dimension, over time."""

from __future__ import annotations

from .history import History, RoundResult, collect_history
from .trends import Cell, Trend, build_cells, weakest_cells

__all__ = [
    "Cell",
    "History",
    "RoundResult",
    "Trend",
    "build_cells",
    "collect_history",
    "weakest_cells",
]
