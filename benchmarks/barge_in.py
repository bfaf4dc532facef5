"""How fast the interviewer falls silent when the candidate talks over it, and what it costs.

Each trial plays an interviewer line (espeak-ng, through sounddevice on a virtual ALSA
device, paced to real time) while the after-turn listener hears a microphone stream, itself
paced to real time: what the device was given (``--echo-db``, 80 ms late: held, rewound and
ducked as it was) over room noise, plus, from a random moment of the line, one of

  going on     real speech: the JFK recording in ../shared/data/speech (cut into 4 s
               pieces), and espeak-ng sentences
  backchannel  "yeah", "uh-huh", "right", "okay", "mhm", quick, as people say them
  nothing      the echo alone

``--modes hold,hold_unjoined,duck`` runs every trial in each mode, the same line, moment and
speech: ``hold`` (today: silent at the burst's onset, resumed from a little before after a
backchannel; bursts less than 1.0 s apart add up their speech), ``hold_unjoined`` (the same,
each burst counted on its own, as before halting speech was joined) and ``duck`` (before the
hold: down to 0.3 at the onset, stopped at half a second of speech in one burst).

Figures (wall clock, from the moment the candidate's speech reaches the microphone: the
first 10 ms of their piece within 30 dB of its loudest; the microphone hands each 32 ms
frame over once it has been heard, as a sound card does):

  silent_s         to the interviewer falling silent: the hold's fade written, or the stop
                   (the 300 ms budget; add the device's own output latency)
  duck_s           to the onset being heard (the line's level set down)
  stop_s           to the last sample written when the line is stopped for good
  decision_to_stop_s  from the barge-in decision (half a second of speech) to that sample
  stopped share    per kind: going on should stop it, a backchannel or the echo should not
  held, resumed    per kind: trials in which the line was held, holds resumed in all
  delay_s          lines played to their end: how much later they ended than their length
                   (time held plus the part said again, rewound_s; near 0 when never held)

    .venv/bin/python benchmarks/barge_in.py [--trials 12] [--modes hold,duck] [--json FILE]
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

_WORK = Path(tempfile.mkdtemp(prefix="barge-in-bench-"))
(_WORK / "asoundrc").write_text(
    "pcm.!default {\n  type plug\n  slave.format S16_LE\n  slave.pcm {\n    type file\n"
    '    slave.pcm { type null }\n    file "/dev/null"\n    format "raw"\n  }\n}\n'
)
os.environ["ALSA_CONFIG_PATH"] = str(_WORK / "asoundrc")

import numpy as np  # noqa: E402
from bench_stats import percentile  # noqa: E402

from interviewer.audio.io import SAMPLE_RATE, load_audio, to_int16  # noqa: E402
from interviewer.audio.playback import PlaybackHandle, play_interruptible  # noqa: E402
from interviewer.audio.vad import hop_dbfs  # noqa: E402
from interviewer.interview.live.after_turn import AfterTurnListener  # noqa: E402
from interviewer.speech.tts import Speaker  # noqa: E402
from interviewer.turns.barge_in import BargeInConfig  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
JFK = REPO_ROOT.parent / "shared" / "data" / "speech" / "jfk.flac"
LINES = [
    "Why did you choose recall at ten over precision for the first version of the ranker?",
    "What makes the two tower model fast enough for a two hundred millisecond budget?",
    "You said you would retrain weekly. Why that, rather than on drift?",
]
SENTENCES = [
    "and then I would also check the calibration of the scores per segment",
    "sorry, I mean the offline metric, not the online one, because of position bias",
]
BACKCHANNELS = [("yeah.", 170), ("uh-huh.", 200), ("right.", 180), ("okay.", 190), ("mhm.", 220)]
FRAME = 512
ECHO_DELAY_S = 0.08
ROOM_DBFS = -62.0  # the room's noise at the microphone


def speech_pieces(tmp: Path) -> dict[str, list[np.ndarray]]:
    speaker_us, speaker_gb = Speaker("en-us"), Speaker("en-gb")
    going_on = []
    if JFK.exists():
        jfk = load_audio(JFK)
        going_on += [
            jfk[i : i + 4 * SAMPLE_RATE]
            for i in range(0, jfk.size - 4 * SAMPLE_RATE, 3 * SAMPLE_RATE)
        ]
    else:
        print(f"{JFK} is missing: going on is espeak-ng speech only")
    for n, text in enumerate(SENTENCES):
        wav = tmp / f"going-{n}.wav"
        (speaker_us if n % 2 else speaker_gb).synthesize(text, wav)
        going_on.append(load_audio(wav))
    backchannels = []
    for n, (text, rate) in enumerate(BACKCHANNELS):
        wav = tmp / f"bc-{n}.wav"
        Speaker("en-gb" if n % 2 else "en-us", rate_wpm=rate).synthesize(text, wav)
        backchannels.append(load_audio(wav))
    return {"going_on": going_on, "backchannel": backchannels, "nothing": [np.zeros(0, np.float32)]}


def _line(tmp: Path, n: int) -> tuple[np.ndarray, int]:
    import soundfile as sf

    wav = tmp / f"line-{n}.wav"
    Speaker("en-us").synthesize(LINES[n % len(LINES)], wav)
    samples, rate = sf.read(str(wav), dtype="float32")
    return samples, rate


def speech_onset_s(piece: np.ndarray) -> float:
    """Where a piece's speech begins: its first 10 ms within 30 dB of its loudest (JFK's
    pieces open with up to 0.3 s of the room)."""
    levels = hop_dbfs(piece, SAMPLE_RATE // 100)
    return float(np.argmax(levels >= levels.max() - 30)) / 100 if levels.size else 0.0


class Microphone:
    """Room noise, the playing line's echo (``echo_db``; None: no echo), and the candidate
    from ``start_s`` of the line, heard in real time from the line's start."""

    def __init__(
        self,
        handle: PlaybackHandle | None,
        speech: np.ndarray,
        start_s: float,
        echo_db: float | None,
    ):
        self.handle = handle
        self.speech = speech
        self.start_s = start_s
        self.onset_s = start_s + speech_onset_s(speech)  # in the microphone's own time
        self.gain = None if echo_db is None else 10 ** (echo_db / 20)
        self.speech_reached_at: float | None = None  # wall clock of its first speech
        self.rng = np.random.default_rng(0)

    def line_started(self) -> float:
        """perf_counter when the line started (waits for it)."""
        assert self.handle is not None
        self.handle.started.wait()
        return time.perf_counter()

    def frames(self):
        started = self.line_started()
        sent = 0
        while True:
            at = sent / SAMPLE_RATE
            # Heard in real time from the line's start, each frame once it has all been heard
            # (as a sound card hands over a block), with the echo of what was played then.
            wait = started + at + FRAME / SAMPLE_RATE - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            frame = self.rng.normal(0, 10 ** (ROOM_DBFS / 20), FRAME).astype(np.float32)
            if self.handle is not None and self.gain is not None:
                since_s = started - self.handle.started_at + at - ECHO_DELAY_S
                frame += self.handle.output(since_s, FRAME, SAMPLE_RATE) * self.gain
            offset = int((at - self.start_s) * SAMPLE_RATE)
            if self.speech.size and offset + FRAME >= 0 and offset < self.speech.size:
                lo_s = max(0, offset)
                part = self.speech[lo_s : offset + FRAME]
                frame[lo_s - offset : lo_s - offset + part.size] += part
            heard_to_s = at + FRAME / SAMPLE_RATE
            if self.speech.size and self.speech_reached_at is None and heard_to_s > self.onset_s:
                self.speech_reached_at = started + self.onset_s
            sent += FRAME
            yield to_int16(frame)


