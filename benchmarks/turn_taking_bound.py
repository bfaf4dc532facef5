"""How well could *any* end-of-turn policy that reads words and silences do on these timings?

``turn_taking.py`` measures the project's policy. This asks what the best policy of the same
kind could reach, given knowledge no live policy has: where the speaker's sentences really
end (the annotators' utterance boundaries in the Switchboard file) and, stronger still, what
each sentence does (its dialogue act: statement, opinion, question, backchannel, ...). Such a
policy waits a fixed silence per kind of pause (mid-sentence, sentence end of each act, and a
hesitation such as "uh"), the waits chosen to suit the very turns it is scored on. No policy
that only reads the words can know more than these labels, so its figures bound what reading
the words could give: if the bound misses a target, the target needs more than words and
silence (the voice's pitch and energy, which these timings do not have).

    .venv/bin/python benchmarks/turn_taking_bound.py \\
        --timings ../shared/data/turn-taking/switchboard_dev_timings.csv [--json OUT]

Reported for each kind of knowledge: the lowest mean end delay with at most 5% of long turns
cut off, and the fewest cut-offs with a mean end delay of at most 0.8 s, beside the project's
own policy swept over its wait after a finished-sounding ending.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from turn_taking import LONG_TURN_WORDS, Turn, make_policy, read_timings, run_turn, summarise

from interviewer.speech_acts import HESITATION_WORDS

WAITS_S = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5, 2.0, 3.0, 4.5)
CUT_OFF_TARGET = 0.05
DELAY_TARGET_S = 0.8
# Seconds of mean end delay that one whole cut-off rate is worth, swept to trace the frontier.
PENALTIES = (0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 40)

Kind = str
Pauses = list[tuple[list[tuple[Kind, float]], Kind]]  # per turn: (mid-turn pauses, its end)


def sentence_end(turn: Turn, i: int) -> bool:
    words = turn.words
    return i == len(words) - 1 or words[i + 1].utterance != words[i].utterance


def knows_sentence_ends(turn: Turn, i: int) -> Kind:
    if turn.words[i].text in HESITATION_WORDS:
        return "hesitation"
    return "sentence end" if sentence_end(turn, i) else "mid-sentence"


def knows_sentence_ends_and_acts(turn: Turn, i: int) -> Kind:
    kind = knows_sentence_ends(turn, i)
    return f"{kind}: {turn.words[i].act or '?'}" if kind == "sentence end" else kind


def pauses(turns: list[Turn], kind_of: Callable[[Turn, int], Kind]) -> Pauses:
    out = []
    for turn in turns:
        w = turn.words
        mids = [(kind_of(turn, i), w[i + 1].start_s - w[i].end_s) for i in range(len(w) - 1)]
        out.append(([(k, gap) for k, gap in mids if gap > 0], kind_of(turn, len(w) - 1)))
    return out


def score(data: Pauses, waits: dict[Kind, float]) -> tuple[float, float]:
    """(share of turns cut off, mean end delay in s) for these waits."""
    cut = sum(any(gap > waits[k] for k, gap in mids) for mids, _ in data)
    return cut / len(data), sum(waits[end] for _, end in data) / len(data)


def best_waits(data: Pauses, penalty: float) -> dict[Kind, float]:
    """Coordinate descent on mean delay + penalty * cut-off share, over WAITS_S per kind."""
    kinds = sorted({k for mids, end in data for k, _ in mids} | {end for _, end in data})
    waits = dict.fromkeys(kinds, 1.0)
    for _ in range(4):
        for kind in kinds:
            costs = []
            for wait in WAITS_S:
                waits[kind] = wait
                cut, delay = score(data, waits)
                costs.append((delay + penalty * cut, wait))
            waits[kind] = min(costs)[1]
    return waits


def frontier(data: Pauses) -> dict:
    points: list[dict] = []
    for penalty in PENALTIES:
        cut, delay = score(data, best_waits(data, penalty))
        point = {"false_cutoff_rate": round(cut, 4), "end_delay_mean_s": round(delay, 3)}
        if point not in points:
            points.append(point)
    within_cut = [p for p in points if p["false_cutoff_rate"] <= CUT_OFF_TARGET]
    within_delay = [p for p in points if p["end_delay_mean_s"] <= DELAY_TARGET_S]
    return {
        "points": points,
        "least_delay_within_5pct_cutoffs": min(
            within_cut, key=lambda p: p["end_delay_mean_s"], default=None
        ),
        "fewest_cutoffs_within_0_8s_delay": min(
            within_delay, key=lambda p: p["false_cutoff_rate"], default=None
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timings", type=Path, required=True, help="Switchboard-format file")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if not args.timings.is_file():
        raise SystemExit(f"no timings file at {args.timings}")
    turns = [t for t in read_timings(args.timings) if len(t.words) >= LONG_TURN_WORDS]
    if not any(w.utterance for t in turns for w in t.words):
        raise SystemExit(f"{args.timings} has no utterance ids: the bound needs them")
    report: dict = {"long_turns": len(turns), "bounds": {}, "project_policy": []}
    for name, kind_of in (
        ("knows where sentences end", knows_sentence_ends),
        ("knows sentence ends and dialogue acts", knows_sentence_ends_and_acts),
    ):
        report["bounds"][name] = frontier(pauses(turns, kind_of))
    for end_ms in (600, 800, 1000, 1200, 1500):
        policy = make_policy("project", end_ms)
        figures = summarise([run_turn(policy, t) for t in turns])
        report["project_policy"].append({"end_silence_ms": end_ms} | figures)

    print(f"{args.timings.name}: {len(turns)} turns of {LONG_TURN_WORDS}+ words")
    print(f"{'policy':44} {'cut-offs':>9} {'mean end delay':>15}")
    for row in report["project_policy"]:
        print(
            f"{'project, ' + str(row['end_silence_ms']) + ' ms after a finished ending':44} "
            f"{row['false_cutoff_rate']:9.1%} {row['end_delay_mean_s']:13.2f} s"
        )
    for name, bound in report["bounds"].items():
        for point in bound["points"]:
            print(
                f"{'bound, ' + name:44} {point['false_cutoff_rate']:9.1%} "
                f"{point['end_delay_mean_s']:13.2f} s"
            )
        best, fewest = (
            bound["least_delay_within_5pct_cutoffs"],
            bound["fewest_cutoffs_within_0_8s_delay"],
        )
        print(
            f"  -> at most 5% cut off: mean delay {best['end_delay_mean_s'] if best else '-'} s;"
            f" mean delay at most 0.8 s: {fewest['false_cutoff_rate'] if fewest else '-'} cut off"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
