"""Talking over a line the browser page plays (issue 23): the after-turn listener's own
decisions (turns/barge_in.py) become "hold", "resume" and "stop" events, the page does them
to the line it plays, and reports where it was, so the session's ``played_s`` is the page's.

The listener hears real espeak-ng speech through the real Silero VAD; the page is the real
interview page in headless Chromium (its Web Audio playback), served by the real app. The
candidate's microphone is fed to the listener directly (as the page's frames reach it),
without the browser's echo cancellation: the web path trusts that to have taken the line
out, so no echo is mixed in here (see docs/barge-in.md).
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from audio_helpers import synth_samples, synth_wav
from barge_in_helpers import GOING_ON, REPLY, frames_of, mic_over
from browser_helpers import chromium

from interviewer.interview.live.after_turn import AfterTurnListener
from interviewer.web.page_line import PageLine

GOING_ON_AT_S = 1.5


@pytest.fixture(scope="module")
def line_wav(tmp_path_factory) -> Path:
    """The interviewer's line as the page is sent it (espeak-ng's 22,050 Hz WAV)."""
    return synth_wav(REPLY, tmp_path_factory.mktemp("line") / "line.wav")


@pytest.fixture(scope="module")
def said(tmp_path_factory) -> dict[str, np.ndarray]:
    tmp = tmp_path_factory.mktemp("said")
    return {
        "going_on": synth_samples(GOING_ON, tmp, voice="en-gb"),
        "yeah": synth_samples("yeah.", tmp, voice="en-gb"),
    }


def _line_s(wav: Path) -> float:
    return sf.info(str(wav)).duration


def _listener(wav: Path, speech: np.ndarray) -> AfterTurnListener:
    """The candidate's microphone after their turn: ``speech`` while the line plays."""
    return AfterTurnListener(iter(frames_of(mic_over(_line_s(wav), speech, GOING_ON_AT_S))))


def _events_for(wav: Path, speech: np.ndarray) -> tuple[list[dict], PageLine, AfterTurnListener]:
    samples, rate = sf.read(str(wav), dtype="float32")
    events: list[dict] = []
    line = PageLine(1, samples, rate, events.append)
    listener = _listener(wav, speech)
    line.page_started()
    listener.voice_started(line, echo_cancelled=True)  # type: ignore[arg-type]
    listener._thread.join(timeout=120)
    return events, line, listener


def test_going_on_holds_the_page_line_at_once_then_stops_it(line_wav, said) -> None:
    events, line, listener = _events_for(line_wav, said["going_on"])
    assert [e["type"] for e in events] == ["hold", "stop"]
    assert events[0]["gain"] == 0  # held (silent, its place kept), not only lowered
    assert listener.reopened.is_set()
    # Held at the candidate's first words: what was played stops about there.
    assert GOING_ON_AT_S - 0.3 < listener.played_s < GOING_ON_AT_S + 0.5 < line.duration_s


def test_a_backchannel_lets_the_page_line_go_on_from_a_little_before(line_wav, said) -> None:
    events, line, listener = _events_for(line_wav, said["yeah"])
    assert [e["type"] for e in events] == ["hold", "resume"]
    assert not listener.reopened.is_set()
    resume = events[1]
    # The resume point is chosen here (resume_hop), at most resume_rewind_s before the hold.
    assert GOING_ON_AT_S - 0.3 - listener.config.resume_rewind_s < resume["from_s"]
    assert resume["from_s"] < GOING_ON_AT_S + 0.3


# --- through the real page -------------------------------------------------------------------

LINE_LOG = "() => window.lineLog"


@pytest.fixture
def served(tmp_path: Path):
    """The app of `interviewer serve`, in this process (the test drives its channel)."""
    from interviewer.interview.practice import PracticeOptions
    from interviewer.web.server import make_server

    served = make_server(PracticeOptions(), recordings=tmp_path / "recordings")
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        served.server.should_exit = True  # type: ignore[attr-defined]
        thread.join(timeout=30)


def _page_plays(served, wav: Path, speech: np.ndarray) -> tuple[list[dict], AfterTurnListener]:
    """Open the interview page, say the line there while ``speech`` is heard; the page's log."""
    channel = served.state.channel
    with chromium() as browser:
        page = browser.new_page()
        page.goto(served.url.replace("/?", "/interview?"))
        page.wait_for_selector("body[data-snapshots]", state="attached", timeout=60_000)
        listener = _listener(wav, speech)
        saying = threading.Thread(
            target=channel.say, args=(wav, REPLY, _line_s(wav), listener), daemon=True
        )
        saying.start()
        saying.join(timeout=120)
        assert not saying.is_alive()
        listener.close()
        page.wait_for_function("() => ['ended', 'stopped'].includes(document.body.dataset.line)")
        return page.evaluate(LINE_LOG), listener


