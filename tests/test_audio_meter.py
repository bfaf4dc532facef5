"""The live microphone meter and the capture resampler (pure, no device)."""

from __future__ import annotations

import numpy as np
import pytest
from rich.console import Console

from interviewer.audio.capture import FrameInfo, StreamResampler
from interviewer.audio.meter import LevelMeter, level_fraction, status_label
from interviewer.audio.vad import VADState


def info(state: VADState, dbfs: float, decision: str = "speaking") -> FrameInfo:
    return FrameInfo(
        index=3,
        frame=np.zeros(512, np.int16),
        elapsed_s=4.25,
        rms_dbfs=dbfs,
        speech_prob=0.9,
        state=state,
        speech_s=2.0,
        silence_s=0.1,
        decision=decision,
    )


def render(meter: LevelMeter) -> str:
    console = Console(width=100, color_system=None, record=True)
    console.print(meter)
    return console.export_text()


def test_meter_says_it_is_listening_before_and_during_speech() -> None:
    meter = LevelMeter(width=20)
    assert "opening microphone" in render(meter)
    meter.update(info(VADState.QUIET, -80, "waiting_for_speech"))
    quiet = render(meter)
    assert "listening…" in quiet and "█" not in quiet and "-80 dBFS" in quiet and "4.2 s" in quiet
    meter.update(info(VADState.SPEAKING, -12))
    loud = render(meter)
    assert "speaking" in loud and loud.count("█") == 16  # (60 - 12) / 60 of 20 cells
    meter.update(info(VADState.STOPPING, -50, "pause"))
    assert "finishing…" in render(meter)
    meter.update(info(VADState.STOPPING, -50, "thinking_pause"))
    assert "take your time" in render(meter)


@pytest.mark.parametrize(("dbfs", "fraction"), [(-100, 0.0), (-60, 0.0), (-30, 0.5), (0, 1.0)])
def test_level_fraction(dbfs: float, fraction: float) -> None:
    assert level_fraction(dbfs) == pytest.approx(fraction)


def test_status_labels_cover_every_state() -> None:
    assert {status_label(s) for s in VADState} == {"listening…", "speaking", "finishing…"}


def test_resampler_keeps_pitch_and_length() -> None:
    """48 kHz device audio in blocks of 1536 becomes 16 kHz with the same 440 Hz tone."""
    t = np.arange(48000 * 2) / 48000
    tone = (0.5 * np.sin(2 * np.pi * 440 * t) * 32767).astype(np.int16)
    resampler = StreamResampler(48000, 16000)
    out = np.concatenate([resampler.process(tone[i : i + 1536]) for i in range(0, tone.size, 1536)])
    assert out.dtype == np.int16
    assert abs(out.size - 32000) <= 64  # a few samples stay in the filter
    spectrum = np.abs(np.fft.rfft(out.astype(np.float64)))
    assert np.fft.rfftfreq(out.size, 1 / 16000)[np.argmax(spectrum)] == pytest.approx(440, abs=2)
