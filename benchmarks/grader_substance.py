"""Does the overall follow what an answer says? Substantive answers against their twins.

    .venv/bin/python benchmarks/grader_substance.py [--pairs FILE]

Each pair in ``benchmarks/data/substance_pairs.yaml`` is one bank question answered twice:
a substantive answer and its twin (a buzzword list, an answer to another question, a generic
answer, or a run of "I don't know"). Both are graded the same way (the interviewer's question
from the bank, then the answer). Printed: both overalls, the gap, and whether the pair meets
the goal (the substantive answer ahead by at least 0.5, the twin below 2.5). Then the time to
grade a 10-minute transcript made of the substantive answers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from interviewer.catalog.personas import load_catalog  # noqa: E402
from interviewer.grading import grade_session, load_rubric, substance  # noqa: E402
from interviewer.grading.embedder import Embedder  # noqa: E402
from interviewer.grading.meaning import MeaningReader  # noqa: E402
from interviewer.grading.scorecard import Scorecard  # noqa: E402
from interviewer.session.models import Session, Turn, Word  # noqa: E402

PAIRS = REPO_ROOT / "benchmarks" / "data" / "substance_pairs.yaml"
MIN_GAP = 0.5
TWIN_BELOW = 2.5
WORD_S = 0.4  # 150 words a minute


def session_for(question_id: str, answer: str, timed: bool = True) -> Session:
    """The bank question asked, then the answer, words timed at 150 a minute."""
    q = load_catalog().question(question_id)
    turns = [
        Turn(
            index=0,
            speaker="interviewer",
            text=" ".join(q.prompt.split()),
            start=0.0,
            end=5.0,
            round=q.round,
            question_id=q.id,
            act="ask",
        ),
    ]
    text = " ".join(answer.split())
    words = [
        Word(word=w, start=6.0 + i * WORD_S, end=6.0 + i * WORD_S + 0.36)
        for i, w in enumerate(text.split())
    ]
    turns.append(
        Turn(
            index=1,
            speaker="candidate",
            text=text,
            start=6.0,
            end=words[-1].end,
            round=q.round,
            words=words if timed else [],
        )
    )
    return Session(id=question_id, rounds=[q.round], turns=turns, complete=True)


def ten_minutes(pairs: list[dict]) -> Session:
    """The substantive answers one after another until ten minutes are filled."""
    turns: list[Turn] = []
    clock = 0.0
    while clock < 600:
        for pair in pairs:
            for turn in session_for(pair["question"], pair["good"]).turns:
                shift = clock - turn.start
                words = [
                    w.model_copy(update={"start": w.start + shift, "end": w.end + shift})
                    for w in turn.words
                ]
                turns.append(
                    turn.model_copy(
                        update={
                            "index": len(turns),
                            "start": clock,
                            "end": turn.end + shift,
                            "words": words,
                        }
                    )
                )
                clock = turn.end + shift + 0.6
            if clock >= 600:
                break
    return Session(
        id="ten-minutes",
        rounds=sorted({t.round for t in turns if t.round}),
        turns=turns,
        complete=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    args = parser.parse_args()
    pairs = yaml.safe_load(args.pairs.read_text(encoding="utf-8"))
    rubric = load_rubric()
    met = 0
    print(f"{'pair':42} {'round':16} {'twin':10} {'good':>5} {'twin':>5} {'gap':>6}  subst  ok")
    for pair in pairs:
        q = load_catalog().question(pair["question"])
        good: Scorecard = grade_session(session_for(q.id, pair["good"]), rubric)
        twin: Scorecard = grade_session(session_for(q.id, pair["twin_text"]), rubric)
        g, t = good.overall or 0.0, twin.overall or 0.0
        ok = g - t >= MIN_GAP and t < TWIN_BELOW
        met += ok
        subst = f"{good.scores().get('substance')}/{twin.scores().get('substance')}"
        print(
            f"{pair['name']:42} {q.round:16} {pair['twin']:10} {g:5.2f} {t:5.2f} "
            f"{g - t:+6.2f}  {subst:5}  {'yes' if ok else 'NO'}"
        )
    print(f"pairs meeting the goal (gap >= {MIN_GAP}, twin < {TWIN_BELOW}): {met}/{len(pairs)}")
    session = ten_minutes(pairs)
    # Cold: a fresh model and reader with no vectors, memory or disk (a first grade).
    started = time.perf_counter()
    substance._READER = MeaningReader(model=Embedder(), disk=None)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    grade_session(session, rubric)
    cold = time.perf_counter() - started
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        grade_session(session, rubric)
        runs.append(time.perf_counter() - started)
    words = sum(len(t.text.split()) for t in session.turns)
    print(
        f"grading a {session.duration:.0f} s transcript ({words} words, "
        f"{len(session.turns)} turns): model load {loaded:.1f} s, first grade {cold:.1f} s, "
        f"again (vectors cached) median {statistics.median(runs) * 1000:.0f} ms "
        "(word rules and sentence embeddings; no LLM)"
    )
    return 0 if met == len(pairs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
