"""Run the ``interviewer`` command as a user would: a child Python process from the repo root."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from shared_data import REPO_ROOT

from interviewer.session import Session, load_session


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


def simulate(out: Path, round_type: str, question: str, level: str, *extra: str) -> Session:
    """The install's demo on one question: ``practice --simulate`` with real espeak-ng speech,
    real faster-whisper and the embedded model; the session it saved in ``out``."""
    proc = run_cli(
        "practice",
        "--round",
        round_type,
        "--question",
        question,
        "--simulate",
        "--as",
        level,
        "--no-voice",
        "--out",
        str(out),
        *extra,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    (folder,) = [p for p in out.iterdir() if (p / "session.json").exists()]
    return load_session(folder)
