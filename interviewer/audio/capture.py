"""Microphone capture: frames from sounddevice, one candidate turn ended by endpointing.

The PortAudio callback only copies each block onto a queue (it runs on PortAudio's thread
and must never block); the consumer in :meth:`MicrophoneRecorder.record_turn` runs the VAD
and the end-of-turn policy. :meth:`MicrophoneRecorder.frames` is the raw generator, for
callers that stream audio into incremental transcription.

All timing is counted in samples, so a device that delivers faster than real time (the
virtual ALSA mic of the tests) gives the same turn as a live one.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import AudioError, NoInputDeviceError
from ..turns.endpointing import (
    EndpointConfig,
    EndPolicy,
    EndReason,
    HearsAudio,
    TurnEndPolicy,
)
from .io import SAMPLE_RATE, to_int16
from .playback import sounddevice_module
from .vad import VADParams, VADState, VoiceActivityDetector, rms_dbfs

log = logging.getLogger(__name__)

_NO_MIC_HINT = "answer from audio files with --answers DIR, or type with --text"
_QUEUE_LIMIT_S = 60.0  # audio buffered if the consumer stalls; beyond it new frames drop
_STALL_TIMEOUT_S = 5.0  # no frame for this long: the device died


class StreamResampler:
    """int16 blocks at the device's rate in, 16 kHz int16 out; keeps filter state (PyAV)."""

    def __init__(self, from_rate: int, to_rate: int) -> None:
        import av

        self.from_rate = from_rate
        self._resampler = av.AudioResampler(format="s16", layout="mono", rate=to_rate)

    def process(self, block: np.ndarray) -> np.ndarray:
        import av

        frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = self.from_rate
        out = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        return np.concatenate(out) if out else np.zeros(0, dtype=np.int16)


@dataclass(frozen=True)
class FrameInfo:
    """What a level meter (or a streaming transcriber) needs to know after each frame."""

    index: int
    frame: np.ndarray  # int16, this frame's samples at 16 kHz
    elapsed_s: float  # audio time since the turn started (samples, not wall clock)
    rms_dbfs: float
    speech_prob: float
    state: VADState
    speech_s: float
    silence_s: float
    decision: str  # the policy's reason ("speaking", "pause", "thinking_pause", ...)


@dataclass(frozen=True)
class CapturedTurn:
    """One recorded answer: all of it, with where the speech lies."""

    samples: np.ndarray  # float32 mono in [-1, 1]
    sample_rate: int
    speech_detected: bool
    ended_by: EndReason
    speech_start_s: float | None
    speech_end_s: float | None
    dropped_frames: int = 0
    speech_level_dbfs: float | None = None  # the speaker's own level (VoiceActivityDetector)

    @property
    def duration_s(self) -> float:
        return self.samples.size / self.sample_rate


def require_input(device: int | str | None = None) -> None:
    """Raise NoInputDeviceError (offering --answers and --text) when there is no microphone:
    the one check every microphone source and ``practice`` make before recording."""
    _query_input(device)


def input_available(device: int | str | None = None) -> bool:
    """True when PortAudio can see a capture device (the default one unless named)."""
    try:
        _query_input(device)
    except AudioError as exc:
        log.debug("no audio input: %s", exc)
        return False
    return True


def _query_input(device: int | str | None) -> dict[str, Any]:
    sd = sounddevice_module()
    try:
        info = sd.query_devices(device, kind="input")
    except (sd.PortAudioError, ValueError) as exc:
        log.debug("PortAudio has no input device %r: %s", device, exc)
        message = "no microphone found"
        if device is not None:
            message += f": input device {device!r} ({exc})"
        raise NoInputDeviceError(message, hint=_NO_MIC_HINT) from exc
    if int(info.get("max_input_channels", 0)) < 1:
        raise NoInputDeviceError(
            f"no microphone found ({info.get('name')} has no inputs)", hint=_NO_MIC_HINT
        )
    return dict(info)


