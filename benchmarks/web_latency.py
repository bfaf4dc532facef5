"""What the browser page adds to reply latency: `interviewer serve` beside `practice`, in one run.

The same recorded answer (JFK's sentence from ../shared/data/speech, else the same words
through espeak-ng) is answered, turn after turn, to the same question with the same models:

  practice  the real capture path (sounddevice reading a virtual ALSA microphone, paced to
            real time) into the runner, as benchmarks/latency.py does;
  page      headless Chromium (Playwright on /usr/bin/chromium) whose fake microphone plays
            the answer: getUserMedia -> AudioWorklet -> 16 kHz PCM over the WebSocket into
            the same runner; each line's WAV sent back, decoded and started in the page.

Reply latency runs from the end of the candidate's speech (where the voice activity detector
puts it) to the first audio of the interviewer's reply: for ``practice`` the first sample of
the synthesised line; in the page the moment its AudioBufferSourceNode starts, measured on
the page's own clock from the moment it sent the frame that held the end of the speech. The
same turn's server-side latency (that frame's arrival to the line's first sample) is
measured too, so ``page - server`` per turn is what the page adds (the frames' trip up, the
WAV's trip down, decoding and starting it), free of the LLM's turn-to-turn noise.

    .venv/bin/python benchmarks/web_latency.py [--turns 5] [--model smollm2] [--json FILE]
    .venv/bin/python benchmarks/web_latency.py --no-llm   # the policy's fallback follow-ups

``--no-llm`` (self_check.py's NoLLM on both sides): no model writes the follow-up, so each
reply costs the end of the turn, the last transcription pass and the synthesis; what the
page adds is then a visible share of it. The page's server loads its models in this process,
so the flag reaches it by replacing the model factory ``run_practice`` calls.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# Sets up the virtual ALSA microphone before anything imports sounddevice.
import latency as practice_bench  # noqa: I001
import numpy as np  # noqa: E402
from bench_stats import percentile  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "tests"))  # the browser tests' Chromium and fake mic

from browser_helpers import chromium, fake_mic_wav  # noqa: E402
from shared_data import JFK_TEXT, SHARED_SPEECH  # noqa: E402

from interviewer.audio.io import SAMPLE_RATE, load_audio  # noqa: E402
from interviewer.catalog.personas import load_catalog  # noqa: E402
from interviewer.interview.pipeline import interview_runner, microphone_answers  # noqa: E402
from interviewer.interview.practice import PracticeOptions  # noqa: E402
from interviewer.interview.runner import RunConfig  # noqa: E402
from interviewer.llm.factory import make_backend  # noqa: E402
from interviewer.llm.settings import LLMSettings  # noqa: E402
from interviewer.session.models import Session  # noqa: E402
from interviewer.speech.stt import load_transcriber  # noqa: E402
from interviewer.speech.tts import Speaker  # noqa: E402
from interviewer.web.server import make_server  # noqa: E402

QUESTION = "bh-production-failure"
LEAD_S, TAIL_S = 0.3, 6.0  # the practice answer: a breath of silence, the speech, silence
LOOP_SILENCE_S = 14.0  # the page's fake microphone: the speech, then this, in a loop
LONG_MS = 900_000
MAX_DEPTH = 6  # PracticeOptions' limit: every answer is probed, then the round moves on


def answer_samples(work: Path) -> tuple[np.ndarray, str]:
    recorded = SHARED_SPEECH / "jfk.flac"
    if recorded.is_file():
        return load_audio(recorded), f"{recorded.name} (recorded speech, ../shared)"
    wav = work / "jfk-espeak.wav"
    Speaker(voice="en-us", rate_wpm=150).synthesize(JFK_TEXT, wav)
    return load_audio(wav), "JFK's words through espeak-ng (../shared is absent)"


# --- practice ---------------------------------------------------------------------------------


@dataclass
class PracticeReplay(practice_bench.Replay):
    """latency.py's replay, noting when each turn's first frame was handed out."""

    started: list[float] = field(default_factory=list)

    def next_answer(self, context):
        result = super().next_answer(context)
        if result is not None:
            self.started.append(self.recorder.started_at)
        return result


def run_practice_side(samples, turns: int, backend, transcriber, out: Path) -> list[float]:
    catalog = load_catalog()
    question = catalog.question(QUESTION)
    persona = catalog.persona_for_round(question.round)
    padded = np.concatenate(
        [
            np.zeros(int(LEAD_S * SAMPLE_RATE), np.float32),
            samples,
            np.zeros(int(TAIL_S * SAMPLE_RATE), np.float32),
        ]
    )
    end = int(LEAD_S * SAMPLE_RATE) + practice_bench._speech_end(samples)
    answer = practice_bench.SpokenAnswer("finished", JFK_TEXT, padded, [end])
    source = microphone_answers(
        transcriber, streaming=True, recorder_type=practice_bench.PacedRecorder
    )
    replay = PracticeReplay([answer] * turns, source, source.recorder)
    voice = practice_bench.TimedVoice(
        Speaker(voice=persona.voice.id, rate_wpm=persona.voice.rate_wpm)
    )
    runner = interview_runner(
        out,
        Session(id="bench-practice", rounds=[question.round]),
        backend=backend,
        transcriber=transcriber,
        answers=replay,
        voice=voice,
        config=RunConfig(max_depth=min(turns + 1, MAX_DEPTH)),
    )
    if hasattr(backend, "forget_cache"):
        backend.forget_cache()  # start cold, as the page's server does
    runner.run_rounds([(persona, [question])])
    latencies = []
    for started, turn in zip(replay.started, runner.writer.session.candidate_turns()):  # noqa: B905
        speech_end = turn.meta.get("speech_end_s")
        if speech_end is None:
            continue
        spoken_until = started + float(speech_end)
        replies = [at for at, _ in voice.first_samples if at > spoken_until]
        if replies:
            latencies.append(round((replies[0] - spoken_until) * 1000, 1))
    return latencies


# --- the page ---------------------------------------------------------------------------------


def without_llm() -> None:
    """--no-llm for the page's server (in this process): no model, no speed measurement."""
    from self_check import NoLLM

    import interviewer.interview.practice as practice
    import interviewer.llm.factory as factory

    factory.make_backend = lambda settings, progress=None: NoLLM()  # type: ignore[assignment]
    practice.measure_speed = lambda backend, transcriber: None  # type: ignore[assignment]


