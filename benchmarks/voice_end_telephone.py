"""Does telephone audio change what the end-of-turn model hears? One recording, scored as
recorded and through a telephone band, at the same cut points.

The kept-aside check of issue 23 includes telephone channels (8 kHz originals, upsampled).
Each cut point is scored with 200 ms of silence after it, as the live policy scores a pause,
three ways: as recorded; band-limited to 300-3,400 Hz (an FFT mask, the telephone band); and
band-limited then 8-bit mu-law (the telephone's coding). A mid-phrase cut should stay low and
a turn's end high in all three.

    .venv/bin/python benchmarks/voice_end_telephone.py ../shared/data/speech/jfk.flac \\
        [--cuts 1.0,2.2,...] [--json OUT]

Without ``--cuts``, cuts every 0.6 s and at the recording's end (its last is the turn's end).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from interviewer.audio.io import SAMPLE_RATE, load_audio

PAUSE_S = 0.2  # the silence at which the live policy scores a pause
BAND_HZ = (300.0, 3400.0)
MU = 255


def telephone_band(samples: np.ndarray) -> np.ndarray:
    spectrum = np.fft.rfft(samples)
    freqs = np.fft.rfftfreq(samples.size, 1 / SAMPLE_RATE)
    spectrum[(freqs < BAND_HZ[0]) | (freqs > BAND_HZ[1])] = 0
    return np.fft.irfft(spectrum, samples.size).astype(np.float32)


def mu_law(samples: np.ndarray) -> np.ndarray:
    """Encode to 8 bits and decode again: the coding noise of a telephone line."""
    x = np.clip(samples, -1.0, 1.0)
    coded = np.round(np.sign(x) * np.log1p(MU * np.abs(x)) / np.log1p(MU) * 127) / 127
    return (np.sign(coded) * ((1 + MU) ** np.abs(coded) - 1) / MU).astype(np.float32)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("speech", type=Path, help="one speaker's recording (any format read)")
    parser.add_argument("--cuts", help="comma-separated cut points in seconds")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    from interviewer.audio.smart_turn import load_smart_turn

    model = load_smart_turn()
    if model is None:
        raise SystemExit("no end-of-turn model: python -m interviewer.audio.smart_turn install")
    recorded = load_audio(args.speech)
    length_s = recorded.size / SAMPLE_RATE
    if args.cuts:
        cuts = [float(c) for c in args.cuts.split(",")]
    else:
        cuts = [round(c, 2) for c in np.arange(0.6, length_s - 0.3, 0.6)] + [round(length_s, 2)]
    band = telephone_band(recorded)
    versions = {"recorded": recorded, "telephone_band": band, "band_mu_law": mu_law(band)}
    pause = np.zeros(round(PAUSE_S * SAMPLE_RATE), dtype=np.float32)
    rows = []
    for cut in cuts:
        end = round(cut * SAMPLE_RATE)
        scores = {
            name: round(model.probability(np.concatenate([audio[:end], pause])), 3)
            for name, audio in versions.items()
        }
        rows.append({"cut_s": cut} | scores)
        print(f"{cut:6.2f} s  " + "  ".join(f"{k} {v:.2f}" for k, v in scores.items()))
    if args.json:
        args.json.write_text(json.dumps({"speech": args.speech.name, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
