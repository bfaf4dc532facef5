"""Command line: parses arguments, calls the library, renders. One module per concern."""

from __future__ import annotations

# Importing a command module registers its commands on ``app``.
from . import (  # noqa: F401
    grade_cmd,  # noqa: F401
    judge_cmd,  # noqa: F401
    models_cmd,
    personas_cmd,  # noqa: F401
    plan_cmd,
    practice_cmd,
    progress_cmd,
    replay_cmd,  # noqa: F401
    report_cmd,  # noqa: F401
    serve_cmd,  # noqa: F401
    sessions_cmd,
    transcribe_cmd,
)
from .app import app, run


def main() -> None:
    run()


__all__ = ["app", "main"]
