"""How fast the browser page falls silent when the candidate talks over the interviewer.

The page's half of barge-in (issue 23): the after-turn listener decides as in the terminal
(benchmarks/barge_in.py measures that part through a sound device); here its "hold" goes
over the page's WebSocket to the real interview page in headless Chromium, which fades its
line out (8 ms) and pauses it. Each trial plays an espeak-ng line in the page while the
listener hears, paced to real time from the moment the page starts the line, room noise and
then the candidate going on (the JFK recording in ../shared/data/speech cut into 4-s pieces,
and espeak-ng sentences) from a random moment of the line. No echo is mixed in: the web
path trusts the browser's echo cancellation (docs/barge-in.md).

Figures, from the candidate's first speech reaching the microphone (its first 10 ms within
30 dB of its loudest; a 32-ms frame is handed over once all of it has been heard):

  decision_s        to the listener's hold (the "hold" event published)
  page_held_s       to the page pausing the line (its own clock: the fade begins)
  silent_s          page_held_s plus the fade (8 ms): the line silent in the page
  decision_to_page_s  the socket and the page: from the event to the page pausing
  stopped           trials in which the line was stopped for good (going on should be)

Add the browser's audio output latency (``baseLatency`` + ``outputLatency`` of its
AudioContext, printed; a headless browser has no sound card, so they say little here).

    .venv/bin/python benchmarks/web_barge_in.py [--trials 12] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests"))  # the browser tests' Chromium

from barge_in import LINES, Microphone, speech_pieces  # noqa: E402
from bench_stats import percentile  # noqa: E402
from browser_helpers import chromium  # noqa: E402

from interviewer.interview.live.after_turn import AfterTurnListener  # noqa: E402
from interviewer.speech.tts import Speaker  # noqa: E402

FADE_S = 0.008  # the page's fade (interview.js FADE_S)


class PageMicrophone(Microphone):
    """barge_in.py's microphone without the echo (the browser cancels it), heard in real time
    from the moment the page reports that it started the line."""

    def __init__(self, channel, speech: np.ndarray, start_s: float) -> None:
        super().__init__(None, speech, start_s, None)
        self.channel = channel

    def line_started(self) -> float:
        while True:
            # The channel's lines in play (PageLine); started_at is set when the page says so.
            started = [p.started_at for p in list(self.channel._playing.values()) if p.started_at]
            if started:
                return started[-1]
            time.sleep(0.002)


def trial(channel, page, wav: Path, text: str, speech: np.ndarray, start_s: float) -> dict:
    import soundfile as sf

    epoch_minus_perf = time.time() - time.perf_counter()
    decided: dict[str, float] = {}
    publish = channel.publish

    def noting(event: dict, binary: bytes | None = None) -> None:
        if event.get("type") in ("hold", "stop"):
            decided.setdefault(event["type"], time.perf_counter())
        publish(event, binary)

    channel.publish = noting
    page.evaluate("() => { window.lineLog.length = 0; }")
    mic = PageMicrophone(channel, speech, start_s)
    listener = AfterTurnListener(mic.frames())
    try:
        channel.say(wav, text, sf.info(str(wav)).duration, listener)
    finally:
        listener.close()
        channel.publish = publish
    log = page.evaluate("() => window.lineLog")
    reached = mic.speech_reached_at
    held = next((e for e in log if e["type"] == "held"), None)
    page_held = None if held is None else held["epoch_ms"] / 1000 - epoch_minus_perf

    def since(when: float | None) -> float | None:
        return None if when is None or reached is None else round(when - reached, 3)

    return {
        "start_s": round(start_s, 2),
        "stopped": any(e["type"] == "stopped" for e in log),
        "decision_s": since(decided.get("hold")),
        "page_held_s": since(page_held),
        "silent_s": since(None if page_held is None else page_held + FADE_S),
        "decision_to_page_s": (
            round(page_held - decided["hold"], 4)
            if page_held is not None and "hold" in decided
            else None
        ),
        "page_log": [e["type"] for e in log],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=12)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    from interviewer.interview.practice import PracticeOptions
    from interviewer.web.server import make_server

    work = Path(tempfile.mkdtemp(prefix="web-barge-in-"))
    load_at_start = os.getloadavg()
    pieces = speech_pieces(work)["going_on"]
    lines = []
    for n, text in enumerate(LINES):
        wav = work / f"line-{n}.wav"
        Speaker("en-us").synthesize(text, wav)
        lines.append((wav, text))
    served = make_server(PracticeOptions(), recordings=work / "recordings")
    server = threading.Thread(target=served.run, daemon=True)
    server.start()
    rng = np.random.default_rng(1)
    results = []
    try:
        with chromium() as browser:
            page = browser.new_page()
            page.goto(served.url.replace("/?", "/interview?"))
            page.wait_for_selector("body[data-snapshots]", state="attached", timeout=60_000)
            for n in range(args.trials):
                wav, text = lines[n % len(lines)]
                import soundfile as sf

                start_s = float(rng.uniform(0.8, sf.info(str(wav)).duration - 2.0))
                piece = pieces[n % len(pieces)]
                results.append(trial(served.state.channel, page, wav, text, piece, start_s))
                print(results[-1], flush=True)
            latency = page.evaluate(
                "() => playCtx ? {base: playCtx.baseLatency, output: playCtx.outputLatency} : null"
            )
    finally:
        served.server.should_exit = True  # type: ignore[attr-defined]
        server.join(timeout=30)
    figures: dict = {"trials": len(results), "stopped": sum(r["stopped"] for r in results)}
    for key in ("decision_s", "page_held_s", "silent_s", "decision_to_page_s"):
        values = [r[key] for r in results if r[key] is not None]
        if values:
            figures[f"{key}_p50"] = round(percentile(values, 0.5), 3)
            figures[f"{key}_p95"] = round(percentile(values, 0.95), 3)
    report = {
        "figures": figures,
        "page_audio_latency_s": latency,
        "load_average_at_start": load_at_start,
        "load_average_at_end": os.getloadavg(),
        "per_trial": results,
    }
    print(json.dumps({k: v for k, v in report.items() if k != "per_trial"}, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
