"""Turn-taking on real human pauses: the project's end-of-turn policy over word timings.

For each turn of 15 words or more in a Switchboard-format timings file, the words are fed to
the policy as they end and the silence as it passes (one decision per capture frame, as the
live loop does). A turn is *cut off* when the policy ends it at a pause inside the turn; at
the turn's real end, the *end delay* is how long after the last word the policy ended it.

    .venv/bin/python benchmarks/turn_taking.py \\
        --timings ../shared/data/turn-taking/switchboard_dev_timings.csv --json OUT

A cut-off need not be heard: the live pipeline keeps listening after it ends a turn, and if
the candidate goes on before the interviewer's voice starts, the turn reopens and the reply is
dropped. With ``--first-audio-s S`` (the interviewer's first audio S seconds after the end
decision), a long turn is **spoken over** when at some pause inside it the policy ends the
turn and the candidate resumes only after the voice has started; ``spoken_over_rate`` is the
share of long turns spoken over (S = 0 makes it the cut-off rate).

``--split`` also reports the two halves of the speaker sides (by conversation, alternating),
so a setting chosen on one half is checked on the other. ``--policy silence`` runs silence
alone at ``--end-silence-ms`` as the baseline.

Format (README beside the data): a line ``Speaker: 4519A`` starts a speaker side; then one
word a line, tab-separated: ``(turn:utterance:word)``, start s, end s, word, and tags. The
words carry no punctuation.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from bench_stats import percentile

from interviewer.turns.endpointing import (
    STREAMING_END_SILENCE_MS,
    EndpointConfig,
    EndPolicy,
    HearsAudio,
    TurnEndPolicy,
)

LONG_TURN_WORDS = 15
FRAME_MS = 32  # the capture loop decides once per 32 ms frame
MAX_WAIT_MS = 15_000  # a policy that has not ended a real end by then never will
_ACT = re.compile(r'diact type="([^"]*)"')


@dataclass(frozen=True)
class Word:
    start_s: float
    end_s: float
    text: str
    utterance: str = ""  # the annotators' utterance (sentence) id within the turn
    act: str = ""  # its dialogue-act tag, when the file has one (turn_taking_bound.py only)


@dataclass(frozen=True)
class Turn:
    side: str
    words: list[Word]


def read_timings(path: Path) -> list[Turn]:
    """Every turn of every speaker side, in file order."""
    turns: list[Turn] = []
    side, current, current_id = "", [], None
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if line.startswith("Speaker:"):
            if current:
                turns.append(Turn(side, current))
            side, current, current_id = line.split(":", 1)[1].strip(), [], None
            continue
        if not line.strip():
            continue
        fields = line.split("\t")
        try:
            ids = fields[0].strip("()").split(":")
            turn_id, utterance = ids[0], ids[1] if len(ids) > 2 else ""
            act = _ACT.search(line)
            word = Word(
                float(fields[1]),
                float(fields[2]),
                fields[3],
                utterance,
                act.group(1).split("^")[0] if act else "",
            )
        except (IndexError, ValueError) as exc:
            raise SystemExit(f"{path}:{n}: not a timings line ({exc}): {line[:80]!r}") from None
        if current and turn_id != current_id:
            turns.append(Turn(side, current))
            current = []
        current.append(word)
        current_id = turn_id
    if current:
        turns.append(Turn(side, current))
    return turns


def _ends_within(policy: EndPolicy, silence_limit_ms: float, spoken_ms: int, words: str) -> int:
    """The silence (ms) at which the policy ends the turn, or -1 if not within the limit."""
    silence = FRAME_MS
    while silence <= silence_limit_ms:
        if policy.decide(silence, spoken_ms, words).end:
            return silence
        silence += FRAME_MS
    return -1


@dataclass
class TurnResult:
    side: str
    words: int
    cut_off_after: str | None  # the words heard when the policy cut the turn off
    end_delay_s: float
    spoken_over: bool = False  # the voice started before the candidate went on


def run_turn(policy: EndPolicy, turn: Turn, first_audio_s: float = 0.0) -> TurnResult:
    """Feed one turn to the policy; the end delay is measured whether or not it was cut off.

    A pause where the policy ends the turn reopens it when the candidate resumes within
    ``first_audio_s`` of the decision; later than that, the turn was spoken over."""
    heard: list[str] = []
    spoken_ms = 0
    cut_off_after = None
    spoken_over = False
    for word, following in zip(turn.words, turn.words[1:], strict=False):
        heard.append(word.text)
        spoken_ms += max(1, round((word.end_s - word.start_s) * 1000))
        gap_ms = (following.start_s - word.end_s) * 1000
        if gap_ms <= 0 or (cut_off_after is not None and spoken_over):
            continue
        ended_ms = _ends_within(policy, gap_ms, spoken_ms, " ".join(heard))
        if ended_ms < 0:
            continue
        if cut_off_after is None:
            cut_off_after = " ".join(heard[-8:])
        if gap_ms - ended_ms >= first_audio_s * 1000:
            spoken_over = True
    last = turn.words[-1]
    heard.append(last.text)
    spoken_ms += max(1, round((last.end_s - last.start_s) * 1000))
    ended = _ends_within(policy, MAX_WAIT_MS, spoken_ms, " ".join(heard))
    delay_s = (ended if ended >= 0 else MAX_WAIT_MS) / 1000
    return TurnResult(turn.side, len(turn.words), cut_off_after, delay_s, spoken_over)


def summarise(results: list[TurnResult]) -> dict:
    cut = sum(r.cut_off_after is not None for r in results)
    over = sum(r.spoken_over for r in results)
    delays = [r.end_delay_s for r in results]
    return {
        "long_turns": len(results),
        "cut_off_turns": cut,
        "false_cutoff_rate": round(cut / len(results), 4) if results else None,
        "spoken_over_turns": over,
        "spoken_over_rate": round(over / len(results), 4) if results else None,
        "end_delay_mean_s": round(sum(delays) / len(delays), 3) if delays else None,
        "end_delay_p95_s": round(percentile(delays, 0.95), 3),
    }


def halves(results: list[TurnResult]) -> tuple[list[TurnResult], list[TurnResult]]:
    """Two halves by conversation (both sides of one call fall in the same half)."""
    calls = sorted({r.side.rstrip("AB") for r in results})
    first = set(calls[::2])
    return (
        [r for r in results if r.side.rstrip("AB") in first],
        [r for r in results if r.side.rstrip("AB") not in first],
    )


def make_policy(name: str, end_silence_ms: int | None) -> EndPolicy:
    """``project``: the live (streaming) pipeline's policy; ``silence``: silence alone."""
    if name == "silence":
        silence = end_silence_ms if end_silence_ms is not None else 800
        return WithoutWords(TurnEndPolicy(EndpointConfig(end_silence_ms=silence)))
    end = STREAMING_END_SILENCE_MS if end_silence_ms is None else end_silence_ms
    return TurnEndPolicy(EndpointConfig(end_silence_ms=end))


