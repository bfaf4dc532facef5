"""Self-check: every bank question, answered by its strong and its weak simulated candidate,
through the real interviewer and the real grader.

    .venv/bin/python benchmarks/self_check.py [--fast] [--text] [--model smollm2]
        [--rounds coding,modelling] [--limit N] [--json FILE] [--keep DIR]
    .venv/bin/python benchmarks/self_check.py --regrade DIR [--json FILE]

Per round it reports:

- how many of the interviewer's probes name the candidate's own words (at least two content
  words of the answer just given, one of them not in the question itself);
- how many scripted clarifying questions were answered with a fact from the bank;
- how many scripted off-topic turns the interviewer steered back to the question;
- on how many questions the strong candidate's overall score beats the weak one's, and by how
  much. ``--json FILE`` writes every figure; ``strong_beats_weak_share`` (0 to 1) is top level.

By default the candidates speak through espeak-ng and are transcribed by the bundled Whisper
model, and the bundled 1.5B interviewer model writes the probes: the whole loop, and slow (100
interviews). ``--text`` hands the candidates' words over as typed text (no speech synthesis or
recognition), ``--model smollm2`` uses the quick model, ``--fast`` does both.

``--no-llm`` (with ``--text``: seconds for all 100) skips the interviewer's LLM steps: every
probe is the policy's deterministic fallback (the one it uses when a drafted probe fails
validation) and a clarifying question no keyword matches gets "not specified". Which act the
interviewer takes is decided by the policy's gates in code either way, and the grader reads
only the candidate's words, so the strong/weak comparison and the clarify and redirect figures
measure the same thing; the probe figure then measures the fallback probes, not the LLM's.

Interviews are the slow part and grading is cheap, so ``--keep DIR`` saves every session (with
what the script said, in ``self_check.json``) and ``--regrade DIR`` recomputes every figure from
them with the current grader, without running an interview again.

The same team writes these answers, the interviewer and the grader, so this is a regression
harness and a demo, not evidence that the grades are right: validity figures come from
material nobody here wrote (../shared/data, benchmarks/grader_agreement.py).
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from interviewer.catalog.personas import Question, load_catalog  # noqa: E402
from interviewer.catalog.rounds import ROUND_TYPES, parse_round_list  # noqa: E402
from interviewer.grading import grade_session  # noqa: E402
from interviewer.interview.answers.simulated import (  # noqa: E402
    LEVELS,
    SaidLine,
    SimulatedCandidate,
    simulated_speaker,
    steers_back,
)
from interviewer.interview.pipeline import interview_runner  # noqa: E402
from interviewer.interview.policy.decide import content_words  # noqa: E402
from interviewer.interview.runner import RunConfig  # noqa: E402
from interviewer.interview.voice import InterviewerVoice  # noqa: E402
from interviewer.session.models import Session, Turn  # noqa: E402
from interviewer.session.store import new_session_id  # noqa: E402

TARGET_SHARE = 0.9  # the bar: strong beats weak on at least 90% of questions


# --- what one interview shows -----------------------------------------------------------------


def names_own_words(probe: str, answer: str, question_prompt: str) -> bool:
    """The probe repeats two of the answer's content words, one not from the question."""
    said = set(content_words(answer))
    named = set(content_words(probe)) & said
    return len(named) >= 2 and bool(named - set(content_words(question_prompt)))


@dataclass
class Counts:
    """Hits out of chances, for one figure."""

    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.hits += int(hit)
        self.total += 1

    def merge(self, other: Counts) -> None:
        self.hits += other.hits
        self.total += other.total

    @property
    def share(self) -> float | None:
        return round(self.hits / self.total, 3) if self.total else None


@dataclass
class InterviewFigures:
    probes_naming_words: Counts = field(default_factory=Counts)
    clarifying_answered_with_fact: Counts = field(default_factory=Counts)
    off_topic_redirected: Counts = field(default_factory=Counts)


def _reply_to(turns: list[Turn], index: int) -> Turn | None:
    """The interviewer's next turn after turns[index], if any."""
    for turn in turns[index + 1 :]:
        if turn.speaker == "interviewer":
            return turn
    return None


