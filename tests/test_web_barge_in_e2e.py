"""The whole web path (issue 23): `interviewer serve` with the real models, the interview
page in headless Chromium playing the interviewer's lines, and the candidate going on while
the page plays the line after their answer. The page must fall silent before the line's
end, and the session keep one answer with both parts. After a typed answer, speech over the
reply stops it too, and is the next answer, its first words kept.

The microphone's frames are sent over the page's own WebSocket protocol (receive_audio:
frame number, then 16 kHz int16 PCM) from this test rather than by Chromium's fake capture
device, which plays its file from when the microphone opens: the candidate must go on at
the moment the page starts the line, whenever the LLM has written it.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from audio_helpers import silence, synth_samples
from barge_in_helpers import FRAME, GOING_ON, frames_of
from browser_helpers import chromium
from shared_data import JFK_TEXT, SHARED_SPEECH
from web_helpers import serving, start_interview

from interviewer.audio.io import SAMPLE_RATE, load_audio

pytestmark = [pytest.mark.slow, pytest.mark.llm]

LONG_MS = 900_000  # only stops a hung test (models load slowly on a loaded machine)
GO_ON_AFTER_S = 0.6  # the candidate goes on this long after the page starts the line
LINES_STARTED = "() => window.lineLog.filter(e => e.type === 'started').map(e => e.line)"


class PageMicrophone:
    """Frames to the server as the page's AudioWorklet sends them, paced to real time: the
    answer, then the room, then (once :attr:`go_on` is set) the rest of the answer."""

    def __init__(self, server, answer: np.ndarray, rest: np.ndarray) -> None:
        self.url = server.ws()
        self.origin = server.base  # the page's own origin: the server refuses any other
        self.error: BaseException | None = None
        self.answer = frames_of(answer)
        self.rest = frames_of(rest)
        self.room = frames_of(silence(FRAME / SAMPLE_RATE, -62))[0]
        self.go_on = threading.Event()
        self.done = threading.Event()
        self.answer_sent = threading.Event()
        self._thread = threading.Thread(target=self._main, daemon=True)

    def __enter__(self) -> PageMicrophone:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self._thread.join(timeout=30)

    def _main(self) -> None:
        try:
            asyncio.run(self._run())
        except BaseException as exc:  # noqa: BLE001 (reported by the test)
            self.error = exc
            self.answer_sent.set()

    async def _run(self) -> None:
        import websockets

        async with websockets.connect(self.url, origin=self.origin, max_size=None) as ws:
            reader = asyncio.create_task(self._drain(ws))
            seq, started = 0, time.perf_counter()
            pending = list(self.answer)
            while not self.done.is_set():
                if not pending and not self.answer_sent.is_set():
                    self.answer_sent.set()
                if not pending and self.go_on.is_set() and self.rest:
                    pending, self.rest = self.rest, []
                frame = pending.pop(0) if pending else self.room
                seq += 1
                await ws.send(np.array([seq], "<f8").tobytes() + frame.astype("<i2").tobytes())
                ahead = seq * FRAME / SAMPLE_RATE - (time.perf_counter() - started)
                await asyncio.sleep(max(0.0, ahead))
            reader.cancel()

    @staticmethod
    async def _drain(ws) -> None:
        async for _ in ws:  # what the server sends every page: not needed here
            pass


def _answer(tmp_path: Path) -> np.ndarray:
    recorded = SHARED_SPEECH / "jfk.flac"
    if recorded.is_file():
        return np.concatenate([silence(0.5, -62), load_audio(recorded)])
    return synth_samples(JFK_TEXT, tmp_path, speed_wpm=150)


def test_going_on_over_the_page_line_stops_it_and_keeps_one_answer(tmp_path: Path) -> None:
    rest = synth_samples(GOING_ON, tmp_path, voice="en-gb")
    with serving(tmp_path / "recordings", "--model", "smollm2") as server, chromium() as browser:
        page = browser.new_page()
        start_interview(page, server, "behavioural")
        page.wait_for_selector("body[data-listening=yes]", timeout=LONG_MS)
        with PageMicrophone(server, _answer(tmp_path), rest) as mic:
            assert mic.answer_sent.wait(timeout=120)
            assert mic.error is None, mic.error
            before = max(page.evaluate(LINES_STARTED) or [0])
            # The first line the page starts after the answer: the candidate goes on over it.
            page.wait_for_function(
                f"() => window.lineLog.some(e => e.type === 'started' && e.line > {before})",
                timeout=LONG_MS,
            )
            time.sleep(GO_ON_AFTER_S)  # some of the line is heard first
            mic.go_on.set()
            page.wait_for_function(
                "() => [...document.querySelectorAll('#transcript .turn.candidate')]"
                ".some(t => /calibration|segment/i.test(t.textContent))",
                timeout=LONG_MS,
            )
            # Wait for the next reply to start: the runner collects the finished whole-answer
            # transcripts then, among them the first part's (begun when the stopped line
            # started), which must not replace the joined answer's words.
            page.wait_for_function(
                f"""() => {{
                    const s = window.lineLog.find(e => e.type === 'stopped' && e.line > {before});
                    return s && window.lineLog.some(e => e.type === 'started' && e.line > s.line);
                }}""",
                timeout=LONG_MS,
            )
            log = page.evaluate("() => window.lineLog")
        page.click("#stop")
    talked = [e for e in log if e["line"] > before]
    kinds = [e["type"] for e in talked]
    assert "held" in kinds and "stopped" in kinds, log  # the page fell silent, then stopped
    stopped_line = next(e["line"] for e in talked if e["type"] == "stopped")
    assert not any(e["type"] == "ended" and e["line"] == stopped_line for e in talked)
    held_at = next(e["at_s"] for e in talked if e["type"] == "held")
    assert held_at > GO_ON_AFTER_S / 2  # it had been playing: held, not dropped unheard
    [folder] = [p for p in (tmp_path / "recordings").iterdir() if p.is_dir()]
    session = json.loads((folder / "session.json").read_text())
    answers = [t for t in session["turns"] if t["speaker"] == "candidate"]
    both = [t for t in answers if "country" in t["text"].lower()]
    assert len(both) == 1, answers  # one answer ...
    answer = both[0]
    assert answer["meta"]["reopened"] is True  # ... with both parts
    stopped_at = next(e["at_s"] for e in talked if e["type"] == "stopped")
    played = [d["played_s"] for d in answer["meta"]["talked_over"]]
    assert any(p == pytest.approx(stopped_at, abs=0.01) for p in played), (played, log)
    # Both parts' words, in order, as the page showed them (the first part's own
    # whole-answer transcript, finished while the line played, must not replace them).
    text = answer["text"].lower()
    assert re.search(r"calibration|segment", text), answer
    assert text.index("country") < re.search(r"calibration|segment", text).start(), answer


TYPED = "I once shipped a ranking model whose best feature leaked the label."


def test_speech_over_the_reply_to_a_typed_answer_stops_it_and_is_the_next_answer(
    tmp_path: Path,
) -> None:
    rest = synth_samples(GOING_ON, tmp_path, voice="en-gb")
    with serving(tmp_path / "recordings", "--model", "smollm2") as server, chromium() as browser:
        page = browser.new_page()
        start_interview(page, server, "behavioural")
        page.wait_for_selector("body[data-listening=yes]", timeout=LONG_MS)
        with PageMicrophone(server, silence(0.5, -62), rest) as mic:
            assert mic.answer_sent.wait(timeout=120)
            assert mic.error is None, mic.error
            before = max(page.evaluate(LINES_STARTED) or [0])
            page.fill("#typed-text", TYPED)
            page.press("#typed-text", "Enter")
            page.wait_for_function(
                f"() => window.lineLog.some(e => e.type === 'started' && e.line > {before})",
                timeout=LONG_MS,
            )
            time.sleep(GO_ON_AFTER_S)
            mic.go_on.set()
            page.wait_for_function(
                "() => [...document.querySelectorAll('#transcript .turn.candidate')]"
                ".some(t => /calibration|segment/i.test(t.textContent))",
                timeout=LONG_MS,
            )
            log = page.evaluate("() => window.lineLog")
        page.click("#stop")
    talked = [e for e in log if e["line"] > before]
    assert "stopped" in [e["type"] for e in talked], log  # the page fell silent
    [folder] = [p for p in (tmp_path / "recordings").iterdir() if p.is_dir()]
    turns = json.loads((folder / "session.json").read_text())["turns"]
    answers = [t for t in turns if t["speaker"] == "candidate"]
    typed = [t for t in answers if t["source"] == "text"]
    assert [t["text"] for t in typed] == [TYPED], answers  # kept as typed, not joined
    [spoken] = [t for t in answers if re.search(r"calibration|segment", t["text"], re.I)]
    assert spoken["source"] == "microphone" and not spoken["meta"].get("reopened")
    assert re.search(r"\bfair\b", spoken["text"], re.I), spoken  # its first words kept
    between = [t for t in turns if typed[0]["index"] < t["index"] < spoken["index"]]
    cut = [t for t in between if "cut_short_s" in t["meta"]]
    assert cut and all(t["speaker"] == "interviewer" for t in between), between
