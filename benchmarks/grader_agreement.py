"""How well the evidence-based grader agrees with the labelled development set, and how fast.

    .venv/bin/python benchmarks/grader_agreement.py [--devset DIR] [--json FILE]

Per dimension: quadratic-weighted kappa, exact and adjacent (within one level) agreement on
transcripts where both the label and the grader give a level, plus how often they agree on
"not observed". Then the controlled pairs (one behaviour changed: did only the targeted
dimension move, the right way?) and the grading time per 10 minutes of transcript.

Labels live in each transcript's header: ``# expect: dim=level ...`` (``null`` = not observed).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from interviewer.grading import grade_session, load_rubric  # noqa: E402
from interviewer.grading.transcript import parse_text_transcript  # noqa: E402
from interviewer.session.models import Session, Turn, Word  # noqa: E402

DEVSET = REPO_ROOT / "tests" / "grading_devset"


def read_labels(text: str) -> dict[str, int | None]:
    labels: dict[str, int | None] = {}
    for line in text.splitlines():
        if line.startswith("# expect:"):
            for item in line.split(":", 1)[1].split():
                key, value = item.split("=")
                labels[key] = None if value == "null" else int(value)
    return labels


def load_devset(folder: Path) -> list[tuple[str, str, dict[str, int | None]]]:
    return [
        (p.name, p.read_text(encoding="utf-8"), read_labels(p.read_text(encoding="utf-8")))
        for p in sorted(folder.glob("*.txt"))
    ]


def apply_edits(text: str, edits: list[dict[str, str]]) -> str:
    for edit in edits:
        if text.count(edit["find"]) != 1:
            raise ValueError(f"edit target must occur exactly once: {edit['find']!r}")
        text = text.replace(edit["find"], edit["replace"])
    return text


def grade_text(name: str, text: str) -> dict[str, int | None]:
    return grade_session(parse_text_transcript(text, name)).scores()


def quadratic_kappa(pairs: list[tuple[int, int]], levels: int = 4) -> float | None:
    """Cohen's kappa with quadratic weights; None when chance disagreement is zero."""
    if not pairs:
        return None
    n = len(pairs)
    observed = [[0.0] * levels for _ in range(levels)]
    for a, b in pairs:
        observed[a - 1][b - 1] += 1 / n
    rows = [sum(r) for r in observed]
    cols = [sum(observed[i][j] for i in range(levels)) for j in range(levels)]
    num = den = 0.0
    for i in range(levels):
        for j in range(levels):
            w = (i - j) ** 2 / (levels - 1) ** 2
            num += w * observed[i][j]
            den += w * rows[i] * cols[j]
    return None if den == 0 else 1 - num / den


def agreement(devset: list[tuple[str, str, dict[str, int | None]]]) -> dict[str, Any]:
    dims = [d.id for d in load_rubric().dimensions]
    per_dim: dict[str, dict[str, Any]] = {}
    graded = {name: grade_text(name, text) for name, text, _ in devset}
    misses: list[str] = []
    for dim in dims:
        both: list[tuple[int, int]] = []
        null_agree = null_total = 0
        for name, _, labels in devset:
            if dim not in labels:
                labels = {**labels, dim: None}
            want, got = labels[dim], graded[name][dim]
            if want is not None and got is not None:
                both.append((want, got))
                if want != got:
                    misses.append(f"{name}: {dim} label {want}, grader {got}")
            else:
                null_total += 1
                null_agree += want is None and got is None
                if want != got:
                    misses.append(f"{name}: {dim} label {want}, grader {got}")
        kappa = quadratic_kappa(both)
        per_dim[dim] = {
            "n": len(both),
            "qwk": None if kappa is None else round(kappa, 3),
            "exact": round(sum(a == b for a, b in both) / len(both), 3) if both else None,
            "adjacent": round(sum(abs(a - b) <= 1 for a, b in both) / len(both), 3)
            if both
            else None,
            "not_observed_agreement": f"{null_agree}/{null_total}",
        }
    return {"dimensions": per_dim, "disagreements": misses, "transcripts": len(devset)}


def check_pairs(folder: Path) -> list[dict[str, Any]]:
    if not (folder / "pairs.yaml").is_file():
        return []
    pairs = yaml.safe_load((folder / "pairs.yaml").read_text(encoding="utf-8"))
    results = []
    for pair in pairs:
        base = (folder / pair["base"]).read_text(encoding="utf-8")
        before = grade_text(pair["base"], base)
        after = grade_text(pair["base"], apply_edits(base, pair["edits"]))
        dim, direction = pair["dimension"], pair["direction"]
        a, b = before[dim] or 0, after[dim] or 0
        moved_right = {"up": b > a, "down": b < a, "same": b == a}[direction]
        # Substance reads what the answer says: an edit that adds words may move it too.
        others = [d for d in before if d not in (dim, "substance") and before[d] != after[d]]
        results.append(
            {
                "name": pair["name"],
                "dimension": dim,
                "direction": direction,
                "before": before[dim],
                "after": after[dim],
                "ok": moved_right and not others,
                "others_moved": others,
            }
        )
    return results


