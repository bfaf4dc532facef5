"""`interviewer report`: the scorecard as an HTML page (or Markdown, or JSON)."""

from __future__ import annotations

from pathlib import Path

import typer

from ..report.build import write_report
from .app import app, console


@app.command()
def report(
    session: str = typer.Argument(
        "last", help="A session folder, a session id, 'last', or a transcript file."
    ),
    fmt: str = typer.Option("html", "--format", "-f", help="html, md or json."),
    out: Path | None = typer.Option(
        None, "--output", "-o", help="Where to write it (default: inside the session folder)."
    ),
    embed_audio: bool = typer.Option(
        False, "--embed-audio", help="Carry the recordings inside the HTML page (bigger file)."
    ),
    rubric: Path | None = typer.Option(None, "--rubric", help="Grade with this rubric file."),
    regrade: bool = typer.Option(
        False, "--regrade", help="Grade again even if a scorecard exists."
    ),
) -> None:
    """Write the report: scorecard, evidence you can click to hear, charts, full transcript."""
    path, _ = write_report(
        session,
        fmt=fmt.lower(),
        out=out,
        embed_audio=embed_audio,
        rubric_path=rubric,
        regrade=regrade,
    )
    console.print(f"wrote {path}")
