"""The scorecard: what the grader hands back and saves as ``scorecard.json``.

``score`` is 1-4 or ``None`` ("not observed": the dimension does not apply to the round, or the
candidate said too little for the behaviour to be judged). A 1 is a finding, never a default.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..session.models import utc_now

if TYPE_CHECKING:  # the rubric module imports the scorers, which import this one
    from .rubric import Rubric

SCORECARD_VERSION = 1
PRACTISE_ITEMS = 3
SUBSTANCE_DIMENSION = "substance"
# The overall is at most the substance level plus this: below the next level's half-way mark.
SUBSTANCE_CAP_MARGIN = 0.4
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
    level_name: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    rationale: str = ""
    not_observed_reason: str | None = None
    weight: float = 1.0
    source: Literal["evidence", "llm"] = "evidence"
    evidence_score: int | None = Field(
        default=None, description="the evidence-based score, kept when an LLM judge refined it"
    )


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


def finish(card: Scorecard, rubric: Rubric) -> None:
    """Overall score and what to practise next, from the dimension scores (re-run after a judge)."""
    observed = [(d.score, d.weight) for d in card.dimensions.values() if d.score is not None]
    if observed:
        card.overall = round(sum(s * w for s, w in observed) / sum(w for _, w in observed), 2)
        # The overall follows substance: however many process boxes an answer ticks, a
        # buzzword list, an off-topic answer or a run of "I don't know" is not Solid.
        said = card.dimensions.get(SUBSTANCE_DIMENSION)
        if said is not None and said.score is not None:
            card.overall = min(card.overall, said.score + SUBSTANCE_CAP_MARGIN)
        card.overall_level_name = rubric.level_names.get(int(card.overall + 0.5))
    order = {d.id: i for i, d in enumerate(rubric.dimensions)}
    weak = sorted(
        ((d.score, d) for d in card.dimensions.values() if d.score is not None and d.score < 4),
        key=lambda pair: (pair[0], -pair[1].weight, order.get(pair[1].id, 0)),
    )
    card.practise_next = []
    for score, d in weak[:PRACTISE_ITEMS]:
        dim = rubric.dimension(d.id)
        card.practise_next.append(
            PractiseItem(
                dimension=d.id,
                name=d.name,
                score=score,
                advice=dim.practise.strip(),
                next_level=dim.anchors[score + 1],
            )
        )