def test_the_page_pauses_and_stops_its_line_when_the_candidate_goes_on(
    served, line_wav, said
) -> None:
    log, listener = _page_plays(served, line_wav, said["going_on"])
    assert [e["type"] for e in log] == ["started", "held", "stopped"]
    held, stopped = log[1], log[2]
    assert 0 < held["at_s"] < _line_s(line_wav)
    assert stopped["at_s"] == held["at_s"]  # silent from the hold on, never played past it
    assert listener.reopened.is_set()
    # The session's played_s is where the page stopped, as it reported it.
    assert listener.played_s == pytest.approx(stopped["at_s"], abs=0.001)


def test_the_page_goes_on_after_a_backchannel(served, line_wav, said) -> None:
    log, listener = _page_plays(served, line_wav, said["yeah"])
    assert [e["type"] for e in log] == ["started", "held", "resumed", "ended"]
    held, resumed = log[1], log[2]
    assert resumed["at_s"] <= held["at_s"]  # from a little before where it was held
    assert held["at_s"] - resumed["at_s"] <= listener.config.resume_rewind_s + 0.05
    assert not listener.reopened.is_set()


def test_an_acknowledgement_taken_back_leaves_the_page(served) -> None:
    """The candidate went on over "Okay, a two tower model.": the runner takes it back
    (turn_withdrawn), and the open page drops it from the transcript; their answer stays."""
    from interviewer.session.models import Turn

    channel = served.state.channel
    answer = Turn(
        index=0, speaker="candidate", text="I would use a two tower model", start=0, end=3
    )
    ack = Turn(
        index=1,
        speaker="interviewer",
        text="Okay, a two tower model.",
        act="acknowledge",
        start=3,
        end=4,
    )
    with chromium() as browser:
        page = browser.new_page()
        page.goto(served.url.replace("/?", "/interview?"))
        page.wait_for_selector("body[data-snapshots]", state="attached", timeout=60_000)
        channel.turn(answer)
        channel.turn(ack)
        page.wait_for_selector('.turn[data-index="1"]', timeout=30_000)
        channel.turn_withdrawn(1)
        page.wait_for_selector('.turn[data-index="1"]', state="detached", timeout=30_000)
        assert page.locator('.turn[data-index="0"]').count() == 1


# --- --local-audio: this machine's speakers, as in the terminal ------------------------------


class CopySpeaker:
    """Synthesis is not what is tested: the line is the espeak-ng WAV made once."""

    description = "the line's WAV"

    def __init__(self, wav: Path) -> None:
        self.wav = wav

    def synthesize(self, text: str, path: Path) -> float:
        shutil.copyfile(self.wav, path)
        return _line_s(self.wav)


def test_local_audio_lines_are_held_and_stopped_as_in_the_terminal(
    monkeypatch, tmp_path, line_wav, said
) -> None:
    """`serve --local-audio` plays its lines on this machine's speakers: the microphone's
    listener holds the line at the candidate's first words and stops it, as for `practice`.
    The device is a list of the blocks written (paced to real time by play_blocks)."""
    from interviewer.audio import playback
    from interviewer.interview.practice import PracticeOptions
    from interviewer.interview.voice import InterviewerVoice
    from interviewer.web.channel import PageChannel
    from interviewer.web.live import LiveInterview

    blocks: list[np.ndarray] = []
    monkeypatch.setattr(playback, "output_available", lambda: True)
    monkeypatch.setattr(
        playback, "play_interruptible", lambda h: playback.play_blocks(h, blocks.append)
    )
    monkeypatch.setattr(playback, "play", lambda samples, rate=16000: blocks.append(samples))
    channel = PageChannel()
    shown: list[dict] = []
    monkeypatch.setattr(channel, "publish", lambda event, binary=None: shown.append(event))
    live = LiveInterview(channel, PracticeOptions(), local_audio=True)
    voice = InterviewerVoice(CopySpeaker(line_wav), player=live._play_here)
    listener = _listener(line_wav, said["going_on"])
    try:
        played, path = voice.say(REPLY, tmp_path / "line.wav", listener=listener)
    finally:
        listener.close()
    assert shown == [{"type": "say", "line": 0, "text": REPLY, "audio": False}]
    assert listener.reopened.is_set()
    handle = listener._played.handle  # type: ignore[union-attr]
    assert handle.stop_requested.is_set() and handle.holds  # held, then stopped
    assert played == listener.played_s == handle.position_s
    assert GOING_ON_AT_S - 0.3 < played < GOING_ON_AT_S + 0.5 < _line_s(line_wav)
    # The speakers fell silent at the hold: nothing of the line after it was written.
    rate = handle.sample_rate
    heard = np.concatenate(blocks)
    assert not heard[int((played + 0.05) * rate) :].any()
    assert path is not None and path.is_file()
