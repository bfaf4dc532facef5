"""The typer application object shared by every command module, and the error boundary."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import InterviewerError

app = typer.Typer(
    name="interviewer",
    help="A local, voice mock interviewer for machine-learning-engineer candidates.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

console = Console()
err_console = Console(stderr=True)


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what happens, to stderr."),
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


T = TypeVar("T")
MODEL_OPTION = typer.Option(
    None, "--model", help="LLM: a .gguf path, 'smollm2', or the server's model name."
)
PROGRESS_AFTER_S = 2.0


def after_a_while(what: str, work: Callable[[], T], after_s: float = PROGRESS_AFTER_S) -> T:
    """Run ``work``; if it takes longer than ``after_s``, show a moving bar on stderr until it
    ends (a quick grade prints nothing extra). Errors reach the caller unchanged."""
    done = threading.Event()
    result: list[T] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:  # handed to the caller's thread
            error.append(exc)
        finally:
            done.set()

    worker = threading.Thread(target=run, name=what, daemon=True)
    worker.start()
    if not done.wait(after_s):
        with Progress(
            TextColumn(f"{what}…"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        ) as progress:
            progress.add_task(what, total=None)
            while not done.wait(0.1):
                pass
    worker.join()
    if error:
        raise error[0]
    return result[0]


def fail(exc: InterviewerError) -> None:
    """One clear line (and a hint) instead of a traceback."""
    err_console.print(f"[bold red]error:[/] {exc.message}", highlight=False, soft_wrap=True)
    if exc.hint:
        err_console.print(f"[yellow]hint:[/] {exc.hint}", highlight=False, soft_wrap=True)


def run() -> None:
    try:
        app()
    except InterviewerError as exc:
        fail(exc)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("interrupted: every finished turn is saved.")
        sys.exit(130)
