"""The coding round's flow through the real runner and the real sandbox: the candidate's file
is versioned, "/run" and "run the tests" run the hidden tests, the interviewer asks about the
failing case and then the complexity of the code as written, and the grader scores
correctness and testing from the recorded runs. The LLM is scripted (policy logic only); the
end-to-end tests through the CLI with the real model are in test_coding_e2e.py."""

from __future__ import annotations

import pytest
from coding_helpers import TASK, run_session, write

from interviewer.coding.coach import (
    ASK_COMPLEXITY,
    ASK_MORE_INPUTS,
    ASK_SPACE,
    ASK_TESTING,
    SAME_CODE,
    CodingRound,
)
from interviewer.grading import grade_session, load_rubric
from interviewer.session.store import load_session

pytestmark = [pytest.mark.slow]  # runs the sandbox's subprocesses


def test_fail_then_fix_is_versioned_run_asked_about_and_graded(tmp_path):
    solution = tmp_path / "coding-flow" / "code" / "solution.py"
    steps = [
        (write(solution, TASK.wrong), "I'll count the true positives and divide by the counts."),
        (
            None,
            "For example y_true [1, 0] and y_pred [1, 1] gives precision 0.5. The edge cases "
            "are empty lists and lists of different lengths.",
        ),
        (None, "/run"),
        (write(solution, TASK.reference), "I see, I swapped them. Let me run the tests again."),
        (None, "Time is O(n) because of one pass over the lists, and space is O(1)."),
    ]
    probe = "Why do you divide by the lists of different lengths?"
    folder = run_session(tmp_path, steps, replies=[probe] * 6)
    session = load_session(folder)
    said = [t.text for t in session.turns if t.speaker == "interviewer"]
    assert ASK_TESTING in said  # code saved, no run yet, testing not mentioned
    assert len(session.code_runs) == 2
    first, second = session.code_runs
    assert not first.all_passed and first.first_failing_input is not None
    assert second.all_passed and second.version is not None
    failing_line = next(t for t in session.turns if t.index == first.turn)
    assert failing_line.act == "test_result"
    assert f"Walk me through what your function does for {first.first_failing_input}" in (
        failing_line.text
    )
    passing_line = next(t for t in session.turns if t.index == second.turn)
    assert passing_line.text == f"All {second.total} tests pass. {ASK_COMPLEXITY}"
    assert "Why raise an error there rather than return a default value?" in said
    # Every version is a file in the session, with its session time.
    shas = [v.sha256 for v in session.code_versions]
    assert len(session.code_versions) >= 3 and len(set(shas)) == len(shas)
    for version in session.code_versions:
        assert (folder / version.file).is_file()
    assert first.sha256 in shas and second.sha256 in shas
    card = grade_session(session, load_rubric())
    correctness = card.dimensions["correctness"]
    assert correctness.score == 3, correctness.rationale
    assert (
        correctness.evidence[0].kind == "first_run" and correctness.evidence[0].turn == first.turn
    )
    testing = card.dimensions["testing"]
    assert testing.score == 4, testing.rationale


def test_correct_first_run_scores_four_and_a_never_run_change_is_run_at_the_end(tmp_path):
    mine = tmp_path / "mine.py"
    mine.write_text(TASK.reference.read_text())
    steps = [(None, "/run"), (lambda: mine.write_text("def precision_recall(a, b):\n"), "ok")]
    folder = run_session(tmp_path, steps, replies=["Why ok?"] * 6, code_file=mine)
    session = load_session(folder)
    assert [r.trigger for r in session.code_runs] == ["candidate", "end"]
    first, final = session.code_runs
    assert first.all_passed
    assert final.problem and final.problem.startswith("The code does not parse")
    card = grade_session(session, load_rubric())
    assert card.dimensions["correctness"].score == 1  # judged on the code at the end
    assert card.dimensions["testing"].score in (1, None)


def test_a_question_without_code_is_left_to_the_policy(tmp_path):
    round_ = CodingRound(tmp_path, clock=lambda: 0.0)
    assert round_.start("cd-reservoir-sampling") is None
    assert round_.respond("cd-reservoir-sampling", "/run") is None


def test_a_sandbox_that_cannot_run_is_said_as_such_and_not_graded_against_the_code(
    tmp_path, monkeypatch
):
    from interviewer.coding import sandbox

    # A wrapper that fails before Python starts, as bubblewrap did with a venv under /tmp.
    monkeypatch.setattr(sandbox, "isolation", lambda: ("failing", ("false",)))
    mine = tmp_path / "mine.py"
    mine.write_text(TASK.reference.read_text())
    folder = run_session(tmp_path, [(None, "/run")], replies=["Why that?"] * 6, code_file=mine)
    session = load_session(folder)
    [run] = session.code_runs
    assert run.sandbox_error and "INTERVIEWER_SANDBOX_ISOLATION=none" in run.sandbox_error
    line = next(t for t in session.turns if t.index == run.turn)
    assert line.text.startswith(sandbox.SANDBOX_FAILED) and "Fix that" not in line.text
    card = grade_session(session, load_rubric())
    assert card.dimensions["correctness"].score is None


