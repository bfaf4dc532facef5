"""Conversation speed: reply latency and false cut-offs, streaming vs naive, in one run.

Recorded answers (espeak-ng speech, some with 2-4 s thinking pauses) are replayed through the
real capture path — sounddevice reading a virtual ALSA microphone, paced to real time — into
the real interview runner: real faster-whisper, the real embedded LLM, real pyttsx3.

  streaming  words-aware endpointing, incremental transcription while the candidate talks,
             the LLM's KV cache prefilled with the answer as it is spoken, and the reply
             drafted at a pause that sounds finished (adopted only if the final transcript
             has exactly those words)
  naive      wait for a fixed silence, transcribe the whole answer, generate the whole reply,
             synthesise it

From the candidate's last spoken word, per pipeline:

  first audio    to the first sample of anything the interviewer says next: an
                 acknowledgement counts (``first_audio_p50_s``, ``first_audio_p95_s``)
  first content  to the first sample of the follow-up itself (``first_content_p50_s``; the
                 older ``reply_latency_*`` keys are the same moment)

The streaming pipeline says a short acknowledgement from the candidate's own words when its
reply has not come ``--acknowledge-after-s`` (0.5 s) after the turn ended, and no draft was
ready (interviewer/interview/acknowledge.py); the naive pipeline never does. Both keep
listening after the turn: a candidate who goes on reopens it (``reopened_turns``).

    .venv/bin/python benchmarks/latency.py [--json FILE] [--turns 12] [--cpus 1]

Each interviewer line takes as long as it would to play (``--no-paced``: no time, as before
2026-12-07), so what runs while it plays (the question's prompt read ahead, an answer's
whole-answer pass) runs beside the line, and a reply waits for an acknowledgement to end.

``--cpus N`` runs the whole benchmark on N of the machine's cores (the process's CPU
affinity, set before any model loads, so every thread of faster-whisper and llama.cpp
inherits it, and both size their thread pools to it): a slow laptop on demand. The
same limit from outside: ``taskset -c 0 .venv/bin/python benchmarks/latency.py``.

The streaming pipeline plans its background work from the machine's speed, measured once
when the models have loaded (interviewer/machine), as ``interviewer practice`` does.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# PortAudio reads the ALSA configuration when sounddevice is imported: point it at a virtual
# microphone before anything imports sounddevice.
_WORK = Path(tempfile.mkdtemp(prefix="latency-bench-"))
_MIC_RAW = _WORK / "mic.raw"
_MIC_RAW.write_bytes(b"")
(_WORK / "asoundrc").write_text(
    'pcm.!default {\n  type file\n  slave.pcm { type null }\n  file "/dev/null"\n'
    f'  infile "{_MIC_RAW}"\n  format "raw"\n}}\n'
)
os.environ["ALSA_CONFIG_PATH"] = str(_WORK / "asoundrc")

import numpy as np  # noqa: E402
import yaml  # noqa: E402
from bench_stats import percentile  # noqa: E402

from interviewer.audio.capture import MicrophoneRecorder  # noqa: E402
from interviewer.audio.io import SAMPLE_RATE, load_audio  # noqa: E402
from interviewer.catalog.personas import load_catalog  # noqa: E402
from interviewer.interview.answers.sources import AnswerContext, AnswerSource, CandidateAnswer  # noqa: E402
from interviewer.interview.pipeline import interview_runner, microphone_answers  # noqa: E402
from interviewer.interview.runner import ACKNOWLEDGE_AFTER_S, RunConfig  # noqa: E402
from interviewer.interview.voice import InterviewerVoice  # noqa: E402
from interviewer.llm.factory import make_backend  # noqa: E402
from interviewer.llm.settings import LLMSettings  # noqa: E402
from interviewer.machine import StreamingPlan, plan_for, usable_cpus  # noqa: E402
from interviewer.machine.speed import measure as measure_speed  # noqa: E402
from interviewer.session.models import Session  # noqa: E402
from interviewer.speech.stt import load_transcriber  # noqa: E402
from interviewer.speech.tts import Speaker  # noqa: E402
from interviewer.turns.endpointing import STREAMING_END_SILENCE_MS, EndpointConfig  # noqa: E402

DATA = Path(__file__).with_name("data") / "latency_answers.yaml"
SPEECH_DBFS = -40.0  # a sample louder than this is speech, for finding the last spoken word
NOISE_DBFS = -62.0  # room noise under the pauses
TAIL_SILENCE_S = 6.0


@dataclass
class SpokenAnswer:
    """One answer as audio, and where its speech segments end (in samples)."""

    kind: str
    text: str
    samples: np.ndarray
    segment_ends: list[int]

    @property
    def last_word_s(self) -> float:
        return self.segment_ends[-1] / SAMPLE_RATE


def _speech_end(samples: np.ndarray) -> int:
    level = 10 ** (SPEECH_DBFS / 20)
    loud = np.flatnonzero(np.abs(samples) > level)
    return int(loud[-1]) + 1 if loud.size else 0


def build_answers(tmp: Path, limit: int) -> list[SpokenAnswer]:
    """Synthesise each answer's segments and join them with the scripted pauses."""
    rng = np.random.default_rng(0)
    noise = 10 ** (NOISE_DBFS / 20)
    answers = []
    for n, item in enumerate(yaml.safe_load(DATA.read_text())["answers"][:limit]):
        voice = ("en-us", "en-gb")[n % 2]
        speaker = Speaker(voice=voice, rate_wpm=165)
        parts: list[np.ndarray] = [np.zeros(int(0.3 * SAMPLE_RATE), np.float32)]
        ends: list[int] = []
        texts = []
        for segment in item["say"]:
            if isinstance(segment, (int, float)):
                parts.append(np.zeros(int(segment * SAMPLE_RATE), np.float32))
                continue
            wav = tmp / f"seg-{n}-{len(ends)}.wav"
            speaker.synthesize(segment, wav)
            audio = load_audio(wav)
            offset = sum(p.size for p in parts)
            ends.append(offset + _speech_end(audio))
            parts.append(audio)
            texts.append(segment)
        parts.append(np.zeros(int(TAIL_SILENCE_S * SAMPLE_RATE), np.float32))
        samples = np.concatenate(parts)
        samples = samples + rng.normal(0, noise, samples.size).astype(np.float32)
        answers.append(SpokenAnswer(item["kind"], " ".join(texts), samples, ends))
    return answers


