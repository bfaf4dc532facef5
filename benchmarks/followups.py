"""The interviewer's first follow-up on real behavioural answers (the MIT interviews).

Every answer an MIT student gave to a behavioural question (a time they led; a time they met
a challenge or a conflict in a team) is typed as the first answer to the nearest question of
the behavioural bank (``benchmarks/data/mit_behavioural.yaml`` maps the MIT questions to
bank questions), and the interviewer decides its next line with the policy the CLI builds
(the configured backend, by default the embedded model; the round's persona). Reported:

- ``redirect_rate``: answers steered back as being about something else (off-topic);
- ``fallback_rate``: follow-ups written by the rule-based fallback, not the model;
- ``filler_quote_rate``: follow-ups whose quote of the answer starts with a filler or a hedge
  ("um", "so I think", "I am going");
- ``answer_word_rate``: follow-ups that name at least one word of the answer that names
  something (not a function word, not a word of the question asked);
- seconds per follow-up (wall time of the decision, and the model's share), and why drafted
  probes were rejected (each draft re-checked with the policy's own validator).

The transcripts mark pauses with a double space where a comma was, and sounds in brackets
("[laughter]", "(sp?)"): the commas are put back and the marks dropped, as a speech recogniser
would write them. Answers shorter than the steer-back's minimum (15 words) are left out; how
many is reported. Nothing from the data is written anywhere but ``--json OUT``.

    .venv/bin/python benchmarks/followups.py --mit ../shared/data/interviews-mit --json out.json
        [--limit N] [--no-llm]

``--limit N`` takes N answers spread over the whole set (for iterating; the model is slow);
``--no-llm`` measures the rules only (every probe is the fallback).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.bench_stats import evenly_spaced  # noqa: E402
from interviewer import speech_acts  # noqa: E402
from interviewer.catalog.personas import Question, load_catalog  # noqa: E402
from interviewer.interview.policy.decide import (  # noqa: E402
    STEER_MIN_WORDS,
    InterviewerPolicy,
    QuestionState,
)
from interviewer.interview.policy.decisions import InterviewerDecision  # noqa: E402
from interviewer.interview.policy.off_topic import REDIRECT_REASON  # noqa: E402
from interviewer.interview.policy.probes import (  # noqa: E402
    naming_words,
    read_probe,
    second_person,
    validate_probe,
)
from interviewer.llm.base import ChatMessage, Completion, LLMBackend  # noqa: E402

QUESTION_MAP = REPO_ROOT / "benchmarks" / "data" / "mit_behavioural.yaml"
_MARKS = re.compile(r"\[[^\]]*\]|\((?:sp\?|laughs?|both laugh|pause|\?+)[^)]*\)", re.IGNORECASE)
_QUOTED = re.compile(r'"([^"]+)"')


@dataclass
class MitAnswer:
    code: str
    asked: str  # the MIT interviewer's words
    question_id: str  # the nearest bank question
    text: str


@dataclass
class FollowUp:
    code: str
    question_id: str
    answer: str
    act: str
    source: str
    say: str
    target: str | None
    reason: str
    seconds: float
    llm_seconds: float
    redirect: bool
    quote: str | None
    filler_quote: bool
    names_answer_words: list[str]
    drafts: list[dict[str, Any]] = field(default_factory=list)


def clean(text: str) -> str:
    """A transcript turn as a recogniser would write it: commas back, sound marks out."""
    text = _MARKS.sub(" ", text)
    text = re.sub(r"\s{2,}", ", ", text.strip())
    text = re.sub(r"(,\s*)+", ", ", text)
    text = re.sub(r",\s*([.?!])", r"\1", text)
    return text.strip(" ,")


def is_backchannel(turn: str) -> bool:
    """An interviewer's "Mm-hmm", "Ok great": the answer goes on after it."""
    return "?" not in turn and len(turn.split()) <= 3


