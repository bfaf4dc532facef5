"""The session file format (``session.json``), versioned.

Times are seconds of *session time*: 0 is the moment the session started, and turns lie on
one non-overlapping timeline, so a replay or a report can seek to any moment. A candidate's
words carry session time too (``turn.start`` + their offset in the turn's audio).

Version history (readers accept every older version; see :func:`migrate`):
  1 — first release.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..coding.models import CodeRun, CodeVersion

SCHEMA_VERSION = 1

Speaker = Literal["interviewer", "candidate"]
# What an interviewer turn does; candidate turns have no act.
InterviewerAct = Literal[
    "greet",
    "ask",
    "clarify",
    "probe",
    "hint",
    "move_on",
    "wrap_up",
    "break",
    # replies to what the candidate asked of the interviewer
    "repeat",
    "rephrase",
    "think_time",
    "time_left",
    "nudge",
    # the end of a round: the candidate's questions
    "invite_questions",
    "answer_question",
    "test_result",
    # said while a slow follow-up is still being written, from the candidate's own words
    "acknowledge",
]
# How a candidate turn was captured.
AnswerSourceKind = Literal["microphone", "file", "text", "simulated"]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Word(BaseModel):
    """One recognised word; ``start``/``end`` in session time."""

    model_config = ConfigDict(extra="ignore")

    word: str
    start: float
    end: float
    probability: float = 1.0


class Turn(BaseModel):
    """One utterance: an interviewer line or a candidate answer."""

    model_config = ConfigDict(extra="ignore")

    index: int
    speaker: Speaker
    text: str
    start: float
    end: float
    audio: str | None = Field(
        default=None, description="audio file name, relative to the session folder"
    )
    words: list[Word] = Field(default_factory=list)
    round: str | None = None
    question_id: str | None = None
    act: InterviewerAct | None = None
    depth: int | None = Field(default=None, description="'why' ladder depth of a probe, 1-based")
    source: AnswerSourceKind | None = None
    silent: bool = Field(default=False, description="a candidate turn with no speech in it")
    meta: dict[str, Any] = Field(
        default_factory=dict, description="timings and other details, e.g. llm_seconds"
    )

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


class ModelsUsed(BaseModel):
    model_config = ConfigDict(extra="ignore")

    stt: str | None = None
    llm: str | None = None
    llm_backend: str | None = None
    tts: str | None = None


class Session(BaseModel):
    """Everything recorded in one practice session."""

    model_config = ConfigDict(extra="ignore")

    schema_version: int = SCHEMA_VERSION
    id: str
    started_at: datetime = Field(default_factory=utc_now)
    ended_at: datetime | None = None
    rounds: list[str] = Field(default_factory=list)
    persona: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    models: ModelsUsed = Field(default_factory=ModelsUsed)
    turns: list[Turn] = Field(default_factory=list)
    # The coding round's code (added in version 1 with defaults: older files read as empty).
    code_versions: list[CodeVersion] = Field(default_factory=list)
    code_runs: list[CodeRun] = Field(default_factory=list)
    complete: bool = Field(default=False, description="false while running or after a crash")

    @property
    def duration(self) -> float:
        return max((t.end for t in self.turns), default=0.0)

    def candidate_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.speaker == "candidate"]


def clock(seconds: float | None) -> str:
    """Session seconds as m:ss (or h:mm:ss): how every report and transcript writes a time."""
    if seconds is None:
        return "--:--"
    total = int(max(0.0, seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def migrate(raw: dict[str, Any]) -> dict[str, Any]:
    """Bring a session.json of any earlier version up to :data:`SCHEMA_VERSION`.

    Each future version adds one named step here, applied in order, so every session ever
    written stays readable.
    """
    version = int(raw.get("schema_version", 1))
    if version > SCHEMA_VERSION:
        # Written by a newer release: read what we understand, ignore the rest.
        return raw
    raw["schema_version"] = SCHEMA_VERSION
    return raw
