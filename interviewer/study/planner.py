"""Put the plan together: history + confidence grid + job focus -> needs -> dated schedule.

The CLI calls :func:`update_plan` and :func:`plan_next`; both read sessions through the
progress module, so the plan and the progress page always agree on the measured scores.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from pydantic import BaseModel, Field

from ..catalog.rounds import ROUND_TYPES
from ..errors import ConfigError
from ..progress.build import load_progress
from ..progress.history import History
from ..progress.trends import Cell, round_scores
from .guide import load_guide
from .nextup import NextSession, done_entries, next_session, weakest_dimensions
from .schedule import RoundNeed, build_schedule, round_needs
from .skills import JobMapping
from .store import PlanFile, load_plan, save_plan

DEFAULT_WEEKS = 3


class PlanView(BaseModel):
    """Everything `interviewer plan` shows."""

    plan: PlanFile
    needs: list[RoundNeed]
    measured: dict[str, float] = Field(default_factory=dict)
    sessions: dict[str, int] = Field(default_factory=dict, description="sessions per round")
    done: list[bool] = Field(default_factory=list)
    next_position: int | None = None
    rebuilt: bool = False


def parse_pairs(text: str, what: str) -> dict[str, float]:
    """ROUND=VALUE pairs, comma-separated, to a dict; rounds by id or alias (the registry's)."""
    from ..catalog.rounds import normalise_round

    out: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep:
            raise ConfigError(
                f"{what}: {part!r} is not ROUND=VALUE", hint="e.g. coding=2,modelling=4"
            )
        try:
            round_id = normalise_round(name)
            number = float(value)
        except (ValueError, Exception) as exc:
            raise ConfigError(
                f"{what}: {part!r}: {getattr(exc, 'message', exc)}",
                hint=f"rounds: {', '.join(ROUND_TYPES)}",
            ) from exc
        out[str(round_id)] = number
    if not out:
        raise ConfigError(f"{what}: nothing given", hint="e.g. coding=2,modelling=4")
    return out


def parse_confidence(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for r, v in parse_pairs(text, "--confidence").items():
        if v != int(v) or not 1 <= v <= 5:
            raise ConfigError(f"--confidence: {r}={v:g} must be a whole number from 1 to 5")
        out[r] = int(v)
    return out


def corrected_job(job: JobMapping | None, weights_text: str) -> JobMapping:
    """The job mapping with round shares the candidate set by hand (normalised again)."""
    given = parse_pairs(weights_text, "--job-weight")
    if any(v < 0 for v in given.values()):
        raise ConfigError("--job-weight: weights cannot be negative")
    base = dict(job.round_weights) if job else {}
    merged = {r: given.get(r, base.get(r, 0.0)) for r in ROUND_TYPES}
    total = sum(merged.values())
    if total <= 0:
        raise ConfigError("--job-weight: at least one round needs a positive weight")
    weights = {r: round(v / total, 3) for r, v in merged.items()}
    if job is None:
        return JobMapping(source="set by hand", round_weights=weights)
    return job.model_copy(update={"round_weights": weights})


def _focus(cells: list[Cell]) -> dict[str, list[str]]:
    return {r: [c.name for c in weakest_dimensions(cells, r)] for r in ROUND_TYPES}


def bank_topics(job: JobMapping | None) -> dict[str, list[str]]:
    """Per round, the job's topics that some question of that round's bank touches: a topic
    no question can serve says nothing about what to practise."""
    if job is None:
        return {}
    from ..catalog.personas import load_catalog
    from .skills import topic_overlap

    catalog = load_catalog()
    out: dict[str, list[str]] = {}
    for r, topics in job.topics.items():
        texts = [" ".join([q.title, q.prompt, *q.terms]) for q in catalog.bank(r).questions]
        out[r] = [t for t in topics if any(topic_overlap([t], text) for text in texts)]
    return out


def resolve_end(start: date, weeks: int | None, until: date | None, plan: PlanFile) -> date:
    if weeks is not None and until is not None:
        raise ConfigError("give --weeks or --until, not both")
    if weeks is not None:
        if weeks < 1:
            raise ConfigError("--weeks must be at least 1")
        return start + timedelta(days=7 * weeks - 1)
    if until is not None:
        if until < start:
            raise ConfigError(f"--until {until} is before the plan's start {start}")
        return until
    if plan.schedule is not None and plan.schedule.end >= start:
        return plan.schedule.end
    return start + timedelta(days=7 * DEFAULT_WEEKS - 1)


def view_of(plan: PlanFile, history: History, cells: list[Cell]) -> PlanView:
    measured = round_scores(cells)
    weights = plan.job.round_weights if plan.job and plan.job.round_weights else None
    needs = round_needs(list(ROUND_TYPES), plan.confidence, measured, weights)
    counts: dict[str, int] = {}
    for r in history.results:
        counts[r.round] = counts.get(r.round, 0) + 1
    view = PlanView(plan=plan, needs=needs, measured=measured, sessions=counts)
    if plan.schedule is not None:
        view.done = done_entries(plan.schedule, history)
        view.next_position = next(
            (
                i
                for i, e in enumerate(plan.schedule.entries)
                if e.kind != "rest" and not view.done[i]
            ),
            None,
        )
    return view


def update_plan(
    sessions_dir: Path,
    *,
    start: date,
    confidence: dict[str, int] | None = None,
    job: JobMapping | None = None,
    job_weights: str | None = None,
    weeks: int | None = None,
    until: date | None = None,
) -> PlanView:
    """Apply the changes asked for, rebuild the schedule when anything it rests on changed
    (or none exists yet), save, and return what to show."""
    plan = load_plan()  # a broken file stops here, before anything is written
    changed = False
    if confidence:
        plan.set_confidence(confidence)
        changed = True
    if job is not None:
        plan.job = job
        changed = True
    if job_weights:
        plan.job = corrected_job(plan.job, job_weights)
        changed = True
    history, cells = load_progress(sessions_dir)
    rebuild = changed or weeks is not None or until is not None or plan.schedule is None
    if rebuild:
        end = resolve_end(start, weeks, until, plan)
        view = view_of(plan, history, cells)
        topics = bank_topics(plan.job)
        plan.schedule = build_schedule(view.needs, start, end, load_guide(), _focus(cells), topics)
        save_plan(plan)
    view = view_of(plan, history, cells)
    view.rebuilt = rebuild
    return view


def plan_next(sessions_dir: Path) -> NextSession:
    """The session the stored plan says is next (`practice --next`)."""
    from ..catalog.personas import load_catalog

    plan = load_plan()
    if plan.schedule is None:
        raise ConfigError(
            "there is no study plan yet", hint="make one with `interviewer plan --weeks 3`"
        )
    history, cells = load_progress(sessions_dir)
    found = next_session(plan.schedule, history, cells, load_catalog())
    if found is None:
        raise ConfigError(
            "every session of the study plan is done",
            hint="make a new one with `interviewer plan --weeks N`",
        )
    return found
