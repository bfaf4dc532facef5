"""Pure logic of the coding round: reading "run the tests", examples and edge cases; the
complexity stated against the code's loops; the correctness, testing and complexity scorers
on hand-built sessions. No subprocess, no model."""

from __future__ import annotations

import pytest
from grading_helpers import timed_session

from interviewer import speech_acts
from interviewer.coding.complexity import nested_loops_over_same, stated_time_degrees
from interviewer.coding.models import CodeRun, CodeVersion, RunResult
from interviewer.grading import grade_session, load_rubric


@pytest.mark.parametrize(
    "text",
    ["/run", "Let me run the tests.", "OK, run it", "can I run my code now?", "Rerun the tests"],
)
def test_run_requests(text):
    assert speech_acts.asks_to_run(text)


@pytest.mark.parametrize(
    "text",
    ["I'd run a for loop over the list", "The runtime is linear", "it runs in O(n)", "/running"],
)
def test_not_run_requests(text):
    assert not speech_acts.asks_to_run(text)


def test_edge_cases_are_counted_once_each():
    found = speech_acts.edge_cases(
        "Edge cases: an empty list, another empty list, ties, and lists of different lengths."
    )
    assert set(found) == {"edge cases", "empty input", "duplicates / ties", "mismatched lengths"}
    assert speech_acts.example_spans("For example y_true [1, 0] and y_pred [1, 1].")


def test_stated_time_complexities():
    degrees = [
        d for d, _ in stated_time_degrees("It's O(n) time, O(1) space; sorting is O(n log n)")
    ]
    assert degrees == [1.0, 0.0, 1.5]
    assert [d for d, _ in stated_time_degrees("O(n k d) per iteration")] == []


def test_nested_loops_over_the_same_list_and_not_over_different_ones():
    quadratic = (
        "def f(nums, t):\n"
        "    for i in range(len(nums)):\n"
        "        for j in range(i + 1, len(nums)):\n"
        "            pass\n"
    )
    assert nested_loops_over_same(quadratic) == ["nums"]
    linear = "def f(points, cs):\n    for p in points:\n        d = [c for c in cs]\n"
    assert nested_loops_over_same(linear) == []
    assert nested_loops_over_same("def broken(:") == []


def test_run_sentence_never_holds_the_expected_value():
    result = RunResult(
        passed=3,
        failed=5,
        total=8,
        first_failing_input="f([1, 2])",
        first_failure="returned 4",
    )
    assert (
        result.sentence()
        == "3 of 8 tests pass; the first failure is for input f([1, 2]): returned 4."
    )
    stopped = RunResult(
        errors=8,
        total=8,
        timed_out=True,
        first_failing_input="f([])",
        first_failure="The run did not finish within 10 seconds and was stopped.",
    )
    assert stopped.sentence() == (
        "0 of 8 tests pass; the first failure is for input f([]). "
        "The run did not finish within 10 seconds and was stopped."
    )


def _run(time: float, passed: int, total: int = 8, **extra) -> CodeRun:
    failed = total - passed
    return CodeRun(
        time=time,
        question_id="cd-pair-indices",
        sha256="x",
        passed=passed,
        failed=failed,
        errors=0,
        total=total,
        timed_out=False,
        first_failing_input=None if not failed else "two_sum([3, 3], 6)",
        sentence=f"{passed} of {total} tests pass.",
        turn=1,
        **extra,
    )


ANSWER = (
    "I'll loop over every pair of indices and check whether they add up to the target. "
    "For example with [2, 7, 11] and target 9 the first pair works. The edge cases are an "
    "empty list and duplicates. The time is O(n) and the space is O(1), because I keep no "
    "extra structure, which beats the hash map on memory."
)


def graded(runs: list[CodeRun], versions: int = 1):
    session = timed_session([("interviewer", "Write two_sum."), ("candidate", ANSWER)])
    session.code_runs = runs
    session.code_versions = [
        CodeVersion(index=i + 1, time=1.0 + i, sha256=f"v{i}", file=f"code/versions/v{i}.py")
        for i in range(versions)
    ]
    return grade_session(session, load_rubric()).dimensions


@pytest.mark.parametrize(
    ("passes", "score"),
    [([8], 4), ([3, 8], 3), ([3, 5], 2), ([8, 3], 1), ([2], 1)],
)
def test_correctness_levels(passes, score):
    runs = [_run(100.0 + 10 * i, p) for i, p in enumerate(passes)]
    dims = graded(runs)
    assert dims["correctness"].score == score, dims["correctness"].rationale
    assert dims["correctness"].evidence[0].quote.startswith("run at 100 s")


def test_correctness_and_testing_need_code_and_testing_counts_before_the_first_run():
    dims = graded([], versions=0)  # a talk-only question
    assert dims["correctness"].score is None and dims["testing"].score is None
    dims = graded([])  # code saved, never run or changed from the starter
    assert dims["correctness"].score == 1
    assert dims["testing"].score == 4  # example and two edge cases, no run at all
    dims = graded([_run(0.1, 8)])  # run before the candidate said anything
    assert dims["testing"].score == 2  # testing talk only after running


def test_complexity_is_capped_when_the_code_loops_over_the_list_inside_itself():
    plain = graded([_run(100.0, 8)])["complexity"]
    assert plain.score and plain.score >= 3
    nested = graded([_run(100.0, 8, nested_loops_over=["nums"])])["complexity"]
    assert nested.score == 2
    assert "loops over nums inside a loop over nums" in nested.rationale
    assert nested.evidence[0].kind == "complexity_mismatch"


def test_a_final_run_that_cannot_load_is_named_in_the_scorecard_as_the_candidate_heard_it():
    problem = "The code defines no LRUCache (it defines Cache); the tests call LRUCache."
    run = _run(100.0, 0, problem=problem)
    dims = graded([run])
    assert dims["correctness"].score == 1
    assert dims["correctness"].rationale == f"The final code could not be tested: {problem}"


def test_a_run_the_sandbox_failed_says_nothing_of_the_code():
    from interviewer.coding.sandbox import SANDBOX_FAILED

    broken = _run(100.0, 0, total=0, problem=SANDBOX_FAILED, sandbox_error="bwrap: execvp ...")
    dims = graded([broken])
    assert dims["correctness"].score is None  # not scored, rather than scored 1
    assert "sandbox failed" in (dims["correctness"].not_observed_reason or "")
    # A later run that reached the code is judged alone.
    dims = graded([broken, _run(110.0, 8)])
    assert dims["correctness"].score == 4, dims["correctness"].rationale
