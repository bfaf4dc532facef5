"""Speed of the embedded LLM, side by side for both bundled models.

    .venv/bin/python benchmarks/llm_speed.py [--threads 2] [--models qwen,smollm2] [--json FILE]

Per model: load time; prompt tokens per second (cold KV cache, an interview-sized prompt);
generation tokens per second; and the KV-prefix reuse that makes a conversation cheap — time
to first token of a follow-up turn with the cache cold versus warm (the previous turn's prompt
still cached, so only the new tokens are evaluated). Also the one-off assembly time of the
bundled model (zero when it is already assembled and stamped). Last, "ttft prefill": the
same follow-up when all but the last 8 words of the answer were prefilled while it was spoken.

Figures depend on what else the machine is doing: run it alone.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from interviewer.llm.base import ChatMessage  # noqa: E402
from interviewer.llm.embedded import EmbeddedBackend  # noqa: E402
from interviewer.llm.gguf import bundled_model_path, smollm2_model_path  # noqa: E402

SYSTEM = (
    "You are Dana, a senior machine-learning engineer interviewing a candidate for an ML "
    "engineer role. The round is ML system design. The question: design the ranking system "
    "for a short-video feed with 50 million daily users. Scenario facts you may reveal only "
    "when asked: 20,000 candidate videos per request after retrieval; a 150 ms p99 latency "
    "budget for ranking; labels are watch time, likes, shares and skips, logged with a delay "
    "of up to one hour; success is measured by 7-day retention in an A/B test; new videos "
    "must get exposure within minutes of upload. A strong answer covers candidate generation "
    "versus ranking, multi-objective labels, position bias, cold start for new videos and new "
    "users, feature freshness, offline and online evaluation, and serving cost. Ask one short "
    "'why' question at a time about a specific choice the candidate made, naming it. Never "
    "give the answer away. If the candidate says they do not know, give a small hint instead."
)
ANSWERS = [
    "I would start with two stages. A two-tower retrieval model narrows the catalogue to a few "
    "thousand candidates, then a heavier ranker scores them. For the ranker I would use a "
    "multi-task neural network predicting watch time, likes and skips, and combine them with "
    "tuned weights, because optimising watch time alone tends to promote clickbait.",
    "For cold start I would reserve a small exploration budget, maybe five percent of "
    "impressions, for new videos, and use content embeddings from the video and its audio so "
    "the ranker has something to go on before any engagement arrives.",
    "Offline I would track normalised discounted cumulative gain and calibration of each head; "
    "online I would run an A/B test on retention, with guardrails on creator-side metrics.",
]
FOLLOW_UPS = [
    "Why tuned weights rather than learning the combination?",
    "Why five percent for exploration?",
]


def conversation(n_answers: int) -> list[ChatMessage]:
    """System prompt + the first ``n_answers`` candidate turns, with follow-ups between."""
    messages = [ChatMessage(role="system", content=SYSTEM)]
    for i in range(n_answers):
        messages.append(ChatMessage(role="user", content=ANSWERS[i]))
        if i < n_answers - 1:
            messages.append(ChatMessage(role="assistant", content=FOLLOW_UPS[i]))
    return messages


def measure(backend: EmbeddedBackend, repeats: int) -> dict[str, Any]:
    prompt_tps: list[float] = []
    gen_tps: list[float] = []
    cold_ttft: list[float] = []
    warm_ttft: list[float] = []
    prefilled_ttft: list[float] = []
    prompt_tokens = 0
    followup_tokens = 0
    # Warm-up: the first decode after loading pages the weights in and is several times slower.
    backend.complete(conversation(1), max_tokens=4, temperature=0.0)
    for _ in range(repeats):
        # Cold prompt + generation: a whole interview-sized prompt, nothing cached.
        backend.forget_cache()
        for _delta in backend.stream(conversation(3), max_tokens=64, temperature=0.0):
            pass
        done = backend.last_completion
        assert done is not None and done.prompt_seconds is not None
        prompt_tokens = done.prompt_tokens
        prompt_tps.append(done.prompt_tokens / done.prompt_seconds)
        if done.completion_tokens > 1:
            gen_tps.append((done.completion_tokens - 1) / (done.seconds - done.prompt_seconds))

        # KV reuse: turn 3 after turn 2 was asked (warm) versus turn 3 from scratch (cold).
        backend.forget_cache()
        backend.complete(conversation(2), max_tokens=1, temperature=0.0)
        warm = backend.complete(conversation(3), max_tokens=1, temperature=0.0)
        backend.forget_cache()
        cold = backend.complete(conversation(3), max_tokens=1, temperature=0.0)
        assert warm.prompt_seconds is not None and cold.prompt_seconds is not None
        warm_ttft.append(warm.prompt_seconds)
        cold_ttft.append(cold.prompt_seconds)
        followup_tokens = cold.prompt_tokens

        # Prefill: the partial answer (all but its last 8 words) evaluated while the candidate
        # talks; at turn end only the rest is left.
        backend.forget_cache()
        partial = conversation(3)
        last = partial[-1]
        words = last.content.split()
        partial[-1] = ChatMessage(role="user", content=" ".join(words[:-8]))
        backend.prefill(partial)
        after_prefill = backend.complete(conversation(3), max_tokens=1, temperature=0.0)
        assert after_prefill.prompt_seconds is not None
        prefilled_ttft.append(after_prefill.prompt_seconds)
    return {
        "prompt_tokens": prompt_tokens,
        "prompt_tps": statistics.median(prompt_tps),
        "gen_tps": statistics.median(gen_tps) if gen_tps else 0.0,
        "followup_prompt_tokens": followup_tokens,
        "followup_ttft_cold_s": statistics.median(cold_ttft),
        "followup_ttft_warm_s": statistics.median(warm_ttft),
        "kv_reuse_speedup": statistics.median(cold_ttft) / statistics.median(warm_ttft),
        "followup_ttft_prefilled_s": statistics.median(prefilled_ttft),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--models", default="qwen,smollm2")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    started = time.perf_counter()
    qwen_path = bundled_model_path()
    assemble_s = time.perf_counter() - started
    paths = {"qwen": qwen_path, "smollm2": smollm2_model_path()}

    results: dict[str, Any] = {"threads": args.threads, "assemble_s": assemble_s, "models": {}}
    for name in args.models.split(","):
        started = time.perf_counter()
        backend = EmbeddedBackend(paths[name], n_ctx=4096, n_threads=args.threads, seed=0)
        load_s = time.perf_counter() - started
        results["models"][name] = {
            "file": paths[name].name,
            "load_s": load_s,
            **measure(backend, args.repeats),
        }

    print(f"embedded LLM speed, {args.threads} threads (assembly: {assemble_s:.1f} s)")
    header = (
        f"{'model':<9}{'load s':>8}{'prompt tok':>11}{'prompt tok/s':>14}{'gen tok/s':>11}"
        f"{'ttft cold s':>13}{'ttft warm s':>13}{'kv speedup':>12}{'ttft prefill s':>16}"
    )
    print(header)
    for name, r in results["models"].items():
        print(
            f"{name:<9}{r['load_s']:>8.2f}{r['prompt_tokens']:>11d}{r['prompt_tps']:>14.1f}"
            f"{r['gen_tps']:>11.1f}{r['followup_ttft_cold_s']:>13.2f}"
            f"{r['followup_ttft_warm_s']:>13.2f}{r['kv_reuse_speedup']:>11.1f}x"
            f"{r['followup_ttft_prefilled_s']:>16.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