def read_answers(directory: Path, mapping: list[dict[str, str]]) -> list[MitAnswer]:
    """Each answer to a mapped behavioural question, with the bank question it is typed to."""
    patterns = [(re.compile(m["pattern"], re.IGNORECASE), m["question"]) for m in mapping]
    found: list[MitAnswer] = []
    with (directory / "transcripts.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            turns = [t.strip() for t in row["Details"].split("|") if t.strip()]
            for i, turn in enumerate(turns):
                if not turn.startswith("Interviewer:"):
                    continue
                asked = turn.split(":", 1)[1].strip()
                qid = next((q for p, q in patterns if p.search(asked)), None)
                if qid is None:
                    continue
                said: list[str] = []
                for later in turns[i + 1 :]:
                    speaker, _, words = later.partition(":")
                    if speaker == "Interviewee":
                        said.append(words)
                    elif speaker == "Interviewer" and not is_backchannel(words):
                        break
                text = clean(" ".join(said))
                if text:
                    found.append(MitAnswer(row["Code"], asked, qid, text))
    return found


class RecordingBackend:
    """The configured backend, keeping every reply it wrote (to re-check each draft)."""

    def __init__(self, inner: LLMBackend) -> None:
        self.inner = inner
        self.name, self.model = inner.name, inner.model
        self.cancellable, self.prefill = False, None
        self.replies: list[str] = []

    def complete(self, messages: list[ChatMessage], **kwargs: Any) -> Completion:
        completion = self.inner.complete(messages, **kwargs)
        self.replies.append(completion.text)
        return completion

    def stream(self, messages: list[ChatMessage], **kwargs: Any):  # pragma: no cover
        return self.inner.stream(messages, **kwargs)


class SilentBackend:
    """``--no-llm``: a model that writes nothing, so every probe is the rule-based fallback."""

    name = model = "none"
    cancellable = False
    prefill = None
    choice_probabilities = None

    def complete(self, messages: list[ChatMessage], **kwargs: Any) -> Completion:
        return Completion(text="")

    def stream(self, messages: list[ChatMessage], **kwargs: Any):  # pragma: no cover
        return iter(())


def quote_of(decision: InterviewerDecision) -> str | None:
    """The answer's words the follow-up quotes: words in quotation marks, or the fallback's
    target ("You said you'd use X"); a model's question that merely shares words quotes
    nothing."""
    quoted = _QUOTED.search(decision.say)
    if quoted:
        return quoted.group(1)
    return decision.target if decision.source == "fallback" else None


def follow_up(policy: InterviewerPolicy, question: Question, answer: MitAnswer) -> FollowUp:
    state = QuestionState(question=question, started_at_s=0.0)
    state.history.append(("interviewer", question.prompt))
    backend = policy.backend
    before = len(getattr(backend, "replies", []))
    started = time.perf_counter()
    decision = policy.decide(state, answer.text, 30.0)
    seconds = time.perf_counter() - started
    drafts = []
    for reply in getattr(backend, "replies", [])[before:]:
        draft = read_probe(reply)
        if draft is not None:
            draft.question = second_person(draft.question)
        problems = (
            validate_probe(draft, answer.text, question, [])
            if draft
            else ["not one follow-up question"]
        )
        drafts.append({"reply": reply, "problems": problems})
    quote = quote_of(decision)
    named = naming_words(decision.say) & naming_words(answer.text)
    named -= naming_words(question.prompt)
    return FollowUp(
        code=answer.code,
        question_id=question.id,
        answer=answer.text,
        act=decision.act,
        source=decision.source,
        say=decision.say,
        target=decision.target,
        reason=decision.reason,
        seconds=round(seconds, 3),
        llm_seconds=round(decision.llm_seconds, 3),
        redirect=decision.reason.startswith(REDIRECT_REASON),
        quote=quote,
        filler_quote=bool(quote) and speech_acts.opens_with_filler(quote or ""),
        names_answer_words=sorted(named),
        drafts=drafts,
    )


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 3) if total else None


