"""The study plan: a confidence grid, a job description's skills, a dated practice schedule."""

from __future__ import annotations

from .planner import PlanView, parse_confidence, plan_next, update_plan
from .skills import JobMapping, map_job, read_job
from .store import PlanFile, load_plan, plan_path, save_plan

__all__ = [
    "JobMapping",
    "PlanFile",
    "PlanView",
    "load_plan",
    "map_job",
    "parse_confidence",
    "plan_next",
    "plan_path",
    "read_job",
    "save_plan",
    "update_plan",
]
