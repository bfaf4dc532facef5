"""Incremental speech to text vs whole-answer transcription: the wait after the last word.

Side by side on synthesised answers of about 10, 20 and 30 s (the answers of
``data/stt_answers.yaml`` joined by thinking pauses): for whole-answer transcription, the
time to transcribe the whole answer once it has ended; for ``IncrementalTranscriber``, the
time ``finish()`` takes after the answer was fed frame by frame, at real-time pace, through the
capture's VAD (as ``record_turn(on_frame=...)`` does). Both on the bundled tiny.en, plus
the word error rate of each against the known text, and between them.

    .venv/bin/python benchmarks/stt_streaming.py [--json FILE] [--repeats 3] [--fast]

``--fast`` feeds faster than real time and waits for every due pass (a model that always
keeps up): deterministic accuracy figures in a fraction of the time; latency then is ideal.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stt_accuracy import DATA, synthesise, word_error_rate  # noqa: E402

from interviewer.audio.capture import FrameInfo  # noqa: E402
from interviewer.audio.io import load_audio, to_int16  # noqa: E402
from interviewer.audio.vad import VoiceActivityDetector, rms_dbfs  # noqa: E402
from interviewer.speech.incremental import IncrementalTranscriber  # noqa: E402
from interviewer.speech.stt import Transcriber, Transcription, build_prompt, load_transcriber  # noqa: E402

SAMPLE_RATE = 16000
FRAME_SAMPLES = 512  # what the capture loop delivers (32 ms)
TRAILING_SILENCE_S = 0.8  # the end-of-turn policy's silence before the turn ends
THINKING = "Hmm, let me think."
# Answers joined into long ones, by target length in seconds.
COMPOSITIONS: dict[int, list[list[str]]] = {
    10: [["complexity"], ["behavioural"], ["bias-variance"]],
    20: [
        ["complexity", "behavioural"],
        ["bias-variance", "complexity"],
        ["behavioural", "complexity"],
    ],
    30: [["rag", "fraud"], ["fraud", "recsys"], ["recsys", "rag"]],
}
PAUSE_S = 2.5


@dataclass
class Answer:
    name: str
    text: str
    terms: list[str]
    samples: np.ndarray  # float32 16 kHz, ending in TRAILING_SILENCE_S of silence
    spans_s: list[tuple[float, float]]  # where each spoken piece lies

    @property
    def duration_s(self) -> float:
        return self.samples.size / SAMPLE_RATE


def load_answers() -> dict[str, dict]:
    return {a["id"]: a for a in yaml.safe_load(DATA.read_text())["answers"]}


def compose_answer(
    pieces: list[str | float], tmp: Path, terms: list[str] | None = None, name: str = "answer"
) -> Answer:
    """Speech for each text piece (espeak-ng), silence for each number; a 0.3 s lead-in."""
    parts = [np.zeros(int(0.3 * SAMPLE_RATE), dtype=np.float32)]
    texts, spans = [], []
    at = parts[0].size
    for i, piece in enumerate(pieces):
        if isinstance(piece, (int, float)):
            parts.append(np.zeros(int(piece * SAMPLE_RATE), dtype=np.float32))
        else:
            parts.append(load_audio(synthesise(piece, tmp / f"{name}-{i}.wav", "en-us", 160)))
            texts.append(piece)
            spans.append((at / SAMPLE_RATE, (at + parts[-1].size) / SAMPLE_RATE))
        at += parts[-1].size
    parts.append(np.zeros(int(TRAILING_SILENCE_S * SAMPLE_RATE), dtype=np.float32))
    return Answer(name, " ".join(texts), terms or [], np.concatenate(parts), spans)


def benchmark_answer(ids: list[str], tmp: Path) -> Answer:
    """Answers from the data file, with a thinking pause ("Hmm, let me think." + 2.5 s) between."""
    data = load_answers()
    pieces: list[str | float] = []
    for i, answer_id in enumerate(ids):
        if i:
            pieces += [THINKING, PAUSE_S]
        pieces.append(data[answer_id]["text"])
    terms = [t for answer_id in ids for t in data[answer_id]["terms"]]
    return compose_answer(pieces, tmp, terms, "+".join(ids))


def frames(samples: np.ndarray) -> list[np.ndarray]:
    pcm = to_int16(samples)
    return [pcm[i : i + FRAME_SAMPLES] for i in range(0, pcm.size, FRAME_SAMPLES)]


def feed_like_capture(
    inc: IncrementalTranscriber,
    samples: np.ndarray,
    *,
    real_time: bool,
    deterministic: bool,
    after_frame: Callable[[float], None] | None = None,
) -> None:
    """Frames through the capture's VAD into ``inc.on_frame``, as record_turn delivers them."""
    vad = VoiceActivityDetector()
    seen = 0
    started = time.perf_counter()
    for index, frame in enumerate(frames(samples)):
        seen += frame.size
        update = vad.process(frame)
        inc.on_frame(
            FrameInfo(
                index=index,
                frame=frame,
                elapsed_s=seen / SAMPLE_RATE,
                rms_dbfs=rms_dbfs(frame),
                speech_prob=update.speech_prob,
                state=update.state,
                speech_s=update.speech_samples / SAMPLE_RATE,
                silence_s=update.silence_samples / SAMPLE_RATE,
                decision="",
            )
        )
        if deterministic:
            inc.wait_idle()
        if after_frame is not None:
            after_frame(seen / SAMPLE_RATE)
        if real_time:
            ahead = started + seen / SAMPLE_RATE - time.perf_counter()
            if ahead > 0:
                time.sleep(ahead)


