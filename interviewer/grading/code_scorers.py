"""Scorers for the coding round's code: ``correctness`` from the recorded runs of the hidden
tests, ``testing`` from what the candidate said before the first run, and the complexity
scorer checked against the shape of the code actually written.

Evidence is a run (its session time and result, cited on the interviewer turn that reported
it) or the candidate's own words. These functions return a :class:`CodeVerdict`; scorers.py
turns it into its Verdict (so this module never imports scorers.py: no import cycle).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .. import speech_acts as talk
from ..coding.complexity import stated_time_degrees
from ..coding.models import CodeRun
from . import evidence as ev
from .context import Context
from .scorecard import Evidence


@dataclass
class CodeVerdict:
    """A level with its evidence; ``missing`` asks for the usual level-1 finding instead."""

    score: int | None
    evidence: list[Evidence] = field(default_factory=list)
    rationale: str = ""
    not_observed_reason: str | None = None
    missing: str | None = None


class _Scored(Protocol):
    score: int | None
    evidence: list[Evidence]
    rationale: str


def _unique(quotes: list[Evidence], limit: int = 4) -> list[Evidence]:
    out: list[Evidence] = []
    for quote in quotes:
        if all(quote.quote != e.quote for e in out):
            out.append(quote)
    return out[:limit]


def run_evidence(run: CodeRun, ctx: Context, kind: str) -> Evidence:
    """A run as evidence: what the candidate heard, when."""
    turn = run.turn if run.turn is not None else max(ctx.turns, default=0)
    quote = f"run at {run.time:.0f} s: {run.sentence or f'{run.passed} of {run.total} pass'}"
    if run.trigger == "end":
        quote = f"final code, run after the interview: {run.sentence}"
    return Evidence(quote=quote, turn=turn, start=run.time, end=run.time, kind=kind)


def _question_score(runs: list[CodeRun]) -> tuple[int, str]:
    first, last = runs[0], runs[-1]
    if last.all_passed:
        if first.all_passed:
            return 4, "every hidden test passed from the first run on"
        return (
            3,
            "every hidden test passes at the end; "
            f"the first run passed {first.passed} of {first.total}",
        )
    if last.problem:
        return 1, f"the final code could not be tested: {last.problem}"
    if last.total and last.passed * 2 >= last.total:
        return 2, f"{last.passed} of {last.total} hidden tests pass at the end"
    return 1, f"{last.passed} of {last.total} hidden tests pass at the end"


def correctness(ctx: Context) -> CodeVerdict:
    # A run the sandbox itself failed says nothing about the code.
    runs = sorted((r for r in ctx.session.code_runs if not r.sandbox_error), key=lambda r: r.time)
    if not runs and ctx.session.code_runs:
        return CodeVerdict(
            None,
            [],
            "",
            "The hidden tests could not run on this machine (the sandbox failed), so the "
            "code's correctness is not scored.",
        )
    if not runs:
        if ctx.session.code_versions:
            return CodeVerdict(
                1,
                [],
                "The starter code was never changed or run.",
            )
        return CodeVerdict(
            None, [], "", "No code was written here: the question was talked through only."
        )
    by_question: dict[str, list[CodeRun]] = {}
    for run in runs:
        by_question.setdefault(run.question_id, []).append(run)
    scores, reasons, quotes = [], [], []
    for question_id, question_runs in by_question.items():
        score, reason = _question_score(question_runs)
        scores.append(score)
        reasons.append(reason if len(by_question) == 1 else f"{question_id}: {reason}")
        quotes.append(run_evidence(question_runs[0], ctx, "first_run"))
        if len(question_runs) > 1:
            quotes.append(run_evidence(question_runs[-1], ctx, "final_run"))
    score = min(scores) if len(scores) == 1 else round(sum(scores) / len(scores))
    text = "; ".join(reasons)
    return CodeVerdict(score, quotes, text[:1].upper() + text[1:].rstrip(".") + ".")


def testing(ctx: Context) -> CodeVerdict:
    if not ctx.session.code_versions and not ctx.session.code_runs:
        return CodeVerdict(
            None,
            [],
            "",
            "No code was written here: testing before running is judged when there is code.",
        )
    runs = [r for r in ctx.session.code_runs if r.trigger == "candidate"]
    first_run_s = min((r.time for r in runs), default=None)
    examples: list[ev.Hit] = []
    edges: dict[str, ev.Hit] = {}
    late = False
    for s in ctx.sentences:
        if s.ignored is not None:
            continue
        before = first_run_s is None or ctx.turns[s.turn].start < first_run_s
        found_example = talk.example_spans(s.text)
        found_edges = talk.edge_cases(s.text)
        if not before:
            late = late or bool(found_example or found_edges)
            continue
        examples.extend(ev.Hit("example", s, a, b) for a, b in found_example)
        for name, (a, b) in found_edges.items():
            edges.setdefault(name, ev.Hit("edge_case", s, a, b, tag=name))
    quotes = _unique([ctx.cite(h) for h in examples[:2] + list(edges.values())])
    when = "before the first run" if first_run_s is not None else "in the answer"
    if examples and len(edges) >= 2:
        return CodeVerdict(
            4, quotes, f"Walked through an example and named {len(edges)} edge cases {when}."
        )
    if examples or len(edges) >= 2:
        what = "walked through an example" if examples else f"named {len(edges)} edge cases"
        return CodeVerdict(3, quotes, f"{what[:1].upper()}{what[1:]} {when}.")
    if edges or late:
        reason = (
            f"Named one edge case {when}."
            if edges
            else "Talked about test inputs only after running."
        )
        return CodeVerdict(2, quotes, reason)
    return CodeVerdict(1, missing="No example walked through and no edge case named")


def cap_complexity(verdict: _Scored, ctx: Context) -> _Scored:
    """Cap the complexity level at 2 when the stated time complexity is below what a loop
    nested in a loop over the same collection costs in the code as written."""
    runs = [r for r in ctx.session.code_runs if r.nested_loops_over]
    if verdict.score is None or verdict.score <= 2 or not runs:
        return verdict
    nested = runs[-1].nested_loops_over[0]
    for s in ctx.sentences:
        for degree, (a, b) in stated_time_degrees(s.text):
            if degree < 2:
                quote = ctx.cite(ev.Hit("complexity_mismatch", s, a, b))
                verdict.score = 2
                verdict.evidence = [quote, *verdict.evidence][:4]
                verdict.rationale += (
                    f" But the code as written loops over {nested} inside a loop over "
                    f"{nested}, which is quadratic, not what was stated."
                )
                return verdict
    return verdict
