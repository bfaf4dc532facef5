"""Text to speech: the interviewer's lines through pyttsx3 on espeak-ng, saved as WAV.

What the pyttsx3 2.99 espeak driver does, and how this module copes (read from its source):
- espeak-ng is initialised once per process in retrieval mode and its synth callback is a
  process-wide global, so ONE engine is shared by every Speaker (``_engine``) and all
  synthesis is serialised by a lock; voice and rate are set again before every line.
- ``save_to_file`` + ``runAndWait`` on the same engine works for many lines in a row (checked:
  hundreds of lines in one process, each a valid WAV). The driver writes 16-bit mono at
  22,050 Hz; we keep that rate (better for listening) and let readers resample.
- The driver ``print``s "Audio saved to ..." to stdout, which would corrupt ``--json``
  output. ``contextlib.redirect_stdout`` would swallow other threads' output too, so instead
  the driver module's ``print`` name is pointed at a debug logger.
- After the first line a rate change only applies if set twice (observed on espeak-ng 1.51;
  see ``_run``); ``test_rate_changes_between_lines`` guards it.
- About one line in 100-300 comes back as an empty WAV (espeak-ng reports the end of the
  message without producing audio; 77 and 85 in 9,000 short lines, before and after the
  size fix below); every output is checked and re-synthesised (up to ``_ATTEMPTS`` tries).
- Its ``_espeak.Synth`` tells espeak-ng the text is ten times its length: espeak-ng's
  asynchronous queue (the retrieval mode is asynchronous) copies that many bytes, reading past
  the end of Python's buffer, and a line whose text ends near the end of mapped memory crashed
  the process (SIGSEGV in ``Synth``, caught in the install's demo; a CI run's earlier SIGSEGV
  had no trace, so is only likely the same). ``_synth``, put in its place, gives the true
  size (the text and its terminating zero).
- Driver errors (e.g. an unknown voice) are not raised, only sent to "error" listeners; we
  listen and raise TTSError. An unknown voice is rejected when the Speaker is built (listed
  against espeak's voices) rather than silently falling back to another voice.
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import soundfile as sf

from ..errors import TTSError

log = logging.getLogger(__name__)

_INSTALL_HINT = "apt-get install espeak-ng"
_LOCK = threading.Lock()
# Now and then espeak-ng ends an utterance with no audio at all (a single end-of-message
# callback and zero samples); synthesising again works. How often depends on load: 3-4 lines
# in 300 on a quiet 2-core machine, 9 in 300 beside three busy processes, and a CI run once
# saw three in a row. So up to five attempts, a short pause before each retry.
_ATTEMPTS = 5
_RETRY_PAUSE_S = 0.05  # times the attempt number


class _Engine:
    """The one pyttsx3 engine of this process plus the errors it reported."""

    def __init__(self) -> None:
        try:
            import pyttsx3
            import pyttsx3.drivers.espeak as espeak_driver

            self.engine = pyttsx3.init("espeak")
        except (ImportError, OSError, RuntimeError) as exc:
            raise TTSError(
                f"espeak-ng text to speech is not available: {exc}", hint=_INSTALL_HINT
            ) from exc
        # Silence the driver's stdout chatter without touching sys.stdout (see module doc).
        espeak_driver.print = _driver_print  # type: ignore[attr-defined]
        # The driver's Synth overstates the text's size (see module doc): ours states it,
        # wherever the driver still has that C binding to call.
        binding = getattr(espeak_driver, "_espeak", None)
        if binding is not None and hasattr(binding, "cSynth"):
            binding.Synth = _synth
        self.errors: list[BaseException] = []
        self.engine.connect("error", self._on_error)
        self.voices = self._list_voices()

    def _on_error(self, name: Any = None, exception: BaseException | None = None) -> None:
        self.errors.append(exception or RuntimeError("unknown pyttsx3 error"))

    def _list_voices(self) -> dict[str, str]:
        """Every name espeak accepts for a voice (id, its tail, language, display name)."""
        names: dict[str, str] = {}
        for voice in self.engine.getProperty("voices"):
            for key in [voice.id, voice.id.rsplit("/", 1)[-1], voice.name, *voice.languages]:
                if key:
                    names.setdefault(str(key).lower(), voice.id)
        return names


def _synth(
    text: str | bytes,
    position: int = 0,
    position_type: int = 1,  # espeak's POS_CHARACTER
    end_position: int = 0,
    flags: int = 0,
    user_data: Any = None,
) -> int:
    """``espeak_Synth`` with the text's true size in bytes: the text and its final zero."""
    from pyttsx3.drivers import _espeak

    data = text.encode("utf-8") if isinstance(text, str) else text
    return _espeak.cSynth(
        data, len(data) + 1, position, position_type, end_position, flags, None, user_data
    )


