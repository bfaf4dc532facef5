"""`practice --round coding --text --code FILE` end to end, as a user runs it: the real CLI in
a subprocess, stdin piped, the real sandbox and the real embedded interviewer model loaded;
then `grade --json` on the saved session. The typed lines ask to run the tests, which the
coding round answers itself, so no line waits on the LLM's generation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run_cli
from shared_data import REPO_ROOT

from interviewer.coding.sandbox import SandboxLimits
from interviewer.coding.tasks import find_task
from interviewer.session import load_session

pytestmark = [pytest.mark.slow, pytest.mark.llm]

TASK = find_task("cd-precision-recall")
LIMITS = SandboxLimits()
TESTED_FIRST = (
    "For example y_true [1, 0] and y_pred [1, 1] gives precision 0.5 and recall 1.0; the edge "
    "cases are empty lists and lists of different lengths. Let me run the tests."
)


def practice(code: Path, out: Path, lines: list[str]) -> subprocess.CompletedProcess[str]:
    # COLUMNS: rich wraps at the terminal width; one line per turn is easier to check.
    env = os.environ.copy() | {"INTERVIEWER_RECORDINGS_DIR": str(out), "COLUMNS": "400"}
    return subprocess.run(
        [sys.executable, "-m", "interviewer", "practice", "--round", "coding"]
        + ["--question", "cd-precision-recall", "--text", "--code", str(code), "--no-voice"],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=1800,
    )


def grade_json(folder: Path) -> dict:
    done = run_cli("grade", str(folder), "--json", timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def only_session(out: Path) -> Path:
    folders = [p for p in out.iterdir() if (p / "session.json").is_file()]
    assert len(folders) == 1, folders
    return folders[0]


def test_correct_file_passes_every_test_and_grades_correctness_4(tmp_path):
    code = tmp_path / "precision.py"
    code.write_text(TASK.reference.read_text())
    proc = practice(code, tmp_path / "out", [TESTED_FIRST, "/run"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    folder = only_session(tmp_path / "out")
    session = load_session(folder)
    assert session.complete
    assert len(session.code_runs) == 2
    for run in session.code_runs:
        assert run.total >= 8 and run.passed == run.total and run.failed == run.errors == 0
        assert not run.timed_out and run.first_failing_input is None
    assert f"All {session.code_runs[0].total} tests pass." in proc.stdout
    assert (folder / session.code_versions[0].file).read_text() == code.read_text()
    card = grade_json(folder)
    correctness = card["dimensions"]["correctness"]
    assert correctness["score"] == 4, correctness
    assert correctness["evidence"] and correctness["evidence"][0]["quote"].startswith("run at")
    assert card["dimensions"]["testing"]["score"] == 4, card["dimensions"]["testing"]


def test_wrong_file_records_failures_and_grades_lower(tmp_path):
    code = tmp_path / "precision.py"
    code.write_text(TASK.wrong.read_text())
    proc = practice(code, tmp_path / "out", ["/run"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    session = load_session(only_session(tmp_path / "out"))
    (run,) = session.code_runs
    assert run.failed > 0 and run.passed < run.total
    assert run.first_failing_input == "precision_recall([1, 1, 1, 0], [1, 0, 0, 0])"
    assert "Walk me through what your function does for precision_recall(" in proc.stdout
    card = grade_json(only_session(tmp_path / "out"))
    assert card["dimensions"]["correctness"]["score"] < 4


def test_infinite_loop_is_stopped_by_a_limit_and_the_session_goes_on(tmp_path):
    code = tmp_path / "precision.py"
    code.write_text(
        "import itertools\n\ndef precision_recall(y_true, y_pred):\n"
        "    return sum(itertools.count())\n"
    )
    proc = practice(code, tmp_path / "out", ["/run", "Let me run the tests again."])
    assert proc.returncode == 0, proc.stderr[-3000:]
    session = load_session(only_session(tmp_path / "out"))
    assert session.complete and session.turns[-1].act == "wrap_up"
    assert len(session.code_runs) == 2  # the interview went on after the first kill
    # Stopped by a limit, and the sentence names it: the CPU limit on a quiet machine, the
    # wall clock on a busy one (which one comes first is the machine's speed, not a result).
    stopped_by = (
        f"The run used more than {LIMITS.cpu_s} seconds of CPU and was stopped.",
        f"The run did not finish within {LIMITS.wall_s:g} seconds and was stopped.",
    )
    for run in session.code_runs:
        assert run.timed_out and run.passed == 0
        assert run.first_failure in stopped_by, run.first_failure
        assert run.sandbox_error is None