class WithoutWords:
    """A policy never shown the words (over TurnEndPolicy: the silence-alone baseline); the
    frames still reach a policy that listens (turn_taking_audio.py)."""

    def __init__(self, inner: EndPolicy) -> None:
        self.inner = inner

    def hear(self, frame: np.ndarray) -> None:
        if isinstance(self.inner, HearsAudio):
            self.inner.hear(frame)

    def decide(self, silence_ms: int, spoken_ms: int, words_so_far: str | None = None):
        return self.inner.decide(silence_ms, spoken_ms, None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timings", type=Path, required=True, help="Switchboard-format file")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--policy", choices=["project", "silence"], default="project")
    parser.add_argument("--end-silence-ms", type=int, default=None)
    parser.add_argument("--split", action="store_true", help="also report each half")
    parser.add_argument(
        "--first-audio-s",
        type=float,
        default=0.0,
        help="the interviewer's first audio this long after the end decision (reopening)",
    )
    parser.add_argument("--show-cuts", type=int, default=0, help="print N cut-off examples")
    args = parser.parse_args(argv)

    if not args.timings.is_file():
        raise SystemExit(f"no timings file at {args.timings}")
    policy = make_policy(args.policy, args.end_silence_ms)
    turns = [t for t in read_timings(args.timings) if len(t.words) >= LONG_TURN_WORDS]
    results = [run_turn(policy, t, args.first_audio_s) for t in turns]
    report = summarise(results)
    report["policy"] = args.policy
    report["first_audio_s"] = args.first_audio_s
    if args.split:
        first, second = halves(results)
        report["halves"] = {"a": summarise(first), "b": summarise(second)}
    print(
        f"{args.timings.name}: {report['long_turns']} turns of {LONG_TURN_WORDS}+ words, "
        f"{report['cut_off_turns']} cut off ({report['false_cutoff_rate']:.1%}), end delay "
        f"mean {report['end_delay_mean_s']:.2f} s, p95 {report['end_delay_p95_s']:.2f} s; "
        f"spoken over at first audio {args.first_audio_s:.1f} s: {report['spoken_over_turns']} "
        f"({report['spoken_over_rate']:.1%})"
    )
    for name, half in report.get("halves", {}).items():
        print(
            f"  half {name}: {half['long_turns']} turns, {half['false_cutoff_rate']:.1%} cut "
            f"off, end delay mean {half['end_delay_mean_s']:.2f} s, "
            f"p95 {half['end_delay_p95_s']:.2f} s, spoken over {half['spoken_over_rate']:.1%}"
        )
    for r in [r for r in results if r.cut_off_after][: args.show_cuts]:
        print(f"  cut off after: ... {r.cut_off_after}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
