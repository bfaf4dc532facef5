"""Progress and the study plan as a user meets them: three real `practice --text` sessions
with improving answers (real subprocesses, the real embedded interviewer model), then
`progress` (terminal, JSON and the HTML page in headless Chromium), `plan --job` and
`practice --next`."""

from __future__ import annotations

import base64
import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from cli_helpers import run_cli
from report_helpers import HeadlessPage, wait_for

from interviewer.grading.grader import load_scorecard
from interviewer.session.store import SessionStore

# Each practice run takes about 3 min on two idle cores; a loaded machine can take 15+.
pytestmark = [pytest.mark.slow, pytest.mark.llm]

JOBS = Path(__file__).parent / "data" / "jobs"
QUESTION = "sd-recsys-video"
# Three attempts at the same question, each better: the grader must see the rise.
ATTEMPTS = [
    [
        "I would train a deep neural network on all the click data and put it into production. "
        "It will work well for every user and it is always the best choice for recommendations, "
        "so nothing else is needed and I would ship it right away.",
        "Because neural networks are always the best and they definitely work for every kind of "
        "recommendation problem, there is no other option worth looking at here.",
    ],
    [
        "How many daily active users do we have? I would use a two tower model for candidate "
        "generation because it lets us precompute video embeddings, and then a gradient boosted "
        "ranker trained on watch time. Offline I would measure recall at k and NDCG on held out "
        "days.",
        "Because the two tower model is cheaper at serving time, but the trade-off is that it is "
        "less accurate than a cross feature ranker, so I keep a ranker on the top few hundred "
        "candidates.",
    ],
    [
        "Before I start: how many daily active users and videos do we have, what is the latency "
        "budget for the feed, what data and labels do we log, and how is success measured? I am "
        "assuming we optimise watch time and retention. I considered a single heavy ranker but "
        "rejected it because it cannot score millions of videos within the budget, so I would "
        "use a two tower retrieval stage and a gradient boosted ranker.",
        "Because there are several trade-offs: latency versus accuracy, since the two tower "
        "model is fast but less precise than the ranker; cost versus quality, since scoring more "
        "candidates costs CPU; and freshness versus stability when we retrain daily. Offline I "
        "would track recall at k and NDCG, online watch time per user and seven day retention in "
        "an A/B test, and I would check that offline NDCG gains actually move online watch time, "
        "because they often do not.",
    ],
]
LLM_ANSWER = [
    "I would split documents into overlapping chunks of a few hundred tokens, embed them, and "
    "retrieve with hybrid search, then rerank the top fifty. The trade-off is recall versus "
    "latency. I would measure recall at k offline and answer acceptance online.",
    "Because overlapping chunks keep an answer that straddles a boundary retrievable, at the "
    "cost of a larger index.",
]


def interviewer(*args: str, env: dict[str, str], stdin: str = "", timeout: float = 1800):
    """The CLI with this test's environment; stdin is empty unless given (never inherited)."""
    return run_cli(*args, env=env, stdin=stdin, timeout=timeout)


