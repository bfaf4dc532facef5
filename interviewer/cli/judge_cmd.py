"""`interviewer judge`: grade written answers against a reference (JSON lines in and out)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..grading.written import judge_file
from .app import app, console, err_console


@app.command()
def judge(
    source: Path = typer.Argument(
        ...,
        help='A JSON-lines file: one {"id", "question", "reference", "answer"} a line.',
        show_default=False,
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Where to write the graded lines."),
) -> None:
    """Check written answers against reference notes: which points each makes, and a 1-4 score."""
    with Progress(
        TextColumn("grading answers"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("judge", total=None)
        judged, bad = judge_file(
            source,
            out,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    for line in bad:
        err_console.print(f"[yellow]skipped[/] {source}: {line}", highlight=False, soft_wrap=True)
    console.print(
        f"graded {len(judged)} answer(s) into {out}"
        + (f"; {len(bad)} line(s) skipped" if bad else ""),
        highlight=False,
    )
    if bad and not judged:
        raise typer.Exit(1)