def trial(
    kind: str,
    speech: np.ndarray,
    line: tuple[np.ndarray, int],
    start_s: float,
    echo_db: float,
    config: BargeInConfig,
) -> dict:
    handle = PlaybackHandle(*line)
    mic = Microphone(handle, speech, start_s, echo_db)
    listener = AfterTurnListener(mic.frames(), config=config)
    listener.voice_started(handle)
    ducked: list[float] = []
    watcher = threading.Thread(target=_watch_gain, args=(handle, ducked), daemon=True)
    watcher.start()
    play_interruptible(handle)
    ended = time.perf_counter()
    listener.voice_ended()
    listener.close()
    stopped = handle.stop_requested.is_set() and handle.position < handle.samples.size
    reached = mic.speech_reached_at

    def since(when: float | None) -> float | None:
        return round(when - reached, 3) if when is not None and reached else None

    return {
        "kind": kind,
        "stopped": stopped,
        "silent_s": since(_silent_at(handle, reached)) if reached else None,
        "duck_s": since(ducked[0]) if ducked else None,
        "stop_s": since(handle.stopped_at) if stopped else None,
        "decision_to_stop_s": (
            round(handle.stopped_at - listener.barge_in_at, 3)
            if stopped and listener.barge_in_at
            else None
        ),
        "held": len(handle.holds),
        "resumed": sum(end is not None for _, end in handle.holds),
        "rewound_s": round(handle.rewound / handle.sample_rate, 3),
        "delay_s": None if stopped else round(ended - handle.started_at - handle.duration_s, 3),
        "echo_coupling_db": round(listener.detector.gate.coupling_db, 1),
    }


