"""The end of a turn on real audio: the live end-of-turn logic at real pauses.

A folder in the format of ``../shared/data/turn-taking-audio/`` (README there): WAV files and
``events.csv``, one row per silence after a speaker's speech, ``hold`` (the speaker goes on)
or ``shift`` (another speaker takes the floor). For each event the audio of the speaker's
turn, from its start (at most ``LOOKBACK_S`` before the pause), goes frame by frame (32 ms)
through the capture's voice activity detector and the end-of-turn policy, as
``TurnDetector.push`` does in the microphone path; the words heard up to the pause (the
bundled Whisper over the same audio) are the words so far. Only decisions from the pause's
start on count:

- a hold is a **false end** when the policy ends the turn before the speaker resumes;
- at a shift, the **end delay** is how long after the pause began it ended the turn. The
  detector is taken to have the floor: in a mixture (``*_mix.wav``), after ``pause_end_s``
  (someone else speaks) the pause's own room tone is looped; a speaker's own channel (any
  other file) is heard as recorded, quiet after the shift. So every policy's delay is its own.
  On a speaker's own channel the VAD starts each turn knowing the speaker's level from their
  earlier speech in the file, as the live recorder carries it from turn to turn (audio/vad.py).

    .venv/bin/python benchmarks/turn_taking_audio.py \\
        --audio ../shared/data/turn-taking-audio --json OUT [--sweep] [--no-words] \\
        [--crosstalk-db X] [--no-crosstalk-gate]

JSON: ``holds``, ``shifts``, ``false_end_rate`` and ``end_delay_mean_s`` of the live policy
(the words' meaning read by SmolLM2, silence and the voice; turns/text_end.py, when installed);
``silence_false_end_rate``: silence alone at the same mean end delay (interpolated over a sweep
of its wait, through the same detector); the same figures for the word list and silence alone
(the policy before the voice), the word list with the voice (before the meaning), the meaning
and silence without the voice, and the voice without words. ``--no-meaning`` leaves the
meaning out of the live policy.
``--crosstalk-db X`` plays, in a mixture, what follows a shift X dB down over the looped room
tone, from where the next speaker begins: a headset channel's crosstalk, or a telephone's echo,
made of real speech (the capture's VAD hears speech at any level; audio/vad.py), and
``--no-crosstalk-gate`` turns off the VAD's gate on voices under the speaker's own level.
``--sweep`` adds the voice's settings tried (the trade-off table of docs/turn-taking.md);
``--cost N`` times N model calls against N Whisper passes (the bundled model) over the same
8-s windows, interleaved, so the ratio holds on a loaded machine.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from turn_taking import WithoutWords

from interviewer.audio.io import SAMPLE_RATE, load_audio, to_int16
from interviewer.audio.vad import VADParams, VoiceActivityDetector
from interviewer.turns.endpointing import (
    STREAMING_END_SILENCE_MS,
    EndpointConfig,
    EndPolicy,
    HearsAudio,
    TurnEndPolicy,
)
from interviewer.turns.voice_end import TurnModel, VoiceEndConfig, VoiceEndPolicy, WordsModel

FRAME = 512  # 32 ms, the capture frame
LOOKBACK_S = 10.0  # turn audio before the pause, at most (the model hears 8 s)
MAX_WAIT_S = 6.0  # a policy that has not ended a real end by then is counted at this
SILENCE_WAITS_MS = list(range(100, 3001, 32))
MIXTURE_SUFFIX = "_mix.wav"  # all speakers on one signal; other files are one speaker's channel


@dataclass(frozen=True)
class Event:
    file: str
    speaker: str
    kind: str  # hold | shift
    pause_start_s: float
    pause_end_s: float
    turn_start_s: float


@dataclass
class Trace:
    """One event's audio as the detector sees it: frames and the VAD's counts after each."""

    event: Event
    frames: list[np.ndarray]
    ends_s: list[float]  # each frame's end, in file time
    silence_ms: list[int]
    spoken_ms: list[int]
    words: str | None = None


def read_events(folder: Path) -> list[Event]:
    with (folder / "events.csv").open(newline="") as handle:
        return [
            Event(
                row["file"],
                row["speaker"],
                row["kind"],
                float(row["pause_start_s"]),
                float(row["pause_end_s"]),
                float(row["turn_start_s"]),
            )
            for row in csv.DictReader(handle)
        ]


def event_audio(
    audio: np.ndarray, event: Event, crosstalk_db: float | None = None
) -> tuple[np.ndarray, float]:
    """The samples the detector hears for this event, and the file time of the first; in a
    mixture, with ``crosstalk_db``, the speech after a shift that many dB down (module doc)."""
    start_s = max(event.turn_start_s, event.pause_start_s - LOOKBACK_S, 0.0)
    a, p0, p1 = (round(t * SAMPLE_RATE) for t in (start_s, event.pause_start_s, event.pause_end_s))
    if event.kind == "hold":
        return audio[a : p1 + FRAME], start_s
    tail = round(MAX_WAIT_S * SAMPLE_RATE)
    if not event.file.endswith(MIXTURE_SUFFIX):
        # One speaker's own channel: it stays quiet after a shift (README of the data).
        heard = audio[a : p0 + tail]
        return np.pad(heard, (0, max(0, p0 + tail - a - heard.size))), start_s
    room = audio[p0:p1] if p1 - p0 >= FRAME else np.zeros(FRAME, dtype=np.float32)
    looped = np.resize(room, max(0, tail - (p1 - p0)))  # the pause's own room tone, repeated
    if crosstalk_db is not None:
        after = audio[p1 : p1 + looped.size] * np.float32(10 ** (-crosstalk_db / 20))
        looped = looped + np.pad(after, (0, looped.size - after.size))
    return np.concatenate([audio[a:p1], looped]), start_s


def earlier_levels(audio: np.ndarray) -> np.ndarray:
    """A speaker's own channel: their level (the VAD's, audio/vad.py) after each frame of the
    file, NaN until known. The live recorder carries it from one turn to the next (the same
    person at the same microphone); an event's turn starts with the level at its start."""
    vad = VoiceActivityDetector()
    pcm = to_int16(audio)
    levels = np.full(pcm.size // FRAME, np.nan)
    for n in range(levels.size):
        vad.process(pcm[n * FRAME : (n + 1) * FRAME])
        level = vad.own_level_dbfs()
        levels[n] = np.nan if level is None else level
    return levels


def level_before(levels: np.ndarray | None, at_s: float) -> float | None:
    """The speaker's level from their speech before ``at_s`` (None in a mixture, or unknown)."""
    if levels is None:
        return None
    frame = min(int(at_s * SAMPLE_RATE) // FRAME, levels.size) - 1
    return None if frame < 0 or np.isnan(levels[frame]) else float(levels[frame])


def trace(
    audio: np.ndarray,
    event: Event,
    crosstalk_db: float | None = None,
    gate: bool = True,
    speaker_level_dbfs: float | None = None,
) -> Trace:
    """The capture's VAD over the event's audio, frame by frame (as TurnDetector.push);
    ``speaker_level_dbfs``: the speaker's level from their earlier turns (``earlier_levels``)."""
    samples, start_s = event_audio(audio, event, crosstalk_db)
    pcm = to_int16(samples)
    vad = VoiceActivityDetector(
        None if gate else VADParams(crosstalk_margin_db=None),
        speaker_level_dbfs=speaker_level_dbfs if gate else None,
    )
    out = Trace(event, [], [], [], [])
    ms = 1000 / SAMPLE_RATE
    for offset in range(0, pcm.size - FRAME + 1, FRAME):
        frame = pcm[offset : offset + FRAME]
        update = vad.process(frame)
        out.frames.append(frame)
        out.ends_s.append(start_s + (offset + FRAME) / SAMPLE_RATE)
        out.silence_ms.append(int(update.silence_samples * ms))
        out.spoken_ms.append(int(update.speech_samples * ms))
    return out


def first_end_s(policy: EndPolicy, tr: Trace, scores: list[float] | None = None) -> float | None:
    """File time at which the policy ends the turn, counting only decisions in the pause;
    ``scores`` collects the voice's score for this pause (a VoiceEndPolicy's)."""
    for frame, end_s, silence, spoken in zip(
        tr.frames, tr.ends_s, tr.silence_ms, tr.spoken_ms, strict=True
    ):
        if isinstance(policy, HearsAudio):
            policy.hear(frame)
        decision = policy.decide(silence, spoken, tr.words)
        if end_s < tr.event.pause_start_s:
            continue
        if scores is not None and getattr(policy, "score", None) is not None:
            scores[:] = [policy.score]  # type: ignore[attr-defined]
        if decision.end:
            return end_s
    return None


@dataclass(frozen=True)
class Outcome:
    false_ends: int
    holds: int
    delays_s: tuple[float, ...]

    @property
    def false_end_rate(self) -> float:
        return self.false_ends / self.holds if self.holds else float("nan")

    @property
    def mean_delay_s(self) -> float:
        return float(np.mean(self.delays_s)) if self.delays_s else float("nan")


def evaluate(make_policy, traces: list[Trace]) -> Outcome:
    false_ends, holds, delays = 0, 0, []
    for tr in traces:
        ended = first_end_s(make_policy(tr), tr)
        if tr.event.kind == "hold":
            holds += 1
            false_ends += ended is not None and ended < tr.event.pause_end_s
        else:
            delay = MAX_WAIT_S if ended is None else ended - tr.event.pause_start_s
            delays.append(min(delay, MAX_WAIT_S))
    return Outcome(false_ends, holds, tuple(delays))


class CachedModel:
    """The real model, each window scored once (sweeps replay the same windows)."""

    def __init__(self, model: TurnModel) -> None:
        self.model = model
        self.cache: dict[str, float] = {}
        self.calls_s: list[float] = []

    def probability(self, samples: np.ndarray) -> float:
        key = hashlib.sha1(np.ascontiguousarray(samples).tobytes()).hexdigest()
        if key not in self.cache:
            started = time.perf_counter()
            self.cache[key] = self.model.probability(samples)
            self.calls_s.append(time.perf_counter() - started)
        return self.cache[key]


class CachedMeaning:
    """The reader of the words' meaning, each text read once (policies replay the same words)."""

    def __init__(self, model: WordsModel) -> None:
        self.model = model
        self.cache: dict[str, float] = {}

    def standard_score(self, words: str) -> float:
        if words not in self.cache:
            self.cache[words] = self.model.standard_score(words)
        return self.cache[words]


def words_policy(end_silence_ms: int = STREAMING_END_SILENCE_MS) -> TurnEndPolicy:
    return TurnEndPolicy(EndpointConfig(end_silence_ms=end_silence_ms))


def silence_curve(traces: list[Trace]) -> list[tuple[int, Outcome]]:
    return [
        (w, evaluate(lambda tr, w=w: WithoutWords(words_policy(w)), traces))
        for w in SILENCE_WAITS_MS
    ]


def at_delay(curve: list[tuple[int, Outcome]], delay_s: float) -> tuple[float, float]:
    """Silence alone's false-end rate (and its wait) at this mean end delay, interpolated."""
    delays = [o.mean_delay_s for _, o in curve]
    rates = [o.false_end_rate for _, o in curve]
    waits = [w for w, _ in curve]
    rate = float(np.interp(delay_s, delays, rates))
    return rate, float(np.interp(delay_s, delays, waits))


def summary(outcome: Outcome, curve: list[tuple[int, Outcome]]) -> dict:
    rate, wait = at_delay(curve, outcome.mean_delay_s)
    return {
        "false_ends": outcome.false_ends,
        "false_end_rate": round(outcome.false_end_rate, 4),
        "end_delay_mean_s": round(outcome.mean_delay_s, 3),
        "silence_false_end_rate": round(rate, 4),
        "silence_wait_ms_at_same_delay": round(wait),
    }


def add_words(traces: list[Trace], audio_of: dict[str, np.ndarray]) -> None:
    """The words heard up to each pause: the bundled Whisper over the turn's audio."""
    from interviewer.speech.stt import load_transcriber

    stt = load_transcriber()
    for tr in traces:
        samples, start_s = event_audio(audio_of[tr.event.file], tr.event)
        upto = samples[: round((tr.event.pause_start_s - start_s) * SAMPLE_RATE)]
        tr.words = stt.transcribe(upto).text if upto.size else ""


def sweep(traces: list[Trace], model: TurnModel, with_words: bool) -> list[dict]:
    rows = []
    grid = itertools.product([0.5, 0.7], [300, 400, 500, 600, 800], [1000, 1200, 1500, 2000])
    for threshold, finished, unfinished in grid:
        config = VoiceEndConfig(threshold=threshold, finished_ms=finished, unfinished_ms=unfinished)

        def make(tr: Trace, config=config) -> EndPolicy:
            policy = VoiceEndPolicy(words_policy(), model, config)
            return policy if with_words else WithoutWords(policy)

        outcome = evaluate(make, traces)
        rows.append(
            config.model_dump()
            | {
                "false_ends": outcome.false_ends,
                "false_end_rate": round(outcome.false_end_rate, 4),
                "end_delay_mean_s": round(outcome.mean_delay_s, 3),
            }
        )
    return rows


def event_row(tr: Trace, model: TurnModel, meaning: WordsModel | None) -> dict:
    """One event under the live policy: its words' ending and meaning, the voice's score, when
    it ended."""
    policy = VoiceEndPolicy(words_policy(), model, meaning=meaning)
    heard: list[float] = []
    ended = first_end_s(policy, tr, heard)
    has_words = tr.words is not None and bool(tr.words.strip())
    return {
        "file": tr.event.file,
        "kind": tr.event.kind,
        "pause_start_s": tr.event.pause_start_s,
        "pause_s": round(tr.event.pause_end_s - tr.event.pause_start_s, 2),
        "words_end": (tr.words or "")[-60:],
        "ending": policy.words.read(tr.words).value if has_words else None,
        "voice_score": round(heard[-1], 3) if heard else None,
        "meaning_score": (
            round(meaning.standard_score(tr.words), 3) if meaning and has_words else None
        ),
        "ended_after_s": None if ended is None else round(ended - tr.event.pause_start_s, 3),
    }


def call_cost(
    traces: list[Trace], model: TurnModel, calls: int, meaning: WordsModel | None = None
) -> dict:
    """ms per model call and per Whisper pass over the same 8-s windows, interleaved; with
    ``meaning``, ms per reading of each event's words too (a whole turn read afresh, as at the
    turn's first pause: later pauses read only the words since)."""
    from interviewer.audio.smart_turn import window
    from interviewer.speech.stt import load_transcriber

    stt = load_transcriber()
    windows = [window(np.concatenate(tr.frames).astype(np.float32) / 32768) for tr in traces]
    said = [tr.words for tr in traces if tr.words]
    model_s, whisper_s, meaning_s = [], [], []
    for n in range(calls):
        samples = windows[n % len(windows)]
        started = time.perf_counter()
        model.probability(samples)
        model_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        stt.transcribe(samples)
        whisper_s.append(time.perf_counter() - started)
        if meaning is not None and said:
            started = time.perf_counter()
            meaning.standard_score(said[n % len(said)])
            meaning_s.append(time.perf_counter() - started)
    model_ms, whisper_ms = 1000 * np.median(model_s), 1000 * np.median(whisper_s)
    cost = {
        "calls": calls,
        "model_ms_median": round(float(model_ms), 1),
        "whisper_pass_ms_median": round(float(whisper_ms), 1),
        "model_to_whisper_ratio": round(float(model_ms / whisper_ms), 3),
    }
    if meaning_s:
        meaning_ms = 1000 * np.median(meaning_s)
        cost["meaning_ms_median"] = round(float(meaning_ms), 1)
        cost["meaning_to_whisper_ratio"] = round(float(meaning_ms / whisper_ms), 3)
    return cost


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=Path, required=True, help="folder with events.csv")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--no-words", action="store_true", help="skip Whisper: no words")
    parser.add_argument("--sweep", action="store_true", help="also try the voice's settings")
    parser.add_argument("--cost", type=int, default=0, help="time N model and Whisper calls")
    parser.add_argument(
        "--crosstalk-db", type=float, help="mixtures: after a shift, the next speech X dB down"
    )
    parser.add_argument(
        "--no-crosstalk-gate", action="store_true", help="the VAD hears speech at any level"
    )
    parser.add_argument(
        "--no-meaning", action="store_true", help="the live policy without the words' meaning"
    )
    args = parser.parse_args(argv)
    if not (args.audio / "events.csv").is_file():
        raise SystemExit(f"no events.csv in {args.audio}")

    from interviewer.audio.smart_turn import load_smart_turn

    loaded = load_smart_turn()
    if loaded is None:
        raise SystemExit("no end-of-turn model: python -m interviewer.audio.smart_turn install")
    model = CachedModel(loaded)
    meaning: CachedMeaning | None = None
    reader = None
    if not args.no_meaning and not args.no_words:
        from interviewer.turns.text_end import load_text_end

        reader = load_text_end()
        if reader is None:
            raise SystemExit("the words' meaning will not load (see the warning); --no-meaning")
        meaning = CachedMeaning(reader)

    events = read_events(args.audio)
    audio_of = {name: load_audio(args.audio / name) for name in sorted({e.file for e in events})}
    gate = not args.no_crosstalk_gate
    # One speaker's own channel: the level of their earlier turns, as the live recorder keeps
    # it (a mixture's earlier speech is everyone's, so none there).
    last_start = {e.file: 0.0 for e in events}
    for e in events:
        last_start[e.file] = max(last_start[e.file], e.turn_start_s)
    levels_of = {  # read only as far as the last turn needs (channels may be long)
        name: None
        if name.endswith(MIXTURE_SUFFIX)
        else earlier_levels(audio[: round(last_start[name] * SAMPLE_RATE)])
        for name, audio in audio_of.items()
    }
    traces = [
        trace(
            audio_of[e.file],
            e,
            args.crosstalk_db,
            gate,
            level_before(levels_of[e.file], e.turn_start_s),
        )
        for e in events
    ]
    if not args.no_words:
        add_words(traces, audio_of)
    holds = sum(e.kind == "hold" for e in events)
    shifts = len(events) - holds

    curve = silence_curve(traces)
    live = evaluate(lambda tr: VoiceEndPolicy(words_policy(), model, meaning=meaning), traces)
    report: dict = {"holds": holds, "shifts": shifts, "files": len(audio_of)}
    report["crosstalk_db"] = args.crosstalk_db
    report["crosstalk_gate"] = gate
    report |= summary(live, curve)
    report["words"] = not args.no_words
    report["meaning"] = meaning is not None
    report["words_and_silence"] = summary(evaluate(lambda tr: words_policy(), traces), curve)
    report["word_list_and_voice"] = summary(
        evaluate(lambda tr: VoiceEndPolicy(words_policy(), model), traces), curve
    )
    if meaning is not None:
        report["meaning_and_silence"] = summary(
            evaluate(lambda tr: VoiceEndPolicy(words_policy(), None, meaning=meaning), traces),
            curve,
        )
    report["voice_and_silence"] = summary(
        evaluate(lambda tr: WithoutWords(VoiceEndPolicy(words_policy(), model)), traces), curve
    )
    report["silence_curve"] = [
        {
            "wait_ms": w,
            "false_end_rate": round(o.false_end_rate, 4),
            "end_delay_mean_s": round(o.mean_delay_s, 3),
        }
        for w, o in curve[::4]
    ]
    report["events"] = [event_row(tr, model, meaning) for tr in traces]
    if args.cost:
        report["cost"] = call_cost(traces, loaded, args.cost, reader)
    if args.sweep:
        report["sweep_with_words"] = sweep(traces, model, with_words=True)
        report["sweep_voice_only"] = sweep(traces, model, with_words=False)
    print(
        f"{holds} holds, {shifts} shifts in {len(audio_of)} files: live policy "
        f"{report['false_ends']} false ends ({report['false_end_rate']:.1%}), end delay mean "
        f"{report['end_delay_mean_s']:.2f} s; silence alone at that delay "
        f"{report['silence_false_end_rate']:.1%}"
    )
    for name in (
        "words_and_silence",
        "word_list_and_voice",
        "meaning_and_silence",
        "voice_and_silence",
    ):
        if name not in report:
            continue
        part = report[name]
        print(
            f"  {name}: {part['false_end_rate']:.1%} false ends, {part['end_delay_mean_s']:.2f} s"
            f" (silence alone at that delay {part['silence_false_end_rate']:.1%})"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
