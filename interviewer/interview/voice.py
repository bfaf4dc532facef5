"""The interviewer's voice: every line is synthesised into the session and played when a
speaker exists; with ``--no-voice`` lines are only printed (and timed as if read aloud).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..speech_acts import speaking_time_s

if TYPE_CHECKING:
    from .live.after_turn import AfterTurnListener

log = logging.getLogger(__name__)


class InterviewerVoice:
    def __init__(
        self,
        speaker: Any | None,
        *,
        play: bool = True,
        player: Callable[[Path, str, float, AfterTurnListener | None], None] | None = None,
    ) -> None:
        """``player(path, text, duration, listener)`` plays each synthesised line somewhere
        other than this machine's speakers (the browser page of ``interviewer serve``),
        blocking until it has been heard, or stopped by ``listener`` (the candidate went on)."""
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
        self,
        text: str,
        path: Path,
        on_first_sample: Callable[[], None] | None = None,
        listener: AfterTurnListener | None = None,
    ) -> tuple[float, Path | None]:
        """Speak (or print) one line; returns its duration and the audio file, if any.

        ``on_first_sample`` fires when the line's audio is ready and playback begins: the
        moment the speed benchmark measures reply latency to. With a ``listener`` (the
        candidate's microphone, still open after their turn) the line is not started once
        they have gone on (or, after a typed turn, begun the next), and stops when they do
        so while it plays: the duration returned is then what was played (0.0 and no file
        when nothing was).
        """
        if self.speaker is None:
            if listener is not None and listener.line_stopped:
                return 0.0, None
            if on_first_sample:
                on_first_sample()
            return speaking_time_s(text), None
        duration = self.speaker.synthesize(text, path)
        if listener is not None and listener.line_stopped:
            path.unlink(missing_ok=True)
            return 0.0, None
        if on_first_sample:
            on_first_sample()
        if self.player is not None:
            # A front end plays the line (the browser page); the listener holds or stops it
            # there. What was played of it is the listener's ``played_s``.
            self.player(path, text, duration, listener)
            if listener is not None and listener.line_stopped:
                return listener.played_s, path  # stopped there: as _play_over returns
        elif self.play:
            if listener is None:
                from ..audio.playback import play_file

                play_file(path)
            else:
                return self._play_over(path, listener), path
        return duration, path

    def _play_over(self, path: Path, listener: AfterTurnListener) -> float:
        """Play while the candidate's microphone listens; stops if they go on."""
        return play_over(path, listener)


def play_over(path: Path, listener: AfterTurnListener) -> float:
    """Play a line on this machine's speakers while the candidate's microphone listens: the
    listener holds, resumes or stops it (the terminal, and ``serve --local-audio``); returns
    the seconds of the line played."""
    import soundfile as sf

    from ..audio.playback import PlaybackHandle, play_interruptible

    samples, rate = sf.read(str(path), dtype="float32", always_2d=True)
    handle = PlaybackHandle(samples.mean(axis=1), rate)
    listener.voice_started(handle)
    try:
        return play_interruptible(handle)
    finally:
        listener.voice_ended()
