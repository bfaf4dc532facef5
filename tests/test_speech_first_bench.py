"""benchmarks/speech_first.py: a Whisper pass with a prompt read behind it, real models."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
from llm_helpers import embedded_backend

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import speech_first  # noqa: E402

from interviewer.audio.io import load_audio  # noqa: E402
from interviewer.speech.stt import load_transcriber  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.llm]


def test_each_way_times_its_passes_and_the_read_behind_them(jfk_flac: Path) -> None:
    audio = load_audio(jfk_flac)[: 3 * 16000]
    transcriber = load_transcriber(None)
    backend = embedded_backend("smollm2")
    for way in speech_first.WAYS:
        times, speed = speech_first.one_round(way, transcriber, backend, audio, passes=2)
        assert len(times) == 2 and all(t > 0 for t in times)
        if way == "alone":
            assert math.isnan(speed)
        else:
            assert speed > 0  # at least one read finished behind the passes
    assert backend._loaded.llama.pause is None
