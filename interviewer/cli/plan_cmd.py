"""`interviewer plan`: the confidence grid, the job's skills, and a dated practice schedule."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
import typer
from rich.table import Table

from ..catalog.rounds import ROUND_TYPES
from ..errors import ConfigError
from ..paths import recordings_dir
from ..study import PlanView, load_plan, parse_confidence, plan_path, read_job, update_plan
from ..study.skills import JobMapping
from .app import app, console


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"{option}: {text!r} is not a date", hint="e.g. 2026-12-20") from exc


def _ask_confidence() -> dict[str, int] | None:
    """Ask once, at a terminal; never block a run without one."""
    if not sys.stdin.isatty():
        console.print(
            "[yellow]confidence not set:[/] planning from measured scores only. Set it with "
            f"`interviewer plan --confidence {','.join(f'{r}=3' for r in ROUND_TYPES)}` (1-5).",
            highlight=False,
        )
        return None
    console.print("How confident are you in each round? 1 = not at all, 5 = ready.")
    return {r: typer.prompt(f"  {r}", type=click.IntRange(1, 5)) for r in ROUND_TYPES}


def _grid(view: PlanView) -> Table:
    weakest = view.needs[0].round if view.needs else None
    table = Table(title="Confidence grid", caption="need: 0 nothing to do … 1 everything")
    for col in ("round", "confidence", "measured", "sessions", "job share", "need"):
        table.add_column(col, justify="left" if col == "round" else "center")
    by_round = {n.round: n for n in view.needs}
    for r in ROUND_TYPES:
        n = by_round[r]
        style = "bold red" if r == weakest else ""
        table.add_row(
            r,
            f"{n.confidence}/5" if n.confidence is not None else "[dim]?[/]",
            f"{n.measured:.1f}/4" if n.measured is not None else "[dim]–[/]",
            str(view.sessions.get(r, 0)),
            f"{n.job_share:.0%}" if n.job_share is not None else "[dim]–[/]",
            f"{n.priority:.2f}",
            style=style,
        )
    return table


def _mapping(job: JobMapping) -> Table:
    table = Table(
        title=f"What the job names ({job.source})",
        caption="correct the shares with --job-weight ROUND=W,...; the phrases are in "
        "study/skills.yaml",
    )
    for col in ("skill", "found", "times", "rounds"):
        table.add_column(col)
    for hit in job.hits:
        table.add_row(
            hit.name,
            ", ".join(hit.phrases),
            str(hit.count),
            ", ".join(hit.rounds),
        )
    shares = ", ".join(f"{r} {w:.0%}" for r, w in job.round_weights.items() if w)
    table.add_row("[bold]round shares[/]", shares, "", "")
    return table


def _schedule(view: PlanView) -> Table:
    schedule = view.plan.schedule
    assert schedule is not None
    table = Table(
        title=f"Study plan {schedule.start} → {schedule.end} (weakest: {schedule.weakest})"
    )
    for col in ("date", "day", "session", "focus", "status"):
        table.add_column(col)
    previous: list[str] = []
    for i, e in enumerate(schedule.entries):
        status = ""
        if view.done and view.done[i]:
            status = "[green]done[/]"
        elif i == view.next_position:
            status = "[bold cyan]next[/]"
        what = {"rest": "[dim]rest[/]", "loop": "full loop"}.get(e.kind, ", ".join(e.rounds))
        # The day's guidance is said once per block of the same round, not on every row.
        focus = e.focus if e.rounds != previous or e.kind != "practice" else "〃"
        if e.topics and focus != "〃":
            focus += f" Topics: {', '.join(e.topics)}."
        if e.kind != "rest":
            previous = e.rounds
        table.add_row(str(e.day), f"{e.day:%a}", what, focus, status)
    return table


@app.command()
def plan(
    out_dir: Path = typer.Option(None, "--dir", help="Where sessions live (default: recordings/)."),
    confidence: str | None = typer.Option(
        None, "--confidence", help="Your confidence per round, 1-5: coding=2,modelling=4."
    ),
    job: Path | None = typer.Option(
        None, "--job", help="A job description (text or markdown) to weight the plan toward."
    ),
    job_weight: str | None = typer.Option(
        None, "--job-weight", help="Correct the job's round shares: llm_retrieval=3,coding=1."
    ),
    weeks: int | None = typer.Option(None, "--weeks", help="Plan this many weeks from --start."),
    until: str | None = typer.Option(None, "--until", help="Plan until this date (2026-12-20)."),
    start: str | None = typer.Option(
        None, "--start", help="First day of the plan (default: today)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
) -> None:
    """Your confidence grid beside measured scores, and a dated schedule, weakest round first."""
    ratings = parse_confidence(confidence) if confidence else None
    if ratings is None and not load_plan().confidence and not as_json:
        ratings = _ask_confidence()
    mapping = read_job(job) if job is not None else None
    view = update_plan(
        out_dir or recordings_dir(),
        start=_date(start, "--start") or date.today(),
        confidence=ratings,
        job=mapping,
        job_weights=job_weight,
        weeks=weeks,
        until=_date(until, "--until"),
    )
    if as_json:
        print(view.model_dump_json(indent=2))
        return
    console.print(_grid(view))
    if view.plan.job is not None and view.plan.job.hits:
        console.print(_mapping(view.plan.job))
    console.print(_schedule(view))
    saved = "saved" if view.rebuilt else "unchanged"
    console.print(
        f"[dim]{saved}: {plan_path()} · start the next session with "
        "`interviewer practice --next`[/]",
        highlight=False,
    )