class PacedRecorder(MicrophoneRecorder):
    """The real capture path, paced to real time (the virtual device delivers at once).
    Each scripted answer is a file of its own, read by a stream of its own."""

    continuous_stream = False

    started_at: float = 0.0

    def frames(self, buffer_s: float = 60.0):
        sent = 0
        for frame in super().frames(buffer_s):
            if sent == 0:
                self.started_at = time.perf_counter()
            sent += frame.size
            delay = self.started_at + sent / SAMPLE_RATE - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            self.heard_until = self.started_at + sent / SAMPLE_RATE  # the stream's clock
            yield frame


@dataclass
class TurnFigures:
    kind: str
    ended_by: str
    cut_off: bool
    end_wait_s: float  # from the last word heard to the end of the turn
    reply_latency_s: float | None = None  # to the follow-up's first sample (first content)
    first_audio_s: float | None = None  # to the first sample of any line (an acknowledgement)
    acknowledged: bool = False
    reopened: bool = False  # the candidate went on after the turn ended: one answer still
    act: str | None = None
    drafted_while_speaking: bool = False  # the reply was a probe drafted before the turn ended
    final_stt_s: float | None = None
    final_stt_audio_s: float | None = None  # audio finish() had to transcribe (0: reused)


@dataclass
class Replay:
    """Feeds the scripted answers, one per turn, through the virtual microphone into the
    pipeline's own microphone source (whose capabilities it declares as its own)."""

    answers: list[SpokenAnswer]
    source: AnswerSource
    recorder: PacedRecorder
    turns: list[TurnFigures] = field(default_factory=list)
    heard_until: list[float] = field(default_factory=list)  # perf_counter of each last word
    position: int = 0
    recorded: int = 0  # samples of the answer in hand recorded so far (all its parts)

    def __post_init__(self) -> None:
        self.kind = self.source.kind
        self.live = self.source.live

    def next_answer(self, context: AnswerContext) -> CandidateAnswer | None:
        if context.resume is not None:  # the same answer goes on, on the same stream
            answer = self.answers[self.position - 1]
            result = self.source.next_answer(context)
            self.recorded += len(result.samples)
            self.turns[-1] = self._figures(answer, result, reopened=True)
            self.heard_until[-1] = self._last_word(answer)
            return result
        if self.position >= len(self.answers):
            return None
        answer = self.answers[self.position]
        self.position += 1
        pcm = np.clip(answer.samples * 32767, -32768, 32767).astype("<i2")
        _MIC_RAW.write_bytes(pcm.tobytes())
        result = self.source.next_answer(context)
        self.recorded = len(result.samples)
        self.heard_until.append(self._last_word(answer))
        self.turns.append(self._figures(answer, result, reopened=False))
        return result

    def _heard(self, answer: SpokenAnswer) -> list[int]:
        return [end for end in answer.segment_ends if end <= self.recorded]

    def _last_word(self, answer: SpokenAnswer) -> float:
        heard = self._heard(answer)
        return self.recorder.started_at + (heard[-1] if heard else 0) / SAMPLE_RATE

    def _figures(self, answer: SpokenAnswer, result: CandidateAnswer, reopened: bool):
        turn_end = self.recorder.started_at + self.recorded / SAMPLE_RATE
        return TurnFigures(
            kind=answer.kind,
            ended_by=result.ended_by or "",
            cut_off=len(self._heard(answer)) < len(answer.segment_ends),
            end_wait_s=round(turn_end - self._last_word(answer), 3),
            final_stt_s=result.timings.get("final_stt_s"),
            final_stt_audio_s=result.timings.get("final_stt_audio_s"),
            reopened=reopened,
        )


