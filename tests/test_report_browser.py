"""The HTML report in a real headless browser (Debian's chromium): it renders, and clicking
an evidence quote seeks the real recording to the moment the quote was said."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
import soundfile as sf
from report_helpers import recorded_session

from interviewer.grading.grader import load_scorecard
from interviewer.report.build import write_report
from interviewer.session.store import load_session

pytestmark = pytest.mark.slow

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--autoplay-policy=no-user-gesture-required"]


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return exe


def _run(args: list[str], tmp_path: Path) -> str:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    proc = subprocess.run([_chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_report_renders_and_quote_click_seeks_the_recording(tmp_path: Path) -> None:
    folder = recorded_session(tmp_path)
    page, _ = write_report(str(folder), "html")
    url = page.resolve().as_uri()

    shot = tmp_path / "report.png"
    _run(["--window-size=1000,2400", f"--screenshot={shot}", url], tmp_path)
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1000, 2400)
    assert shot.stat().st_size > 50_000  # a rendered page, not a blank one

    dom = _run(["--virtual-time-budget=8000", "--dump-dom", url + "#selftest"], tmp_path)
    found = re.search(r'<pre id="selftest"[^>]*>(.*?)</pre>', dom, re.S)
    assert found and found.group(1), "the page's self-test wrote nothing"
    result = json.loads(found.group(1).replace("&quot;", '"'))
    assert "error" not in result, result

    # The quote clicked is the first one whose moment is not the start of its turn.
    card = load_scorecard(folder)
    session = load_session(folder)
    assert card is not None
    turn = session.turns[int(result["turn"])]
    starts = [e.start for d in card.dimensions.values() for e in d.evidence if e.turn == turn.index]
    assert any(abs((s or 0) - turn.start - result["expected"]) < 0.01 for s in starts)
    assert result["src"] == turn.audio
    assert result["currentTime"] == pytest.approx(result["expected"], abs=0.05)
    assert result["expected"] > 0.5
    # The browser really loaded the recording: it knows its true length.
    assert result["duration"] == pytest.approx(sf.info(str(folder / str(turn.audio))).duration,
                                               abs=0.05)
