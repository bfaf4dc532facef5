"""How well requests to the interviewer are recognised: per request kind, and against scenario
questions and answers that must NOT be read as requests.

The phrasings (``data/requests/phrasings.yaml``) are split by a hash of each base phrasing
into a dev half (tuned on) and a held-out half (scored only); each base also comes back as
a speech recogniser would give it: lower case without punctuation, with fillers, with
misheard words and a stutter. Real answers nobody here wrote (the MIT interview transcripts
in ../shared, when present) measure how often an answer is taken for a request.

    .venv/bin/python benchmarks/requests.py [--split dev|heldout|all] [--llm unsure|all]
                                            [--show-errors] [--json FILE]

``--llm unsure`` asks the embedded model only where the rules are unsure (what the policy
does); ``--llm all`` has the model classify every phrasing, to compare it with the rules.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

from interviewer import speech_acts
from interviewer.catalog.personas import load_catalog
from interviewer.interview.policy.facts import match_asked
from interviewer.speech_requests import REQUEST_KINDS, read_request

DATA = Path(__file__).with_name("data") / "requests" / "phrasings.yaml"
MIT = Path(__file__).resolve().parents[2] / "shared" / "data" / "interviews-mit" / "transcripts.csv"
NEGATIVE = ("scenario_question", "answer")
FACTS_QUESTION = "sd-fraud-payments"  # the question: whose facts a missed request meets
HELDOUT_SHARE = 0.4

# Hesitations fall anywhere; discourse words ("so", "okay") open a sentence.
_HESITATIONS = ("um", "uh", "uh", "um", "er", "hmm", "like", "you know")
_OPENERS = ("so", "okay", "um so", "uh okay", "well", "right so")
# Slips a small Whisper model makes on these words: homophones, split words, dropped articles.
_MISHEARINGS = {
    "right": "write",
    "track": "truck",
    "to": "two",
    "for": "four",
    "repeat": "re peat",
    "rephrase": "re phrase",
    "again": "a gain",
    "second": "sec",
    "question": "questions",
    "hint": "hints",
    "the": "a",
    "minute": "minutes",
    "moment": "moments",
    "know": "no",
    "i'm": "im",
    "don't": "dont",
    "you're": "your",
    "meant": "mint",
}


def split_of(base: str) -> str:
    digest = int(hashlib.sha1(base.encode()).hexdigest()[:8], 16)
    return "heldout" if (digest % 100) < HELDOUT_SHARE * 100 else "dev"


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w' ]+", " ", text.lower())).strip()


def with_fillers(text: str, rng: random.Random) -> str:
    words = plain(text).split()
    words.insert(rng.randint(0, max(0, len(words) - 1)), rng.choice(_HESITATIONS))
    if rng.random() < 0.5:
        words.insert(0, rng.choice(_OPENERS))
    return " ".join(words)


def misheard(text: str, rng: random.Random) -> str:
    words = plain(text).split()
    out = []
    for i, w in enumerate(words):
        if w in _MISHEARINGS and rng.random() < 0.6:
            out.append(_MISHEARINGS[w])
        elif w in ("a", "the") and rng.random() < 0.3:
            continue  # dropped article
        else:
            out.append(w)
        if i == 0 and rng.random() < 0.5:
            out.append(w)  # stutter: "can can you"
    return " ".join(out)


def variants(base: str) -> list[tuple[str, str]]:
    rng = random.Random(base)
    return [
        ("typed", base),
        ("plain", plain(base)),
        ("fillers", with_fillers(base, rng)),
        ("misheard", misheard(base, rng)),
    ]


def load_items(split: str) -> list[dict]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    items = []
    for label, bases in data.items():
        for base in bases:
            where = split_of(base)
            if split != "all" and where != split:
                continue
            for form, text in variants(base):
                expected = None if label in NEGATIVE else label
                items.append(
                    {"label": label, "expected": expected, "text": text, "form": form, "base": base}
                )
    return items


def mit_sentences(limit: int = 600) -> list[str]:
    """Short interviewee sentences from real interviews (no requests among them, by reading)."""
    if not MIT.is_file():
        return []
    out = []
    with MIT.open(encoding="utf-8", errors="replace") as fh:
        for row in csv.DictReader(fh):
            for turn in row.get("Details", "").split("|"):
                turn = turn.strip()
                if not turn.startswith("Interviewee"):
                    continue
                body = turn.split(":", 1)[-1]
                for s in re.split(r"(?<=[.!?])\s+", body):
                    if 3 <= len(s.split()) <= 25:
                        out.append(s.strip())
    return out[:limit]


def mit_turns() -> list[str]:
    """Whole interviewee turns from the real interviews, as the decider reads a turn."""
    if not MIT.is_file():
        return []
    with MIT.open(encoding="utf-8", errors="replace") as fh:
        return [
            turn.split(":", 1)[-1].strip()
            for row in csv.DictReader(fh)
            for turn in (t.strip() for t in row.get("Details", "").split("|"))
            if turn.startswith("Interviewee")
        ]


def print_turn_readings(turns: list[str], source: str, show: bool) -> None:
    """How often the decider's gates before the probe would take a real turn: as closing the
    question, as an acknowledgement, as a question about the interviewer's own team."""
    readings = {
        "closing the question": speech_acts.closes_turn,
        "an acknowledgement": speech_acts.acknowledges,
        "a question about the interviewer's team": speech_acts.asks_interviewers_side,
    }
    for name, reads in readings.items():
        taken = [t for t in turns if reads(t)]
        print(f"{source} read as {name}: {len(taken)} of {len(turns)}")
        if show:
            for turn in taken:
                print(f"    -> {turn[:100]}")