@pytest.fixture(scope="module")
def user(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A user with three recorded sessions, answers improving each time."""
    home = tmp_path_factory.mktemp("user")
    env = os.environ.copy() | {
        "INTERVIEWER_RECORDINGS_DIR": str(home / "recordings"),
        "INTERVIEWER_DATA_DIR": str(home / "data"),
    }
    for answers in ATTEMPTS:
        proc = interviewer(
            "practice", "--text", "--no-voice", "--question", QUESTION, "--depth", "1",
            "--model", "smollm2", env=env, stdin="\n".join(answers) + "\n",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-3000:]
    return home, env


def progress_json(env: dict[str, str]) -> dict:
    proc = interviewer("progress", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_progress_shows_the_rise(user):
    home, env = user
    cells = {c["dimension"]: c for c in progress_json(env)["cells"]}
    assert {c["round"] for c in cells.values()} == {"ml_system_design"}
    # The series are the saved scorecards, session by session.
    folders = [f for f, _ in SessionStore(home / "recordings").list()]
    assert len(folders) == 3
    cards = [load_scorecard(f) for f in folders]
    for dim, cell in cells.items():
        assert cell["scores"] == [c.dimensions[dim].score for c in cards if c.dimensions[dim].score]
    for dim in ("clarifying_questions", "tradeoffs"):
        assert cells[dim]["trend"] == "up", cells[dim]
        assert cells[dim]["scores"][-1] > cells[dim]["scores"][0]
    assert not [d for d, c in cells.items() if c["trend"] == "down"]
    table = interviewer("progress", env=env)
    assert table.returncode == 0 and "↑" in table.stdout


def test_progress_page_in_headless_chromium(user, tmp_path):
    home, env = user
    page_path = tmp_path / "p.html"
    proc = interviewer("progress", "-o", str(page_path), env=env)
    assert proc.returncode == 0, proc.stderr
    cells = progress_json(env)["cells"]
    weakest_latest = min(c["latest"] for c in cells)
    with HeadlessPage(page_path, tmp_path / "profile") as page:
        shot = base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"])
        (tmp_path / "progress.png").write_bytes(shot)
        assert len(shot) > 30_000  # a rendered page, not a blank one
        assert page.evaluate("document.querySelector('h1').textContent") == "Interview progress"
        charts = page.evaluate(
            "[...document.querySelectorAll('svg.chart')].map(s => ({dim: s.dataset.dimension,"
            " lines: [...s.querySelectorAll('polyline.series')].map(p => ({trend: "
            "p.dataset.trend, scores: p.dataset.scores, points: p.points.numberOfItems}))}))"
        )
        # One chart per dimension with scores, its line through every scored session.
        assert sorted(c["dim"] for c in charts) == sorted(c["dimension"] for c in cells)
        by_dim = {c["dimension"]: c for c in cells}
        for chart in charts:
            [line] = chart["lines"]
            assert line["scores"] == ",".join(map(str, by_dim[chart["dim"]]["scores"]))
            assert line["trend"] == by_dim[chart["dim"]]["trend"]
            assert line["points"] == len(by_dim[chart["dim"]]["scores"])
        weak = page.evaluate(
            "[...document.querySelectorAll('#grid td.weak')].map(t => ({dim: t.dataset.dimension,"
            " bg: getComputedStyle(t).backgroundColor}))"
        )
        # The grid is in rubric order; the weakest cell is among the highlighted ones.
        assert weak and min(by_dim[w["dim"]]["latest"] for w in weak) == weakest_latest
        assert all(w["bg"] != "rgba(0, 0, 0, 0)" for w in weak)  # visibly highlighted
        links = page.evaluate("[...document.querySelectorAll('a.report')].map(a => a.href)")
        assert len(links) == 3
        # Follow a link: the session's own report opens.
        page.evaluate("document.querySelector('a.report').click()")
        wait_for(
            lambda: (
                page.evaluate(
                    "document.querySelector('h1') && document.querySelector('h1').textContent"
                )
                == "Interview report"
            ),
            "the session report",
        )


def test_plan_from_a_job_description_then_practice_next(user):
    home, env = user
    jd = JOBS / "rag_product.txt"
    proc = interviewer(
        "plan", "--job", str(jd), "--weeks", "3", "--json",
        "--confidence", "coding=4,ml_system_design=4,modelling=2,behavioural=4,llm_retrieval=3",
        env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    view = json.loads(proc.stdout)
    weakest = view["needs"][0]["round"]
    assert weakest == "llm_retrieval"  # the job's round, though modelling has lower confidence
    schedule = view["plan"]["schedule"]
    today = date.today()
    assert schedule["start"] == str(today) and schedule["end"] == str(today + timedelta(days=20))
    week_one = [e for e in schedule["entries"][:7] if e["kind"] == "practice"]
    assert week_one and all(e["rounds"] == [weakest] for e in week_one)
    assert [e["kind"] for e in schedule["entries"][-2:]] == ["loop", "loop"]
    assert view["next_position"] == 0

    shown = interviewer("plan", env=env)
    assert shown.returncode == 0 and "What the job names" in shown.stdout
    assert "chunking" in shown.stdout and "next" in shown.stdout

    ran = interviewer(
        "practice", "--next", "--text", "--no-voice", "--depth", "1", "--model", "smollm2",
        env=env, stdin="\n".join(LLM_ANSWER) + "\n",
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert "not asked before" in ran.stdout
    newest = SessionStore(home / "recordings").list()[-1][1]
    assert newest.rounds == [weakest]
    asked = {t.question_id for t in newest.turns if t.question_id}
    assert len(asked) == 1 and asked.pop().startswith("lr-")

    after = json.loads(interviewer("plan", "--json", env=env).stdout)
    assert after["done"][0] is True and after["next_position"] == 1