class TimedVoice(InterviewerVoice):
    """Real pyttsx3 synthesis; notes when each line's first sample is ready to play, and
    (``paced``) takes as long as the line would to play, as a candidate waits to hear it out:
    what runs meanwhile (the question's prompt read, an earlier answer's whole-answer pass)
    runs beside the line, as it would, not beside the next answer."""

    def __init__(self, speaker: Speaker, paced: bool = True) -> None:
        super().__init__(speaker, play=False)
        self.paced = paced
        self.first_samples: list[tuple[float, str]] = []

    def say(self, text, path, on_first_sample=None, listener=None):
        def first() -> None:
            self.first_samples.append((time.perf_counter(), text))
            if on_first_sample:
                on_first_sample()

        duration, audio = super().say(text, path, on_first_sample=first, listener=listener)
        if not self.paced:
            return duration, audio
        started = time.perf_counter()
        while time.perf_counter() - started < duration:
            if listener is not None and listener.line_stopped:  # they spoke over it: it stops
                return time.perf_counter() - started, audio
            time.sleep(0.02)
        return duration, audio


def run_pipeline(
    name: str,
    answers,
    backend,
    transcriber,
    endpoint: dict,
    out: Path,
    plan=None,
    acknowledge_after_s: float | None = None,
    paced: bool = True,
):
    catalog = load_catalog()
    data = yaml.safe_load(DATA.read_text())
    question = catalog.question(data["question"])
    persona = catalog.persona_for_round(question.round)
    source = microphone_answers(
        transcriber,
        streaming=name == "streaming",
        endpoint=endpoint,
        recorder_type=PacedRecorder,
        plan=plan,
    )
    replay = Replay(answers, source, source.recorder)
    voice = TimedVoice(Speaker(voice=persona.voice.id, rate_wpm=persona.voice.rate_wpm), paced)
    runner = interview_runner(
        out,
        Session(id=f"bench-{name}", rounds=[question.round]),
        backend=backend,
        transcriber=transcriber,
        answers=replay,
        voice=voice,
        config=RunConfig(max_depth=len(answers) + 1, acknowledge_after_s=acknowledge_after_s),
    )
    writer = runner.writer
    backend.forget_cache()  # both pipelines start cold (the embedded backend's KV cache)
    runner.run_rounds([(persona, [question])])
    # Pair each candidate turn with the interviewer line that followed it.
    acknowledgements = {t.text for t in writer.session.turns if t.act == "acknowledge"}
    for figures, heard, turn in zip(  # noqa: B905 (a cut-off turn may lack a reply)
        replay.turns, replay.heard_until, writer.session.candidate_turns()
    ):
        following = [
            t
            for t in writer.session.turns
            if t.index > turn.index and t.speaker == "interviewer" and t.act != "acknowledge"
        ][:1]
        lines = [(at, text) for at, text in voice.first_samples if at > heard]
        content = [at for at, text in lines if text not in acknowledgements]
        if lines:
            figures.first_audio_s = round(lines[0][0] - heard, 3)
            figures.acknowledged = lines[0][1] in acknowledgements
        if following and content:
            figures.reply_latency_s = round(content[0] - heard, 3)
            figures.act = following[0].act
            figures.drafted_while_speaking = bool(following[0].meta.get("drafted_while_speaking"))
    return replay.turns, writer.session