def summarise(results: list[FollowUp], skipped: int) -> dict[str, Any]:
    probes = [r for r in results if r.act == "probe"]
    quoted = [r for r in probes if r.quote]
    drafts = [d for r in probes for d in r.drafts]
    rejections: dict[str, int] = {}
    for d in drafts:
        for problem in d["problems"]:
            rejections[problem] = rejections.get(problem, 0) + 1
    seconds = [r.seconds for r in probes] or [0.0]
    acts: dict[str, int] = {}
    for r in results:
        acts[r.act] = acts.get(r.act, 0) + 1
    return {
        "answers": len(results),
        "answers_too_short_left_out": skipped,
        "acts": acts,
        "redirect_rate": _rate(sum(r.redirect for r in results), len(results)),
        "fallback_rate": _rate(sum(r.source == "fallback" for r in probes), len(probes)),
        "filler_quote_rate": _rate(sum(r.filler_quote for r in quoted), len(quoted)),
        "answer_word_rate": _rate(sum(bool(r.names_answer_words) for r in results), len(results)),
        "probes": len(probes),
        "probes_with_a_quote": len(quoted),
        "seconds_per_follow_up_p50": round(statistics.median(seconds), 2),
        "seconds_per_follow_up_mean": round(statistics.fmean(seconds), 2),
        "seconds_per_follow_up_max": round(max(seconds), 2),
        "drafts": len(drafts),
        "drafts_rejected": sum(bool(d["problems"]) for d in drafts),
        "rejections": rejections,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mit", type=Path, required=True, help="folder with transcripts.csv")
    parser.add_argument("--json", type=Path, help="write the figures and every follow-up here")
    parser.add_argument("--limit", type=int, default=None, help="at most N answers, spread out")
    parser.add_argument("--no-llm", action="store_true", help="rules only: every probe falls back")
    args = parser.parse_args(argv)
    if not (args.mit / "transcripts.csv").is_file():
        print(f"no MIT transcripts at {args.mit} (see its README): nothing to measure")
        return 1
    mapping = yaml.safe_load(QUESTION_MAP.read_text())["questions"]
    found = read_answers(args.mit, mapping)
    answers = [a for a in found if len(a.text.split()) >= STEER_MIN_WORDS]
    skipped = len(found) - len(answers)
    # One question after the other: its prompt stays in the model's cache, as in an interview.
    answers = sorted(evenly_spaced(answers, args.limit), key=lambda a: a.question_id)
    catalog = load_catalog()
    persona = catalog.persona_for_round("behavioural")
    if args.no_llm:
        backend: Any = SilentBackend()
    else:
        from interviewer.llm.factory import make_backend
        from interviewer.llm.settings import LLMSettings

        backend = RecordingBackend(make_backend(LLMSettings()))
    policy = InterviewerPolicy(backend, persona)
    results: list[FollowUp] = []
    report: dict[str, Any] = summarise(results, skipped)
    for n, answer in enumerate(answers, start=1):
        result = follow_up(policy, catalog.question(answer.question_id), answer)
        results.append(result)
        print(
            f"[{n}/{len(answers)}] {answer.code} {answer.question_id} {result.source:8} "
            f"{result.seconds:5.1f}s  {result.say}",
            flush=True,
        )
        for draft in result.drafts:
            print(f"    draft {draft['reply']!r}: {'; '.join(draft['problems']) or 'ok'}")
        report = summarise(results, skipped) | {
            "backend": backend.name,
            "model": backend.model,
            "complete": n == len(answers),
            "follow_ups": [asdict(r) for r in results],
        }
        if args.json:  # after every answer: a slow run cut short keeps what it measured
            args.json.write_text(json.dumps(report, indent=2))
    figures = {k: v for k, v in report.items() if k != "follow_ups"}
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
