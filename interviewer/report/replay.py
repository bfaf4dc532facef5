"""Replay a session turn by turn: each turn's recording plays while its words appear in time.

The library never prints: it hands text to a callback, so the CLI renders and tests can
collect. Machines without a sound card replay as text (``Replayer(audio=False)``); the CLI
decides that up front with :func:`audio_output_available` and says so in one line.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import soundfile as sf

from ..audio.playback import output_available, sounddevice_module
from ..errors import AudioError, SessionError
from ..session.models import Session, Turn

log = logging.getLogger(__name__)


class Player(Protocol):
    def start(self, path: Path) -> None: ...
    def wait(self) -> None: ...
    def stop(self) -> None: ...


class SoundDevicePlayer:
    """Non-blocking playback on the default output device, so words can print meanwhile."""

    def start(self, path: Path) -> None:
        sd = sounddevice_module()
        try:
            data, rate = sf.read(str(path), dtype="float32", always_2d=False)
        except (sf.SoundFileError, RuntimeError) as exc:
            raise AudioError(f"cannot read {path}: {exc}") from exc
        try:
            sd.play(data, samplerate=rate)
        except sd.PortAudioError as exc:
            raise AudioError(f"audio playback failed: {exc}") from exc

    def wait(self) -> None:
        sd = sounddevice_module()
        try:
            sd.wait()
        except sd.PortAudioError as exc:
            raise AudioError(f"audio playback failed: {exc}") from exc

    def stop(self) -> None:
        try:
            sounddevice_module().stop()
        except Exception as exc:  # stopping is best effort on the way out
            log.debug("stop failed: %s", exc)


def audio_output_available() -> bool:
    return output_available()


def turns_from(session: Session, turn: int | None) -> list[Turn]:
    """The turns to replay: all, or from index ``turn`` on."""
    if turn is None:
        return list(session.turns)
    if not session.turns:
        raise SessionError(f"session {session.id} has no turns to replay")
    if not 0 <= turn < len(session.turns):
        raise SessionError(
            f"session {session.id} has turns 0 to {len(session.turns) - 1}, not {turn}",
            hint="see the turn numbers with --text-only",
        )
    return [t for t in session.turns if t.index >= turn]


class Replayer:
    """Plays one turn at a time and feeds its text to ``on_text`` as it is heard."""

    def __init__(
        self,
        folder: Path,
        audio: bool = True,
        player: Player | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.folder = folder
        self.audio = audio
        self.player: Player = player or SoundDevicePlayer()
        self.clock = clock
        self.sleep = sleep

    def audio_path(self, turn: Turn) -> Path | None:
        if not turn.audio:
            return None
        path = self.folder / turn.audio
        return path if path.is_file() else None

    def play_turn(self, turn: Turn, on_text: Callable[[str], None]) -> bool:
        """Replay one turn; True when its audio was played. Raises AudioError if playback fails."""
        path = self.audio_path(turn) if self.audio else None
        if path is None:
            on_text(turn.text or "(no speech)")
            return False
        self.player.start(path)
        try:
            began = self.clock()
            if turn.words:
                for word in turn.words:
                    due = word.start - turn.start
                    wait = due - (self.clock() - began)
                    if wait > 0:
                        self.sleep(wait)
                    on_text(word.word.strip())
            else:
                on_text(turn.text or "(no speech)")
            self.player.wait()
        except KeyboardInterrupt:
            self.player.stop()
            raise
        return True
