"""How the grader agrees with human raters on real interviews nobody on the team wrote.

    .venv/bin/python benchmarks/grader_external.py [--data DIR] [--json FILE]

The MIT Interview Dataset half in ``../shared/data/interviews-mit`` (README there): real
behavioural mock interviews, each rated 1-7 by about 9 raters. Every interview is graded as a
``behavioural`` transcript; per dimension we print Spearman's rho against the raters' mean
(the ``AGGR`` row) next to the one-rater ceiling: how well one rater's scores rank the
interviews against the mean of the *other* raters (averaged over the raters who scored at
least half of the interviews). Also: the share of interviews flagged as bluffing (honesty 1
or 2), and a bare um/uh-per-word count as a reference for delivery.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from interviewer.grading import grade_session, load_rubric  # noqa: E402
from interviewer.grading.scorecard import Scorecard  # noqa: E402
from interviewer.grading.transcript import parse_text_transcript  # noqa: E402

DATA = REPO_ROOT.parent / "shared" / "data" / "interviews-mit"

# (our figure, the raters' scale): the scales a transcript can speak to.
PAIRS: list[tuple[str, str]] = [
    ("structure", "StructuredAnswers"),
    ("overall", "Overall"),
    ("overall", "RecommendHiring"),
    ("delivery", "NoFillers"),
    ("substance", "Overall"),
    ("substance", "StructuredAnswers"),
    ("fillers_per_word", "NoFillers"),
]
_UM_RE = re.compile(r"\b(um+|uh+|uhm+|umm+|er+m*|ah+|hmm+)\b", re.IGNORECASE)


def rank(values: list[float]) -> list[float]:
    """Ranks with ties sharing their mean rank (1-based)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def pearson(x: list[float], y: list[float]) -> float | None:
    if len(x) < 3:
        return None
    mx, my = statistics.fmean(x), statistics.fmean(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return None
    return sxy / (sxx * syy) ** 0.5


def spearman(x: list[float], y: list[float]) -> float | None:
    return pearson(rank(x), rank(y))


def read_interviews(folder: Path) -> dict[str, str]:
    """Participant code -> a plain-text transcript in the grader's format."""
    out: dict[str, str] = {}
    with (folder / "transcripts.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            lines = ["# round: behavioural"]
            for part in row["Details"].split("|"):
                label, _, text = part.partition(":")
                speaker = {"interviewer": "Interviewer", "interviewee": "Candidate"}.get(
                    label.strip().lower()
                )
                text = " ".join(text.split())
                if speaker and text:
                    lines.append(f"{speaker}: {text}")
                elif text and len(lines) > 1:
                    lines[-1] += " " + " ".join(part.split())
            out[row["Code"].strip().lower()] = "\n".join(lines)
    return out


def read_ratings(folder: Path) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, dict]]]:
    """(AGGR row per participant, {participant: {worker: row}})."""
    aggr: dict[str, dict[str, float]] = {}
    raters: dict[str, dict[str, dict]] = defaultdict(dict)
    with (folder / "ratings.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            pid = row["Participant"].strip().lower()
            values = {k: float(v) for k, v in row.items() if k not in ("Participant", "Worker")}
            if row["Worker"] == "AGGR":
                aggr[pid] = values
            else:
                raters[pid][row["Worker"]] = values
    return aggr, raters


def one_rater_ceiling(raters: dict[str, dict[str, dict]], scale: str) -> float | None:
    """Mean over raters (who scored >= half the interviews) of rho(rater, mean of others)."""
    per_worker: dict[str, list[str]] = defaultdict(list)
    for pid, rows in raters.items():
        for worker in rows:
            per_worker[worker].append(pid)
    rhos: list[float] = []
    for worker, pids in per_worker.items():
        if len(pids) < len(raters) / 2:
            continue
        mine, others = [], []
        for pid in pids:
            rest = [r[scale] for w, r in raters[pid].items() if w != worker]
            if rest:
                mine.append(raters[pid][worker][scale])
                others.append(statistics.fmean(rest))
        rho = spearman(mine, others)
        if rho is not None:
            rhos.append(rho)
    return statistics.fmean(rhos) if rhos else None


def figures(card: Scorecard, text: str) -> dict[str, float | None]:
    out: dict[str, float | None] = card.values()
    out["overall"] = card.overall
    said = " ".join(
        line.split(":", 1)[1] for line in text.splitlines() if line.startswith("Candidate:")
    )
    words = max(1, len(said.split()))
    # Fewer fillers = higher, like the raters' NoFillers scale.
    out["fillers_per_word"] = -len(_UM_RE.findall(said)) / words
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if not (args.data / "transcripts.csv").is_file():
        print(f"no MIT interview data at {args.data} (see its README): nothing to measure")
        return 1
    interviews = read_interviews(args.data)
    aggr, raters = read_ratings(args.data)
    rubric = load_rubric()
    ours: dict[str, dict[str, float | None]] = {}
    cards: dict[str, Scorecard] = {}
    started = time.perf_counter()
    for pid, text in interviews.items():
        card = grade_session(parse_text_transcript(text, pid, round="behavioural"), rubric)
        cards[pid] = card
        ours[pid] = figures(card, text)
    elapsed = time.perf_counter() - started
    pids = [p for p in interviews if p in aggr]
    print(f"== MIT interviews: {len(pids)} graded as behavioural in {elapsed:.1f} s")
    # Two halves (odd and even participant numbers): how much rho moves between samples of
    # this size, a guide to what the held-out half may show.
    halves = [[p for p in pids if int(p.lstrip("p")) % 2 == k] for k in (1, 0)]
    print(f"{'ours':18} {'raters':18} {'n':>3} {'rho':>6} {'one rater':>10}   odd/even halves")
    rows: list[dict[str, Any]] = []
    for ours_key, scale in PAIRS:
        have = [p for p in pids if ours[p].get(ours_key) is not None]
        rho = spearman([ours[p][ours_key] for p in have], [aggr[p][scale] for p in have])  # type: ignore[misc]
        ceiling = one_rater_ceiling({p: raters[p] for p in pids}, scale)
        rows.append(
            {"ours": ours_key, "raters": scale, "n": len(have), "rho": rho, "ceiling": ceiling}
        )
        shown = "n/a" if rho is None else f"{rho:+.2f}"
        ceil = "n/a" if ceiling is None else f"{ceiling:.2f}"
        split = []
        for half in halves:
            got = [p for p in half if ours[p].get(ours_key) is not None]
            r = spearman([ours[p][ours_key] for p in got], [aggr[p][scale] for p in got])  # type: ignore[misc]
            split.append("n/a" if r is None else f"{r:+.2f}")
        print(
            f"{ours_key:18} {scale:18} {len(have):>3} {shown:>6} {ceil:>10}   {' / '.join(split)}"
        )
    honesty = [ours[p].get("honesty") for p in pids]
    flagged = sum(1 for h in honesty if h is not None and h <= 2)
    observed = sum(1 for h in honesty if h is not None)
    print(
        f"bluffing flags (honesty 1 or 2): {flagged}/{len(pids)} = {flagged / len(pids):.0%}"
        f" (honesty observed in {observed})"
    )
    levels = defaultdict(int)
    for p in pids:
        levels[cards[p].overall_level_name or "none"] += 1
    print("overall levels: " + ", ".join(f"{k} {v}" for k, v in sorted(levels.items())))
    if args.json:
        args.json.write_text(
            json.dumps({"rows": rows, "bluff_flags": flagged, "n": len(pids)}, indent=2),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
