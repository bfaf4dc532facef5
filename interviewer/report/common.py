"""Small formatting helpers shared by the terminal, Markdown and HTML reports."""

from __future__ import annotations


def clock(seconds: float | None) -> str:
    """Session seconds as m:ss (or h:mm:ss)."""
    if seconds is None:
        return "--:--"
    total = int(max(0.0, seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def stars(score: int | None) -> str:
    return "" if score is None else "●" * score + "○" * (4 - score)