def run_page_side(samples, turns: int, model: str | None, work: Path) -> list[dict]:
    options = PracticeOptions(
        answers="browser",
        rounds=["behavioural"],
        question_id=QUESTION,
        max_depth=min(turns + 1, MAX_DEPTH),
        out_dir=work / "page",
        llm=LLMSettings(model=model),
    )
    served = make_server(options, recordings=work / "page")
    thread = threading.Thread(target=served.run, name="uvicorn", daemon=True)
    thread.start()
    channel = served.state.channel  # type: ignore[attr-defined]
    mic = fake_mic_wav(samples, SAMPLE_RATE, work / "mic.wav", silence_s=LOOP_SILENCE_S)
    try:
        with chromium(mic) as browser:
            page = browser.new_page()
            page.goto(served.url)
            page.select_option("#round", "behavioural")
            page.select_option("#question", QUESTION)
            page.fill("input[name=depth]", str(min(turns + 1, MAX_DEPTH)))
            page.click("#start button[type=submit]")
            page.wait_for_selector("body[data-listening=yes]", timeout=LONG_MS)
            page.click("#mic-start")
            deadline = time.monotonic() + LONG_MS / 1000
            while time.monotonic() < deadline:
                measured = [x for x in channel.latencies if x.page_latency_ms is not None]
                if len(measured) >= turns:
                    break
                time.sleep(0.5)
            page.click("#stop")
            page.wait_for_selector("#finished:not([hidden])", timeout=LONG_MS)
    finally:
        served.server.should_exit = True  # type: ignore[attr-defined]
        thread.join(timeout=30)
    return [
        {
            "line": x.line,
            "page_ms": x.page_latency_ms,
            "server_ms": round(x.server_latency_ms, 1),
            "added_ms": round(x.page_latency_ms - x.server_latency_ms, 1),
        }
        for x in channel.latencies
        if x.page_latency_ms is not None and x.server_latency_ms is not None
    ][:turns]


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 0.5), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "max_ms": round(max(values), 1) if values else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=5, help="answers per side")
    parser.add_argument("--model", default="smollm2", help="embedded model (default: smollm2)")
    parser.add_argument("--no-llm", action="store_true", help="the policy's fallback replies")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="web-latency-"))
    samples, source = answer_samples(work)
    print(f"answer: {source}, {samples.size / SAMPLE_RATE:.1f} s; {args.turns} turns a side")
    transcriber = load_transcriber(None)
    if args.no_llm:
        from self_check import NoLLM

        backend = NoLLM()
        without_llm()
    else:
        backend = make_backend(LLMSettings(model=args.model))
    started = time.perf_counter()
    practice = run_practice_side(samples, args.turns, backend, transcriber, work / "practice")
    practice_wall = time.perf_counter() - started
    print(f"practice, per turn (ms): {practice}", flush=True)
    del backend  # the page loads its own models, as `interviewer serve` does
    started = time.perf_counter()
    page = run_page_side(samples, args.turns, args.model, work)
    page_wall = time.perf_counter() - started

    report = {
        "answer": source,
        "practice": summary(practice) | {"per_turn_ms": practice, "wall_s": round(practice_wall)},
        "page": summary([t["page_ms"] for t in page])
        | {"per_turn": page, "wall_s": round(page_wall)},
        "page_server_side": summary([t["server_ms"] for t in page]),
        "added_by_page": summary([t["added_ms"] for t in page]),
        "load_average_at_end": os.getloadavg(),
        "cores": sorted(os.sched_getaffinity(0)),
        "settings": {
            "turns": args.turns,
            "model": "none (--no-llm)" if args.no_llm else args.model,
            "question": QUESTION,
        },
    }
    if practice and page:
        report["page_p50_over_practice_p50"] = round(
            report["page"]["p50_ms"] / report["practice"]["p50_ms"], 3
        )
    print(f"\n{'':34} {'n':>3} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, key in (
        ("practice (speech end -> 1st sample)", "practice"),
        ("page (speech end -> audio starts)", "page"),
        ("  same turns, on the server", "page_server_side"),
        ("  added by the page (page-server)", "added_by_page"),
    ):
        r = report[key]
        print(f"{label:34} {r['n']:>3} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['max_ms']!s:>8}")
    if "page_p50_over_practice_p50" in report:
        print(f"page p50 / practice p50 = {report['page_p50_over_practice_p50']}")
    added = [t["added_ms"] for t in page]
    if added:
        print(f"added by the page: median {statistics.median(added):.0f} ms (target <= 150 ms)")
    print(f"load average at the end: {report['load_average_at_end']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