def run_incremental(
    transcriber: Transcriber,
    answer: Answer,
    *,
    real_time: bool = True,
    deterministic: bool = False,
    **options: float,
) -> tuple[Transcription, IncrementalTranscriber]:
    inc = IncrementalTranscriber(transcriber, build_prompt(answer.terms), **options)
    feed_like_capture(inc, answer.samples, real_time=real_time, deterministic=deterministic)
    return inc.finish(), inc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--repeats", type=int, default=3, help="answers per length")
    parser.add_argument("--fast", action="store_true", help="deterministic passes, not real time")
    args = parser.parse_args(argv)

    transcriber = load_transcriber(None)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for length, compositions in COMPOSITIONS.items():
            figures: dict[str, list[float]] = {
                k: []
                for k in (
                    "dur",
                    "whole_s",
                    "finish_s",
                    "tail_s",
                    "reused",
                    "whole_wer",
                    "inc_wer",
                    "inc_vs_whole",
                    "passes",
                )
            }
            for ids in compositions[: args.repeats]:
                answer = benchmark_answer(ids, Path(tmp))
                prompt = build_prompt(answer.terms)
                whole = transcriber.transcribe(answer.samples, prompt=prompt)
                result, inc = run_incremental(
                    transcriber, answer, real_time=not args.fast, deterministic=args.fast
                )
                figures["dur"].append(answer.duration_s)
                figures["whole_s"].append(whole.seconds)
                figures["finish_s"].append(result.seconds)
                figures["tail_s"].append(inc.stats.finish_audio_s)
                figures["reused"].append(float(inc.stats.finish_reused_pass))
                figures["whole_wer"].append(word_error_rate(answer.text, whole.text))
                figures["inc_wer"].append(word_error_rate(answer.text, result.text))
                figures["inc_vs_whole"].append(word_error_rate(whole.text, result.text))
                figures["passes"].append(inc.stats.passes)
            row = {
                "target_s": length,
                "answers": len(figures["dur"]),
                "duration_s": round(statistics.mean(figures["dur"]), 1),
                "whole_answer_s_p50": round(statistics.median(figures["whole_s"]), 3),
                "finish_s_p50": round(statistics.median(figures["finish_s"]), 3),
                "finish_s_max": round(max(figures["finish_s"]), 3),
                "finish_tail_audio_s_mean": round(statistics.mean(figures["tail_s"]), 2),
                "finish_reused_pause_pass": int(sum(figures["reused"])),
                "passes_mean": round(statistics.mean(figures["passes"]), 1),
                "wer_whole": round(statistics.mean(figures["whole_wer"]), 4),
                "wer_incremental": round(statistics.mean(figures["inc_wer"]), 4),
                "wer_incremental_vs_whole": round(statistics.mean(figures["inc_vs_whole"]), 4),
            }
            rows.append(row)
    mode = "deterministic passes (ideal latency)" if args.fast else "real-time feed"
    print(f"model: {transcriber.description}   feed: {mode}")
    columns = [  # header, key, format
        ("answer s", "duration_s", "8.1f"),
        ("n", "answers", "2d"),
        ("whole s", "whole_answer_s_p50", "8.3f"),
        ("finish s", "finish_s_p50", "9.3f"),
        ("max", "finish_s_max", "6.3f"),
        ("tail s", "finish_tail_audio_s_mean", "7.2f"),
        ("reused", "finish_reused_pause_pass", "6d"),
        ("passes", "passes_mean", "6.1f"),
        ("WER whole", "wer_whole", "9.1%"),
        ("WER inc", "wer_incremental", "8.1%"),
        ("inc~whole", "wer_incremental_vs_whole", "9.1%"),
    ]
    print(" ".join(f"{h:>{int(f.split('.')[0].rstrip('d'))}}" for h, _, f in columns))
    for r in rows:
        print(" ".join(format(r[k], f) for _, k, f in columns))
    if args.json:
        args.json.write_text(
            json.dumps({"model": transcriber.description, "feed": mode, "rows": rows}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
