"""The self-check's figures, on a hand-built interview (the run itself is a benchmark)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from interviewer.catalog.personas import load_catalog
from interviewer.interview.answers.simulated import SaidLine
from interviewer.session.models import Session, Turn

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "self_check.py"
_SPEC = importlib.util.spec_from_file_location("self_check", _PATH)
assert _SPEC and _SPEC.loader
self_check = importlib.util.module_from_spec(_SPEC)
sys.modules["self_check"] = self_check  # its dataclasses look their module up
_SPEC.loader.exec_module(self_check)


def _turn(i: int, speaker: str, text: str, act: str | None = None, **meta) -> Turn:
    return Turn(index=i, speaker=speaker, text=text, start=i, end=i + 0.5, act=act, meta=meta)  # type: ignore[arg-type]


def test_probe_naming_needs_the_answer_s_own_words_not_the_question_s() -> None:
    prompt = "How would you set up validation for a demand forecast?"
    answer = "I'd use rolling origin validation with a one week gap before the test week."
    assert self_check.names_own_words("Why a one week gap before testing?", answer, prompt)
    # Only words the question itself used: not the candidate's own.
    assert not self_check.names_own_words("Why that validation forecast?", answer, prompt)
    assert not self_check.names_own_words("Why do you think so?", answer, prompt)


def test_interview_figures_pair_script_lines_with_the_interviewer_s_replies() -> None:
    question = load_catalog().question("md-timeseries-cv")
    q = question.id
    turns = [
        _turn(0, "interviewer", question.prompt, "ask"),
        _turn(1, "candidate", "How far ahead do we forecast?"),
        _turn(
            2,
            "interviewer",
            "Orders are placed every Monday.",
            "clarify",
            revealed_topics=["horizon"],
        ),
        _turn(3, "candidate", "What's the budget for compute?"),
        _turn(4, "interviewer", "That isn't specified for this problem.", "clarify"),
        _turn(5, "candidate", "I'd use rolling origin validation with a one week gap."),
        _turn(6, "interviewer", "Why a one week gap?", "probe"),
        _turn(7, "candidate", "Kubernetes and Spark dashboards would help a lot."),
        _turn(8, "interviewer", "Why would Kubernetes dashboards help?", "probe"),
    ]
    said = [
        SaidLine(q, "clarifying", turns[1].text, "ask"),
        SaidLine(q, "clarifying", turns[3].text, "clarify"),
        SaidLine(q, "answer", turns[5].text, "clarify"),
        SaidLine(q, "off_topic", turns[7].text, "probe"),
    ]
    figures = self_check.interview_figures(Session(id="s", turns=turns), said, question)
    assert (
        figures.clarifying_answered_with_fact.hits,
        figures.clarifying_answered_with_fact.total,
    ) == (1, 2)
    assert (figures.off_topic_redirected.hits, figures.off_topic_redirected.total) == (0, 1)
    assert (figures.probes_naming_words.hits, figures.probes_naming_words.total) == (2, 2)
