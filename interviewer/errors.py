"""Errors a user can act on.

The CLI catches :class:`InterviewerError` only and prints its message as one line
(plus the hint, when there is one); anything else is a bug and keeps its traceback.

    InterviewerError
    ├── AudioError            unreadable/corrupt audio file, audio write failure
    │   └── NoInputDeviceError  no microphone; offer --answers / --text
    ├── SpeechModelError      whisper model folder missing or broken
    ├── TTSError              no espeak-ng / pyttsx3 driver failure
    ├── ConfigError           bad persona/rubric/config file (names file and field)
    │   └── PlanFileError       the stored study plan cannot be read; it is never overwritten
    ├── SessionError          missing or unreadable session folder
    ├── TranscriptFormatError a transcript file with no speaker labels
    └── LLMError              backend failures
        ├── LLMUnavailableError  server down, model file missing, key missing
        └── LLMOutputError       output that does not validate after retries

Foreign exceptions are translated where they are caught, with ``raise ... from exc``.
"""

from __future__ import annotations


class InterviewerError(Exception):
    """Base of every error that is shown to the user as one clear line."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class AudioError(InterviewerError):
    """An audio file could not be read or written."""


class NoInputDeviceError(AudioError):
    """No microphone is available."""


class SpeechModelError(InterviewerError):
    """The speech-to-text model could not be found or loaded."""


class TTSError(InterviewerError):
    """Text to speech is not available or failed."""


class ConfigError(InterviewerError):
    """A persona, rubric or settings file is invalid."""


class PlanFileError(ConfigError):
    """The stored study plan (confidence grid, schedule) is corrupt or hand-edited wrongly."""


class SessionError(InterviewerError):
    """A session folder is missing or cannot be read."""


class TranscriptFormatError(InterviewerError):
    """A transcript file is not in a format we can read."""


class LLMError(InterviewerError):
    """The language model backend failed."""


class LLMUnavailableError(LLMError):
    """The backend cannot be reached or loaded (server down, missing key or model)."""


class LLMOutputError(LLMError):
    """The model's output did not validate, even after a retry."""
