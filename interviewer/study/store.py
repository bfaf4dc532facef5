"""The candidate's study state on disk: the confidence grid, the job focus and the schedule.

One JSON file, ``plan.json``, in the user data directory (``INTERVIEWER_DATA_DIR`` overrides
it). It is validated strictly on every read: a corrupt or wrongly hand-edited file is a
:class:`PlanFileError` naming the field, and nothing writes over it until the user fixes or
moves it. Writes are atomic (temporary file, then rename).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..catalog.rounds import ROUND_TYPES
from ..errors import PlanFileError
from ..paths import data_dir
from ..session.models import utc_now
from ..session.store import atomic_write_text
from .skills import JobMapping

PLAN_FILE = "plan.json"
PLAN_VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _known_round(value: str) -> str:
    if value not in ROUND_TYPES:
        raise ValueError(f"unknown round {value!r}; rounds: {', '.join(ROUND_TYPES)}")
    return value


class PlanEntry(_Strict):
    """One day of the schedule."""

    day: date
    kind: Literal["practice", "loop", "rest"]
    rounds: list[str] = Field(default_factory=list)
    focus: str = ""
    topics: list[str] = Field(default_factory=list)

    @field_validator("rounds")
    @classmethod
    def _rounds(cls, rounds: list[str]) -> list[str]:
        return [_known_round(r) for r in rounds]


class Schedule(_Strict):
    created_at: datetime
    start: date
    end: date
    weakest: str | None = None
    entries: list[PlanEntry]


class PlanFile(_Strict):
    schema_version: int = PLAN_VERSION
    confidence: dict[str, int] = Field(default_factory=dict)
    confidence_set_at: datetime | None = None
    job: JobMapping | None = None
    schedule: Schedule | None = None

    @field_validator("confidence")
    @classmethod
    def _ratings(cls, grid: dict[str, int]) -> dict[str, int]:
        for r, value in grid.items():
            _known_round(r)
            if not 1 <= value <= 5:
                raise ValueError(f"confidence for {r} must be 1 to 5, got {value}")
        return grid

    def set_confidence(self, ratings: dict[str, int]) -> None:
        self.confidence = PlanFile._ratings({**self.confidence, **ratings})
        self.confidence_set_at = utc_now()


def plan_path() -> Path:
    return data_dir() / PLAN_FILE


def load_plan(path: Path | None = None) -> PlanFile:
    """The stored plan; an empty one when there is none yet."""
    file = path or plan_path()
    if not file.exists():
        return PlanFile()
    hint = (
        f"fix the file by hand, or move it away (mv {file} {file}.bak) to start again; "
        "it is never overwritten while it cannot be read"
    )
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanFileError(f"cannot read the study plan {file}: {exc}", hint=hint) from exc
    if not isinstance(raw, dict):
        raise PlanFileError(f"{file}: the study plan must be a JSON object", hint=hint)
    if raw.get("schema_version", PLAN_VERSION) > PLAN_VERSION:
        raise PlanFileError(
            f"{file} was written by a newer version (schema {raw['schema_version']})", hint=hint
        )
    try:
        return PlanFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise PlanFileError(f"{file}: {where}: {first['msg']}", hint=hint) from exc


def save_plan(plan: PlanFile, path: Path | None = None) -> Path:
    file = path or plan_path()
    atomic_write_text(file, plan.model_dump_json(indent=2))
    return file
