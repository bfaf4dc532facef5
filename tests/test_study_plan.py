"""The study plan's logic: job descriptions to rounds, the schedule's shape, the plan file.

Job descriptions in tests/data/jobs/ are written in different styles (markdown with headings,
plain prose, bullet lists, capitals) and none repeats the mapping file's wording on purpose.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.cli import app
from interviewer.errors import ConfigError, PlanFileError
from interviewer.study.guide import load_guide
from interviewer.study.schedule import build_schedule, round_needs
from interviewer.study.skills import map_job, read_job
from interviewer.study.store import load_plan, plan_path

JOBS = Path(__file__).parent / "data" / "jobs"
ROUNDS = ["coding", "ml_system_design", "modelling", "behavioural", "llm_retrieval"]


def top_round(name: str) -> str:
    weights = read_job(JOBS / name).round_weights
    return max(weights, key=lambda r: weights[r])


def test_ml_platform_job_maps_to_system_design_and_serving():
    mapping = read_job(JOBS / "ml_platform.md")
    assert top_round("ml_platform.md") == "ml_system_design"
    skills = {h.skill for h in mapping.hits}
    assert {"model_serving", "ml_platform", "monitoring"} <= skills
    # The benefits section ("retrieval of your lost luggage") weighs nothing.
    assert mapping.round_weights["llm_retrieval"] < 0.1
    assert "retrieval_rag" not in skills


def test_rag_product_job_maps_to_the_llm_retrieval_round():
    mapping = read_job(JOBS / "rag_product.txt")
    assert top_round("rag_product.txt") == "llm_retrieval"
    assert {"retrieval_rag", "llm_quality", "llm"} <= {h.skill for h in mapping.hits}
    assert "hallucination" in mapping.topics["llm_retrieval"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("recsys_ranking.md", "ml_system_design"),
        ("fraud_modelling.txt", "modelling"),
        ("staff_lead.md", "behavioural"),
        ("swe_ml_coding.txt", "coding"),
    ],
)
def test_other_job_styles_map_to_their_round(name, expected):
    assert top_round(name) == expected


def test_matching_is_whole_words_with_plurals_and_separators():
    hits = {h.skill: h.phrases for h in map_job("We run vector-databases and re-ranking.").hits}
    assert "vector database" in hits["retrieval_rag"]
    # "go" the verb, "lead to", "attention to detail" name no skill.
    assert not map_job("Things that go well lead to attention to detail.").hits
    assert not map_job("A ragged edge, trained staff.").hits


def test_unknown_job_text_is_a_clear_error(tmp_path):
    file = tmp_path / "jd.txt"
    file.write_text("We sell garden furniture and need a cheerful shop assistant.\n")
    with pytest.raises(ConfigError, match="found no skill"):
        read_job(file)


def _needs(**confidence: int):
    return round_needs(ROUNDS, confidence, {}, None)


def test_schedule_front_loads_the_weakest_round_and_ends_with_loops():
    needs = _needs(coding=4, ml_system_design=3, modelling=1, behavioural=4, llm_retrieval=2)
    start = date(2026, 12, 1)
    schedule = build_schedule(needs, start, start + timedelta(days=20), load_guide())
    entries = schedule.entries
    assert [e.day for e in entries] == [start + timedelta(days=i) for i in range(21)]
    assert schedule.weakest == "modelling"
    first_week = [e for e in entries[:7] if e.kind == "practice"]
    assert len(first_week) == 6 and all(e.rounds == ["modelling"] for e in first_week)
    assert [e.kind for e in entries].count("rest") == 2
    assert [e.kind for e in entries[-3:]] == ["loop"] * 3
    assert set(entries[-1].rounds) == set(ROUNDS)
    practised = [e.rounds[0] for e in entries if e.kind == "practice"]
    # After the first block, the rounds follow weakest first, each at least once.
    order = list(dict.fromkeys(practised))
    assert order == ["modelling", "llm_retrieval", "ml_system_design", "coding", "behavioural"]


def test_a_job_description_shifts_the_plan_toward_its_rounds():
    even = _needs(**dict.fromkeys(ROUNDS, 3))
    rag = round_needs(
        ROUNDS, dict.fromkeys(ROUNDS, 3), {}, read_job(JOBS / "rag_product.txt").round_weights
    )
    assert even[0].round == "coding"  # a tie: registry order
    assert rag[0].round == "llm_retrieval"
    start = date(2026, 12, 1)
    sched = build_schedule(rag, start, date(2026, 12, 20), load_guide())
    days = [e.rounds[0] for e in sched.entries if e.kind == "practice"]
    assert days.count("llm_retrieval") > days.count("coding")


def test_measured_scores_count_beside_confidence():
    needs = round_needs(ROUNDS, dict.fromkeys(ROUNDS, 3), {"behavioural": 1.0}, None)
    assert needs[0].round == "behavioural"


def test_short_plans_still_hold_a_loop():
    needs = _needs(coding=1)
    start = date(2026, 12, 1)
    sched = build_schedule(needs, start, start + timedelta(days=2), load_guide())
    assert [e.kind for e in sched.entries] == ["practice", "practice", "loop"]
    assert sched.entries[0].rounds == ["coding"]
    with pytest.raises(ConfigError):
        build_schedule(needs, start, start - timedelta(days=1), load_guide())


runner = CliRunner()


def _plan(*args: str, sessions: Path):
    return runner.invoke(app, ["plan", "--dir", str(sessions), *args], catch_exceptions=True)


def test_plan_without_a_terminal_asks_nothing_and_says_how(tmp_path):
    result = _plan("--weeks", "2", "--start", "2026-12-01", sessions=tmp_path)
    assert result.exit_code == 0, result.output
    assert "--confidence" in result.output and "Study plan 2026-12-01" in result.output
    stored = load_plan()
    assert stored.confidence == {} and stored.schedule is not None
    assert stored.schedule.end == date(2026, 12, 14)


def test_confidence_is_stored_and_edited(tmp_path):
    assert _plan("--confidence", "coding=2,modelling=4", sessions=tmp_path).exit_code == 0
    assert _plan("--confidence", "system_design=1", sessions=tmp_path).exit_code == 0
    assert load_plan().confidence == {"coding": 2, "modelling": 4, "ml_system_design": 1}
    assert load_plan().schedule.weakest == "ml_system_design"
    bad = _plan("--confidence", "coding=7", sessions=tmp_path)
    assert isinstance(bad.exception, ConfigError) and "1 to 5" in bad.exception.message
    assert load_plan().confidence["coding"] == 2


def test_the_job_mapping_is_shown_and_can_be_corrected(tmp_path):
    result = _plan("--job", str(JOBS / "rag_product.txt"), "--weeks", "3", sessions=tmp_path)
    assert result.exit_code == 0, result.output
    assert "What the job names" in result.output and "chunking" in result.output
    assert load_plan().schedule.weakest == "llm_retrieval"
    fixed = _plan("--job-weight", "llm_retrieval=0,coding=5", sessions=tmp_path)
    assert fixed.exit_code == 0, fixed.output
    assert load_plan().job.round_weights["llm_retrieval"] == 0
    assert load_plan().schedule.weakest == "coding"


@pytest.mark.parametrize(
    "content",
    ["{not json", json.dumps({"confidence": {"coding": 9}}), json.dumps({"confidnce": {}}), "[]"],
)
def test_a_broken_plan_file_is_a_clear_error_and_never_overwritten(tmp_path, content):
    path = plan_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    with pytest.raises(PlanFileError) as caught:
        load_plan()
    assert str(path) in caught.value.message and "never overwritten" in (caught.value.hint or "")
    result = _plan("--confidence", "coding=3", "--weeks", "1", sessions=tmp_path)
    assert isinstance(result.exception, PlanFileError)
    assert path.read_text() == content


def test_practice_next_without_a_plan_says_how_to_make_one(tmp_path):
    result = runner.invoke(app, ["practice", "--next", "--text", "--out", str(tmp_path)])
    assert isinstance(result.exception, ConfigError)
    assert "interviewer plan" in (result.exception.hint or "")
