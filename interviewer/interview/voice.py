"""The interviewer's voice: every line is synthesised into the session and played when a
speaker exists; with ``--no-voice`` lines are only printed (and timed as if read aloud).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..speech_acts import speaking_time_s

log = logging.getLogger(__name__)


class InterviewerVoice:
    def __init__(
        self,
        speaker: Any | None,
        *,
        play: bool = True,
        player: Callable[[Path, str, float], None] | None = None,
    ) -> None:
        """``player(path, text, duration)`` plays each synthesised line somewhere other than
        this machine's speakers (the browser page of ``interviewer serve``), blocking until
        it has been heard."""
        self.speaker = speaker
        self.play = play
        self.player = player
        if speaker is not None and play and player is None:
            from ..audio.playback import output_available

            if not output_available():
                log.warning("no audio output device: interviewer lines are saved, not played")
                self.play = False

    @property
    def description(self) -> str | None:
        return None if self.speaker is None else self.speaker.description

    def say(
        self, text: str, path: Path, on_first_sample: Callable[[], None] | None = None
    ) -> tuple[float, Path | None]:
        """Speak (or print) one line; returns its duration and the audio file, if any.

        ``on_first_sample`` fires when the line's audio is ready and playback begins: the
        moment the speed benchmark measures reply latency to.
        """
        if self.speaker is None:
            if on_first_sample:
                on_first_sample()
            return speaking_time_s(text), None
        duration = self.speaker.synthesize(text, path)
        if on_first_sample:
            on_first_sample()
        if self.player is not None:
            self.player(path, text, duration)
        elif self.play:
            from ..audio.playback import play_file

            play_file(path)
        return duration, path
