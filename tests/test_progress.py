"""Progress logic on sessions written in-process: per-round grading, rubric versions, trends.

The end-to-end history built by real `practice --text` runs is in test_progress_e2e.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from interviewer.cli import app
from interviewer.grading import grade_session, load_rubric, save_scorecard
from interviewer.progress import build_cells, collect_history, weakest_cells
from interviewer.progress.trends import trend_of
from interviewer.session.models import Session, Turn
from interviewer.session.store import SessionWriter, load_session

WEAK = (
    "I would just train a deep neural network on all the click data and ship it. It always "
    "works for every user and it is the best choice, so nothing else is needed here at all."
)
STRONG = (
    "Before I start, how many users do we have, what is the latency budget, what labels do "
    "we log and how is success measured? I considered one heavy ranker but rejected it "
    "because it cannot score every item in time, so I use two tower retrieval then a ranker. "
    "The trade-off is latency versus accuracy, and cost versus quality. Offline I track "
    "recall at k and NDCG, online watch time in an A/B test."
)
STORY = (
    "The situation was a ranking model that regressed in production. My task was to find "
    "why. I rolled back first, then I added a data check to the pipeline. As a result the "
    "regression never came back and we cut incidents by half that quarter."
)


def write_session(root: Path, sid: str, when: datetime, answers: dict[str, str]) -> Path:
    turns: list[Turn] = []
    for round, text in answers.items():
        start = len(turns) * 2.0
        turns.append(
            Turn(
                index=len(turns),
                speaker="interviewer",
                text="Your question.",
                start=start,
                end=start + 1,
                round=round,
                act="ask",
                question_id=f"{round}-q",
            )
        )
        turns.append(
            Turn(
                index=len(turns),
                speaker="candidate",
                text=text,
                start=start + 1,
                end=start + 2,
                round=round,
                source="text",
                question_id=f"{round}-q",
            )
        )
    session = Session(id=sid, started_at=when, rounds=list(answers), turns=turns)
    writer = SessionWriter(root / sid, session)
    writer.finish()
    return writer.folder


T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)


def test_rising_scores_rise_and_the_weakest_cells_are_the_lowest(tmp_path):
    for i, text in enumerate([WEAK, STRONG]):
        write_session(tmp_path, f"s{i}", T0 + timedelta(days=i), {"ml_system_design": text})
    history = collect_history(tmp_path, load_rubric())
    cells = {c.dimension: c for c in build_cells(history)}
    assert cells["clarifying_questions"].trend == "up"
    assert cells["tradeoffs"].points[0].score < cells["tradeoffs"].points[-1].score
    weakest = weakest_cells(list(cells.values()))
    lowest = min(c.latest for c in cells.values())
    assert weakest and weakest[0].latest == lowest


def test_a_loop_session_is_graded_round_by_round(tmp_path):
    write_session(tmp_path, "loop", T0, {"ml_system_design": STRONG, "behavioural": STORY})
    history = collect_history(tmp_path, load_rubric())
    by_round = {r.round: r for r in history.results}
    assert set(by_round) == {"ml_system_design", "behavioural"}
    # STAR structure applies to behavioural only; metrics to the design round only.
    assert "structure" in by_round["behavioural"].scores
    assert "structure" not in by_round["ml_system_design"].scores
    assert by_round["ml_system_design"].scores["metrics"] is not None


def test_an_older_rubric_version_is_regraded_and_marked(tmp_path):
    rubric = load_rubric()
    folder = write_session(tmp_path, "old", T0, {"ml_system_design": STRONG})
    session = load_session(folder)
    card = grade_session(session, rubric)
    expected = card.dimensions["tradeoffs"].score
    assert expected and expected > 1
    stale = card.model_copy(update={"rubric_version": rubric.version - 1}, deep=True)
    stale.dimensions["tradeoffs"] = stale.dimensions["tradeoffs"].model_copy(update={"score": 1})
    save_scorecard(folder, stale)
    write_session(tmp_path, "new", T0 + timedelta(days=1), {"ml_system_design": STRONG})
    history = collect_history(tmp_path, rubric)
    old = next(r for r in history.results if r.session_id == "old")
    assert old.status == "regraded" and old.graded_with == f"default v{rubric.version - 1}"
    # The stale 1 is not mixed in: the session's score is the current rubric's.
    assert old.scores["tradeoffs"] == expected
    result = CliRunner().invoke(app, ["progress", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "†" in said and "graded again with the current one" in said


def test_trend_needs_a_real_slope():
    assert trend_of([1, 2, 3]) == "up"
    assert trend_of([3, 2, 2]) == "down"
    assert trend_of([2, 3, 2, 3, 2]) == "flat"
    assert trend_of([3]) == "new"


def test_sessions_without_answers_and_broken_folders_are_listed_not_fatal(tmp_path):
    write_session(tmp_path, "ok", T0, {"coding": STRONG})
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "session.json").write_text("{not json")
    empty = Session(id="empty", started_at=T0, rounds=["coding"])
    SessionWriter(tmp_path / "empty", empty).finish()
    history = collect_history(tmp_path, load_rubric())
    assert {s.folder.name for s in history.skipped} == {"broken", "empty"}
    assert [r.session_id for r in history.results] == ["ok"]