MERGE = "cd-merge-intervals"
# As the live transcript gave a spoken plan on the browser page ("O of n log n" misheard).
PLAN = (
    "Okay, I would sort the intervals by start time, and walk through them once, and extend "
    "the last merged interval while the next one starts before the end, sorting dominates, "
    "so it is all a bend log n time, and all a bend space for the output."
)


def _passing_run(tmp_path, said: str):
    from interviewer.coding.tasks import find_task

    coding = CodingRound(tmp_path, clock=lambda: 0.0)
    workspace = coding.start(MERGE)
    assert workspace is not None
    workspace.path.write_text(find_task(MERGE).reference.read_text())
    reply = coding.respond(MERGE, "Let me run the tests.", f"{said} Let me run the tests.")
    assert reply is not None and reply.run is not None and reply.run.all_passed
    return coding, reply


@pytest.mark.parametrize(
    ("said", "asked"),
    [
        ("I'll sort and merge in one pass.", ASK_COMPLEXITY),
        ("I'll sort them first, that is O(n log n) time.", ASK_SPACE),
        (PLAN, ASK_MORE_INPUTS),
        # The page by voice, costs in the problem's own terms (coin change, misheard "That's").
        ("Now, some amount times coins time, and amount space.", ASK_MORE_INPUTS),
        ("I tried three times, time to move on.", ASK_COMPLEXITY),
    ],
)
def test_after_a_pass_only_the_costs_not_given_yet_are_asked(tmp_path, said, asked):
    """A candidate who gave the costs before running is not asked them again."""
    _, reply = _passing_run(tmp_path, said)
    assert reply.say.endswith(asked), reply.say


def test_a_code_probe_their_words_answered_is_not_asked(tmp_path):
    """ "Sorting dominates, ... log n time" answers "what does the sort cost?"."""
    sort_probe = "You sort in your code. Why sort there, and what does the sort cost?"
    coding, _ = _passing_run(tmp_path, PLAN)
    later = coding.respond(MERGE, "The sweep keeps a count.", f"{PLAN} The sweep keeps a count.")
    assert later is None or later.say != sort_probe
    # Without the cost said, the same code gets the probe.
    coding, _ = _passing_run(tmp_path / "other", "I'll sort and merge in one pass.")
    answer = "It uses linear space for the output."
    later = coding.respond(MERGE, answer, f"I'll sort and merge in one pass. {answer}")
    assert later is not None and later.say == sort_probe


def test_run_pressed_while_talking_gets_one_reply_to_the_run(tmp_path):
    """Coding on the page by voice: Run tests pressed mid-sentence ended the spoken turn and
    kept the press for the next one; the interviewer first answered the words ("Before you
    run it: how would you test it?"), then ran the tests. The words are kept as a turn and
    the reply is the run's result."""
    from coding_helpers import ScriptedCoder

    from interviewer.interview.answers.sources import TEXT_SENT, CandidateAnswer

    solution = tmp_path / "coding-flow" / "code" / "solution.py"
    said = "I'll count true positives and divide by the predicted and actual positives"

    class TalkThenPress(ScriptedCoder):
        def next_answer(self, context):
            answer = super().next_answer(context)
            if answer is not None and answer.text == said:
                return CandidateAnswer(source="text", text=said, ended_by=TEXT_SENT)
            return answer

    steps = [(write(solution, TASK.reference), said), (None, "Let me run the tests.")]
    folder = run_session(tmp_path, steps, replies=["Why divide there?"] * 4, coder=TalkThenPress)
    turns = load_session(folder).turns
    spoken = next(t for t in turns if t.text == said)
    after = turns[turns.index(spoken) + 1]
    assert after.speaker == "candidate" and after.text == "Let me run the tests."
    reply = turns[turns.index(after) + 1]
    assert reply.act == "test_result" and ASK_TESTING not in reply.text


def test_a_run_of_unchanged_code_says_so_and_asks_nothing_again(tmp_path):
    """Run tests pressed twice with no edit between: the second line repeated the first,
    question and all ("All 8 tests pass. Is there an input you would still want to try?")."""
    coding, first = _passing_run(tmp_path, PLAN)
    again = coding.respond(MERGE, "Let me run the tests.", f"{PLAN} Let me run the tests.")
    assert again is not None and again.run is not None and again.run.all_passed
    assert again.say == f"{SAME_CODE} {again.run.sentence}"
    assert len(coding.workspaces[MERGE].runs) == 2  # run all the same, and recorded