class MicrophoneRecorder:
    """Records candidate turns from a microphone at 16 kHz mono int16."""

    # One open stream serves consecutive turns (a sound card): the answer to a line is
    # recorded from the stream that listened over it. False where each turn opens its own.
    continuous_stream = True

    def __init__(
        self,
        device: int | str | None = None,
        sample_rate: int = SAMPLE_RATE,
        frame_ms: int = 32,
        endpoint: EndpointConfig | None = None,
        policy: EndPolicy | None = None,
        vad: VADParams | None = None,
        realtime: bool = False,
    ) -> None:
        """``realtime=True`` hands out frames no faster than real time: for replaying a
        file-backed (virtual) microphone at speaking pace in benchmarks. A live mic is
        real-time already, so it changes nothing there."""
        if sample_rate != SAMPLE_RATE:
            raise ValueError(f"capture delivers {SAMPLE_RATE} Hz audio, got {sample_rate}")
        self.device = device
        self.sample_rate = sample_rate
        self.frame_samples = sample_rate * frame_ms // 1000
        self.endpoint = endpoint or EndpointConfig()
        self.policy: EndPolicy = policy or TurnEndPolicy(self.endpoint)
        self.vad_params = vad or VADParams()
        self.realtime = realtime
        self.dropped_frames = 0
        # The stream's clock: perf_counter when the newest frame handed out ended (when its
        # block reached the callback). A consumer that reads queued frames late times them
        # by it (interview/live/after_turn.py: the echo gate compares each frame with what
        # was playing when it was heard).
        self.heard_until: float | None = None
        # The speaker's level from their last turn with enough speech: the next turn's VAD
        # gates other voices against it from the first frame (audio/vad.py).
        self.speaker_level_dbfs: float | None = None

    def check_input(self) -> None:
        """Raise NoInputDeviceError when this recorder has nothing to record from."""
        require_input(self.device)

    # -- raw frames -------------------------------------------------------------------------

    def frames(self, buffer_s: float = _QUEUE_LIMIT_S) -> Iterator[np.ndarray]:
        """Yield int16 mono frames at 16 kHz until the caller stops iterating.

        Up to ``buffer_s`` of audio waits for a slow consumer; past that, new frames are
        dropped and counted in ``dropped_frames`` when the consumer reaches the gap.
        Closing the generator (or leaving a ``for`` loop) closes the stream.
        """
        sd = sounddevice_module()
        info = _query_input(self.device)
        blocks: queue.Queue[tuple[np.ndarray, int]] = queue.Queue(
            maxsize=max(1, int(buffer_s * self.sample_rate) // self.frame_samples)
        )
        gap = [0]  # frames dropped since the last one queued; PortAudio's thread only

        def callback(indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
            try:
                blocks.put_nowait((indata[:, 0].copy(), gap[0], time.perf_counter()))
                gap[0] = 0
            except queue.Full:
                gap[0] += 1

        stream, resampler = self._open_stream(sd, info, callback)
        self.dropped_frames = 0
        yielded = 0
        started = time.perf_counter()
        with stream:
            log.debug("capturing from %s at %d Hz", info.get("name"), int(stream.samplerate))
            while True:
                try:
                    block, dropped_before, arrived = blocks.get(timeout=_STALL_TIMEOUT_S)
                except queue.Empty:
                    raise AudioError(
                        f"the microphone stopped sending audio ({info.get('name')})",
                        hint=_NO_MIC_HINT,
                    ) from None
                if dropped_before:
                    self.dropped_frames += dropped_before
                    log.warning(
                        "the listener fell %.0f s behind: %d frames of audio lost",
                        buffer_s,
                        dropped_before,
                    )
                if resampler is not None:
                    block = resampler.process(block)
                    if block.size == 0:
                        continue
                if self.realtime:
                    ahead_s = yielded / self.sample_rate - (time.perf_counter() - started)
                    if ahead_s > 0:
                        time.sleep(ahead_s)
                yielded += block.size
                # A file-backed device delivers at once: its frames are heard at the pace.
                paced = started + yielded / self.sample_rate
                self.heard_until = paced if self.realtime else arrived
                yield block

    def _open_stream(
        self, sd: Any, info: dict[str, Any], callback: Callable[..., None]
    ) -> tuple[Any, StreamResampler | None]:
        """16 kHz when the device (or ALSA's plug layer) accepts it, else its own rate."""
        try:
            return self._input_stream(sd, self.sample_rate, self.frame_samples, callback), None
        except sd.PortAudioError as exc:
            native = int(info.get("default_samplerate") or 0)
            if not native or native == self.sample_rate:
                raise AudioError(f"cannot open the microphone: {exc}", hint=_NO_MIC_HINT) from exc
            log.info(
                "microphone refuses %d Hz (%s); recording at %d Hz and resampling",
                self.sample_rate,
                exc,
                native,
            )
        block = native * self.frame_samples // self.sample_rate
        try:
            stream = self._input_stream(sd, native, block, callback)
        except sd.PortAudioError as exc:
            raise AudioError(f"cannot open the microphone: {exc}", hint=_NO_MIC_HINT) from exc
        return stream, StreamResampler(native, self.sample_rate)

    def _input_stream(self, sd: Any, rate: int, block: int, callback: Callable[..., None]) -> Any:
        return sd.InputStream(
            device=self.device,
            samplerate=rate,
            channels=1,
            dtype="int16",
            blocksize=block,
            callback=callback,
        )

    def open_frames(self) -> Iterator[np.ndarray]:
        """The stream one turn reads, buffering a whole turn: a device faster than real time
        must not lose frames."""
        return self.frames(max(_QUEUE_LIMIT_S, self.endpoint.max_turn_s + 5))

    # -- one turn ---------------------------------------------------------------------------

    def record_turn(
        self,
        on_frame: Callable[[FrameInfo], None] | None = None,
        words_provider: Callable[[], str | None] | None = None,
        *,
        policy: EndPolicy | None = None,
        frames: Iterator[np.ndarray] | None = None,
    ) -> CapturedTurn:
        """Record until the policy ends the turn or ``max_turn_s`` passes.

        ``words_provider`` returns the words heard so far (from a streaming transcriber) or
        None; ``policy`` replaces the recorder's end-of-turn policy for this turn only.
        ``frames`` (from :meth:`open_frames`) is a stream the caller keeps open after the
        turn, to go on listening; without it the turn opens and closes its own.
        """
        detector = TurnDetector(
            self.endpoint,
            policy or self.policy,
            self.vad_params,
            self.sample_rate,
            speaker_level_dbfs=self.speaker_level_dbfs,
        )
        owned = frames is None
        source = self.open_frames() if frames is None else frames
        with contextlib.closing(source) if owned else contextlib.nullcontext(source) as stream:
            for frame in stream:
                info = detector.push(frame, words_provider() if words_provider else None)
                if on_frame is not None:
                    on_frame(info)
                if detector.ended_by is not None:
                    break
        turn = detector.turn(dropped_frames=self.dropped_frames)
        if turn.speech_level_dbfs is not None:
            self.speaker_level_dbfs = turn.speech_level_dbfs  # the next turn's gate starts here
        log.info(
            "turn ended by %s after %.2f s (speech %s)",
            turn.ended_by,
            turn.duration_s,
            "yes" if turn.speech_detected else "none",
        )
        return turn


class TurnDetector:
    """VAD + end-of-turn policy over pushed frames: the device-free heart of record_turn.

    Push int16 (or float) frames with the words heard so far; after each push, ``ended_by``
    says whether and why the turn is over. Benchmarks and tests replay arrays through it
    exactly as the microphone path does.
    """

    def __init__(
        self,
        endpoint: EndpointConfig | None = None,
        policy: EndPolicy | None = None,
        vad: VADParams | None = None,
        sample_rate: int = SAMPLE_RATE,
        speaker_level_dbfs: float | None = None,
    ) -> None:
        """``speaker_level_dbfs``: the speaker's level from earlier turns (audio/vad.py)."""
        self.endpoint = endpoint or EndpointConfig()
        self.policy: EndPolicy = policy or TurnEndPolicy(self.endpoint)
        self.sample_rate = sample_rate
        self.vad = VoiceActivityDetector(vad, sample_rate, speaker_level_dbfs=speaker_level_dbfs)
        self.max_samples = int(self.endpoint.max_turn_s * sample_rate)
        self.ended_by: EndReason | None = None
        self._chunks: list[np.ndarray] = []
        self._seen = 0

    def push(self, frame: np.ndarray, words: str | None = None) -> FrameInfo:
        """Add one frame; decide whether the turn has ended (sets ``ended_by``)."""
        if self.ended_by is not None:
            raise RuntimeError(f"the turn already ended ({self.ended_by})")
        frame = frame if frame.dtype == np.int16 else to_int16(frame)
        self._chunks.append(frame)
        index = len(self._chunks) - 1
        self._seen += frame.size
        update = self.vad.process(frame)
        if isinstance(self.policy, HearsAudio):
            self.policy.hear(frame)  # a policy that listens to the voice (turns/voice_end.py)
        ms = 1000 / self.sample_rate
        decision = self.policy.decide(
            int(update.silence_samples * ms), int(update.speech_samples * ms), words
        )
        if decision.end:
            self.ended_by = decision.reason  # type: ignore[assignment]
        elif self._seen >= self.max_samples:
            self.ended_by = "max_length"
        return FrameInfo(
            index=index,
            frame=frame,
            elapsed_s=self._seen / self.sample_rate,
            rms_dbfs=rms_dbfs(frame),
            speech_prob=update.speech_prob,
            state=update.state,
            speech_s=update.speech_samples / self.sample_rate,
            silence_s=update.silence_samples / self.sample_rate,
            decision=decision.reason,
        )

    def turn(self, dropped_frames: int = 0) -> CapturedTurn:
        """Everything pushed so far (capped at ``max_turn_s``) as a CapturedTurn."""
        if self._chunks:
            samples = np.concatenate(self._chunks).astype(np.float32) / 32768.0
        else:
            samples = np.zeros(0, dtype=np.float32)
        final = self.vad.update()
        to_s = 1.0 / self.sample_rate
        start, end = final.speech_start_sample, final.speech_end_sample
        return CapturedTurn(
            samples=samples[: self.max_samples],
            sample_rate=self.sample_rate,
            speech_detected=final.speech_detected,
            ended_by=self.ended_by or "max_length",
            speech_start_s=None if start is None else start * to_s,
            speech_end_s=None if end is None else end * to_s,
            dropped_frames=dropped_frames,
            speech_level_dbfs=self.vad.own_level_dbfs(),
        )
