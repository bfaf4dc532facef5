"""Summary statistics shared by the benchmarks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def evenly_spaced(items: Sequence[T], n: int | None) -> list[T]:
    """``n`` items spread evenly over ``items`` (all of them when ``n`` is 0, None or more):
    a sample that covers every part of a set ordered by question or by file."""
    if not n or n >= len(items):
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0 to 1) by linear interpolation between ranks; NaN when empty."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)
