"""`interviewer progress`: every graded session per round and dimension, over time."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..paths import recordings_dir
from ..progress.build import load_progress, write_progress_page
from ..progress.terminal import render_progress
from .app import app, console


@app.command()
def progress(
    out_dir: Path = typer.Option(None, "--dir", help="Where sessions live (default: recordings/)."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Also write a self-contained HTML page here."
    ),
    rubric: Path | None = typer.Option(None, "--rubric", help="Grade with this rubric file."),
    as_json: bool = typer.Option(False, "--json", help="Print the cells and trends as JSON."),
) -> None:
    """Your scores per round and rubric dimension across sessions, with trends."""
    root = out_dir or recordings_dir()
    history, cells = load_progress(root, rubric)
    if as_json:
        rows = [
            {
                "round": c.round,
                "dimension": c.dimension,
                "scores": [p.score for p in c.points],
                "sessions": [p.session_id for p in c.points],
                "latest": c.latest,
                "trend": c.trend,
            }
            for c in cells
        ]
        print(
            json.dumps(
                {"cells": rows, "skipped": [str(s.folder) for s in history.skipped]}, indent=2
            )
        )
    elif not cells:
        console.print(
            f"no scored sessions in {root} yet (a dimension needs enough words to be scored)",
            highlight=False,
        )
    else:
        console.print(render_progress(history, cells))
        regraded = sorted({r.session_id for r in history.results if r.status == "regraded"})
        if regraded:
            console.print(
                f"[yellow]†[/] {len(regraded)} session(s) had a scorecard from another rubric "
                "version; they were graded again with the current one.",
                highlight=False,
            )
    if output is not None:
        path = write_progress_page(history, cells, output)
        if not as_json:
            console.print(f"wrote {path}", highlight=False)