def interview_figures(
    session: Session, said: list[SaidLine], question: Question
) -> InterviewFigures:
    """The three interviewer figures from one recorded interview and what the script said."""
    figures = InterviewFigures()
    turns = session.turns
    candidate_turns = [i for i, t in enumerate(turns) if t.speaker == "candidate"]
    # One scripted line per candidate turn, in order (the source never returns None).
    for index, line in zip(candidate_turns, said, strict=False):
        reply = _reply_to(turns, index)
        if line.kind == "clarifying":
            figures.clarifying_answered_with_fact.add(
                reply is not None
                and reply.act == "clarify"
                and bool(reply.meta.get("revealed_topics"))
            )
        elif line.kind == "off_topic":
            figures.off_topic_redirected.add(
                reply is not None and steers_back(reply.act or "", reply.text, question.prompt)
            )
    for i, turn in enumerate(turns):
        if turn.speaker == "interviewer" and turn.act == "probe":
            answers = [t for t in turns[:i] if t.speaker == "candidate"]
            if answers:
                figures.probes_naming_words.add(
                    names_own_words(turn.text, answers[-1].text, question.prompt)
                )
    return figures


# --- running the interviews -------------------------------------------------------------------


@dataclass
class Interview:
    question_id: str
    round: str
    level: str
    overall: float | None
    scores: dict[str, int | None]
    figures: InterviewFigures
    seconds: float
    candidate_turns: int
    transcript: list[tuple[str, str, str]]  # (speaker, act, text)


class NoLLM:
    """``--no-llm``: a backend that drafts nothing, so the policy falls back to its own
    deterministic probe (and to "not specified" for a clarifying question no keyword
    matches). Not a stand-in for the interviewer model: the figures say which mode ran."""

    name = "none"
    model = "none (the policy's fallback probes)"
    cancellable = False
    prefill = None
    choice_probabilities = None

    def complete(self, messages, *, json_schema=None, max_tokens=256, temperature=0.2, stop=None):
        from interviewer.llm.base import Completion

        return Completion(text="")

    def stream(self, messages, *, max_tokens=256, temperature=0.2):
        return iter(())


class Harness:
    """Models loaded once; one fresh session per interview."""

    def __init__(self, *, text: bool, model: str | None, out: Path, depth: int) -> None:
        from interviewer.llm import LLMSettings, make_backend
        from interviewer.speech.stt import load_transcriber

        self.text = text
        self.out = out
        self.depth = depth
        self.catalog = load_catalog()
        # Typed answers are never transcribed: no speech model to load.
        self.transcriber = None if text else load_transcriber("bundled")
        self.backend = NoLLM() if model == "none" else make_backend(LLMSettings(model=model))
        self.speaker = None
        if not text:
            self.speaker = simulated_speaker()

    def run(self, question: Question, level: str) -> Interview:
        persona = self.catalog.persona_for_round(question.round)
        candidate = SimulatedCandidate(self.speaker, level)  # type: ignore[arg-type]
        session = Session(
            id=new_session_id(),
            rounds=[question.round],
            persona=persona.id,
            settings={"self_check": level, "question_id": question.id, "text": self.text},
        )
        session.models.stt = self.transcriber.description if self.transcriber else None
        session.models.llm = self.backend.model
        runner = interview_runner(
            self.out,
            session,
            backend=self.backend,
            transcriber=self.transcriber,  # type: ignore[arg-type]  # None: typed answers only
            answers=candidate,
            voice=InterviewerVoice(None, play=False),
            config=RunConfig(max_depth=self.depth),
        )
        writer = runner.writer
        started = time.perf_counter()
        runner.run_rounds([(persona, [question])])
        seconds = time.perf_counter() - started
        record = {
            "question_id": question.id,
            "level": level,
            "seconds": round(seconds, 1),
            "said": [asdict(line) for line in candidate.said],
        }
        (writer.folder / SIDECAR).write_text(json.dumps(record, indent=2), encoding="utf-8")
        return graded(writer.session, record, question)


SIDECAR = "self_check.json"


def graded(session: Session, record: dict[str, Any], question: Question) -> Interview:
    """One interview's figures and scores, graded now."""
    said = [SaidLine(**line) for line in record["said"]]
    card = grade_session(session)
    return Interview(
        question_id=question.id,
        round=question.round,
        level=record["level"],
        overall=card.overall,
        scores=card.scores(),
        figures=interview_figures(session, said, question),
        seconds=record["seconds"],
        candidate_turns=len(said),
        transcript=[(t.speaker, t.act or "", t.text) for t in session.turns],
    )


