"""The sandbox on bad input: every case ends in one clear sentence, the limit that stopped
it named, and nothing outside the run's temporary folder is touched; a sandbox that cannot
start Python is reported as that, never as the code failing. Real subprocesses, no fakes.

No test here depends on the machine's speed: the wall-clock limit is generous wherever it is
not what is tested (a busy machine slows Python's start-up, not the CPU timers), and where it
is, the CPU limits are set above it, so only the wall-clock kill can end the run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.coding import sandbox
from interviewer.coding.models import CodeRun
from interviewer.coding.sandbox import SANDBOX_FAILED, SandboxLimits, run_tests
from interviewer.coding.tasks import find_task

pytestmark = [pytest.mark.slow]

TASK = find_task("cd-precision-recall")
assert TASK is not None
TESTS = TASK.tests_source()
# CPU limits short, so a loop is stopped soon; the wall clock long, so that a busy machine's
# slow start never stops a run that CPU time would not.
FAST = SandboxLimits(wall_s=120.0, case_timeout_s=1.0, cpu_s=30)
# Only the wall clock can stop this run: its CPU limits are far beyond it.
WALL_ONLY = SandboxLimits(wall_s=4.0, case_timeout_s=60.0, cpu_s=600)


def run(tmp_path: Path, code: str | bytes, limits: SandboxLimits = FAST, name="solution.py"):
    path = tmp_path / name
    if isinstance(code, bytes):
        path.write_bytes(code)
    else:
        path.write_text(code)
    return run_tests(path, TESTS, limits)


def test_reference_passes_every_test(tmp_path):
    result = run(tmp_path, TASK.reference.read_text())
    assert result.all_passed and result.total >= 8
    assert result.sentence() == f"All {result.total} tests pass."


def test_wrong_solution_names_the_first_failing_input_never_the_expected_output(tmp_path):
    result = run(tmp_path, TASK.wrong.read_text())
    assert 0 < result.passed < result.total and result.failed > 0
    sentence = result.sentence()
    assert sentence.startswith(f"{result.passed} of {result.total} tests pass")
    assert "precision_recall([1, 1, 1, 0], [1, 0, 0, 0])" in sentence
    assert "returned (0.3333333333333333, 1.0)" in sentence
    assert "(1.0, 0.3333333333333333)" not in sentence  # the expected value stays hidden


def test_python_infinite_loop_is_stopped_per_test_and_the_rest_still_run(tmp_path):
    code = TASK.reference.read_text().replace(
        "    tp = sum(", "    while not y_true:\n        pass\n    tp = sum(", 1
    )
    result = run(tmp_path, code)
    assert result.timed_out
    assert result.first_failing_input == "precision_recall([], [])"
    stopped = next(c for c in result.cases if c.status != "passed")
    # The per-test CPU timer stopped it, not the wall clock.
    assert (stopped.status, stopped.detail) == ("timed_out", "did not finish within the time limit")
    assert result.passed >= 1  # the tests after the loop ran too


def test_c_level_infinite_loop_is_killed_at_the_wall_clock_limit(tmp_path):
    # sum() over an endless iterator never returns to the bytecode loop: no timer can stop it,
    # so the whole process group is killed from outside.
    code = "import itertools\ndef precision_recall(t, p):\n    return sum(itertools.count())\n"
    result = run(tmp_path, code, WALL_ONLY)
    assert result.timed_out
    assert result.first_failing_input is not None
    assert "did not finish within 4 seconds and was stopped" in result.sentence()


def test_memory_bomb_is_an_error_not_a_crash_of_the_machine(tmp_path):
    code = "def precision_recall(t, p):\n    x = [0] * (10 * 1024**3)\n    return (0.0, 0.0)\n"
    result = run(tmp_path, code)
    assert result.errors == result.total
    assert "ran out of memory" in result.sentence()


def test_syntax_error(tmp_path):
    result = run(tmp_path, "def precision_recall(t, p)\n    return 1\n")
    assert result.problem is not None and result.problem.startswith("The code does not parse")
    assert "line 1" in result.problem and result.total == 0 or result.passed == 0


@pytest.mark.parametrize(
    "body",
    [
        "    while True:\n        print('x' * 100)\n",
        "    import os\n    while True:\n        os.write(1, b'x' * 65536)\n",
    ],
    ids=["print", "os.write"],
)
def test_print_flood_is_stopped(tmp_path, body):
    result = run(tmp_path, "def precision_recall(t, p):\n" + body)
    assert result.passed == 0
    assert "output" in result.sentence(), result.sentence()


def test_wrong_function_name(tmp_path):
    result = run(tmp_path, "def prec_rec(t, p):\n    return (1.0, 1.0)\n")
    assert result.problem == (
        "The code defines no precision_recall (it defines prec_rec); the tests call "
        "precision_recall."
    )


def test_wrong_signature(tmp_path):
    result = run(tmp_path, "def precision_recall(pairs):\n    return (1.0, 1.0)\n")
    assert (
        result.problem
        == "precision_recall cannot be called with 2 arguments, as the tests call it."
    )


def test_missing_import(tmp_path):
    result = run(tmp_path, "import torchvisionx\ndef precision_recall(t, p):\n    return 1\n")
    assert result.problem == (
        "Loading the code failed: ModuleNotFoundError: No module named 'torchvisionx'."
    )


def test_empty_file(tmp_path):
    result = run(tmp_path, "  \n\n")
    assert result.problem == "The file is empty: there is no code to test yet."


def test_non_python_files(tmp_path):
    binary = run(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00", name="image.png")
    assert binary.problem == "The file is not Python source: it is binary."
    prose = run(tmp_path, "My answer: count true positives, then divide.\n", name="notes.md")
    assert prose.problem is not None and prose.problem.startswith("The code does not parse")


def test_missing_file(tmp_path):
    result = run_tests(tmp_path / "nowhere.py", TESTS, FAST)
    assert result.problem == f"There is no file at {tmp_path / 'nowhere.py'}."


def test_code_that_deletes_files_touches_nothing_outside_its_folder(tmp_path):
    canary_dir = tmp_path / "precious"
    canary_dir.mkdir()
    canary = canary_dir / "data.txt"
    canary.write_text("keep me")
    code = f"""
