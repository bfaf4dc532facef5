"""What the candidate takes away: the scorecard in the terminal, Markdown, HTML; replay."""

from __future__ import annotations

from .terminal import render_scorecard

__all__ = ["render_scorecard"]