def regrade(folder: Path) -> list[Interview]:
    """Every kept interview under ``folder``, graded again with the current grader."""
    from interviewer.session import load_session

    catalog = load_catalog()
    interviews = []
    for sidecar in sorted(folder.glob(f"*/{SIDECAR}")):
        record = json.loads(sidecar.read_text(encoding="utf-8"))
        session = load_session(sidecar.parent)
        interviews.append(graded(session, record, catalog.question(record["question_id"])))
    return interviews


# --- the report -------------------------------------------------------------------------------


def summarise(interviews: list[Interview]) -> dict[str, Any]:
    """Per round and overall: the interviewer figures and strong against weak."""
    by_question: dict[str, dict[str, Interview]] = {}
    for interview in interviews:
        by_question.setdefault(interview.question_id, {})[interview.level] = interview
    rounds: dict[str, Any] = {}
    totals = InterviewFigures()
    beats_all = Counts()
    margins_all: list[float] = []
    for round_type in ROUND_TYPES:
        mine = [i for i in interviews if i.round == round_type]
        if not mine:
            continue
        figures = InterviewFigures()
        for interview in mine:
            for name in asdict(figures):
                getattr(figures, name).merge(getattr(interview.figures, name))
                getattr(totals, name).merge(getattr(interview.figures, name))
        beats = Counts()
        margins: list[float] = []
        for pair in by_question.values():
            strong, weak = pair.get("strong"), pair.get("weak")
            if strong is None or weak is None or strong.round != round_type:
                continue
            margin = (strong.overall or 0.0) - (weak.overall or 0.0)
            beats.add(margin > 0)
            margins.append(round(margin, 2))
        beats_all.merge(beats)
        margins_all.extend(margins)
        rounds[round_type] = _figures_dict(figures) | {
            "questions": beats.total,
            "strong_beats_weak": beats.hits,
            "strong_beats_weak_share": beats.share,
            "mean_margin": round(statistics.fmean(margins), 2) if margins else None,
            "min_margin": min(margins) if margins else None,
        }
    return {
        "strong_beats_weak_share": beats_all.share,
        "strong_beats_weak": beats_all.hits,
        "questions": beats_all.total,
        "mean_margin": round(statistics.fmean(margins_all), 2) if margins_all else None,
        **_figures_dict(totals),
        "rounds": rounds,
    }


def _figures_dict(figures: InterviewFigures) -> dict[str, Any]:
    return {
        name: {"share": counts.share, "hits": counts.hits, "total": counts.total}
        for name, counts in ((n, getattr(figures, n)) for n in asdict(figures))
    }


def _share(entry: dict[str, Any]) -> str:
    if not entry["total"]:
        return "   -   (0)"
    return f"{entry['share']:5.0%} ({entry['hits']}/{entry['total']})"


def print_table(summary: dict[str, Any]) -> None:
    print(
        f"{'round':18} {'probes name words':>18} {'clarify w/ fact':>16} "
        f"{'off-topic redirected':>21} {'strong > weak':>14} {'mean margin':>12}"
    )
    rows = list(summary["rounds"].items()) + [("all", summary)]
    for name, row in rows:
        beats = f"{row['strong_beats_weak']}/{row['questions']}"
        margin = "-" if row["mean_margin"] is None else f"{row['mean_margin']:+.2f}"
        print(
            f"{name:18} {_share(row['probes_naming_words']):>18} "
            f"{_share(row['clarifying_answered_with_fact']):>16} "
            f"{_share(row['off_topic_redirected']):>21} {beats:>14} {margin:>12}"
        )


def report(
    interviews: list[Interview], mode: dict[str, Any], seconds: dict[str, float]
) -> dict[str, Any]:
    return (
        summarise(interviews)
        | {"mode": mode, "seconds": seconds}
        | {"interviews": [asdict(i) for i in interviews]}
    )


