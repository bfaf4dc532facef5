"""Read every session under a folder into per-round scores graded with ONE rubric version.

A session's saved scorecard is used when it was graded with the current rubric (same id,
version and dimensions). Otherwise the session is graded again, in memory, and marked
``regraded`` with the rubric it had: scores from two rubric versions are never mixed silently.
A loop session holds several rounds; each round is graded on its own turns so that a round's
scores are not blended with another round's.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from ..catalog.rounds import ROUND_TYPES
from ..errors import SessionError
from ..grading.grader import grade_session, load_scorecard
from ..grading.rubric import Rubric
from ..grading.scorecard import Scorecard
from ..session.models import Session
from ..session.store import SessionStore

log = logging.getLogger(__name__)

GradeStatus = Literal["current", "regraded"]


class RoundResult(BaseModel):
    """One round of one session: its dimension scores under the current rubric."""

    session_id: str
    folder: Path
    started_at: datetime
    round: str
    scores: dict[str, int | None]
    overall: float | None = None
    status: GradeStatus = "current"
    graded_with: str = Field(description="the rubric of the saved scorecard, e.g. 'default v1'")
    questions: list[str] = Field(default_factory=list)
    complete: bool = True


class Skipped(BaseModel):
    folder: Path
    reason: str


class History(BaseModel):
    rubric_id: str
    rubric_version: int
    dimensions: dict[str, str] = Field(description="dimension id -> name, in rubric order")
    results: list[RoundResult] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)

    def rounds(self) -> list[str]:
        """Rounds with at least one result, in the registry's order."""
        seen = {r.round for r in self.results}
        return [r for r in ROUND_TYPES if r in seen]

    def sessions(self) -> list[tuple[str, Path, datetime]]:
        """(id, folder, started_at) of every session with a result, oldest first."""
        out: dict[str, tuple[str, Path, datetime]] = {}
        for r in self.results:
            out.setdefault(r.session_id, (r.session_id, r.folder, r.started_at))
        return sorted(out.values(), key=lambda s: (s[2], s[0]))

    def seen_questions(self) -> set[str]:
        return {q for r in self.results for q in r.questions}


def _matches(card: Scorecard, rubric: Rubric) -> bool:
    return (
        card.rubric_id == rubric.id
        and card.rubric_version == rubric.version
        and set(card.dimensions) == {d.id for d in rubric.dimensions}
    )


def _round_only(session: Session, round: str) -> Session:
    """The turns of one round, as a session of its own (turn indices kept, for evidence)."""
    turns = [t for t in session.turns if t.round == round]
    return session.model_copy(update={"turns": turns, "rounds": [round]})


def _session_rounds(session: Session) -> list[str]:
    found = [r for r in session.rounds if r in ROUND_TYPES]
    for t in session.turns:
        if t.round in ROUND_TYPES and t.round not in found:
            found.append(t.round)
    return found


def results_for(session: Session, folder: Path, rubric: Rubric) -> list[RoundResult]:
    """Per-round results of one session (none when the candidate never spoke)."""
    if not session.candidate_turns():
        return []
    try:
        saved = load_scorecard(folder)
    except SessionError as exc:
        log.warning("%s; grading again", exc)
        saved = None
    graded_with = f"{saved.rubric_id} v{saved.rubric_version}" if saved else "not graded"
    rounds = _session_rounds(session)
    status: GradeStatus = "current"
    if saved is not None and not _matches(saved, rubric):
        status = "regraded"
    out: list[RoundResult] = []
    for round in rounds:
        if len(rounds) == 1 and saved is not None and status == "current":
            card = saved
            part = session
        else:
            part = _round_only(session, round) if len(rounds) > 1 else session
            card = grade_session(part, rubric, round=round)
        if not part.candidate_turns():
            continue
        questions = list(dict.fromkeys(t.question_id for t in part.turns if t.question_id))
        out.append(
            RoundResult(
                session_id=session.id,
                folder=folder,
                started_at=session.started_at,
                round=round,
                scores={
                    d.id: card.dimensions[d.id].score
                    for d in rubric.dimensions_for(round)
                    if d.id in card.dimensions
                },
                overall=card.overall,
                status=status,
                graded_with=graded_with,
                questions=questions,
                complete=session.complete,
            )
        )
    return out


def collect_history(root: Path, rubric: Rubric) -> History:
    """Every session under ``root``, oldest first, graded with ``rubric``."""
    history = History(
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        dimensions={d.id: d.name for d in rubric.dimensions},
    )
    for folder, session in SessionStore(root).list():
        if isinstance(session, Exception):
            history.skipped.append(Skipped(folder=folder, reason=str(session)))
            continue
        found = results_for(session, folder, rubric)
        if not found:
            reason = (
                "no candidate answers" if not session.candidate_turns() else "no round recorded"
            )
            history.skipped.append(Skipped(folder=folder, reason=reason))
        history.results.extend(found)
    history.results.sort(key=lambda r: (r.started_at, r.session_id, ROUND_TYPES.index(r.round)))
    return history
