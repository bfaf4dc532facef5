"""`interviewer replay`: real playback through a virtual ALSA device, text-only fallback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf
from audio_helpers import REPO_ROOT, no_devices_env, no_mic_env
from grading_helpers import timed_session
from report_helpers import recorded_session

from interviewer.errors import SessionError
from interviewer.report.replay import Replayer, turns_from
from interviewer.session.store import SessionWriter

CLI = "from interviewer.cli import main; main()"


class _FakePlayer:
    def __init__(self) -> None:
        self.started: list[Path] = []
        self.waited = 0

    def start(self, path: Path) -> None:
        self.started.append(path)

    def wait(self) -> None:
        self.waited += 1

    def stop(self) -> None:
        pass


def test_words_follow_their_timestamps(tmp_path: Path) -> None:
    session = timed_session(
        [("interviewer", "Sort a list."), ("candidate", "I would use merge sort here")], wpm=120
    )
    folder = SessionWriter(tmp_path / "s", session).folder
    for turn in session.turns:
        (folder / str(turn.audio)).write_bytes(b"x")
    now = [0.0]
    shown: list[tuple[float, str]] = []
    player = _FakePlayer()
    replayer = Replayer(
        folder,
        audio=True,
        player=player,
        clock=lambda: now[0],
        sleep=lambda s: now.__setitem__(0, now[0] + s),
    )
    for turn in session.turns:
        now[0] = 0.0
        replayer.play_turn(turn, lambda text: shown.append((now[0], text)))
    words = [(t, w) for t, w in shown if w != "Sort a list."]
    assert [w for _, w in words] == ["I", "would", "use", "merge", "sort", "here"]
    turn = session.turns[1]
    for (t, _), word in zip(words, turn.words, strict=True):
        assert t == pytest.approx(word.start - turn.start)  # each word appears when it is heard
    assert len(player.started) == 2 and player.waited == 2


def test_text_only_and_turn_selection(tmp_path: Path) -> None:
    session = timed_session(
        [
            ("interviewer", "Q one"),
            ("candidate", "A one"),
            ("interviewer", "Q two"),
            ("candidate", "A two"),
        ]
    )
    player = _FakePlayer()
    replayer = Replayer(tmp_path, audio=False, player=player)
    shown: list[str] = []
    for turn in turns_from(session, 2):
        replayer.play_turn(turn, shown.append)
    assert shown == ["Q two", "A two"] and not player.started
    with pytest.raises(SessionError, match="turns 0 to 3"):
        turns_from(session, 7)


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CLI, *args],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.slow
def test_replay_plays_real_audio_on_an_output_device(tmp_path: Path) -> None:
    folder = recorded_session(tmp_path)
    sink = tmp_path / "played.raw"
    env = no_mic_env(tmp_path, playback_raw=sink)
    proc = _run(env, "replay", str(folder), "--turn", "2")
    assert proc.returncode == 0, proc.stderr
    assert "no audio output" not in proc.stderr
    assert "#2" in proc.stdout and "#3" in proc.stdout and "#1 " not in proc.stdout
    assert "not sure" in proc.stdout
    # What reached the device is the two turns' audio (raw S16 mono at the files' rate).
    expected = sum(sf.info(str(p)).frames for p in sorted(folder.glob("turn-00[23]-*.wav")))
    played = sink.stat().st_size // 2
    assert played >= 0.9 * expected


@pytest.mark.slow
def test_replay_without_any_device_falls_back_to_text(tmp_path: Path) -> None:
    folder = recorded_session(tmp_path)
    env = no_devices_env(tmp_path)
    env["INTERVIEWER_RECORDINGS_DIR"] = str(folder.parent)
    proc = _run(env, "replay", "last")
    assert proc.returncode == 0, proc.stderr
    notice = "no audio output device: showing the transcript only"
    assert proc.stderr.strip().splitlines() == [notice]
    assert "Traceback" not in proc.stderr
    assert "hash map" in proc.stdout and "Why is a hash map" in proc.stdout
    proc = _run(env, "replay", str(folder), "--turn", "9")
    assert proc.returncode == 2 and "turns 0 to 3" in proc.stderr and "Traceback" not in proc.stderr
    proc = _run(env, "replay", str(tmp_path / "no-such-session"))
    assert proc.returncode == 2 and "no session" in proc.stderr
