"""Run the ``interviewer`` command as a user would: a child Python process from the repo root."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping

from shared_data import REPO_ROOT


def run_cli(
    *args: str,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 900,
) -> subprocess.CompletedProcess[str]:
    """``python -m interviewer ARGS``; ``env`` replaces the environment (default: this one)."""
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=timeout,
        env=dict(env) if env is not None else os.environ.copy(),
        input=stdin,
    )
