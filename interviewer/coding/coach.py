"""The interviewer's coding moves, around the policy: run the tests when asked, then ask
about what the run showed.

    before any run, once code is saved: "how would you test it?"
    a run that fails:  the result, then "walk me through what your function does for <input>"
    a run that passes: the result, then the time and space complexity of the code as written
                       (only the part the candidate has not given yet on this question)
    after that:        a "why" on a choice visible in the code (code_probes.yaml) that their
                       words have not answered, and a pointed question when "O(n)" was said
                       over a loop nested in a loop

The interviewer's policy consults these moves as one of its gates, after requests, clarifying
questions and a closed or stuck turn (interview/policy/decide.py): "how would you test it?"
waits until the candidate's questions are answered. Anything the coach leaves goes on to the
'why' probe. :class:`CodingRound` owns one :class:`CodeWorkspace` per coding question that
carries code.
"""

from __future__ import annotations

import logging
import re
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ValidationError

from .. import speech_acts as talk
from ..errors import ConfigError
from .complexity import nested_loops_over_same, stated_time_degrees, states_costs
from .models import CodeRun, CodeVersion
from .sandbox import SandboxLimits
from .tasks import find_task, tasks_dir
from .workspace import CodeWorkspace

log = logging.getLogger(__name__)

PROBES_FILE = "code_probes.yaml"
ASK_TESTING = "Before you run it: how would you test it? Which inputs would you try first?"
ASK_COMPLEXITY = "What are the time and space complexity of the code as written?"
ASK_SPACE = "You gave the time it takes. What extra space does the code as written use?"
ASK_MORE_INPUTS = "Is there an input you would still want to try?"
SAME_CODE = "The code has not changed since the last run."
# "Why" questions on the code per question; after them the ordinary policy probes the words.
MAX_CODE_PROBES = 2


class CodeProbe(BaseModel):
    pattern: str
    ask: str
    # The candidate's words on the question that already answer it: then it is not asked.
    unless_said: str | None = None


class CodeProbes(BaseModel):
    probes: list[CodeProbe]


@dataclass(frozen=True)
class LoadedProbe:
    pattern: re.Pattern[str]
    ask: str
    unless_said: re.Pattern[str] | None

    def applies(self, code: str, said: str) -> bool:
        answered = self.unless_said is not None and self.unless_said.search(said)
        return bool(self.pattern.search(code)) and not answered


def load_probes(root: Path | None = None) -> list[LoadedProbe]:
    path = (root or tasks_dir()) / PROBES_FILE
    if not path.is_file():
        return []
    try:
        data = CodeProbes.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        return [
            LoadedProbe(
                re.compile(p.pattern),
                p.ask,
                re.compile(p.unless_said, re.I) if p.unless_said else None,
            )
            for p in data.probes
        ]
    except (OSError, yaml.YAMLError, ValidationError, re.error) as exc:
        raise ConfigError(f"{path}: cannot read the code probes: {exc}") from exc


@dataclass
class CoachReply:
    """An interviewer line the coding round says instead of the policy's."""

    act: Literal["test_result", "probe"]  # a run's result, or a question about the code
    say: str
    move: str  # which move: run, ask_testing, complexity_check, code_choice
    run: CodeRun | None = None


@dataclass
class _QuestionMoves:
    asked_testing: bool = False
    asked_complexity: bool = False
    asked_nested: bool = False
    probed: set[str] = field(default_factory=set)


