"""Every coding question that carries code: its reference passes all its hidden tests, a
plausible wrong solution fails some, and the starter file runs but passes none."""

from __future__ import annotations

import pytest

from interviewer.catalog.personas import load_catalog
from interviewer.coding.sandbox import run_tests
from interviewer.coding.tasks import find_task, task_ids

pytestmark = [pytest.mark.slow]

IDS = task_ids()
PATTERNS = {
    "hash maps": {"cd-pair-indices", "cd-top-k-frequent", "cd-lru-cache"},
    "two pointers": {"cd-pairs-below-target"},
    "recursion and trees": {"cd-validate-bst"},
    "dynamic programming": {"cd-coin-change"},
    "ML from scratch": {
        "cd-precision-recall",
        "cd-kmeans-step",
        "cd-linreg-gd",
        "cd-softmax-xent",
        "cd-auc-from-scores",
    },
}


def test_at_least_twelve_questions_carry_code_and_cover_the_patterns():
    assert len(IDS) >= 12
    for pattern, ids in PATTERNS.items():
        assert ids <= set(IDS), pattern
    bank = {q.id for q in load_catalog().bank("coding").questions}
    assert set(IDS) <= bank, set(IDS) - bank


@pytest.mark.parametrize("question_id", IDS)
def test_reference_passes_wrong_fails_starter_passes_none(question_id):
    task = find_task(question_id)
    assert task is not None
    tests = task.tests_source()
    reference = run_tests(task.reference, tests)
    assert reference.all_passed, reference.sentence()
    assert reference.total >= 6
    wrong = run_tests(task.wrong, tests)
    assert wrong.problem is None and not wrong.all_passed and wrong.passed > 0, wrong.sentence()
    starter = run_tests(task.starter, tests)
    assert starter.problem is None and starter.passed == 0, starter.sentence()
