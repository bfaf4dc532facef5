"""Does the embedded model understand more of a graded answer than the digit it writes?

    .venv/bin/python benchmarks/answer_probe.py --states STATES.jsonl

A probe: a ridge regression from the model's final hidden state after the grade prompt
(``answer_grade.grade_messages``; the vector its digit is read from) to the human graders'
mark, fitted on shared answers and measured on questions it never saw. Measured 2026-12-05
and not shipped: alone it beats the written digit, but in ``interviewer judge``'s blend it
adds nothing on SAF (docs/rubrics.md).

Every shared Mohler and SAF answer (``../shared/data/short-answers``, README there) goes once
through the embedded model (about 0.5 s a Mohler answer, 1.5 s a SAF one on two cores; the
states are kept in ``--states`` and reused, so an interrupted run resumes). Then, with the
questions split into folds (never the answers of one question apart), each fold's answers are
predicted from weights fitted on the other folds' questions, the ridge penalty itself chosen
by the same kind of split inside the training questions. The figures printed are those
held-out predictions: Pearson r on Mohler, Spearman on SAF (the issue's measures), and the
mean Spearman inside one question, for the digit, the probe, the blend ``interviewer judge``
ships (``written.blended_mark``) and that blend with the probe in the digit's place.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.grader_external import pearson, spearman  # noqa: E402
from benchmarks.grader_short_answers import DATA, read_sets  # noqa: E402
from interviewer.grading.meaning import MeaningReader, reference_points  # noqa: E402
from interviewer.grading.written import blended_mark  # noqa: E402

FOLDS = 10
ALPHAS = (300.0, 1000.0, 3000.0, 10000.0, 30000.0)


def collect_states(path: Path, data: Path) -> list[dict]:
    """Each shared answer's row with ``state`` (float32) and ``probabilities``, read from
    ``path`` and completed there with the embedded model where missing."""
    from interviewer.grading.answer_grade import GRADES, expected_grade, grade_messages
    from interviewer.llm import LLMSettings, make_backend
    from interviewer.llm.embedded import EmbeddedBackend

    kept: dict[str, dict] = {}
    if path.is_file():
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            kept[row["key"]] = row
    rows: list[dict] = []
    backend = None
    with path.open("a", encoding="utf-8") as sink:
        for name, answers in read_sets(data).items():
            # Grouped by question, so each question's prompt is read once (the KV cache).
            order = sorted(range(len(answers)), key=lambda i: (answers[i]["qid"], i))
            started, fresh = time.perf_counter(), 0
            for i in order:
                a, key = answers[i], f"{name}:{i}"
                if key not in kept:
                    if backend is None:
                        backend = make_backend(LLMSettings(backend="embedded"))
                        assert isinstance(backend, EmbeddedBackend)
                    probabilities, state = backend.prompt_state(
                        grade_messages(a["question"], a["reference"], a["answer"]), GRADES
                    )
                    kept[key] = {
                        "key": key,
                        "probabilities": probabilities,
                        "state": base64.b64encode(state.astype(np.float32).tobytes()).decode(),
                    }
                    sink.write(json.dumps(kept[key]) + "\n")
                    sink.flush()
                    fresh += 1
                    if fresh % 100 == 0:
                        per = (time.perf_counter() - started) / fresh
                        print(f"  {name}: {fresh} answers read, {per:.2f} s an answer")
                row = kept[key]
                rows.append(
                    {
                        "set": name,
                        "qid": a["qid"],
                        "gold": a["gold"],
                        "state": np.frombuffer(base64.b64decode(row["state"]), np.float32),
                        "digit": expected_grade(row["probabilities"]),
                        "question": a["question"],
                        "reference": a["reference"],
                        "answer": a["answer"],
                    }
                )
    return rows


def ridge(x: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    """Weights over the raw features and the intercept, the penalty on standardised ones."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    beta = np.linalg.solve(z.T @ z + alpha * np.eye(z.shape[1]), z.T @ (y - y.mean()))
    weights = beta / scale
    return weights, float(y.mean() - mean @ weights)


def folds_of(qids: np.ndarray, folds: int, seed: int = 0) -> np.ndarray:
    unique = sorted(set(qids.tolist()))
    order = np.random.default_rng(seed).permutation(len(unique))
    fold = {q: int(order[n]) % folds for n, q in enumerate(unique)}
    return np.array([fold[q] for q in qids])


def choose_alpha(x: np.ndarray, y: np.ndarray, qids: np.ndarray) -> float:
    """The penalty with the least squared error on questions held out of ``x`` itself."""
    fold = folds_of(qids, 5, seed=1)
    errors = []
    for alpha in ALPHAS:
        error = 0.0
        for k in range(5):
            w, b = ridge(x[fold != k], y[fold != k], alpha)
            error += float(np.sum((x[fold == k] @ w + b - y[fold == k]) ** 2))
        errors.append(error)
    return ALPHAS[int(np.argmin(errors))]


def within_question(pred: np.ndarray, gold: np.ndarray, qids: np.ndarray) -> float:
    values = []
    for q in sorted(set(qids.tolist())):
        k = qids == q
        if len(set(gold[k].tolist())) > 1:
            values.append(spearman(pred[k].tolist(), gold[k].tolist()))
    return float(np.mean(values))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--states", type=Path, required=True, help="kept model states")
    args = parser.parse_args()
    if not (args.data / "mohler_dev.csv").is_file():
        print(f"no short-answer data at {args.data} (see its README): nothing to measure")
        return 1
    rows = collect_states(args.states, args.data)
    x = np.stack([r["state"] for r in rows]).astype(np.float64)
    y = np.array([r["gold"] for r in rows])
    digit = np.array([r["digit"] for r in rows])
    sets = np.array([r["set"] for r in rows])
    qids = np.array([r["qid"] for r in rows])
    fold = folds_of(qids, FOLDS)
    held_out = np.zeros(len(rows))
    chosen = []
    for k in range(FOLDS):
        train = fold != k
        alpha = choose_alpha(x[train], y[train], qids[train])
        chosen.append(alpha)
        w, b = ridge(x[train], y[train], alpha)
        held_out[fold == k] = np.clip(x[fold == k] @ w + b, 0.0, 1.0)
    print(f"{len(rows)} answers, {len(set(qids.tolist()))} questions, {FOLDS} folds by question")
    print(f"penalties chosen inside the folds: {sorted(set(chosen))}")
    reader = MeaningReader()
    mark, share = np.zeros(len(rows)), np.zeros(len(rows))
    for n, r in enumerate(rows):
        got = reader.read(
            reference_points(r["reference"]), r["answer"], r["question"], r["reference"]
        )
        mark[n], share[n] = got.mark, got.features["share"]
    heads = ("Mohler r", "rho", "within", "SAF rho", "r", "within")
    print(f"{'reader':26} " + " ".join(f"{h:>8}" for h in heads))
    readers = (
        ("written digit", digit),
        ("probe (held-out qs)", held_out),
        ("shipped blend", blended_mark(digit, mark, share)),
        ("blend, probe for digit", blended_mark(held_out, mark, share)),
    )
    for label, pred in readers:
        cells = []
        for name in ("mohler", "saf"):
            m = sets == name
            p, g = pred[m].tolist(), y[m].tolist()
            inside = within_question(pred[m], y[m], qids[m])
            cells.append((pearson(p, g), spearman(p, g), inside))
        (mr, mrho, mw), (sr, srho, sw) = cells
        print(f"{label:26} " + " ".join(f"{v:>+8.3f}" for v in (mr, mrho, mw, srho, sr, sw)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
