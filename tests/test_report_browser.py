"""The HTML report in a real headless browser (Debian's chromium): it renders, and clicking
an evidence quote seeks the real recording to the moment the quote was said.

The page is driven over the DevTools protocol in real time (virtual time does not wait for
media to load, which made a --dump-dom check flaky).
"""

from __future__ import annotations

import base64
import struct
from pathlib import Path

import pytest
import soundfile as sf
from report_helpers import HeadlessPage, recorded_session, wait_for

from interviewer.grading.grader import load_scorecard
from interviewer.report.build import write_report
from interviewer.session.store import load_session

pytestmark = pytest.mark.slow


def test_report_renders_and_quote_click_seeks_the_recording(tmp_path: Path) -> None:
    folder = recorded_session(tmp_path)
    page_path, _ = write_report(str(folder), "html")
    # Autoplay allowed: the test seeks the player without a user gesture.
    with HeadlessPage(
        page_path,
        tmp_path / "profile",
        extra_flags=("--autoplay-policy=no-user-gesture-required",),
    ) as page:
        shot = base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"])
        (tmp_path / "report.png").write_bytes(shot)
        assert shot[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", shot[16:24])
        assert width >= 800 and height >= 600
        assert len(shot) > 50_000  # a rendered page, not a blank one
        title = page.evaluate("document.querySelector('h1').textContent")
        assert title == "Interview report"
        assert page.evaluate("document.querySelectorAll('svg.chart').length") == 4

        # Click the first quote whose moment is not the start of its turn.
        clicked = page.evaluate("""(() => {
            const q = [...document.querySelectorAll('button.quote[data-audio]')]
                .find(b => parseFloat(b.dataset.offset) > 0.5);
            if (!q) return null;
            q.click();
            return {turn: q.dataset.turn, offset: parseFloat(q.dataset.offset),
                    src: q.dataset.audio};
        })()""")
        assert isinstance(clicked, dict), "no quote with audio past the start of a turn"
        state = wait_for(
            lambda: (
                lambda s: (
                    s
                    if s["readyState"] >= 1 and abs(s["currentTime"] - clicked["offset"]) < 0.05
                    else None
                )
            )(
                page.evaluate(
                    "(() => { const p = document.getElementById('player'); return {src: "
                    "p.getAttribute('src'), currentTime: p.currentTime, readyState: "
                    "p.readyState, duration: p.duration, error: p.error && p.error.code}; })()"
                )
            ),
            "the player to seek",
        )

    card = load_scorecard(folder)
    session = load_session(folder)
    assert card is not None
    turn = session.turns[int(clicked["turn"])]
    starts = [e.start for d in card.dimensions.values() for e in d.evidence if e.turn == turn.index]
    # The offset is the quote's own start time, relative to its turn's recording.
    assert any(abs((s or 0) - turn.start - clicked["offset"]) < 0.01 for s in starts)
    assert state["src"] == turn.audio and state["error"] is None
    # The browser really decoded the recording: it knows its true length.
    assert state["duration"] == pytest.approx(
        sf.info(str(folder / str(turn.audio))).duration, abs=0.05
    )
