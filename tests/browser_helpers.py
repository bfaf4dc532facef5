"""Headless Chromium through Playwright (from PyPI), on Debian's /usr/bin/chromium, with a
fake microphone that plays a WAV file: for the browser tests of `interviewer serve`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--autoplay-policy=no-user-gesture-required",
]
FAKE_MIC_RATE = 48_000


def fake_mic_wav(samples: np.ndarray, rate: int, path: Path, silence_s: float = 30.0) -> Path:
    """A 48 kHz mono 16-bit WAV for ``--use-file-for-fake-audio-capture``: the speech, then
    ``silence_s`` of silence (Chromium plays the file in a loop)."""
    import av  # PyAV (faster-whisper's dependency) resamples

    resampler = av.AudioResampler(format="s16", layout="mono", rate=FAKE_MIC_RATE)
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
    frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = rate
    out = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    out += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    speech = np.concatenate(out)
    lead = np.zeros(int(0.5 * FAKE_MIC_RATE), np.int16)
    tail = np.zeros(int(silence_s * FAKE_MIC_RATE), np.int16)
    sf.write(path, np.concatenate([lead, speech, tail]), FAKE_MIC_RATE, subtype="PCM_16")
    return path


@contextmanager
def chromium(fake_mic: Path | None = None) -> Iterator[object]:
    """A Playwright browser (skips when chromium or playwright is missing)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file() and shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    flags = list(FLAGS)
    if fake_mic is not None:
        flags += [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={fake_mic}",
        ]
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=flags)
        try:
            yield browser
        finally:
            browser.close()
