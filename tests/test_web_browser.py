"""`interviewer serve` in headless Chromium: a real recorded answer through the page's
microphone (a fake capture device playing the file), the real pipeline behind it (Whisper,
the embedded LLM, espeak-ng), and the code pad running the hidden tests in the sandbox."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_helpers import chromium, fake_mic_wav
from shared_data import JFK_TEXT, SHARED_SPEECH
from web_helpers import serving, start_interview

from interviewer.audio.io import SAMPLE_RATE, load_audio

pytestmark = [pytest.mark.slow, pytest.mark.llm]

# Generous limits that only stop a hung test: on a loaded 2-core machine the models take
# minutes to load and the LLM seconds per line. Nothing here asserts a speed.
LONG_MS = 900_000

CANDIDATE_SAID = """(pattern) => [...document.querySelectorAll('#transcript .turn.candidate')]
  .some(t => new RegExp(pattern, 'i').test(t.textContent))"""
FOLLOWED_UP = """(pattern) => {
  const turns = [...document.querySelectorAll('#transcript .turn')];
  const at = turns.findIndex(t => t.classList.contains('candidate')
    && new RegExp(pattern, 'i').test(t.textContent));
  return at >= 0 && turns.slice(at + 1).some(t => t.classList.contains('interviewer'));
}"""


def _screenshot(page, name: str, tmp_path: Path) -> None:
    """Into $INTERVIEWER_SCREENSHOTS (the README's pictures: docs/), else the test's folder."""
    folder = Path(os.environ.get("INTERVIEWER_SCREENSHOTS") or tmp_path)
    page.screenshot(path=str(folder / name))


def _recorded_answer(tmp_path: Path) -> Path:
    """JFK's recorded sentence (../shared), else the same words through espeak-ng."""
    recorded = SHARED_SPEECH / "jfk.flac"
    if recorded.is_file():
        return recorded
    from audio_helpers import synth_wav

    return synth_wav(JFK_TEXT, tmp_path / "jfk-espeak.wav", speed_wpm=150)


def _answer_audio(tmp_path: Path) -> Path:
    """The answer as the page's fake microphone plays it."""
    return fake_mic_wav(load_audio(_recorded_answer(tmp_path)), SAMPLE_RATE, tmp_path / "mic.wav")


def test_a_spoken_answer_is_heard_followed_up_and_graded(tmp_path: Path) -> None:
    mic = _answer_audio(tmp_path)
    with serving(tmp_path / "recordings", "--model", "smollm2") as server, chromium(mic) as browser:
        page = browser.new_page(viewport={"width": 1000, "height": 860})
        # The question is pinned: a random one made the scorecard vary from run to run. JFK's
        # words make none of its points, and substance quotes where the answer began.
        start_interview(page, server, "behavioural", question="bh-prioritisation")
        page.wait_for_selector("body[data-listening=yes]", timeout=LONG_MS)
        assert page.text_content("#question")  # the question is on screen
        page.click("#mic-start")  # the fake microphone starts its file now
        page.wait_for_selector("body[data-mic=on]", timeout=60_000)
        page.wait_for_function(CANDIDATE_SAID, arg="country", timeout=LONG_MS)
        page.wait_for_function(FOLLOWED_UP, arg="country", timeout=LONG_MS)
        _screenshot(page, "web-interview.png", tmp_path)
        # The socket drops: the page reconnects, and the server's snapshot brings back every
        # recorded turn (they live in the session, not in the socket).
        page.evaluate("ws.close()")
        page.wait_for_selector("body[data-snapshots='2']", timeout=60_000)
        page.wait_for_function(CANDIDATE_SAID, arg="country", timeout=10_000)
        page.click("#stop")
        page.wait_for_selector("#finished:not([hidden])", timeout=LONG_MS)
        lines = page.locator("#transcript .turn.interviewer").all_text_contents()
        assert len(lines) >= 4, lines  # greeting, question, the follow-up, the closing line
        page.click("#scorecard-link")
        page.wait_for_selector("h1:has-text('Interview report')")
        quotes = page.locator("button.quote").all_text_contents()
        assert any("country" in q.lower() for q in quotes), quotes
        # Click the quote: its turn's recording plays from the quote's first word.
        quote = page.locator("button.quote[data-audio]", has_text="country").first
        quote.scroll_into_view_if_needed()
        quote.click()
        page.wait_for_function("document.getElementById('now').textContent.startsWith('turn')")
        # A quote plays its turn's recording from this server.
        audio = page.locator("button.quote[data-audio]").first.get_attribute("data-audio")
        assert audio and "/audio/turn-" in audio and f"token={server.token}" in audio
        _screenshot(page, "web-scorecard.png", tmp_path)
    [folder] = [p for p in (tmp_path / "recordings").iterdir() if p.is_dir()]
    assert (folder / "scorecard.json").is_file()


def test_the_code_pad_runs_the_hidden_tests(tmp_path: Path) -> None:
    import hashlib
    import json

    from interviewer.coding.tasks import find_task

    task = find_task("cd-precision-recall")
    assert task is not None
    attempt = task.wrong.read_text(encoding="utf-8")  # a plausible first try, with a bug
    with serving(tmp_path / "recordings", "--model", "smollm2") as server, chromium() as browser:
        page = browser.new_page(viewport={"width": 1000, "height": 1100})
        start_interview(page, server, "coding", question="cd-precision-recall")
        page.wait_for_selector("body[data-pad=codemirror]", timeout=LONG_MS)
        assert "def precision_recall" in page.text_content("#editor .cm-content")
        page.click("#editor .cm-content")
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(attempt)
        page.wait_for_selector("body[data-listening=yes]", timeout=LONG_MS)
        page.click("#run")
        page.wait_for_selector("#result[data-total]", timeout=LONG_MS)
        passed = int(page.get_attribute("#result", "data-passed") or -1)
        total = int(page.get_attribute("#result", "data-total") or -1)
        assert 0 <= passed < total  # the swapped denominators fail some hidden tests
        shown = page.text_content("#result") or ""
        assert f"{passed} passed, {total - passed} failed" in shown
        # What the interviewer said about the run is the line in the transcript.
        said = page.locator("#transcript .turn.interviewer[data-act=test_result]")
        said.first.wait_for(timeout=LONG_MS)
        assert said.first.text_content().split(": ", 1)[1] in shown
        page.locator("#pad").scroll_into_view_if_needed()
        _screenshot(page, "web-codepad.png", tmp_path)
        page.click("#stop")
        page.wait_for_selector("#finished:not([hidden])", timeout=LONG_MS)
    [folder] = [p for p in (tmp_path / "recordings").iterdir() if p.is_dir()]
    session = json.loads((folder / "session.json").read_text())
    typed = hashlib.sha256(attempt.encode()).hexdigest()
    assert typed in {v["sha256"] for v in session["code_versions"]}  # versioned as today
    [run] = [r for r in session["code_runs"] if r["trigger"] == "candidate"]
    assert run["sha256"] == typed and (run["passed"], run["total"]) == (passed, total)


def test_local_audio_the_page_shows_what_this_machine_hears(tmp_path: Path) -> None:
    """--local-audio: this machine's microphone (a virtual ALSA device playing the answer)
    and speakers; the page shows the interview as it goes."""
    from audio_helpers import virtual_mic_env

    env = virtual_mic_env(_recorded_answer(tmp_path), tmp_path)
    with (
        serving(tmp_path / "recordings", "--local-audio", "--model", "smollm2", env=env) as server,
        chromium() as browser,
    ):
        page = browser.new_page()
        start_interview(page, server, "behavioural")
        assert page.locator("#buttons [data-say]").count() == 0  # they speak, not click
        page.wait_for_function(CANDIDATE_SAID, arg="country", timeout=LONG_MS)
        page.wait_for_function(FOLLOWED_UP, arg="country", timeout=LONG_MS)
        page.wait_for_selector("#finished:not([hidden])", timeout=LONG_MS)
        assert page.locator("#transcript .turn.interviewer[data-act=wrap_up]").count() == 1
