"""Voice activity: a pure, synchronous state machine over audio frames.

    QUIET ──speech──▶ STARTING ──start_ms of speech──▶ SPEAKING
      ▲                  │ silence                       │ silence
      └──────────────────┘                               ▼
      ◀──────────────stop_ms of silence────────────── STOPPING ──speech──▶ SPEAKING

Frames of any length go in; they are cut into 512-sample windows (32 ms at 16 kHz, what
Silero VAD is trained on) and each window gets a speech probability. Every duration is
counted in SAMPLES, never wall-clock time: the virtual ALSA mic of the tests delivers audio
far faster than real time, and a replayed file must give the same answer as a live mic.

Speech probability comes from faster-whisper's bundled Silero VAD (ONNX, run one window at a
time with its recurrent state carried over, which gives exactly the batch probabilities), or
from an energy gate when onnxruntime/faster-whisper is missing.

Silero hears speech at any level (jfk.flac 40 dB down keeps 94% of its speech windows), so
another voice in the room, a headset's crosstalk or a telephone's echo would end a pause as if
the speaker had gone on. Once the speaker has been heard, a window out of a pause that Silero
is sure is speech (``threshold``) counts only if it is within ``crosstalk_margin_db`` of the
speaker's own level (the 90th percentile of their speech windows so far). Inside running
speech nothing changes: Silero's own decisions, soft syllables and all, stand; so do the
doubtful windows its hysteresis keeps as the tail of the speaker's last word (gating those
too cut a pause's start 0.16 s earlier on one shared meeting excerpt, and made a false end).
"""

from __future__ import annotations

import enum
import functools
import logging
from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from pydantic import BaseModel, Field

from .io import SAMPLE_RATE, to_float32

log = logging.getLogger(__name__)

WINDOW_SAMPLES = 512  # Silero VAD's window at 16 kHz
_OWN_LEVEL_WINDOWS = 300  # the speaker's level: their last 300 speech windows (about 10 s)
_OWN_LEVEL_MIN_WINDOWS = 10  # no gate until 320 ms of their speech has been heard
_OWN_LEVEL_PERCENTILE = 90
# Speech this far under the speaker's own level is another voice (module doc). On the shared
# AMI mixtures the speaker's own speech resuming after a hold peaked at -16 to +17 dB from
# that level (49 holds; one at -32 dB, where someone else broke the silence), and one soft
# trailing "okay" ran 21-22 dB under it (a 20-dB margin made that a false end). Crosstalk on
# a headset, tens of cm from another talker against a few cm from the wearer, is some 25-35 dB
# down.
CROSSTALK_MARGIN_DB = 25.0
_CONTEXT_SAMPLES = 64  # Silero v5/v6 sees the tail of the previous window


class VADState(str, enum.Enum):
    QUIET = "quiet"
    STARTING = "starting"
    SPEAKING = "speaking"
    STOPPING = "stopping"


class VADParams(BaseModel):
    """Tuning of the state machine (the end of a *turn* is the endpointing policy's call)."""

    threshold: float = Field(0.5, ge=0.0, le=1.0, description="speech if probability >= this")
    neg_threshold: float = Field(
        0.35, ge=0.0, le=1.0, description="while speaking, silence only below this"
    )
    start_ms: int = Field(96, ge=0, description="speech needed to enter SPEAKING")
    stop_ms: int = Field(300, ge=0, description="silence needed to fall back to QUIET")
    crosstalk_margin_db: float | None = Field(
        CROSSTALK_MARGIN_DB,
        gt=0,
        description="out of a pause, speech this far under the speaker's own level is another "
        "voice (crosstalk, echo, the room) and does not end the pause; None: any speech does",
    )


class SpeechProbability(Protocol):
    """Scores one 512-sample float32 window; keeps whatever state it needs between calls."""

    def __call__(self, window: np.ndarray) -> float: ...

    def reset(self) -> None: ...


@functools.lru_cache(maxsize=1)
def _silero_session() -> Any:
    from faster_whisper.vad import get_vad_model

    return get_vad_model().session


