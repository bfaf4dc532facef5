"""Small formatting helpers shared by the terminal, Markdown and HTML reports."""

from __future__ import annotations

from ..session.models import clock

__all__ = ["clock", "stars"]


def stars(score: int | None) -> str:
    return "" if score is None else "●" * score + "○" * (4 - score)
