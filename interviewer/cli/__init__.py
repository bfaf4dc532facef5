"""Command line: parses arguments, calls the library, renders. One module per concern."""

from __future__ import annotations

import faulthandler

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
    # A crash inside native code (the LLM, speech recognition, audio) prints every thread's
    # Python stack to stderr, so that a report says where it happened; turns already spoken
    # are on disk (the session is saved after each one).
    faulthandler.enable()
    run()


__all__ = ["app", "main"]
