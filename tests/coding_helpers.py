"""A coding session through the real runner and sandbox, with typed answers that edit the
code file between turns (as saves in an editor) and a scripted LLM for the policy's lines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from interview_helpers import ScriptedBackend

from interviewer.catalog.personas import load_catalog
from interviewer.coding.coach import CodingRound
from interviewer.coding.tasks import find_task
from interviewer.interview.answers.sources import AnswerContext, CandidateAnswer
from interviewer.interview.runner import InterviewRunner
from interviewer.interview.voice import InterviewerVoice
from interviewer.session.models import Session
from interviewer.session.store import SessionWriter

TASK = find_task("cd-precision-recall")
assert TASK is not None


class ScriptedCoder:
    """Typed answers, each after an optional edit of the code file (as a save in an editor)."""

    kind = "text"
    live = False

    def __init__(self, steps: list[tuple[Callable[[], None] | None, str]]) -> None:
        self.steps = list(steps)

    def next_answer(self, context: AnswerContext) -> CandidateAnswer | None:
        if not self.steps:
            return None
        edit, text = self.steps.pop(0)
        if edit is not None:
            edit()
        return CandidateAnswer(source="text", text=text)


def run_session(
    tmp_path: Path,
    steps,
    replies: list[str],
    code_file: Path | None = None,
    coder: type[ScriptedCoder] = ScriptedCoder,
):
    catalog = load_catalog()
    question = catalog.question("cd-precision-recall")
    session = Session(id="coding-flow", rounds=["coding"])
    writer = SessionWriter.create(tmp_path, session)
    runner = InterviewRunner(
        writer,
        policy_backend=ScriptedBackend(replies),
        transcriber=None,
        answers=coder(steps),
        voice=InterviewerVoice(None, play=False),
    )
    runner.coding = CodingRound(writer.folder, clock=runner.clock.now, code_file=code_file)
    runner.run_rounds([(catalog.persona_for_round("coding"), [question])])
    return writer.folder


def write(path: Path, source: Path) -> Callable[[], None]:
    return lambda: path.write_text(source.read_text())


def fail_then_fix(tmp_path: Path) -> Path:
    """A session in which the wrong solution is run, then the reference: two versions run."""
    solution = tmp_path / "coding-flow" / "code" / "solution.py"
    steps = [
        (write(solution, TASK.wrong), "/run"),
        (write(solution, TASK.reference), "Let me run the tests again."),
    ]
    return run_session(tmp_path, steps, replies=["Why that?"] * 6)