def ten_minute_session(devset: list[tuple[str, str, dict[str, int | None]]]) -> Session:
    """Devset turns laid end to end, words timed at 150 wpm, until 10 minutes are filled."""
    turns: list[Turn] = []
    clock = 0.0
    while clock < 600:
        for name, text, _ in devset:
            for turn in parse_text_transcript(text, name).turns:
                start, words = clock, []
                for token in turn.text.split():
                    words.append(Word(word=token, start=clock, end=clock + 0.36))
                    clock += 0.4
                turns.append(
                    turn.model_copy(
                        update={
                            "index": len(turns),
                            "start": start,
                            "end": clock,
                            "meta": {},
                            "words": words if turn.speaker == "candidate" else [],
                        }
                    )
                )
                clock += 0.6
                if clock >= 600:
                    return Session(id="ten-minutes", turns=turns, rounds=["ml_system_design"])
    return Session(id="ten-minutes", turns=turns)


Labelled = list[tuple[str, str, dict[str, int | None]]]


def timing(devset: Labelled, repeats: int = 20) -> dict[str, float]:
    session = ten_minute_session(devset)
    rubric = load_rubric()
    grade_session(session, rubric)  # warm up regex caches
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        grade_session(session, rubric)
        runs.append(time.perf_counter() - started)
    words = sum(len(t.text.split()) for t in session.turns)
    return {
        "session_s": round(session.duration, 1),
        "words": words,
        "median_ms": round(statistics.median(runs) * 1000, 2),
        "max_ms": round(max(runs) * 1000, 2),
    }


def print_set(title: str, report: dict[str, Any]) -> None:
    print(f"== {title}: {report['transcripts']} labelled transcripts")
    print(f"{'dimension':22} {'n':>3} {'QWK':>6} {'exact':>6} {'adj.':>6}  not-observed agreement")
    for dim, row in report["dimensions"].items():
        qwk = "n/a" if row["qwk"] is None else f"{row['qwk']:.2f}"
        exact = "n/a" if row["exact"] is None else f"{row['exact']:.0%}"
        adj = "n/a" if row["adjacent"] is None else f"{row['adjacent']:.0%}"
        nobs = row["not_observed_agreement"]
        print(f"{dim:22} {row['n']:>3} {qwk:>6} {exact:>6} {adj:>6}  {nobs}")
    if report["pairs"]:
        ok = sum(p["ok"] for p in report["pairs"])
        print(f"controlled pairs: {ok}/{len(report['pairs'])} moved only the targeted dimension")
        for p in report["pairs"]:
            if not p["ok"]:
                print(
                    f"  FAIL {p['name']}: {p['dimension']} {p['before']} -> {p['after']} "
                    f"(want {p['direction']}), others moved: {p['others_moved']}"
                )
    if report["disagreements"]:
        print("disagreements with the labels:")
        for line in report["disagreements"]:
            print(f"  {line}")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--devset",
        type=Path,
        action="append",
        help="a folder of labelled transcripts (repeatable; default: the "
        "development set and its held-out subfolder)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    folders = args.devset or [
        p for p in (DEVSET, DEVSET / "heldout", DEVSET / "heldout2") if p.is_dir()
    ]
    results: dict[str, Any] = {"sets": {}}
    everything: list[tuple[str, str, dict[str, int | None]]] = []
    for folder in folders:
        devset = load_devset(folder)
        everything += devset
        report = agreement(devset)
        report["pairs"] = check_pairs(folder)
        title_file = folder / "README.md"
        title = (
            title_file.read_text(encoding="utf-8").splitlines()[0].strip()
            if title_file.is_file()
            else folder.name
        )
        results["sets"][
            str(folder.relative_to(REPO_ROOT) if folder.is_relative_to(REPO_ROOT) else folder)
        ] = report
        print_set(title, report)
    if len(folders) > 1:
        combined = agreement(everything)
        results["combined"] = combined
        print_set("all transcripts", {**combined, "pairs": [], "disagreements": []})
    t = results["timing_per_10_min"] = timing(everything)
    print(
        f"grading time for {t['session_s']:.0f} s of transcript ({t['words']} words): "
        f"median {t['median_ms']:.1f} ms, max {t['max_ms']:.1f} ms"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