def _silent_at(handle: PlaybackHandle, reached: float) -> float | None:
    """When the line fell silent for the candidate's speech: a hold going on when it reached
    the microphone, else the first one after, else the stop."""
    for held, resumed in handle.holds:
        if resumed is None or resumed > reached:
            return max(held, reached)
    return handle.stopped_at


def _watch_gain(handle: PlaybackHandle, ducked: list[float]) -> None:
    while handle.position < handle.samples.size and not handle.stop_requested.is_set():
        if handle.gain < 1.0 and not ducked:
            ducked.append(time.perf_counter())
        time.sleep(0.002)


# The line's level at a burst's onset, and whether bursts less than join_s apart add up
# their speech: today; held but each burst on its own (before halting speech was joined);
# ducked (before the hold).
MODES = {
    "hold": {"onset_gain": 0.0},
    "hold_unjoined": {"onset_gain": 0.0, "join_s": 0.0},
    "duck": {"onset_gain": 0.3, "join_s": 0.0},
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=12, help="per kind")
    parser.add_argument("--echo-db", type=float, default=-10.0)
    parser.add_argument("--margin-db", type=float, default=BargeInConfig().margin_db)
    parser.add_argument("--min-speech-s", type=float, default=BargeInConfig().min_speech_s)
    parser.add_argument(
        "--modes", default="hold", help=f"one or more of {','.join(MODES)}, side by side"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    load_at_start = os.getloadavg()
    modes = args.modes.split(",")
    configs = {
        mode: BargeInConfig(margin_db=args.margin_db, min_speech_s=args.min_speech_s, **MODES[mode])
        for mode in modes
    }
    rng = np.random.default_rng(1)
    speech = speech_pieces(_WORK)
    lines = [_line(_WORK, n) for n in range(len(LINES))]
    results = []
    for n in range(args.trials):
        for kind, pieces in speech.items():
            line = lines[n % len(lines)]
            start_s = float(rng.uniform(0.8, line[0].size / line[1] - 2.0))
            piece = pieces[n % len(pieces)]
            for mode, config in configs.items():
                results.append(
                    {"mode": mode} | trial(kind, piece, line, start_s, args.echo_db, config)
                )
                print(results[-1], flush=True)
    report: dict = {
        "echo_db": args.echo_db,
        "configs": {mode: config.model_dump() for mode, config in configs.items()},
        "trials_per_kind": args.trials,
        "load_average_at_start": load_at_start,
        "modes": {mode: _figures(results, mode, list(speech)) for mode in modes},
    }
    report["load_average_at_end"] = os.getloadavg()
    print(json.dumps(report["modes"], indent=2))
    if args.json:
        args.json.write_text(json.dumps(report | {"per_trial": results}, indent=2) + "\n")
    return 0


def _figures(results: list[dict], mode: str, kinds: list[str]) -> dict:
    figures: dict = {}
    for kind in kinds:
        mine = [r for r in results if r["kind"] == kind and r["mode"] == mode]
        resumed = [r for r in mine if r["resumed"] and not r["stopped"]]
        figures[kind] = {
            "trials": len(mine),
            "stopped": sum(r["stopped"] for r in mine),
            "held": sum(r["held"] > 0 for r in mine),
            "resumed": sum(r["resumed"] for r in mine),
        }
        keys = ("silent_s", "duck_s", "stop_s", "decision_to_stop_s", "delay_s")
        for key in keys:
            values = [r[key] for r in mine if r[key] is not None]
            if values:
                figures[kind][f"{key}_p50"] = round(percentile(values, 0.5), 3)
                figures[kind][f"{key}_p95"] = round(percentile(values, 0.95), 3)
        if resumed:  # how much later a line ends that was held and went on
            delays = [r["delay_s"] for r in resumed]
            figures[kind]["delay_s_resumed_p50"] = round(percentile(delays, 0.5), 3)
            figures[kind]["delay_s_resumed_max"] = max(delays)
            rewound = [r["rewound_s"] for r in resumed]
            figures[kind]["rewound_s_resumed_p50"] = round(percentile(rewound, 0.5), 3)
    return figures


if __name__ == "__main__":
    sys.exit(main())
