"""How the reader of meaning agrees with human graders on short answers nobody here wrote.

    .venv/bin/python benchmarks/grader_short_answers.py [--data DIR] [--fit] [--llm N]

``../shared/data/short-answers`` (README there): Mohler's data-structures answers (Pearson r
with the two graders' mean) and SAF's networking answers (Spearman with the grader's score).
Every figure is printed for each reader on its own, then for their combination with weights
fitted on *other questions* (five folds split by question, never by answer), so that the
figure says what to expect on questions the weights never saw. ``--fit`` then fits the
weights on all the shared questions and writes ``interviewer/grading/reader_weights.json``.
``--llm N`` also asks the embedded LLM about each point of N answers (slow) and prints how
its share of points made ranks the graders' marks on those answers. ``--llm-grade N`` has the
model grade N whole answers of each set (as ``interviewer judge`` does) and prints the model
alone, the embeddings alone and their blends on the same answers.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.bench_stats import evenly_spaced  # noqa: E402
from benchmarks.grader_external import pearson, spearman  # noqa: E402
from interviewer.grading.meaning import (  # noqa: E402
    FEATURES,
    WEIGHTS_FILE,
    MeaningReader,
    ReaderWeights,
    reference_points,
)

DATA = REPO_ROOT.parent / "shared" / "data" / "short-answers"
FOLDS = 5


def read_sets(folder: Path) -> dict[str, list[dict]]:
    """{'mohler': rows, 'saf': rows}; each row: qid, question, reference, answer, gold (0-1)."""
    mohler = [
        {
            "qid": "m" + r["id"],
            "question": r["question"],
            "reference": r["desired_answer"],
            "answer": r["student_answer"],
            "gold": float(r["score_avg"]) / 5,
        }
        for r in csv.DictReader((folder / "mohler_dev.csv").open(encoding="utf-8", newline=""))
    ]
    saf = []
    for line in (folder / "saf_dev.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        saf.append(
            {
                "qid": "s" + r["qid"],
                "question": r["question"],
                "reference": r["reference"],
                "answer": r["answer"],
                "gold": float(r["score"]),
            }
        )
    return {"mohler": mohler, "saf": saf}


def fold_of(qid: str, qids: list[str]) -> int:
    return sorted(qids).index(qid) % FOLDS


def fit(rows: list[dict]) -> ReaderWeights:
    """Least squares of the gold mark on the features (each set weighted equally)."""
    x = np.array([[1.0] + [r["features"][k] for k in FEATURES] for r in rows])
    y = np.array([r["gold"] for r in rows])
    sets = [r["qid"][0] for r in rows]
    w = np.array([1.0 / sets.count(s) for s in sets])
    coef, *_ = np.linalg.lstsq(x * w[:, None] ** 0.5, y * w**0.5, rcond=None)
    return ReaderWeights(
        intercept=float(coef[0]),
        weights={k: float(c) for k, c in zip(FEATURES, coef[1:], strict=True)},
        fitted_on=f"{len(rows)} answers to {len({r['qid'] for r in rows})} questions "
        "(shared Mohler and SAF halves)",
    )


def predict(w: ReaderWeights, f: dict[str, float]) -> float:
    return min(1.0, max(0.0, w.intercept + sum(w.weights[k] * f[k] for k in FEATURES)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--fit", action="store_true", help="write the fitted weights")
    parser.add_argument("--limit", type=int, default=0, help="answers per set (0: all)")
    parser.add_argument("--llm", type=int, default=0, help="answers to ask the LLM about")
    parser.add_argument(
        "--llm-grade",
        type=int,
        default=0,
        help="answers of each set the model grades whole, beside the embeddings",
    )
    parser.add_argument("--llm-out", type=Path, help="with --llm-grade: each answer's marks")
    parser.add_argument(
        "--features", type=Path, help="keep the readings in this file and reuse them next time"
    )
    args = parser.parse_args()
    if not (args.data / "mohler_dev.csv").is_file():
        print(f"no short-answer data at {args.data} (see its README): nothing to measure")
        return 1
    sets = read_sets(args.data)
    kept = (
        json.loads(args.features.read_text(encoding="utf-8"))
        if args.features and args.features.is_file()
        else None
    )
    reader = MeaningReader()
    reader.vectors(["warm up"])
    for name, rows in sets.items():
        if args.limit:
            rows[:] = evenly_spaced(rows, args.limit)
        if kept and len(kept[name]) == len(rows):
            for r, f in zip(rows, kept[name], strict=True):
                r["features"] = f
            continue
        started = time.perf_counter()
        for r in rows:
            got = reader.read(
                reference_points(r["reference"]), r["answer"], r["question"], r["reference"]
            )
            r["features"] = got.features
            r["points"] = got.points
        r_per = (time.perf_counter() - started) / len(rows)
        print(f"== {name}: {len(rows)} answers read in {r_per * 1000:.0f} ms an answer")
    if args.features and not kept:
        args.features.write_text(
            json.dumps({n: [r["features"] for r in rows] for n, rows in sets.items()}),
            encoding="utf-8",
        )
    every = sets["mohler"] + sets["saf"]
    qids = sorted({r["qid"] for r in every})
    for r in every:
        r["fold"] = fold_of(r["qid"], qids)
    for k in range(FOLDS):
        w = fit([r for r in every if r["fold"] != k])
        for r in every:
            if r["fold"] == k:
                r["combined"] = predict(w, r["features"])
    print(f"{'reader':34} {'Mohler r':>9} {'rho':>6} {'SAF rho':>8} {'r':>6}")
    readers = [(f"{k} alone", k) for k in FEATURES] + [
        ("combined (weights from other qs)", "combined")
    ]
    for label, key in readers:

        def get(r: dict, key: str = key) -> float:
            return r["combined"] if key == "combined" else r["features"][key]

        m, s = sets["mohler"], sets["saf"]
        mg, sg = [r["gold"] for r in m], [r["gold"] for r in s]
        print(
            f"{label:34} {pearson([get(r) for r in m], mg):>+9.3f}"
            f" {spearman([get(r) for r in m], mg):>+6.3f}"
            f" {spearman([get(r) for r in s], sg):>+8.3f} {pearson([get(r) for r in s], sg):>+6.3f}"
        )
    for name in ("mohler", "saf"):
        rows = sets[name]
        per_fold = []
        for k in range(FOLDS):
            got = [r for r in rows if r["fold"] == k]
            if len({r["qid"] for r in got}) >= 2:
                stat = pearson if name == "mohler" else spearman
                per_fold.append(stat([r["combined"] for r in got], [r["gold"] for r in got]))
        shown = " ".join(f"{v:+.2f}" for v in per_fold if v is not None)
        print(f"   {name} combined, fold by fold (held-out questions): {shown}")
    if args.fit:
        w = fit(every)
        path = REPO_ROOT / "interviewer" / "grading" / WEIGHTS_FILE
        path.write_text(w.model_dump_json(indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path}: {w.weights}, intercept {w.intercept:.3f}")
    if args.llm:
        from benchmarks.llm_point_judge import judge_sample

        judge_sample(every, args.llm)
    if args.llm_grade:
        from benchmarks.llm_answer_grade import grade_sets

        grade_sets(sets, args.llm_grade, out=args.llm_out)
    _ = statistics
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
