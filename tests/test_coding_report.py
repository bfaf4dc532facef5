"""The code in replays and reports: versions on the timeline with their diffs, each run's
result, and, in a real headless browser, a click on a run shows the code as it was then."""

from __future__ import annotations

import os

import pytest
from cli_helpers import run_cli
from coding_helpers import TASK, fail_then_fix
from report_helpers import HeadlessPage, wait_for

from interviewer.report.build import write_report
from interviewer.session.store import load_session

pytestmark = [pytest.mark.slow]


def test_replay_shows_versions_diffs_and_runs_in_time_order(tmp_path):
    folder = fail_then_fix(tmp_path)
    session = load_session(folder)
    done = run_cli(
        "replay",
        str(folder),
        "--text-only",
        timeout=120,
        env=os.environ | {"COLUMNS": "400"},  # one line per event, as rich wraps at the width
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    first, second = session.code_runs
    assert f"tests run on v{first.version}: {first.sentence}" in out
    assert f"tests run on v{second.version}: {second.sentence}" in out
    assert out.index(first.sentence) < out.index(second.sentence)
    assert "+    if len(y_true) != len(y_pred):" in out  # the fix, as a diff line


def test_clicking_a_run_in_the_report_shows_the_code_as_it_was_then(tmp_path):
    folder = fail_then_fix(tmp_path)
    session = load_session(folder)
    page_path, _ = write_report(str(folder), "html")
    html = page_path.read_text()
    assert "<h2>Code</h2>" in html and html.count('class="run') == 2
    with HeadlessPage(page_path, tmp_path / "profile") as page:
        wait_for(
            lambda: page.evaluate("document.querySelectorAll('button.run').length") == 2,
            "the report's run buttons",
        )
        shown = page.evaluate(
            "(() => {document.querySelectorAll('button.run')[0].click();"
            "return document.getElementById('code-view').textContent;})()"
        )
    first = session.code_runs[0]
    version = next(v for v in session.code_versions if v.index == first.version)
    assert shown == (folder / version.file).read_text() == TASK.wrong.read_text()
