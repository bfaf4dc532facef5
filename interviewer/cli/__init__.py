"""Command line: parses arguments, calls the library, renders. One module per concern."""

from __future__ import annotations

# Importing a command module registers its commands on ``app``.
from . import models_cmd, practice_cmd, sessions_cmd, transcribe_cmd  # noqa: F401
from . import grade_cmd  # noqa: F401
from . import report_cmd  # noqa: F401
from . import replay_cmd  # noqa: F401
from . import personas_cmd  # noqa: F401
from .app import app, run


def main() -> None:
    run()


__all__ = ["app", "main"]
