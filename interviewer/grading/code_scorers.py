"""Scorers for the coding round's code: ``correctness`` from the recorded runs of the hidden
tests, ``testing`` from what the candidate said before the first run, and the complexity
scorer checked against the shape of the code actually written.

Evidence is a run (its session time and result, cited on the interviewer turn that reported
it) or the candidate's own words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import speech_acts as talk
from ..coding.complexity import stated_time_degrees
from ..coding.models import CodeRun
from . import evidence as ev
from .scorecard import Evidence

if TYPE_CHECKING:
    from .rubric import Dimension
    from .scorers import Context, Verdict


def _verdict(*args, **kwargs) -> Verdict:
    from .scorers import Verdict

    return Verdict(*args, **kwargs)


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


def correctness(dim: Dimension, ctx: Context) -> Verdict:
    runs = sorted(ctx.session.code_runs, key=lambda r: r.time)
    if not runs:
        if ctx.session.code_versions:
            return _verdict(
                1,
                [],
                "The starter code was never changed or run.",
            )
        return _verdict(
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
    return _verdict(score, quotes, "; ".join(reasons).capitalize() + ".")


def testing(dim: Dimension, ctx: Context) -> Verdict:
    if not ctx.session.code_versions and not ctx.session.code_runs:
        return _verdict(
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
    from .scorers import _pick

    quotes = _pick(ctx, examples[:2] + list(edges.values()))
    when = "before the first run" if first_run_s is not None else "in the answer"
    if examples and len(edges) >= 2:
        return _verdict(
            4, quotes, f"Walked through an example and named {len(edges)} edge cases {when}."
        )
    if examples or len(edges) >= 2:
        what = "walked through an example" if examples else f"named {len(edges)} edge cases"
        return _verdict(3, quotes, f"{what.capitalize()} {when}.")
    if edges or late:
        reason = (
            f"Named one edge case {when}."
            if edges
            else "Talked about test inputs only after running."
        )
        return _verdict(2, quotes, reason)
    from .scorers import _missing

    return _missing(ctx, "No example walked through and no edge case named")


def checked_against_code(base: Callable[[Dimension, Context], Verdict]):
    """The complexity scorer, capped at 2 when the stated time complexity is below what a
    loop nested in a loop over the same collection costs in the code as written."""

    def scorer(dim: Dimension, ctx: Context) -> Verdict:
        verdict = base(dim, ctx)
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

    return scorer