import os, shutil
def precision_recall(t, p):
    os.remove("solution.py")  # inside its own folder: allowed
    for attempt in (
        lambda: os.remove({str(canary)!r}),
        lambda: shutil.rmtree({str(canary_dir)!r}),
        lambda: open({str(canary)!r}, "w").write("gone"),
        lambda: os.rename({str(canary)!r}, "stolen.txt"),
        lambda: os.system("rm -rf " + {str(canary_dir)!r}),
    ):
        try:
            attempt()
        except PermissionError:
            pass
    return (1.0, 1.0)
"""
    result = run(tmp_path, code)
    assert result.total > 0
    assert canary.read_text() == "keep me"
    assert (tmp_path / "solution.py").exists()  # the run used a copy


def test_no_network(tmp_path):
    # A network namespace where the machine allows one (isolation()), the audit hook anyway:
    # INTERVIEWER_SANDBOX_ISOLATION=none runs this file with the hook alone.
    code = """
import _socket
def precision_recall(t, p):
    s = _socket.socket()
    s.settimeout(1)
    s.connect(("1.1.1.1", 80))
    return (1.0, 1.0)
"""
    result = run(tmp_path, code)
    assert result.passed == 0 and result.errors == result.total


def hiding_python() -> tuple[str, ...]:
    """Real bubblewrap arguments that hide this interpreter's folder, as the fresh /tmp hid a
    virtual environment under /tmp (issue 22)."""
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed")
    works = subprocess.run(["bwrap", "--ro-bind", "/", "/", "true"], capture_output=True)
    if works.returncode != 0:
        pytest.skip(f"bubblewrap does not run here: {works.stderr.decode()[-200:]}")
    return ("bwrap", "--ro-bind", "/", "/", "--tmpfs", str(Path(sys.executable).parent))


@pytest.mark.parametrize(
    ("name", "prefix", "said"),
    [
        ("bubblewrap", hiding_python, "No such file or directory"),
        ("missing", lambda: ("/nonexistent/sandbox-wrapper",), "cannot start"),
        ("failing", lambda: ("false",), "exit status 1"),
    ],
    ids=["hidden-interpreter", "missing-wrapper", "wrapper-fails"],
)
def test_a_sandbox_that_cannot_start_python_is_reported_as_such_never_as_the_code(
    tmp_path, monkeypatch, name, prefix, said
):
    monkeypatch.setattr(sandbox, "isolation", lambda: (name, prefix()))
    result = run(tmp_path, TASK.reference.read_text())
    assert result.problem == SANDBOX_FAILED
    assert result.total == 0 and not result.cases and not result.timed_out
    sentence = result.sentence()
    assert "not your code" in sentence and "stopped unexpectedly" not in sentence
    # What went wrong and what to do, for the log, the console and the session.
    assert result.sandbox_error is not None and said in result.sandbox_error
    assert f"sandbox ({name})" in result.sandbox_error
    assert "INTERVIEWER_SANDBOX_ISOLATION=none" in result.sandbox_error
    run_record = CodeRun.from_result(result, time=1.0, question_id=TASK.question_id, sha256="x")
    assert run_record.sandbox_error == result.sandbox_error and not run_record.all_passed


def test_isolation_is_chosen_by_running_this_interpreter_under_it(monkeypatch):
    """The check runs Python as a run does: a sandbox that runs `true` but hides Python is
    passed over for the next choice."""
    tried: list[list[str]] = []

    def probe(prefix):
        tried.append(list(prefix))
        return "bwrap: execvp python: No such file or directory" if prefix[0] == "bwrap" else None

    monkeypatch.setattr(sandbox, "_probe", probe)
    monkeypatch.delenv("INTERVIEWER_SANDBOX_ISOLATION", raising=False)
    sandbox.isolation.cache_clear()
    try:
        name, prefix = sandbox.isolation()
    finally:
        sandbox.isolation.cache_clear()
    assert tried[0][0] == "bwrap" and name.startswith("unshare") and prefix[0] == "unshare"


def test_the_check_on_real_bubblewrap_fails_where_python_is_hidden_and_passes_for_a_run():
    assert "No such file or directory" in (sandbox._probe(list(hiding_python())) or "")
    assert sandbox._probe(sandbox.bwrap_prefix()) is None