class SileroSpeechProbability:
    """Streaming Silero VAD: one ONNX call per window, recurrent state carried over."""

    name = "silero"

    def __init__(self) -> None:
        self._session = _silero_session()
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros((1, _CONTEXT_SAMPLES), dtype=np.float32)

    def __call__(self, window: np.ndarray) -> float:
        chunk = window.reshape(1, WINDOW_SAMPLES).astype(np.float32, copy=False)
        batch = np.concatenate([self._context, chunk], axis=1)
        out, self._h, self._c = self._session.run(
            None, {"input": batch, "h": self._h, "c": self._c}
        )
        self._context = chunk[:, -_CONTEXT_SAMPLES:]
        return float(np.ravel(out)[0])


class EnergySpeechProbability:
    """Fallback: a soft gate on loudness (dBFS). Fooled by noise, but needs nothing."""

    name = "energy"

    def __init__(self, speech_dbfs: float = -35.0, silence_dbfs: float = -50.0) -> None:
        self.speech_dbfs = speech_dbfs
        self.silence_dbfs = silence_dbfs

    def reset(self) -> None:
        pass

    def __call__(self, window: np.ndarray) -> float:
        level = rms_dbfs(window)
        span = self.speech_dbfs - self.silence_dbfs
        return float(np.clip((level - self.silence_dbfs) / span, 0.0, 1.0))


def default_speech_probability() -> SpeechProbability:
    """Silero when it loads, else the energy gate (logged once, not an error)."""
    try:
        return SileroSpeechProbability()
    except Exception as exc:  # ImportError, onnxruntime failures
        log.warning("Silero VAD unavailable (%s); using an energy gate", exc)
        return EnergySpeechProbability()


def another_voice(level_dbfs: float, own_dbfs: float | None, margin_db: float | None) -> bool:
    """Speech this far under the speaker's own level is someone else's (module doc); with no
    level heard yet, or no margin, any voice may be theirs."""
    if own_dbfs is None or margin_db is None:
        return False
    return level_dbfs < own_dbfs - margin_db


def rms_dbfs(samples: np.ndarray) -> float:
    """Loudness in dB relative to full scale; -100 for digital silence."""
    data = to_float32(samples)
    if data.size == 0:
        return -100.0
    rms = float(np.sqrt(np.mean(np.square(data, dtype=np.float64))))
    return max(-100.0, 20.0 * float(np.log10(rms))) if rms > 0 else -100.0


def hop_dbfs(samples: np.ndarray, hop: int) -> np.ndarray:
    """:func:`rms_dbfs` of each whole ``hop`` samples (a trailing part is left out)."""
    usable = samples.size - samples.size % hop
    hops = samples[:usable].reshape(-1, hop).astype(np.float64)
    rms = np.sqrt(np.mean(np.square(hops), axis=1))
    with np.errstate(divide="ignore"):
        return np.maximum(20 * np.log10(np.maximum(rms, 1e-10)), -100.0)


@dataclass(frozen=True)
class VADUpdate:
    """The detector's view after a frame. Sample counts are from the start of the stream."""

    state: VADState
    speech_prob: float  # of the last complete window
    samples_seen: int
    speech_samples: int  # total confirmed speech so far
    silence_samples: int  # since the last speech window (or since the start, if none yet)
    speech_start_sample: int | None  # first sample of the first confirmed speech
    speech_end_sample: int | None  # end of the last speech window

    @property
    def speech_detected(self) -> bool:
        return self.speech_start_sample is not None


