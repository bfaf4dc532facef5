"""`interviewer grade`: score a session or a transcript against a rubric, with evidence."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..catalog.rounds import round_list
from ..grading import grade_target
from ..report import render_scorecard
from .app import after_a_while, app, console


@app.command()
def grade(
    target: str = typer.Argument(
        ...,
        help="A session folder, a session.json, a plain-text transcript with "
        "'Interviewer:'/'Candidate:' labels, or a JSON list of turns.",
        show_default=False,
    ),
    round: str | None = typer.Option(
        None,
        "--round",
        "-r",
        help=f"Round: {round_list()} (default: as recorded, else inferred).",
    ),
    rubric: Path | None = typer.Option(None, "--rubric", help="A rubric YAML file."),
    as_json: bool = typer.Option(False, "--json", help="Print the scorecard as JSON."),
    judge: str | None = typer.Option(
        None,
        "--judge",
        help="Let an LLM refine the scores and write a summary: 'embedded' or "
        "'openai' (uses OPENAI_BASE_URL / OPENAI_API_KEY). Its quotes are checked against the "
        "transcript and it can move a score by one level at most.",
    ),
    judge_model: str | None = typer.Option(None, "--judge-model", help="Model for --judge."),
) -> None:
    """Grade a transcript offline: every score cites the candidate's words and their time."""
    card, folder = after_a_while(
        "grading",
        lambda: grade_target(
            target, round=round, rubric_path=rubric, judge=judge, judge_model=judge_model
        ),
    )
    if as_json:
        typer.echo(json.dumps(card.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    console.print(render_scorecard(card))
    if folder is not None:
        console.print(f"[dim]saved {folder / 'scorecard.json'}[/]")
