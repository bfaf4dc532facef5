"""Speech first: how long the pass the end of a turn waits for takes with model work behind it.

While the candidate speaks, the LLM reads the prompt ahead (a warm-up) and drafts a reply, on
the same cores as the incremental Whisper passes (interviewer/machine/foreground.py). At a
pause the end of the turn waits for one pass to hear the last words, so every tenth of a
second that pass loses to the model is a tenth of a second more before the interviewer
speaks. Three ways, interleaved round by round so a noisy machine loads them alike:

  alone    the pass with nothing behind it: the floor
  whole    a prompt read behind it in one native call, as before 2026-12-07: it cannot pause
  sliced   the read in slices of 16 tokens (llm/embedded.py), waiting before each while a pass
           runs, and a pass starting once the slice in flight is over (before 2026-12-08)
  stopped  the same, but the slice in flight stops at its next graph node when a pass starts,
           and is read again after it (the live code)

Per way: the median time from asking for a pass to its words (``request_to_words_s``), and
for the three with a read behind, the read's speed (prompt tokens per second, what the slices
cost it).

    .venv/bin/python benchmarks/speech_first.py [--rounds 3] [--passes 6] [--json FILE]

Needs ../shared/data/speech/jfk.flac (real speech: 5 s of it per pass).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from interviewer.audio.io import load_audio  # noqa: E402
from interviewer.llm.base import ChatMessage  # noqa: E402
from interviewer.llm.factory import make_backend  # noqa: E402
from interviewer.llm.settings import LLMSettings  # noqa: E402
from interviewer.machine.foreground import Foreground  # noqa: E402
from interviewer.speech.stt import FILLER_PROMPT, load_transcriber  # noqa: E402

SPEECH = REPO_ROOT.parent / "shared" / "data" / "speech" / "jfk.flac"
WAYS = ("alone", "whole", "sliced", "stopped")
PASS_GAP_S = 1.0  # between passes, as the live step passes come every 2 s of speech
# An interview-sized prompt for the read behind the passes (about 700 tokens).
PROMPT = [
    ChatMessage(
        role="system",
        content="You are an interviewer for machine-learning engineers. Ask why, one question "
        "at a time, about the candidate's own choices. " * 30,
    ),
    ChatMessage(role="user", content="I would start with a two-tower model for retrieval."),
]


def one_round(way: str, transcriber, backend, audio, passes: int) -> tuple[list[float], float]:
    """``passes`` passes with ``way`` behind them: their request-to-words times, and the
    background's prompt tokens per second (NaN alone)."""
    foreground = Foreground(preempt=way != "sliced")
    stop = threading.Event()
    read: list[tuple[int, float]] = []

    def reads() -> None:
        while not stop.is_set():
            backend.forget_cache()
            started = time.perf_counter()
            if way in ("sliced", "stopped"):
                with foreground.background():
                    tokens = backend.prefill(PROMPT, pause=foreground.wait_for_foreground)
            else:
                tokens = backend.prefill(PROMPT)
            read.append((tokens, time.perf_counter() - started))

    worker = threading.Thread(target=reads, daemon=True)
    if way != "alone":
        worker.start()
        time.sleep(0.5)
    times: list[float] = []
    for _ in range(passes):
        asked = time.perf_counter()
        with foreground.running():
            transcriber.transcribe(audio, prompt=FILLER_PROMPT)
        times.append(time.perf_counter() - asked)
        time.sleep(PASS_GAP_S)
    stop.set()
    if way != "alone":
        worker.join()
    speed = sum(t for t, _ in read) / sum(s for _, s in read) if read else float("nan")
    return times, speed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--passes", type=int, default=6, help="passes per way and round")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not SPEECH.exists():
        print(f"real speech not found at {SPEECH}", file=sys.stderr)
        return 2
    audio = load_audio(SPEECH)[: 5 * 16000]
    transcriber = load_transcriber(None)
    transcriber.transcribe(audio)  # load and warm
    backend = make_backend(LLMSettings())
    times: dict[str, list[float]] = {w: [] for w in WAYS}
    speeds: dict[str, list[float]] = {w: [] for w in WAYS}
    for round_ in range(args.rounds):
        for way in WAYS:
            t, speed = one_round(way, transcriber, backend, audio, args.passes)
            times[way] += t
            speeds[way].append(speed)
            print(f"round {round_ + 1} {way:6s} median {statistics.median(t):.2f} s", flush=True)
    report = {
        way: {
            "request_to_words_s": round(statistics.median(times[way]), 3),
            "passes": len(times[way]),
            "read_tokens_per_s": (
                None if way == "alone" else round(statistics.median(speeds[way]), 1)
            ),
        }
        for way in WAYS
    }
    alone = report["alone"]["request_to_words_s"]
    for way in WAYS:
        report[way]["over_alone"] = round(report[way]["request_to_words_s"] / alone, 2)
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