def print_report(summary: dict[str, Any]) -> None:
    print()
    print_table(summary)
    share = summary["strong_beats_weak_share"]
    shown = "-" if share is None else f"{share:.0%}"
    print(
        f"\nstrong beats weak on {summary['strong_beats_weak']}/{summary['questions']} "
        f"questions ({shown}; target {TARGET_SHARE:.0%})."
    )
    seconds = summary["seconds"]
    if seconds.get("per_interview"):
        print(
            f"{len(summary['interviews'])} interviews, {seconds['per_interview']:.0f} s each "
            f"(mode: {summary['mode']})."
        )
    print(
        "Regression harness and demo only: the same team wrote these answers and the grader; "
        "validity figures come from ../shared/data."
    )
    for qid, pair in _pairs(summary["interviews"]).items():
        strong, weak = pair["strong"]["overall"], pair["weak"]["overall"]
        if (strong or 0) <= (weak or 0):
            print(f"  strong did not beat weak: {qid} ({strong} vs {weak})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", action="store_true", help="typed text instead of speech")
    parser.add_argument("--model", default=None, help="interviewer LLM (default: bundled)")
    parser.add_argument("--fast", action="store_true", help="--text and --model smollm2")
    parser.add_argument(
        "--no-llm", action="store_true", help="the policy's fallback probes, no LLM (see above)"
    )
    parser.add_argument("--rounds", default=",".join(ROUND_TYPES), help="comma-separated")
    parser.add_argument("--limit", type=int, default=None, help="questions per round, at most")
    parser.add_argument("--depth", type=int, default=3, help="'why' follow-ups per question")
    parser.add_argument("--json", type=Path, help="write the figures here (after every interview)")
    parser.add_argument("--keep", type=Path, help="keep the sessions here; resumes a cut-off run")
    parser.add_argument("--regrade", type=Path, help="grade the sessions kept here; no interviews")
    args = parser.parse_args(argv)
    if args.fast:
        args.text, args.model = True, args.model or "smollm2"
    if args.no_llm:
        args.model = "none"
    logging.basicConfig(level=logging.WARNING)

    if args.regrade:
        interviews = regrade(args.regrade)
        mode_file = args.regrade / "mode.json"
        mode = json.loads(mode_file.read_text()) if mode_file.is_file() else {}
        per = statistics.fmean(i.seconds for i in interviews) if interviews else 0.0
        summary = report(interviews, mode, {"per_interview": round(per, 1)})
        print_report(summary)
        if args.json:
            args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
        return 0

    catalog = load_catalog()
    banks = [catalog.bank(r).questions[: args.limit] for r in parse_round_list(args.rounds)]
    # Round by round in turn, so a run cut short still covers every round.
    questions = [q for group in itertools.zip_longest(*banks) for q in group if q is not None]
    mode = {"speech": not args.text, "model": args.model or "bundled", "depth": args.depth}
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        (out / "mode.json").write_text(json.dumps(mode), encoding="utf-8")
        done = {
            (r["question_id"], r["level"])
            for r in (json.loads(p.read_text()) for p in out.glob(f"*/{SIDECAR}"))
        }
        interviews = regrade(out) if done else []
        load_started = time.perf_counter()
        harness = Harness(text=args.text, model=args.model, out=out, depth=args.depth)
        load_s = time.perf_counter() - load_started
        for n, question in enumerate(questions, 1):
            for level in LEVELS:
                if (question.id, level) in done:
                    continue
                interview = harness.run(question, level)
                interviews.append(interview)
                print(
                    f"[{n}/{len(questions)}] {question.id:28} {level:6} overall "
                    f"{interview.overall}  ({interview.candidate_turns} answers, "
                    f"{interview.seconds:.0f} s)",
                    flush=True,
                )
                if args.json:
                    seconds = _seconds(interviews, load_s)
                    summary = report(interviews, mode, seconds)
                    args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    summary = report(interviews, mode, _seconds(interviews, load_s))
    print_report(summary)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return 0


def _seconds(interviews: list[Interview], load_s: float) -> dict[str, float]:
    total = sum(i.seconds for i in interviews)
    return {
        "interviews_total": round(total, 1),
        "per_interview": round(total / max(1, len(interviews)), 1),
        "model_load": round(load_s, 1),
    }


def _pairs(interviews: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    pairs: dict[str, dict[str, dict[str, Any]]] = {}
    for interview in interviews:
        pairs.setdefault(interview["question_id"], {})[interview["level"]] = interview
    return {k: v for k, v in pairs.items() if len(v) == 2}


if __name__ == "__main__":
    raise SystemExit(main())
