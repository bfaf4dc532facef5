"""What the plan says is next, and which question to ask in it.

An entry of the schedule is *done* when a session with exactly its rounds was recorded after
the plan was made; sessions are matched to the earliest open entry, in order, so practising
ahead of the calendar or missing a day both just move along the list. Rest days are never
"next". The question is the round's least-asked one, then the one that touches most of the
job's topics, then bank order: deterministic, so the same state gives the same session.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from ..catalog.personas import Catalog
from ..errors import ConfigError
from ..progress.history import History
from ..progress.trends import Cell
from .skills import topic_overlap
from .store import PlanEntry, Schedule

FOCUS_DIMENSIONS = 2


class NextSession(BaseModel):
    entry: PlanEntry
    position: int = Field(description="the entry's index in the schedule")
    question_id: str | None = None
    question_title: str | None = None
    unseen: bool = True
    topics: list[str] = Field(default_factory=list)
    focus_dimensions: list[str] = Field(default_factory=list)


def _aware(ts: datetime) -> datetime:
    from datetime import UTC

    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def done_entries(schedule: Schedule, history: History) -> list[bool]:
    """For each entry, whether a session after the plan's creation fulfilled it."""
    done = [False] * len(schedule.entries)
    created = _aware(schedule.created_at)
    for sid, _, started in history.sessions():
        if _aware(started) < created:
            continue
        rounds = [r.round for r in history.results if r.session_id == sid]
        for i, entry in enumerate(schedule.entries):
            if not done[i] and entry.kind != "rest" and sorted(entry.rounds) == sorted(rounds):
                done[i] = True
                break
    return done


def weakest_dimensions(cells: list[Cell], round: str, n: int = FOCUS_DIMENSIONS) -> list[Cell]:
    mine = [c for c in cells if c.round == round and c.latest < 4]
    mine.sort(key=lambda c: (c.latest, c.mean))
    return mine[:n]


def choose_question(
    catalog: Catalog, round: str, seen: dict[str, int], topics: list[str]
) -> tuple[str, str, bool, list[str]]:
    """(id, title, unseen, job topics it touches) of the question to ask next."""
    bank = catalog.bank(round)
    best = None
    for position, q in enumerate(bank.questions):
        text = " ".join([q.title, q.prompt, *q.terms])
        touched = topic_overlap(topics, text)
        key = (seen.get(q.id, 0), -len(touched), position)
        if best is None or key < best[0]:
            best = (key, q, touched)
    if best is None:
        raise ConfigError(f"the question bank for {round} is empty")
    _, q, touched = best
    return q.id, q.title, seen.get(q.id, 0) == 0, touched


def next_session(
    schedule: Schedule, history: History, cells: list[Cell], catalog: Catalog
) -> NextSession | None:
    """The first open entry of the schedule, with its question and focus; None when done."""
    done = done_entries(schedule, history)
    seen: dict[str, int] = {}
    for r in history.results:
        for q in r.questions:
            seen[q] = seen.get(q, 0) + 1
    for i, entry in enumerate(schedule.entries):
        if entry.kind == "rest" or done[i]:
            continue
        result = NextSession(entry=entry, position=i)
        if entry.kind == "practice" and entry.rounds:
            round = entry.rounds[0]
            qid, title, unseen, touched = choose_question(catalog, round, seen, entry.topics)
            result.question_id = qid
            result.question_title = title
            result.unseen = unseen
            result.topics = touched
            result.focus_dimensions = [c.dimension for c in weakest_dimensions(cells, round)]
        return result
    return None
