"""Grade a session against a rubric: offline, deterministic, every score cited.

    grade_session(session, rubric=None, round=None) -> Scorecard

The pipeline is: candidate sentences (``sentences.py``) -> detector hits (``evidence.py``) ->
a level per dimension (``scorers.py``) -> a :class:`Scorecard`. An LLM judge, when asked for,
only refines that scorecard (``judge.py``).
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

from pydantic import ValidationError

from ..catalog.rounds import DEFAULT_ROUND, ROUND_TYPES, normalise_round
from ..catalog.rounds import infer_round as infer_round_from
from ..errors import SessionError
from ..session.models import Session
from ..session.store import atomic_write_text
from ..speech_acts import ANNOUNCED_PAUSE, FILLER, word_count
from .context import Context
from .overall import OVERALL_METHOD, finish
from .rubric import Rubric, load_rubric
from .scorecard import (
    SCORECARD_FILE,
    SUBSTANCE_DIMENSION,
    DeliveryStats,
    DimensionScore,
    Evidence,
    Scorecard,
)
from .scorers import SCORERS
from .sentences import candidate_sentences
from .substance import METHOD_NOTE as SUBSTANCE_METHOD_NOTE
from .transcript import read_target

log = logging.getLogger(__name__)

DEFAULT_LONG_SILENCE_S = 5.0


def infer_round(session: Session) -> str | None:
    """The round whose cues the interviewer's lines match most; None when nothing matches."""
    return infer_round_from(" ".join(t.text for t in session.turns if t.speaker == "interviewer"))


def delivery_stats(session: Session, long_silence_s: float) -> tuple[DeliveryStats, list[Evidence]]:
    """Pace, fillers and silences from word timestamps (text-only figures where there are none)."""

    cand = [t for t in session.turns if t.speaker == "candidate" and not t.silent]
    inter = [t for t in session.turns if t.speaker == "interviewer"]
    timed = any(t.words for t in cand)
    stats = DeliveryStats(timed=timed, long_silence_s=long_silence_s)
    stats.candidate_words = sum(word_count(t.text) for t in cand)
    stats.interviewer_words = sum(word_count(t.text) for t in inter)
    stats.filler_count = sum(len(FILLER.findall(t.text)) for t in cand)
    silences: list[Evidence] = []
    if not timed:
        return stats, silences
    speaking_s = 0.0
    for turn in cand:
        if not turn.words:
            continue
        speaking_s += max(0.0, turn.words[-1].end - turn.words[0].start)
        # A reopened answer: where the interviewer had the floor between its recordings.
        joins = [(turn.start + a, turn.start + b) for a, b in turn.meta.get("joined_pauses_s", [])]
        for i in range(1, len(turn.words)):
            gap = turn.words[i].start - turn.words[i - 1].end
            if any(turn.words[i - 1].end < b and turn.words[i].start > a for a, b in joins):
                speaking_s -= gap  # not their time either
                continue
            before = " ".join(w.word.strip() for w in turn.words[max(0, i - 6) : i])
            if gap >= long_silence_s and not ANNOUNCED_PAUSE.search(before):
                after = " ".join(w.word.strip() for w in turn.words[i : i + 4])
                silences.append(
                    Evidence(
                        quote=f"{before} … {after}",
                        turn=turn.index,
                        start=round(turn.words[i - 1].end, 2),
                        end=round(turn.words[i].start, 2),
                        kind="long_silence",
                    )
                )
    stats.long_silences = len(silences) + sum(
        1 for t in session.turns if t.speaker == "candidate" and t.silent
    )
    stats.candidate_speaking_s = round(speaking_s, 2)
    stats.interviewer_speaking_s = round(sum(t.duration for t in inter), 2)
    if speaking_s > 0:
        minutes = speaking_s / 60
        words = sum(len(t.words) for t in cand)
        stats.words_per_min = round(words / minutes, 1)
        stats.fillers_per_min = round(stats.filler_count / minutes, 2)
    return stats, silences


def _notes(session: Session, ignored: list[str]) -> list[str]:
    """What the reader should know about the grading; ``ignored``: why each sentence left
    out was left out."""
    notes: list[str] = []
    if not session.complete:
        notes.append(
            f"The session was not finished: graded the {len(session.turns)} turn(s) "
            "that were saved."
        )
    silent = sum(1 for t in session.turns if t.speaker == "candidate" and t.silent)
    if silent:
        notes.append(f"{silent} candidate turn(s) had no speech in them.")
    if (
        session.turns
        and session.turns[-1].speaker == "interviewer"
        and session.turns[-1].act in ("ask", "probe", "clarify", "hint")
    ):
        notes.append("The last question has no answer.")
    if ignored:
        reasons = Counter(ignored)
        why = "; ".join(f"{n} {reason}" for reason, n in reasons.most_common())
        notes.append(f"{len(ignored)} candidate sentence(s) were not counted: {why}.")
    return notes