class VoiceActivityDetector:
    """QUIET/STARTING/SPEAKING/STOPPING over a stream of frames; no I/O, no clock."""

    def __init__(
        self,
        params: VADParams | None = None,
        sample_rate: int = SAMPLE_RATE,
        speech_probability: SpeechProbability | None = None,
        speaker_level_dbfs: float | None = None,
    ) -> None:
        """``speaker_level_dbfs``: the speaker's level from their earlier turns (the same
        person at the same microphone), the gate's level until this turn has its own: a
        short answer ("Yes, exactly.") is gated against the other side's voice too."""
        if sample_rate != SAMPLE_RATE:
            raise ValueError(f"VAD runs at {SAMPLE_RATE} Hz, got {sample_rate}")
        self.params = params or VADParams()
        self.sample_rate = sample_rate
        self.prob = speech_probability or default_speech_probability()
        self.speaker_level_dbfs = speaker_level_dbfs
        self._start_samples = self.params.start_ms * sample_rate // 1000
        self._stop_samples = self.params.stop_ms * sample_rate // 1000
        self.reset()

    def reset(self) -> None:
        self.prob.reset()
        self._pending = np.zeros(0, dtype=np.float32)
        self.state = VADState.QUIET
        self._seen = 0
        self._last_prob = 0.0
        self._speech_total = 0
        self._run_speech = 0  # consecutive speech samples (STARTING)
        self._run_silence = 0  # consecutive silence samples (STOPPING)
        self._candidate_start: int | None = None
        self._speech_start: int | None = None
        self._speech_end: int | None = None
        self._own_levels: deque[float] = deque(maxlen=_OWN_LEVEL_WINDOWS)

    def own_level_dbfs(self) -> float | None:
        """The speaker's speech level in this turn; until enough of it has been heard, their
        level from earlier turns once this turn's speech has begun (before it, someone
        quieter than last time must still be heard starting); else None."""
        if len(self._own_levels) >= _OWN_LEVEL_MIN_WINDOWS:
            return float(np.percentile(self._own_levels, _OWN_LEVEL_PERCENTILE))
        return self.speaker_level_dbfs if self._speech_start is not None else None

    def _another_voice(self, level_dbfs: float) -> bool:
        """Speech out of a pause too quiet to be the speaker (module doc)."""
        margin = self.params.crosstalk_margin_db
        own = self.own_level_dbfs() if margin is not None else None
        return another_voice(level_dbfs, own, margin)

    def process(self, frame: np.ndarray) -> VADUpdate:
        """Feed one frame (int16 or float32, any length); return the state after it."""
        data = to_float32(frame)
        if self._pending.size:
            data = np.concatenate([self._pending, data])
        full = data.size - data.size % WINDOW_SAMPLES
        for offset in range(0, full, WINDOW_SAMPLES):
            self._step(data[offset : offset + WINDOW_SAMPLES])
        self._pending = data[full:].copy()
        return self.update()

    def update(self) -> VADUpdate:
        silence = self._seen if self._speech_end is None else self._seen - self._speech_end
        return VADUpdate(
            state=self.state,
            speech_prob=self._last_prob,
            samples_seen=self._seen,
            speech_samples=self._speech_total,
            silence_samples=silence,
            speech_start_sample=self._speech_start,
            speech_end_sample=self._speech_end,
        )

    def _step(self, window: np.ndarray) -> None:
        prob = self.prob(window)
        self._last_prob = prob
        start = self._seen
        self._seen += WINDOW_SAMPLES
        active = self.state in (VADState.SPEAKING, VADState.STOPPING)
        # Hysteresis: once speaking, a dip has to go below neg_threshold to count as silence.
        is_speech = prob >= (self.params.neg_threshold if active else self.params.threshold)
        if is_speech and prob >= self.params.threshold:  # sure it is speech: whose?
            level = rms_dbfs(window)
            if self.state is not VADState.SPEAKING and self._another_voice(level):
                is_speech = False  # out of a pause: someone else, not the speaker going on
            else:
                self._own_levels.append(level)

        if self.state is VADState.QUIET:
            if is_speech:
                self._candidate_start = start
                self._run_speech = WINDOW_SAMPLES
                self.state = VADState.STARTING
                self._maybe_confirm()
        elif self.state is VADState.STARTING:
            if is_speech:
                self._run_speech += WINDOW_SAMPLES
                self._maybe_confirm()
            else:
                self.state = VADState.QUIET
                self._run_speech = 0
                self._candidate_start = None
        elif is_speech:  # SPEAKING or STOPPING
            self.state = VADState.SPEAKING
            self._run_silence = 0
            self._speech_total += WINDOW_SAMPLES
            self._speech_end = self._seen
        else:
            self._run_silence += WINDOW_SAMPLES
            self.state = (
                VADState.QUIET if self._run_silence >= self._stop_samples else VADState.STOPPING
            )

    def _maybe_confirm(self) -> None:
        if self._run_speech < max(self._start_samples, 1):
            return
        self.state = VADState.SPEAKING
        self._speech_total += self._run_speech
        self._speech_end = self._seen
        if self._speech_start is None:
            self._speech_start = self._candidate_start
        self._run_speech = 0
        self._run_silence = 0
