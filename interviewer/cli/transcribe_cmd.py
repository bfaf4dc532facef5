"""`interviewer transcribe`: audio files to text with word timestamps."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..errors import InterviewerError
from ..speech.stt import build_prompt, load_transcriber
from .app import app, console, fail


@app.command()
def transcribe(
    files: list[Path] = typer.Argument(
        ..., help="Audio files (wav, flac, mp3, ...).", show_default=False
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per file, per line."),
    model: str = typer.Option(
        "bundled",
        "--model",
        "-m",
        help="bundled (tiny.en), a model folder, or a name like base.en.",
    ),
    terms: str = typer.Option("", "--terms", help="Comma-separated vocabulary to bias toward."),
) -> None:
    """Transcribe audio files locally, with word timestamps."""
    transcriber = load_transcriber(model)
    prompt = build_prompt([t for t in terms.split(",") if t.strip()])
    failures = 0
    for path in files:
        try:
            result = transcriber.transcribe(path, prompt=prompt)
        except InterviewerError as exc:
            # Name the bad file and go on with the others: one corrupt file loses nothing else.
            fail(exc)
            failures += 1
            continue
        if as_json:
            record = {
                "file": str(path),
                "text": result.text,
                "duration": result.duration,
                "words": [w.model_dump() for w in result.words],
            }
            print(json.dumps(record), flush=True)
        else:
            console.print(f"[bold]{path}[/] ({result.duration:.1f} s)", highlight=False)
            console.print(result.text or "[dim](no speech)[/]", highlight=False)
    if failures:
        raise typer.Exit(code=2)
