"""How long a run of the hidden tests takes, and what each layer of isolation costs.

    .venv/bin/python benchmarks/sandbox_runs.py [--repeats 5] [--json FILE]

For every coding question that carries code, its reference solution is run through the
sandbox, side by side in one run: with the isolation this machine supports (unshare or
bubblewrap, detected) and with none (INTERVIEWER_SANDBOX_ISOLATION=none). Reported: the
median seconds per run per question, the overall median and p90, and the ratio of isolated
to unisolated. Also the time to stop an endless loop (a C-level one, which only the
wall-clock kill can end) against the wall limit.

Figures depend on what else the machine is doing: run it alone.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from interviewer.coding import sandbox  # noqa: E402
from interviewer.coding.sandbox import SandboxLimits, run_tests  # noqa: E402
from interviewer.coding.tasks import find_task, task_ids  # noqa: E402


def timed_runs(repeats: int, isolated: bool) -> dict[str, list[float]]:
    sandbox.isolation.cache_clear()
    if isolated:
        os.environ.pop("INTERVIEWER_SANDBOX_ISOLATION", None)
    else:
        os.environ["INTERVIEWER_SANDBOX_ISOLATION"] = "none"
    out: dict[str, list[float]] = {}
    for question_id in task_ids():
        task = find_task(question_id)
        assert task is not None
        tests = task.tests_source()
        for _ in range(repeats):
            started = time.perf_counter()
            result = run_tests(task.reference, tests)
            out.setdefault(question_id, []).append(time.perf_counter() - started)
            assert result.all_passed, (question_id, result.sentence())
    return out


def endless_loop_stop_s(limits: SandboxLimits) -> float:
    task = find_task("cd-precision-recall")
    assert task is not None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "loop.py"
        path.write_text(
            "import itertools\ndef precision_recall(a, b):\n    sum(itertools.count())\n"
        )
        started = time.perf_counter()
        result = run_tests(path, task.tests_source(), limits)
        assert result.timed_out
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    name, _ = sandbox.isolation()
    limits = SandboxLimits()
    rows = {}
    iso = timed_runs(args.repeats, isolated=True)
    bare = timed_runs(args.repeats, isolated=False)
    for question_id in iso:
        rows[question_id] = {
            "isolated_s": round(statistics.median(iso[question_id]), 3),
            "none_s": round(statistics.median(bare[question_id]), 3),
        }
    all_iso = sorted(t for ts in iso.values() for t in ts)
    all_bare = sorted(t for ts in bare.values() for t in ts)
    summary = {
        "isolation": name,
        "limits": limits.model_dump(),
        "runs": len(all_iso),
        "median_s": round(statistics.median(all_iso), 3),
        "p90_s": round(all_iso[int(0.9 * (len(all_iso) - 1))], 3),
        "median_none_s": round(statistics.median(all_bare), 3),
        "ratio_isolated_to_none": round(
            statistics.median(all_iso) / statistics.median(all_bare), 2
        ),
        "endless_loop_stopped_after_s": round(endless_loop_stop_s(limits), 2),
        "per_question": rows,
    }
    print(f"isolation: {name}; limits: {limits.describe()}")
    for question_id, row in rows.items():
        print(
            f"  {question_id:28s} {row['isolated_s']:.3f} s   (no isolation {row['none_s']:.3f} s)"
        )
    print(
        f"median {summary['median_s']:.3f} s, p90 {summary['p90_s']:.3f} s per run "
        f"({summary['runs']} runs); isolated/none {summary['ratio_isolated_to_none']}; "
        f"endless loop stopped after {summary['endless_loop_stopped_after_s']} s "
        f"(wall limit {limits.wall_s:g} s)"
    )
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
