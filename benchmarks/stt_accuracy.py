"""Speech-to-text accuracy and speed on synthesised ML answers (and real speech, when present).

Side by side in one run, for the bundled tiny.en: word error rate with no prompt, with the
filler prompt, and with the filler prompt plus the question's vocabulary (also through the
sequential decoder, for comparison); filler recall; and
the real-time factor.

    .venv/bin/python benchmarks/stt_accuracy.py [--json FILE] [--voices en-us,en-gb]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import jiwer
import yaml

from interviewer.speech.stt import FILLER_PROMPT, build_prompt, load_transcriber

DATA = Path(__file__).with_name("data") / "stt_answers.yaml"
JFK = Path(__file__).resolve().parents[2] / "shared" / "data" / "speech" / "jfk.flac"
JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
FILLERS = {"um", "uh", "hmm", "umm", "uhm", "er", "erm", "mm"}
_NORMALISE = jiwer.Compose(
    [
        jiwer.ToLowerCase(),
        jiwer.SubstituteRegexes({r"\bumm+\b": "um", r"\bhm+\b": "hmm", r"-": " "}),
        jiwer.RemovePunctuation(),
        jiwer.RemoveMultipleSpaces(),
        jiwer.Strip(),
        jiwer.ReduceToListOfListOfWords(),
    ]
)


def normalised_words(text: str) -> list[str]:
    return _NORMALISE(text)[0] if text.strip() else []


def word_error_rate(reference: str, hypothesis: str) -> float:
    return jiwer.wer(
        reference, hypothesis, reference_transform=_NORMALISE, hypothesis_transform=_NORMALISE
    )


def filler_counts(text: str) -> int:
    return sum(1 for w in normalised_words(text) if w in FILLERS)


def synthesise(text: str, path: Path, voice: str, speed_wpm: int) -> Path:
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed_wpm), "-w", str(path), text],
        check=True,
        capture_output=True,
    )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--voices", default="en-us,en-gb", help="espeak-ng voices")
    parser.add_argument("--speeds", default="150,175", help="speaking rates (wpm)")
    args = parser.parse_args(argv)

    answers = yaml.safe_load(DATA.read_text())["answers"]
    transcriber = load_transcriber(None)
    modes = {
        "no_prompt": lambda a: "",
        "filler_prompt": lambda a: FILLER_PROMPT,
        "filler_and_domain_prompt": lambda a: build_prompt(a["terms"]),
        # The same prompt through faster-whisper's sequential decoder, for comparison.
        "same_sequential_decoder": lambda a: build_prompt(a["terms"]),
    }
    results: dict[str, dict[str, list[float]]] = {m: {"wer": [], "rtf": []} for m in modes}
    fillers_ref = 0
    fillers_hit = {m: 0 for m in modes}
    with tempfile.TemporaryDirectory() as tmp:
        for voice in args.voices.split(","):
            for speed in (int(s) for s in args.speeds.split(",")):
                for answer in answers:
                    wav = synthesise(
                        answer["text"], Path(tmp) / f"{answer['id']}.wav", voice, speed
                    )
                    fillers_ref += filler_counts(answer["text"])
                    for mode, prompt_for in modes.items():
                        result = transcriber.transcribe(
                            wav,
                            prompt=prompt_for(answer),
                            chunked=mode != "same_sequential_decoder",
                        )
                        results[mode]["wer"].append(word_error_rate(answer["text"], result.text))
                        results[mode]["rtf"].append(result.real_time_factor)
                        fillers_hit[mode] += min(
                            filler_counts(result.text), filler_counts(answer["text"])
                        )
    report: dict[str, object] = {
        "model": transcriber.description,
        "clips": len(results["no_prompt"]["wer"]),
    }
    print(
        f"model: {transcriber.description}   clips: {report['clips']} "
        f"(espeak-ng, voices {args.voices}, speeds {args.speeds})"
    )
    print(f"{'mode':28} {'WER':>7} {'filler recall':>14} {'RTF':>6}")
    for mode, figures in results.items():
        wer = statistics.mean(figures["wer"])
        recall = fillers_hit[mode] / fillers_ref if fillers_ref else 0.0
        rtf = statistics.median(figures["rtf"])
        report[mode] = {
            "wer": round(wer, 4),
            "filler_recall": round(recall, 3),
            "rtf_median": round(rtf, 3),
        }
        print(f"{mode:28} {wer:7.1%} {recall:14.1%} {rtf:6.3f}")
    if JFK.exists():
        result = transcriber.transcribe(JFK)
        jfk = {
            "wer": round(word_error_rate(JFK_TEXT, result.text), 4),
            "rtf": round(result.real_time_factor, 3),
        }
        report["jfk_real_speech"] = jfk
        print(f"{'jfk.flac (real speech)':28} {jfk['wer']:7.1%} {'':>14} {jfk['rtf']:6.3f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
