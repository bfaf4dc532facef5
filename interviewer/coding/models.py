"""What a test run reports and what a session records about the candidate's code.

The candidate hears :meth:`RunResult.sentence`; ``session.json`` keeps a :class:`CodeRun` per
run and a :class:`CodeVersion` per saved version. Neither ever holds a test's expected output.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CaseStatus = Literal["passed", "failed", "error", "timed_out", "not_run"]
# Shown to the candidate in the input: enough to recognise the case, short enough to say.
MAX_INPUT_CHARS = 120


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class CaseResult(_Model):
    """One hidden test: its input as the candidate may see it, and what went wrong."""

    name: str
    input: str
    status: CaseStatus
    detail: str = Field(default="", description="what the code did; never the expected value")


class RunResult(_Model):
    """The outcome of one sandboxed run of the hidden tests."""

    passed: int = 0
    failed: int = 0
    errors: int = 0
    total: int = 0
    timed_out: bool = False
    first_failing_input: str | None = None
    first_failure: str | None = Field(
        default=None, description="what the code did on the first failing input"
    )
    problem: str | None = Field(
        default=None, description="why no test could run: empty file, syntax error, ..."
    )
    sandbox_error: str | None = Field(
        default=None,
        description="the sandbox itself failed (not the code): what went wrong and what to do",
    )
    duration_s: float = 0.0
    isolation: str = Field(default="", description="how the run was isolated, e.g. 'unshare -n'")
    cases: list[CaseResult] = Field(default_factory=list)

    @property
    def all_passed(self) -> bool:
        return self.total > 0 and self.passed == self.total

    def sentence(self) -> str:
        """What the candidate hears: one or two short sentences, never the expected output."""
        if self.problem:
            return self.problem
        if self.all_passed:
            return f"All {self.total} tests pass."
        text = f"{self.passed} of {self.total} tests pass"
        if self.first_failing_input is not None:
            text += f"; the first failure is for input {self.first_failing_input}"
        detail = self.first_failure or ""
        if detail[:1].isupper():  # a whole sentence: the run was stopped from outside
            return f"{text}. {detail}"
        return f"{text}: {detail}." if detail else f"{text}."


class CodeVersion(_Model):
    """A saved version of the candidate's file, copied into the session folder."""

    index: int
    question_id: str = ""
    time: float = Field(description="session time when the save was seen, seconds")
    sha256: str
    file: str = Field(description="path relative to the session folder")
    lines: int = 0


class CodeRun(_Model):
    """One run of the hidden tests, as ``session.json`` records it."""

    time: float = Field(description="session time of the run, seconds")
    question_id: str
    sha256: str
    version: int | None = Field(default=None, description="index of the CodeVersion run")
    trigger: Literal["candidate", "end"] = "candidate"
    passed: int
    failed: int
    errors: int
    total: int
    timed_out: bool
    first_failing_input: str | None = None
    first_failure: str | None = None
    problem: str | None = None
    sandbox_error: str | None = Field(
        default=None, description="the sandbox failed, not the code: this run says nothing of it"
    )
    sentence: str = Field(default="", description="what the interviewer said about it")
    duration_s: float = 0.0
    turn: int | None = Field(default=None, description="the interviewer turn that reported it")
    nested_loops_over: list[str] = Field(
        default_factory=list,
        description="collections the code loops over inside a loop over themselves (O(n^2))",
    )

    @classmethod
    def from_result(cls, result: RunResult, **fields) -> CodeRun:
        return cls(
            passed=result.passed,
            failed=result.failed,
            errors=result.errors,
            total=result.total,
            timed_out=result.timed_out,
            first_failing_input=result.first_failing_input,
            first_failure=result.first_failure,
            problem=result.problem,
            sandbox_error=result.sandbox_error,
            sentence=result.sentence(),
            duration_s=result.duration_s,
            **fields,
        )

    @property
    def all_passed(self) -> bool:
        return self.total > 0 and self.passed == self.total and not self.problem
