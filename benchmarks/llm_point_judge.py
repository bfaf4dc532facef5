"""The embedded LLM as a judge of one point at a time, on a sample of the short answers.

Called by ``grader_short_answers.py --llm N``: N answers spread over both sets, each point
asked separately (grading/point_judge.py); prints how the share of points made ranks the
graders' marks on the sample, next to the sentence-embedding reader on the same answers,
and the seconds an answer takes.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.grader_external import pearson, spearman  # noqa: E402
from interviewer.grading.meaning import reference_points  # noqa: E402
from interviewer.grading.point_judge import judge_point  # noqa: E402
from interviewer.llm import LLMSettings, make_backend  # noqa: E402

MAX_POINTS = 4  # the first points of a long reference: the sample must finish


def judge_sample(rows: list[dict], n: int, model: str | None = None) -> None:
    backend = make_backend(LLMSettings(backend="embedded", model=model))
    step = max(1, len(rows) // n)
    sample = rows[::step][:n]
    shares: list[float] = []
    started = time.perf_counter()
    for r in sample:
        points = reference_points(r["reference"])[:MAX_POINTS]
        made = [judge_point(backend, r["question"], p, r["answer"])[0] for p in points]
        shares.append(sum(made) / len(points))
        print(
            f"   {r['qid']}: {sum(made)}/{len(points)} points made (graders {r['gold']:.2f},"
            f" embeddings {r.get('combined', 0.0):.2f}), {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    per = (time.perf_counter() - started) / len(sample)
    gold = [r["gold"] for r in sample]
    ours = [r.get("combined", 0.0) for r in sample]
    print(f"== LLM point judge ({backend.model}): {len(sample)} answers, {per:.1f} s an answer")
    print(
        f"   LLM share made: r {pearson(shares, gold):+.3f} rho {spearman(shares, gold):+.3f};"
        f" embeddings reader on the same answers: r {pearson(ours, gold):+.3f}"
        f" rho {spearman(ours, gold):+.3f}"
    )
    both = [0.5 * a + 0.5 * b for a, b in zip(shares, ours, strict=True)]
    print(f"   mean of the two: r {pearson(both, gold):+.3f} rho {spearman(both, gold):+.3f}")
