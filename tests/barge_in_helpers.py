"""What the barge-in tests share: the interviewer's line, the candidate going on over it,
and a microphone stream made of them (sounddevice playback and the browser page alike)."""

from __future__ import annotations

import numpy as np
from audio_helpers import silence, to_int16

from interviewer.audio.io import SAMPLE_RATE

FRAME = 512
REPLY = "Why did you choose recall at ten over precision for the first version of the ranker?"
GOING_ON = "and then, to be fair, I would also check the calibration of the scores per segment."


def frames_of(samples: np.ndarray) -> list[np.ndarray]:
    """16 kHz float samples as the microphone's int16 frames."""
    pcm = to_int16(samples)
    return [pcm[i : i + FRAME] for i in range(0, pcm.size, FRAME)]


def mic_over(reply_s: float, speech: np.ndarray | None = None, at_s: float = 1.5) -> np.ndarray:
    """Room noise as long as a line of ``reply_s`` and half a second, ``speech`` from ``at_s``."""
    total = int((reply_s + 0.5) * SAMPLE_RATE)
    mic = silence(total / SAMPLE_RATE, -62)
    if speech is not None:
        part = speech[: total - int(at_s * SAMPLE_RATE)]
        mic[int(at_s * SAMPLE_RATE) : int(at_s * SAMPLE_RATE) + part.size] += part
    return mic
