"""The language model's grade of whole answers, beside the sentence-embedding reader.

Called by ``grader_short_answers.py --llm-grade N``: N answers of each set spread evenly over
it (every question), graded by the model (grading/answer_grade.py) question by question, as
``interviewer judge`` does. Prints, for each set, how the model's grade alone, the embedding
reader alone (its weights fitted on other questions), the share of the reference's words
alone, and the blend ``interviewer judge`` ships (written.blended_mark) at several shares of
the model rank the graders' marks on the same answers, and the seconds an answer takes.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.bench_stats import evenly_spaced  # noqa: E402
from benchmarks.grader_external import pearson, spearman  # noqa: E402
from interviewer.grading.answer_grade import grade_answer  # noqa: E402
from interviewer.grading.written import LLM_SHARE, blended_mark  # noqa: E402
from interviewer.llm import LLMSettings, make_backend  # noqa: E402

SHARES = (0.0, 0.25, 0.5, 0.75, 1.0)


def spread(rows: list[dict], n: int) -> list[dict]:
    """n rows evenly spaced over the set, in question order (the model's cache is reused)."""
    return sorted(evenly_spaced(rows, n), key=lambda r: (r["question"], r["reference"]))


def grade_sets(
    sets: dict[str, list[dict]], n: int, model: str | None = None, out: Path | None = None
) -> dict[str, dict[str, float]]:
    backend = make_backend(LLMSettings(backend="embedded", model=model))
    figures: dict[str, dict[str, float]] = {}
    for name, rows in sets.items():
        sample = spread(rows, n)
        started = time.perf_counter()
        for i, r in enumerate(sample, start=1):
            r["llm_grade"] = grade_answer(backend, r["question"], r["reference"], r["answer"])
            if i % 25 == 0:
                print(f"   {name}: {i}/{len(sample)} graded, {time.perf_counter() - started:.0f} s")
        per = (time.perf_counter() - started) / len(sample)
        gold = [r["gold"] for r in sample]
        print(
            f"== {name}: {len(sample)} answers to {len({r['qid'] for r in sample})} questions,"
            f" {per:.2f} s an answer ({backend.model})"
        )
        figures[name] = {"answers": len(sample), "seconds_per_answer": round(per, 3)}
        readings = [("embeddings alone", [r["combined"] for r in sample])]
        readings.append(("words alone", [r["features"]["share"] for r in sample]))
        readings += [
            (
                f"model {share:.2f}, rest halved" + (" (shipped)" if share == LLM_SHARE else ""),
                [
                    blended_mark(r["llm_grade"], r["combined"], r["features"]["share"], share)
                    for r in sample
                ],
            )
            for share in SHARES
        ]
        for label, blend in readings:
            r_, rho = pearson(blend, gold), spearman(blend, gold)
            print(f"   {label:34} r {r_:+.3f}  rho {rho:+.3f}")
            figures[name][f"r {label}"] = round(r_, 3)
            figures[name][f"rho {label}"] = round(rho, 3)
        if out is not None:
            keep = ("qid", "gold", "combined", "llm_grade", "features")
            with out.open("a", encoding="utf-8") as f:
                for r in sample:
                    f.write(json.dumps({"set": name, **{k: r[k] for k in keep}}) + "\n")
    return figures
