"""`interviewer judge`: grade written answers against a reference (JSON lines in and out)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..errors import LLMUnavailableError
from ..grading.written import judge_file
from ..llm import LLMSettings, make_backend
from ..llm.base import LLMBackend
from ..llm.settings import BACKEND_NAMES
from .app import MODEL_OPTION, app, console, err_console


def grading_backend(llm: str, model: str | None) -> LLMBackend | None:
    """The model that grades alongside the sentence embeddings; None for ``--llm none`` or
    when it cannot be loaded (said on the terminal: the embeddings then grade alone)."""
    if llm == "none":
        return None
    if llm not in BACKEND_NAMES:
        raise typer.BadParameter(f"{llm!r}: use embedded, openai or none", param_hint="--llm")
    try:
        return make_backend(LLMSettings(backend=llm, model=model))  # type: ignore[arg-type]
    except LLMUnavailableError as exc:
        err_console.print(
            f"[yellow]no language model[/] ({exc}); grading with sentence embeddings only",
            highlight=False,
            soft_wrap=True,
        )
        return None


@app.command()
def judge(
    source: Path = typer.Argument(
        ...,
        help='A JSON-lines file: one {"id", "question", "reference", "answer"} a line.',
        show_default=False,
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Where to write the graded lines."),
    llm: str = typer.Option(
        "embedded",
        "--llm",
        help="The model that grades each whole answer with the embeddings: embedded (local, "
        "default), openai (OPENAI_BASE_URL / OPENAI_API_KEY) or none (embeddings only, faster).",
    ),
    model: str | None = MODEL_OPTION,
) -> None:
    """Check written answers against reference notes: which points each makes, and a 1-4 score."""
    backend = grading_backend(llm, model)
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
            backend=backend,
            on_model_lost=lambda exc: err_console.print(
                f"[yellow]lost the language model[/] ({exc}); the rest is graded with sentence "
                "embeddings only",
                highlight=False,
                soft_wrap=True,
            ),
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