def summarise(turns: list[TurnFigures]) -> dict:
    latencies = [t.reply_latency_s for t in turns if t.reply_latency_s is not None]
    first_audio = [t.first_audio_s for t in turns if t.first_audio_s is not None]
    finished = [t.end_wait_s for t in turns if t.kind == "finished" and not t.cut_off]
    return {
        "first_audio_p50_s": round(percentile(first_audio, 0.5), 3),
        "first_audio_p95_s": round(percentile(first_audio, 0.95), 3),
        "first_content_p50_s": round(percentile(latencies, 0.5), 3),
        "reply_latency_p50_s": round(percentile(latencies, 0.5), 3),
        "reply_latency_p95_s": round(percentile(latencies, 0.95), 3),
        "acknowledged_turns": sum(t.acknowledged for t in turns),
        "reopened_turns": sum(t.reopened for t in turns),
        "false_cutoffs": sum(t.cut_off for t in turns if t.kind == "thinking"),
        "thinking_turns": sum(t.kind == "thinking" for t in turns),
        "turns": len(turns),
        "replies_drafted_while_speaking": sum(t.drafted_while_speaking for t in turns),
        "max_wait_after_finished_answer_s": round(max(finished, default=float("nan")), 3),
    }


def llm_speed(backend) -> tuple[float, float]:
    """Cold prompt and generation tokens per second on a fixed ~400-token prompt."""
    from interviewer.llm.base import ChatMessage

    text = " ".join(["The ranking service scores candidates with a gradient boosted model."] * 36)
    messages = [ChatMessage(role="user", content=text + "\nSummarise this in one sentence.")]
    backend.forget_cache()
    done = backend.complete(messages, max_tokens=48, temperature=0.0)
    prompt_tps = done.prompt_tokens / done.prompt_seconds
    gen_tps = max(done.completion_tokens - 1, 1) / max(done.seconds - done.prompt_seconds, 1e-6)
    return round(prompt_tps, 1), round(gen_tps, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--turns", type=int, default=12, help="answers per pipeline (max 12)")
    parser.add_argument("--model", default=None, help="embedded model (default: bundled Qwen)")
    parser.add_argument("--end-silence-ms", type=int, default=STREAMING_END_SILENCE_MS)
    parser.add_argument(
        "--thinking-silence-ms", type=int, default=EndpointConfig().thinking_silence_ms
    )
    parser.add_argument("--naive-silence-ms", type=int, default=800)
    parser.add_argument("--pipelines", default="naive,streaming")
    parser.add_argument(
        "--acknowledge-after-s",
        type=float,
        default=ACKNOWLEDGE_AFTER_S,
        help="streaming: acknowledge when the reply is this late (negative: never)",
    )
    parser.add_argument(
        "--paced",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="each interviewer line takes as long as it would to play (--no-paced: none)",
    )
    parser.add_argument("--cpus", type=int, default=None, help="run on this many cores only")
    parser.add_argument(
        "--plan", choices=["measured", "default"], default="measured", help="streaming plan"
    )
    args = parser.parse_args(argv)

    if args.cpus is not None:
        allowed = sorted(os.sched_getaffinity(0))
        if not 1 <= args.cpus <= len(allowed):
            parser.error(f"--cpus must be between 1 and {len(allowed)}")
        os.sched_setaffinity(0, allowed[: args.cpus])
    print(f"running on cores {sorted(os.sched_getaffinity(0))} (usable: {usable_cpus()})")
    transcriber = load_transcriber(None)
    backend = make_backend(LLMSettings(model=args.model))
    speed = measure_speed(backend, transcriber)
    plan = plan_for(speed) if args.plan == "measured" else StreamingPlan()
    print(f"measured {speed}\nstreaming plan: {plan}")
    answers = build_answers(_WORK, args.turns)
    print(
        f"{len(answers)} answers, {sum(a.kind == 'thinking' for a in answers)} with thinking "
        f"pauses; {sum(a.samples.size for a in answers) / SAMPLE_RATE:.0f} s of audio a pipeline"
    )
    results: dict[str, dict] = {}
    sessions = {}
    stt_rtf = []
    for name in args.pipelines.split(","):
        endpoint = (
            {"end_silence_ms": args.end_silence_ms, "thinking_silence_ms": args.thinking_silence_ms}
            if name == "streaming"
            else {"end_silence_ms": args.naive_silence_ms}
        )
        started = time.perf_counter()
        acknowledge = args.acknowledge_after_s if args.acknowledge_after_s >= 0 else None
        turns, session = run_pipeline(
            name,
            answers,
            backend,
            transcriber,
            endpoint,
            _WORK / name,
            plan,
            acknowledge_after_s=acknowledge if name == "streaming" else None,
            paced=args.paced,
        )
        results[name] = summarise(turns) | {"wall_s": round(time.perf_counter() - started, 1)}
        results[name]["per_turn"] = [t.__dict__ for t in turns]
        for t in turns:
            print(
                f"  {name:9} {t.kind:8} ended by {t.ended_by:11} cut off {t.cut_off!s:5} "
                f"{'reopened ' if t.reopened else ''}waited {t.end_wait_s:5.2f} s  "
                f"first audio {t.first_audio_s} s{' (ack)' if t.acknowledged else ''}  "
                f"reply {t.reply_latency_s} s ({t.act}"
                f"{', drafted while speaking' if t.drafted_while_speaking else ''})"
                f"  final stt {t.final_stt_s} s over {t.final_stt_audio_s} s of audio",
                flush=True,
            )
        sessions[name] = session
        if name == "naive":
            for turn in session.candidate_turns():
                if turn.meta.get("stt_seconds") and turn.duration:
                    stt_rtf.append(turn.meta["stt_seconds"] / turn.duration)
    prompt_tps, gen_tps = llm_speed(backend)
    report: dict = {"pipelines": results}
    if "naive" in results and "streaming" in results:
        naive, streaming = results["naive"], results["streaming"]
        report["ratio_p50"] = round(
            streaming["reply_latency_p50_s"] / naive["reply_latency_p50_s"], 3
        )
        # The targets, as ratios to the naive pipeline's reply (measured side by side).
        report["targets"] = {
            "first_audio_p50_over_naive_reply_p50": round(
                streaming["first_audio_p50_s"] / naive["reply_latency_p50_s"], 3
            ),
            "first_audio_p95_over_naive_reply_p95": round(
                streaming["first_audio_p95_s"] / naive["reply_latency_p95_s"], 3
            ),
            "first_content_p50_over_naive_reply_p50": round(
                streaming["first_content_p50_s"] / naive["reply_latency_p50_s"], 3
            ),
            "wanted": {"first_audio_p50": 0.5, "first_audio_p95": 1.0, "first_content_p50": 0.8},
        }
    report |= {
        "stt_rtf": round(statistics.median(stt_rtf), 3) if stt_rtf else None,
        "llm_prompt_tps": prompt_tps,
        "llm_gen_tps": gen_tps,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "cores": sorted(os.sched_getaffinity(0)),
        "load_average_at_end": os.getloadavg(),
        "measured_speed": speed.model_dump(),
        "streaming_plan": plan.model_dump(),
        "settings": vars(args) | {"json": str(args.json) if args.json else None},
    }
    print(
        f"\n{'pipeline':10} {'audio p50':>9} {'audio p95':>9} {'p50 s':>7} {'p95 s':>7} "
        f"{'false cut-offs':>15} {'max wait s':>11} {'turns':>6}"
    )
    for name, r in results.items():
        print(
            f"{name:10} {r['first_audio_p50_s']:9.2f} {r['first_audio_p95_s']:9.2f} "
            f"{r['reply_latency_p50_s']:7.2f} {r['reply_latency_p95_s']:7.2f} "
            f"{r['false_cutoffs']:>9}/{r['thinking_turns']:<5} "
            f"{r['max_wait_after_finished_answer_s']:11.2f} {r['turns']:6}"
        )
    if "ratio_p50" in report:
        print(f"\nstreaming p50 / naive p50 = {report['ratio_p50']:.2f}")
        print(f"targets (streaming over naive's reply): {report['targets']}")
    print(
        f"speech-to-text RTF {report['stt_rtf']}, LLM prompt {prompt_tps} tok/s, "
        f"generation {gen_tps} tok/s, peak RSS {report['peak_rss_mb']} MB"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
