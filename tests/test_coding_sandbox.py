"""The sandbox on bad input: every case ends in one clear sentence, within the limits, and
nothing outside the run's temporary folder is touched. Real subprocesses, no fakes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from interviewer.coding.sandbox import SandboxLimits, run_tests
from interviewer.coding.tasks import find_task

pytestmark = [pytest.mark.slow]

TASK = find_task("cd-precision-recall")
assert TASK is not None
TESTS = TASK.tests_source()
FAST = SandboxLimits(wall_s=4.0, case_timeout_s=1.0, cpu_s=3)


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
    started = time.perf_counter()
    result = run(tmp_path, code)
    took = time.perf_counter() - started
    assert result.timed_out
    assert result.first_failing_input == "precision_recall([], [])"
    assert took < FAST.wall_s + 2
    assert result.passed >= 1  # the tests after the loop ran too


def test_c_level_infinite_loop_is_killed_at_the_wall_clock_limit(tmp_path):
    # sum() over an endless iterator never returns to the bytecode loop: no timer can stop it,
    # so the whole process group is killed from outside.
    code = "import itertools\ndef precision_recall(t, p):\n    return sum(itertools.count())\n"
    started = time.perf_counter()
    result = run(tmp_path, code)
    took = time.perf_counter() - started
    assert result.timed_out
    assert took < FAST.wall_s + 2, took
    assert result.first_failing_input is not None
    assert "stopped" in result.sentence()


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