class CodingRound:
    """The code side of every coding question in a session."""

    def __init__(
        self,
        session_folder: Path,
        clock: Callable[[], float],
        *,
        code_file: Path | None = None,
        editor: bool = False,
        limits: SandboxLimits | None = None,
        on_status: Callable[[str], None] | None = None,
    ) -> None:
        self.session_folder = session_folder
        self.clock = clock
        self.code_file = code_file.resolve() if code_file else None
        self.editor = editor
        self.limits = limits or SandboxLimits()
        self.on_status = on_status or (lambda message: None)
        self.workspaces: dict[str, CodeWorkspace] = {}
        self.moves: dict[str, _QuestionMoves] = {}
        self.probes = load_probes()

    # --- lifecycle --------------------------------------------------------------------------

    def start(self, question_id: str) -> CodeWorkspace | None:
        """The question is asked: give the candidate a file to write in (None: talk only)."""
        task = find_task(question_id)
        if task is None:
            return None
        if question_id in self.workspaces:
            return self.workspaces[question_id]
        source = self.code_file if not self.workspaces else None
        first_index = sum(len(w.versions) for w in self.workspaces.values())
        workspace = CodeWorkspace(
            self.session_folder,
            task,
            self.clock,
            source=source,
            limits=self.limits,
            first_version_index=first_index,
        )
        self.workspaces[question_id] = workspace
        self.moves[question_id] = _QuestionMoves()
        workspace.start_watching()
        self.on_status(f"write your code in {workspace.path}  (say 'run the tests' or type /run)")
        if self.editor:
            open_editor(workspace.path)
        return workspace

    def finish(self) -> list[CodeRun]:
        """Stop watching; run the tests once more on any version never run (for the grade)."""
        finals = []
        for workspace in self.workspaces.values():
            workspace.stop()
            workspace.snapshot()
            if workspace.edited() and not workspace.last_run_is_current():
                finals.append(workspace.run(trigger="end"))
        return finals

    def new_versions(self) -> list[CodeVersion]:
        out: list[CodeVersion] = []
        for workspace in self.workspaces.values():
            out.extend(workspace.take_new_versions())
        return out

    # --- the interviewer's moves ------------------------------------------------------------

    def respond(self, question_id: str, text: str, said: str = "") -> CoachReply | None:
        """The move on this turn (``text``); ``said`` is everything the candidate has said on
        the question so far, this turn included: what they have given is not asked again."""
        workspace = self.workspaces.get(question_id)
        if workspace is None:
            return None
        moves = self.moves[question_id]
        said = said or text
        workspace.snapshot()  # a save the watcher has not seen yet
        if talk.asks_to_run(text):
            return self._run(workspace, moves, said)
        if not workspace.runs:
            workspace.snapshot()
            if (
                workspace.edited()
                and not moves.asked_testing
                and not talk.talks_about_testing(text)
            ):
                moves.asked_testing = True
                return CoachReply("probe", ASK_TESTING, "ask_testing")
            return None
        if not workspace.runs[-1].all_passed:
            return None
        code = workspace.current_code()
        if moves.asked_complexity:
            line = self._nested_check(code, text, moves)
            if line:
                return CoachReply("probe", line, "complexity_check")
        for probe in self.probes:
            if len(moves.probed) >= MAX_CODE_PROBES:
                break
            if probe.ask not in moves.probed and probe.applies(code, said):
                moves.probed.add(probe.ask)
                return CoachReply("probe", probe.ask, "code_choice")
        return None

    @staticmethod
    def _nested_check(code: str, text: str, moves: _QuestionMoves) -> str | None:
        """Once: "O(n)" said (in ``text``) over a loop nested in a loop over the same list."""
        if moves.asked_nested:
            return None
        stated = [d for d, _ in stated_time_degrees(text)]
        nested = nested_loops_over_same(code)
        if not (stated and nested and min(stated) < 2):
            return None
        moves.asked_nested = True
        return (
            f"Your code loops over {nested[0]} inside a loop over {nested[0]}. "
            "Walk me through what that costs."
        )

    def _after_a_pass(self, workspace: CodeWorkspace, moves: _QuestionMoves, said: str) -> str:
        """What to ask once the tests pass: the costs of the code as written, or the part of
        them the candidate has not given yet; with both given, the nested-loop check on the
        cost they said, else whether an input is still worth trying."""
        if moves.asked_complexity:
            return ASK_MORE_INPUTS
        moves.asked_complexity = True
        time_said, space_said = states_costs(said)
        if not time_said:
            return ASK_COMPLEXITY
        nested = self._nested_check(workspace.current_code(), said, moves)
        if nested:
            return nested
        return ASK_MORE_INPUTS if space_said else ASK_SPACE

    def _run(self, workspace: CodeWorkspace, moves: _QuestionMoves, said: str) -> CoachReply:
        self.on_status("running the hidden tests…")
        unchanged = workspace.last_run_is_current()  # respond() took the latest save
        run = workspace.run()
        if unchanged and not run.sandbox_error:
            # Run again with no change: the same result, said as such, and no question the
            # last run's line asked already.
            return CoachReply("test_result", f"{SAME_CODE} {run.sentence}", "run", run=run)
        if run.sandbox_error:
            line = f"{run.sentence} Walk me through what your code does instead."
        elif run.problem:
            line = f"{run.sentence} Fix that, then run it again."
        elif not run.all_passed:
            case = run.first_failing_input
            line = (
                f"{run.sentence} Walk me through what your function does for {case}."
                if case
                else f"{run.sentence} What do you think happened?"
            )
        else:
            line = f"{run.sentence} {self._after_a_pass(workspace, moves, said)}"
        return CoachReply("test_result", line, "run", run=run)


def open_editor(path: Path) -> None:
    """Open $VISUAL or $EDITOR on the file, without waiting: the interview goes on."""
    import os

    command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not command:
        raise ConfigError(
            "--editor needs $EDITOR (or $VISUAL) set",
            hint=f"for example EDITOR=code, or open {path} in your editor yourself",
        )
    try:
        subprocess.Popen([*shlex.split(command), str(path)])
    except OSError as exc:
        raise ConfigError(f"cannot start the editor {command!r}: {exc}") from exc
