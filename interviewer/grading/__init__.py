"""Evidence-cited grading of interview transcripts against a rubric (offline, deterministic)."""

from __future__ import annotations

from .grader import grade_session, grade_target, load_scorecard, save_scorecard
from .rubric import Dimension, Rubric, load_rubric
from .scorecard import DimensionScore, Evidence, Scorecard
from .transcript import read_target

__all__ = [
    "Dimension",
    "DimensionScore",
    "Evidence",
    "Rubric",
    "Scorecard",
    "grade_session",
    "grade_target",
    "load_rubric",
    "load_scorecard",
    "read_target",
    "save_scorecard",
]