def _driver_print(*args: object, **_: object) -> None:
    log.debug("pyttsx3: %s", " ".join(str(a) for a in args))


@functools.lru_cache(maxsize=1)
def _engine() -> _Engine:
    return _Engine()


class Speaker:
    """Speaks the interviewer's lines; every line is also written to a WAV file."""

    def __init__(self, voice: str = "en-us", rate_wpm: int = 165) -> None:
        if not 80 <= rate_wpm <= 450:
            raise TTSError(f"speech rate {rate_wpm} wpm is out of range", hint="use 80-450")
        self.voice = voice
        self.rate_wpm = rate_wpm
        self.last_synthesis_s: float | None = None  # wall time of the last line, for benchmarks
        engine = _engine()
        base_voice, plus, variant = voice.partition("+")  # "en-us+f3": a variant of en-us
        if base_voice.lower() not in engine.voices:
            close = sorted(k for k in engine.voices if k.startswith(base_voice[:2].lower()))[:8]
            raise TTSError(
                f"unknown text-to-speech voice {voice!r}",
                hint=f"try one of: {', '.join(close) or 'en-us'} (espeak-ng --voices lists all)",
            )
        # espeak accepts a voice's id for every voice, but not every language code ("en-gb").
        self._espeak_voice = engine.voices[base_voice.lower()] + plus + variant

    @property
    def description(self) -> str:
        return f"pyttsx3/espeak-ng {self.voice} {self.rate_wpm}wpm"

    def synthesize(self, text: str, path: str | os.PathLike[str]) -> float:
        """Write ``text`` as a WAV to ``path`` (atomically); return its duration in seconds."""
        if not text or not text.strip():
            raise TTSError("nothing to say: the line is empty")
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".wav", dir=target.parent)
        os.close(fd)
        try:
            started = time.perf_counter()
            for attempt in range(1, _ATTEMPTS + 1):
                self._run(text, tmp_name)
                try:
                    duration_s = _wav_duration_s(tmp_name)
                    break
                except TTSError as exc:
                    if attempt == _ATTEMPTS:
                        raise
                    log.info("espeak-ng returned no audio (%s); trying again", exc)
                    time.sleep(_RETRY_PAUSE_S * attempt)
            self.last_synthesis_s = time.perf_counter() - started
            os.replace(tmp_name, target)
        finally:
            Path(tmp_name).unlink(missing_ok=True)
        log.debug(
            "synthesised %.2f s of speech in %.3f s: %s", duration_s, self.last_synthesis_s, target
        )
        return duration_s

    def _run(self, text: str, filename: str) -> None:
        engine = _engine()
        with _LOCK:
            engine.errors.clear()
            engine.engine.setProperty("voice", self._espeak_voice)
            # Twice on purpose: after the first line, a single rate change is ignored by
            # espeak-ng 1.51 in retrieval mode (the old rate sticks); a second one applies.
            engine.engine.setProperty("rate", self.rate_wpm)
            engine.engine.setProperty("rate", self.rate_wpm)
            engine.engine.save_to_file(text, filename)
            engine.engine.runAndWait()
            errors = list(engine.errors)
        if errors:
            raise TTSError(f"text to speech failed: {errors[0]}") from errors[0]


def _wav_duration_s(filename: str) -> float:
    try:
        info = sf.info(filename)
    except (sf.SoundFileError, RuntimeError) as exc:
        raise TTSError(f"text to speech wrote no valid audio: {exc}") from exc
    if info.frames == 0:
        raise TTSError("text to speech wrote an empty file")
    return info.frames / info.samplerate
