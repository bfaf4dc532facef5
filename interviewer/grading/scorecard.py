"""The scorecard: what the grader hands back and saves as ``scorecard.json``.

``score`` is 1-4 or ``None`` ("not observed": the dimension does not apply to the round, or the
candidate said too little for the behaviour to be judged). A 1 is a finding, never a default.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..session.models import utc_now

SCORECARD_VERSION = 1
PRACTISE_ITEMS = 3
SUBSTANCE_DIMENSION = "substance"
SCORECARD_FILE = "scorecard.json"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Evidence(_Model):
    """A verbatim quote from a candidate turn and when it was said (session seconds)."""

    quote: str
    turn: int
    start: float | None = None
    end: float | None = None
    kind: str = Field(default="", description="what the quote shows, e.g. 'question'")


class DimensionScore(_Model):
    id: str
    name: str
    score: int | None = Field(default=None, ge=1, le=4)
    value: float | None = Field(
        default=None,
        ge=1,
        le=4,
        description="the measurement behind the level, on the same scale, where the scorer "
        "keeps one (delivery: 2.1 and 4.9 um a minute are both level 3, at 3.47 and 2.53)",
    )
    level_name: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    rationale: str = ""
    not_observed_reason: str | None = None
    weight: float = 1.0
    source: Literal["evidence", "llm"] = "evidence"
    evidence_score: int | None = Field(
        default=None, description="the evidence-based score, kept when an LLM judge refined it"
    )

    def reading(self) -> float | None:
        """The value where the scorer kept one, else the level (None: not observed)."""
        if self.score is None:
            return None
        return self.value if self.value is not None else float(self.score)


class DeliveryStats(_Model):
    """Figures behind the delivery score and the report's charts."""

    timed: bool = False
    candidate_words: int = 0
    candidate_speaking_s: float | None = None
    interviewer_speaking_s: float | None = None
    interviewer_words: int = 0
    words_per_min: float | None = None
    filler_count: int = 0
    fillers_per_min: float | None = None
    long_silences: int = 0
    long_silence_s: float = 5.0


class PractiseItem(_Model):
    dimension: str
    name: str
    score: int
    advice: str
    next_level: str = Field(default="", description="the anchor of the next level up")


class Scorecard(_Model):
    schema_version: int = SCORECARD_VERSION
    session_id: str
    rubric_id: str
    rubric_version: int = 1
    rounds: list[str] = Field(default_factory=list)
    graded_at: datetime = Field(default_factory=utc_now)
    grader: str = "evidence"
    dimensions: dict[str, DimensionScore]
    overall: float | None = Field(default=None, description="weighted mean of observed scores")
    overall_level_name: str | None = None
    practise_next: list[PractiseItem] = Field(default_factory=list)
    stats: DeliveryStats = Field(default_factory=DeliveryStats)
    notes: list[str] = Field(default_factory=list, description="e.g. what was missing")
    narrative: str | None = Field(default=None, description="an LLM judge's summary, if asked for")
    ignored_quotes: list[Evidence] = Field(
        default_factory=list, description="candidate sentences no detector counted, and why"
    )

    def scores(self) -> dict[str, int | None]:
        return {dim_id: dim.score for dim_id, dim in self.dimensions.items()}

    def values(self) -> dict[str, float | None]:
        """Each dimension's value where it keeps one, else its level: what the overall uses."""
        return {dim_id: dim.reading() for dim_id, dim in self.dimensions.items()}