def grade_session(
    session: Session, rubric: Rubric | None = None, round: str | None = None
) -> Scorecard:
    """Score every rubric dimension from evidence in the candidate's own words."""
    rubric = rubric or load_rubric()
    round = normalise_round(round)
    notes: list[str] = []
    if not round and not any(t.round for t in session.turns) and not session.rounds:
        round = infer_round(session) or DEFAULT_ROUND
        notes.append(f"Round type not recorded: graded as {round} (pass --round to choose).")
    sentences = candidate_sentences(session, round)
    try:
        silence_s = rubric.dimension("delivery").param("long_silence_s", DEFAULT_LONG_SILENCE_S)
    except KeyError:
        silence_s = DEFAULT_LONG_SILENCE_S
    stats, silences = delivery_stats(session, silence_s)
    turns = {t.index: t for t in session.turns}
    rounds = sorted({s.round for s in sentences if s.round}, key=ROUND_TYPES.index)
    dims: dict[str, DimensionScore] = {}
    for dim in rubric.dimensions:
        mine = [s for s in sentences if s.round in dim.applies_to]
        my_turns = {s.turn for s in mine}
        ctx = Context(session, mine, stats, [e for e in silences if e.turn in my_turns], turns)
        base = DimensionScore(id=dim.id, name=dim.name, weight=dim.weight)
        if not mine:
            base.not_observed_reason = (
                f"Does not apply to {', '.join(rounds) or 'this round'}."
                if sentences
                else "The candidate said nothing."
            )
        elif ctx.words() < dim.param("min_words", 0):
            base.not_observed_reason = (
                f"The candidate said only {ctx.words()} words here: too little to judge."
            )
        else:
            verdict = SCORERS[dim.scorer_id](dim, ctx)
            base.score = verdict.score
            base.value = verdict.value if verdict.score is not None else None
            base.evidence = verdict.evidence
            base.rationale = verdict.rationale
            base.not_observed_reason = verdict.not_observed_reason
            if verdict.score is not None:
                base.level_name = rubric.level_names.get(verdict.score)
        dims[dim.id] = base
    ignored = [s for s in sentences if s.ignored]
    if dims.get(SUBSTANCE_DIMENSION) and dims[SUBSTANCE_DIMENSION].score is not None:
        notes.append(SUBSTANCE_METHOD_NOTE)
    notes.append(OVERALL_METHOD)
    card = Scorecard(
        session_id=session.id,
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        rounds=rounds,
        dimensions=dims,
        stats=stats,
        notes=notes + _notes(session, [s.ignored or "" for s in ignored]),
        ignored_quotes=[Evidence(quote=s.text, turn=s.turn, kind=s.ignored or "") for s in ignored],
    )
    finish(card, rubric)
    return card


def save_scorecard(folder: Path, card: Scorecard) -> Path:
    path = folder / SCORECARD_FILE
    atomic_write_text(path, card.model_dump_json(indent=2))
    return path


def load_scorecard(folder: Path) -> Scorecard | None:
    path = folder / SCORECARD_FILE
    if not path.is_file():
        return None
    try:
        return Scorecard.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as exc:
        raise SessionError(
            f"cannot read {path}: {exc}", hint="re-grade with `interviewer grade`"
        ) from exc


def grade_target(
    target: str | Path,
    round: str | None = None,
    rubric_path: str | Path | None = None,
    judge: str | None = None,
    judge_model: str | None = None,
) -> tuple[Scorecard, Path | None]:
    """``interviewer grade``: read a folder or transcript file, grade, save into a folder.

    ``judge`` ("embedded" or "openai") lets that LLM backend refine the scorecard.
    """
    session, folder = read_target(target, round=round)
    rubric = load_rubric(rubric_path)
    card = grade_session(session, rubric, round=round)
    if judge:
        from ..errors import ConfigError
        from ..llm import LLMSettings, make_backend
        from ..llm.settings import BACKEND_NAMES
        from .judge import refine

        if judge not in BACKEND_NAMES:
            raise ConfigError(f"unknown judge backend {judge!r}", hint="use embedded or openai")
        backend = make_backend(LLMSettings(backend=judge, model=judge_model))  # type: ignore[arg-type]
        card = refine(card, session, rubric, backend)
    if folder is not None:
        save_scorecard(folder, card)
    return card, folder
