"""Speed of llama.cpp builds with different CPU flags, side by side in one run.

    python3 benchmarks/llama_build.py [--variants portable,avx2,native,native-no-amx]
        [--workdir /tmp/llama-builds] [--rounds 3] [--threads 2] [--json FILE]

Each variant is llama-cpp-python (the version pyproject.toml pins) compiled into its own
virtual environment under --workdir (once; ~5 min each on 2 cores), with these CMAKE_ARGS:

- portable:       what install.sh chooses for this CPU (interviewer/llm/cpu_build.py)
- avx2:           the portable flags of a CPU without AVX-512 (AVX2, FMA, F16C, BMI2)
- native:         ggml's default, -march=native (the old install; AMX kernels where advertised)
- native-no-amx:  -march=native with the AMX instruction sets switched off in the compiler

Then, in interleaved rounds (A B C A B C ...), a child process per variant loads the bundled
interviewer model and measures prompt tokens/s (a 246-token interview prompt, cold cache) and
generation tokens/s (64 tokens). A child killed by a signal is reported as such (the old
native build dies with SIGILL on a machine that advertises AMX but refuses it). Figures are
medians over rounds, and ratios to the portable build measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from interviewer.llm.cpu_build import (  # noqa: E402
    cmake_args,
    cpu_flags,
    this_machine_cmake_args,
)

AVX2_CPU = "flags : sse4_2 avx avx2 fma f16c bmi2"
NO_AMX = "-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
VARIANTS = {
    "portable": this_machine_cmake_args,
    "avx2": lambda: cmake_args(cpu_flags(AVX2_CPU)),
    "native": lambda: "-DGGML_NATIVE=ON",
    "native-no-amx": lambda: (
        f'-DGGML_NATIVE=ON -DCMAKE_C_FLAGS="{NO_AMX}" -DCMAKE_CXX_FLAGS="{NO_AMX}"'
    ),
}

_CHILD = r"""
import json, sys, time
from llama_cpp import Llama
model, threads, prompt = sys.argv[1], int(sys.argv[2]), sys.argv[3]
llm = Llama(model_path=model, n_ctx=1024, n_threads=threads, n_threads_batch=threads,
            verbose=False)
tokens = llm.tokenize(prompt.encode())
t0 = time.perf_counter()
llm.eval(tokens)
prompt_s = time.perf_counter() - t0
generated, t0 = 0, time.perf_counter()
for token in llm.generate(tokens, temp=0.0, reset=False):
    generated += 1
    if generated >= 64:
        break
gen_s = time.perf_counter() - t0
print(json.dumps({"prompt_tokens": len(tokens), "prompt_tps": len(tokens) / prompt_s,
                  "gen_tps": generated / gen_s}))
"""

PROMPT = (
    "You are Dana, a senior machine-learning engineer interviewing a candidate for an ML "
    "engineer role. The round is ML system design. The question: design the ranking system "
    "for a short-video feed with 50 million daily users. Scenario facts you may reveal only "
    "when asked: 20,000 candidate videos per request after retrieval; a 150 ms p99 latency "
    "budget for ranking; labels are watch time, likes, shares and skips, logged with a delay "
    "of up to one hour; success is measured by 7-day retention in an A/B test; new videos "
    "must get exposure within minutes of upload. The candidate answered: I would split it "
    "into two stages, a cheap retrieval stage with a two tower model that narrows twenty "
    "thousand videos to a few hundred, and a heavier ranker with cross features that orders "
    "those few hundred, because the ranker cannot score twenty thousand items in 150 "
    "milliseconds. For labels I would use watch completion rather than clicks, since clicks "
    "reward clickbait. Ask one short why question about a choice in the answer."
)


def pinned_version() -> str:
    text = (REPO_ROOT / "pyproject.toml").read_text()
    match = re.search(r'"llama-cpp-python==([0-9.]+)"', text)
    if not match:
        raise SystemExit("pyproject.toml does not pin llama-cpp-python")
    return match.group(1)


def build(variant: str, workdir: Path) -> Path:
    """The venv's python for a variant, compiling it the first time."""
    venv = workdir / variant
    python = venv / "bin" / "python"
    args = VARIANTS[variant]()
    installed = REPO_ROOT / ".venv"
    if (installed / "llama-cpp-build").is_file() and (
        installed / "llama-cpp-build"
    ).read_text().split(" ", 1)[-1].strip() == args:
        return installed / "bin" / "python"  # the project's own build has these flags
    stamp = venv / "cmake-args"
    if python.exists() and stamp.exists() and stamp.read_text() == args:
        return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    env = {**os.environ, "CMAKE_ARGS": args, "CMAKE_BUILD_PARALLEL_LEVEL": str(os.cpu_count())}
    print(f"building {variant}: CMAKE_ARGS={args}", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-cache-dir", "--no-binary",
         "llama-cpp-python", f"llama-cpp-python=={pinned_version()}"],
        check=True, env=env,
    )  # fmt: skip
    print(f"built {variant} in {time.perf_counter() - started:.0f} s", flush=True)
    stamp.write_text(args)
    return python


def measure(python: Path, model: Path, threads: int) -> dict[str, float] | str:
    proc = subprocess.run(
        [str(python), "-c", _CHILD, str(model), str(threads), PROMPT],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode < 0:
        return f"crashed ({signal.Signals(-proc.returncode).name})"
    if proc.returncode != 0:
        return f"failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", default="portable,avx2,native,native-no-amx")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/llama-builds"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    from interviewer.llm.gguf import bundled_model_path

    model = bundled_model_path()
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    pythons = {v: build(v, args.workdir) for v in variants}
    runs: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
    failures: dict[str, str] = {}
    for _ in range(args.rounds):
        for variant in variants:
            if variant in failures:
                continue
            result = measure(pythons[variant], model, args.threads)
            if isinstance(result, str):
                failures[variant] = result
            else:
                runs[variant].append(result)

    rows = {}
    for variant in variants:
        if variant in failures:
            rows[variant] = {"cmake_args": VARIANTS[variant](), "error": failures[variant]}
            continue
        rows[variant] = {
            "cmake_args": VARIANTS[variant](),
            "prompt_tps": round(statistics.median(r["prompt_tps"] for r in runs[variant]), 1),
            "gen_tps": round(statistics.median(r["gen_tps"] for r in runs[variant]), 1),
        }
    base = rows.get("portable", {})
    print(f"model: {model.name}, {args.threads} threads, medians of {args.rounds} rounds")
    print(f"{'build':15} {'prompt tok/s':>12} {'gen tok/s':>10} {'prompt x':>9} {'gen x':>7}")
    for variant, row in rows.items():
        if "error" in row:
            print(f"{variant:15} {row['error']}")
            continue
        px = row["prompt_tps"] / base["prompt_tps"] if "prompt_tps" in base else float("nan")
        gx = row["gen_tps"] / base["gen_tps"] if "gen_tps" in base else float("nan")
        print(f"{variant:15} {row['prompt_tps']:12.1f} {row['gen_tps']:10.1f} {px:9.2f} {gx:7.2f}")
    if args.json:
        args.json.write_text(json.dumps({"threads": args.threads, "variants": rows}, indent=2))


if __name__ == "__main__":
    main()
