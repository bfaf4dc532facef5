"""The typer application object shared by every command module, and the error boundary."""

from __future__ import annotations

import logging
import sys

import typer
from rich.console import Console

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