def make_classifier(llm_mode: str | None):
    """text -> (kind or None, how it was decided)."""
    if llm_mode is None:
        return lambda text: (read_request(text).kind, "rules"), None
    from interviewer.interview.policy.requests_llm import RequestClassifier
    from interviewer.llm import LLMSettings, make_backend

    backend = make_backend(LLMSettings(backend="embedded"))
    classifier = RequestClassifier(backend)

    def classify(text: str):
        reading = read_request(text)
        if llm_mode == "unsure" and reading.sure:
            return reading.kind, "rules"
        return classifier.classify(text), "llm"

    return classify, classifier


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    parser.add_argument("--llm", choices=("unsure", "all"), default=None)
    parser.add_argument(
        "--sample", type=int, default=0, help="only N phrasings per label (the LLM is slow)"
    )
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    items = load_items(args.split)
    if args.sample:
        rng = random.Random(16)
        by_label: dict[str, list[dict]] = {}
        for item in items:
            by_label.setdefault(item["label"], []).append(item)
        items = [
            i
            for group in by_label.values()
            for i in rng.sample(group, min(args.sample, len(group)))
        ]
    classify, _ = make_classifier(args.llm)
    started = time.perf_counter()
    per_label: dict[str, Counter] = {}
    confusion: Counter = Counter()
    errors = []
    via = Counter()
    to_facts = 0
    answered_by_fact = []
    scenario = load_catalog().question(FACTS_QUESTION)
    for item in items:
        got, how = classify(item["text"])
        via[how] += 1
        if how == "llm":  # slow: show progress
            print(
                f"  [{how}] {item['label']:<17} -> {str(got):<16} {item['text']}", file=sys.stderr
            )
        counts = per_label.setdefault(item["label"], Counter())
        counts["n"] += 1
        ok = got == item["expected"]
        counts["ok"] += ok
        confusion[(item["label"], got or "none")] += 1
        if not ok:
            errors.append((item["label"], got, item["form"], item["text"]))
            # A request read as nothing, yet asked like a question: it reaches the facts, by
            # keywords, and by the model's pick too when the rules were sure it asks nothing.
            missed = item["expected"] is not None and got is None
            if missed and speech_acts.is_mainly_clarifying(item["text"]):
                to_facts += 1
                asked = speech_acts.clarifying_questions(item["text"]) or [item["text"]]
                if match_asked(asked, scenario).facts or read_request(item["text"]).sure:
                    answered_by_fact.append(item["text"])
    seconds = time.perf_counter() - started

    total = sum(c["n"] for c in per_label.values())
    correct = sum(c["ok"] for c in per_label.values())
    print(f"split: {args.split}   phrasings: {total}   decided by: {dict(via)}   llm: {args.llm}")
    print(f"{'kind':<18}{'n':>5}{'accuracy':>10}")
    for label in [*REQUEST_KINDS, *NEGATIVE]:
        c = per_label.get(label)
        if c:
            print(f"{label:<18}{c['n']:>5}{c['ok'] / c['n']:>10.1%}")
    print(f"{'overall':<18}{total:>5}{correct / max(1, total):>10.1%}")
    requests_n = sum(per_label.get(k, Counter())["n"] for k in REQUEST_KINDS)
    taken = {
        neg: sum(v for (lab, got), v in confusion.items() if lab == neg and got != "none")
        for neg in NEGATIVE
    }
    print("confusion with scenario questions:")
    missed = sum(v for (lab, got), v in confusion.items() if lab in REQUEST_KINDS and got == "none")
    print(f"  requests read as no request: {missed} of {requests_n}")
    print(f"  ... of which asked as a question (would reach the scenario facts): {to_facts}")
    print(
        f"  requests that may be answered by a scenario fact ({FACTS_QUESTION}: by keywords,"
        f" or by the model's pick where the rules were sure): {len(answered_by_fact)}"
    )
    for text in answered_by_fact:
        print(f"    {text}")
    for neg in NEGATIVE:
        n = per_label.get(neg, Counter())["n"]
        print(f"  {neg}s read as a request: {taken[neg]} of {n}")
    real = mit_sentences()
    if real:
        hits = [(s, read_request(s).kind) for s in real]
        flagged = [(s, k) for s, k in hits if k is not None]
        print(f"real interview answers (MIT, ../shared) read as a request: {len(flagged)}", end="")
        print(f" of {len(real)}")
        if args.show_errors:
            for s, k in flagged:
                print(f"    MIT -> {k}: {s}")
        print_turn_readings(mit_turns(), "real interviewee turns (MIT)", args.show_errors)
    else:
        print("real interview answers: skipped (../shared/data/interviews-mit not present)")
    print_turn_readings([i["text"] for i in items], "the phrasings above", args.show_errors)
    print(f"time: {seconds:.2f} s ({1000 * seconds / max(1, total):.1f} ms per phrasing)")
    if args.show_errors:
        for label, got, form, text in errors:
            print(f"  {label:<17} -> {str(got):<16} [{form}] {text}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "split": args.split,
                    "llm": args.llm,
                    "accuracy": correct / max(1, total),
                    "per_kind": {k: v["ok"] / v["n"] for k, v in per_label.items()},
                    "requests_to_facts": to_facts,
                    "requests_answered_by_fact": len(answered_by_fact),
                    "negatives_as_requests": taken,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
