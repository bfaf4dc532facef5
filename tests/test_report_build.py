"""HTML/Markdown/JSON reports: content, relative audio links, charts, CLI, bad input."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from grading_helpers import timed_session
from typer.testing import CliRunner

from interviewer.cli import app
from interviewer.errors import InterviewerError, SessionError
from interviewer.grading import grade_session, load_rubric
from interviewer.report.build import write_report
from interviewer.report.html import build_html
from interviewer.report.markdown import build_markdown
from interviewer.session.store import SessionWriter

LINES = [
    ("interviewer", "Write a function that merges overlapping intervals."),
    (
        "candidate",
        "Um, can I assume the intervals are not sorted? Are the bounds integers? "
        "I would sort by start, because then overlapping intervals are adjacent, and "
        "merge them in one pass. That is O(n log n) time for the sort and O(n) extra "
        "space for the output.",
    ),
    ("interviewer", "Why not use an interval tree?"),
    (
        "candidate",
        "I'm not sure it would help here, but I'd reason that a tree pays off only "
        "with many queries, which we do not have.",
    ),
]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _session_folder(tmp_path: Path) -> Path:
    session = timed_session(LINES, round="coding", pauses={1: (20, 7.0)}, acts={2: "probe"})
    writer = SessionWriter(tmp_path / "sessions" / "s1", session)
    for turn in session.turns:
        (writer.folder / str(turn.audio)).write_bytes(b"RIFF")  # presence is all the page needs
    writer.finish()
    return writer.folder


def test_html_report_links_quotes_to_turn_audio_and_draws_charts(tmp_path: Path) -> None:
    folder = _session_folder(tmp_path)
    out = tmp_path / "elsewhere" / "r.html"
    path, text = write_report(str(folder), "html", out=out)
    assert path == out and out.is_file()
    parser = _Collector()
    parser.feed(text)
    quotes = [a for tag, a in parser.tags if tag == "button" and "quote" in (a.get("class") or "")]
    assert quotes
    session = json.loads((folder / "session.json").read_text())
    for attrs in quotes:
        turn = session["turns"][int(attrs["data-turn"] or 0)]
        assert attrs["data-audio"] == f"../sessions/s1/{turn['audio']}"  # relative to the page
        assert (out.parent / str(attrs["data-audio"])).resolve().is_file()
        assert 0 <= float(attrs["data-offset"] or 0) <= turn["end"] - turn["start"]
    assert text.count("<svg") == 4  # pace, fillers, talk ratio, timeline
    assert "unannounced silence" in text
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in text
    assert "What to practise next" in text
    assert (folder / "scorecard.json").is_file()  # graded on the way, and saved


def test_embedded_audio_makes_the_page_standalone(tmp_path: Path) -> None:
    folder = _session_folder(tmp_path)
    _, text = write_report(str(folder), "html", out=tmp_path / "r.html", embed_audio=True)
    assert (
        'data-audio="data:audio/x-wav;base64,UklGRg=="' in text
        or 'data-audio="data:audio/wav;base64,UklGRg=="' in text
    )


def test_markdown_and_json_reports(tmp_path: Path) -> None:
    folder = _session_folder(tmp_path)
    _, md = write_report(str(folder), "md")
    assert (folder / "report.md").is_file()
    assert "## Scorecard" in md and "| Complexity analysis |" in md
    assert re.search(r"- \[0:\d\d\] turn 1: “", md)
    _, js = write_report(str(folder), "json")
    data = json.loads(js)
    assert data["dimensions"]["complexity"]["score"] == 4
    assert data["session"]["id"] == "test-session"


def test_html_escapes_candidate_text() -> None:
    lines = [LINES[0], ("candidate", LINES[1][1] + " <script>alert(1)</script> & done.")]
    session = timed_session(lines)
    card = grade_session(session)
    page = build_html(session, card, load_rubric())
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "&lt;script&gt;" in build_markdown(session, card).replace("<script>", "&lt;script&gt;")


def test_untimed_transcript_report_has_no_time_charts(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(
        "# round: coding\n"
        + "\n".join(
            f"{'Interviewer' if s == 'interviewer' else 'Candidate'}: {t}" for s, t in LINES
        )
    )
    out, text = write_report(str(path), "html")
    assert out == tmp_path / "t.report.html"
    assert text.count("<svg") == 2  # fillers per turn and talk ratio by words
    assert "data-audio=" not in text


def test_report_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SessionError):
        write_report(str(tmp_path / "missing"))
    folder = _session_folder(tmp_path)
    with pytest.raises(InterviewerError, match="unknown report format"):
        write_report(str(folder), "pdf")
    (folder / "scorecard.json").write_text("{broken")
    _, text = write_report(str(folder), "md")  # a corrupt scorecard is re-graded, not fatal
    assert "## Scorecard" in text


def test_cli_grade_json_and_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _session_folder(tmp_path)
    monkeypatch.setenv("INTERVIEWER_RECORDINGS_DIR", str(folder.parent))
    runner = CliRunner()
    result = runner.invoke(app, ["grade", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    dim = data["dimensions"]["complexity"]
    assert dim["score"] == 4 and dim["rationale"]
    assert set(dim["evidence"][0]) >= {"quote", "turn", "start", "end"}
    assert data["dimensions"]["metrics"]["score"] is None
    assert isinstance(data["overall"], float)
    result = runner.invoke(app, ["report", "last", "-f", "md"])
    assert result.exit_code == 0 and (folder / "report.md").is_file()
    result = runner.invoke(app, ["grade", str(tmp_path / "nope.txt")])
    assert result.exit_code != 0 and isinstance(result.exception, InterviewerError)
