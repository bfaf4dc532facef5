"""``interviewer judge``: written answers graded against a reference, one JSON line each.

Each input line is ``{"id", "question", "reference", "answer"}``; the reference is free text,
cut into points by :func:`meaning.reference_points`. Each output line is ``{"id", "score",
"points": [{"point", "made", "quote"}]}``: ``score`` runs from 1 to 4 (two decimals: the
reader's mark, not rounded to a level, so that close answers keep their order) and ``quote``
is the answer's sentence closest to the point, verbatim. A line that cannot be read is
reported with its number and skipped; the others are graded all the same.

The score blends three readings: the language model's grade of the whole answer
(``answer_grade.py``, :data:`LLM_SHARE` of the mark), and for the rest, equally, the reader
of meaning's mark from sentence embeddings (which also finds the points and their quotes) and
the share of the reference's words the answer uses. Why the words again: on the shared SAF
answers their share ranks the graders' marks better than the fitted reader does, whose
weights lean on Mohler's. Without a model (``--llm none``, or one that fails) the reader of
meaning grades alone, and each line says so in ``graded_by``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import ConfigError, LLMOutputError, LLMUnavailableError
from ..llm.base import LLMBackend
from .answer_grade import grade_answer
from .meaning import MeaningReader, mark_to_score, reference_points

# The model's share of the mark when it grades, chosen on the shared Mohler and SAF answers
# (benchmarks/grader_short_answers.py --llm-grade): the blend ranks the graders' marks better
# than any reader alone on both sets.
LLM_SHARE = 0.5


class WrittenAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    id: str = Field(min_length=1)
    question: str = ""
    reference: str = Field(min_length=1)
    answer: str


class JudgedPoint(BaseModel):
    point: str
    made: bool
    quote: str | None


class JudgedAnswer(BaseModel):
    id: str
    score: float = Field(ge=1, le=4)
    points: list[JudgedPoint]
    graded_by: str = Field(description="the readers behind the score")


@dataclass(frozen=True)
class BadLine:
    number: int  # 1-based, as an editor shows it
    reason: str

    def __str__(self) -> str:
        return f"line {self.number}: {self.reason}"


def read_lines(path: Path) -> Iterator[WrittenAnswer | BadLine]:
    """The answers of a JSON-lines file, and a :class:`BadLine` for each line that is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield WrittenAnswer.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            yield BadLine(number, f"not JSON ({exc.msg} at column {exc.colno})")
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "the line"
            yield BadLine(number, f"{where}: {first['msg']}")


def blended_mark(
    grade: float, reader_mark: float, word_share: float, llm_share: float = LLM_SHARE
) -> float:
    """The model's grade, then the embedding reader's mark and the reference's word share
    equally (all 0-1)."""
    return llm_share * grade + (1 - llm_share) * (reader_mark + word_share) / 2


def judge_answer(
    reader: MeaningReader, item: WrittenAnswer, backend: LLMBackend | None = None
) -> JudgedAnswer:
    """One answer graded; by the reader of meaning alone when there is no model or its reply
    holds no grade. A model that cannot be reached raises :class:`LLMUnavailableError`."""
    points = reference_points(item.reference)
    got = reader.read(points, item.answer, item.question, item.reference)
    mark, graded_by = got.mark, "sentence embeddings"
    if backend is not None:
        try:
            grade = grade_answer(backend, item.question, item.reference, item.answer)
        except LLMOutputError as exc:
            graded_by = f"sentence embeddings (the model gave no grade: {exc})"
        else:
            mark = blended_mark(grade, got.mark, got.features["share"])
            graded_by = f"{backend.model} and sentence embeddings"
    return JudgedAnswer(
        id=item.id,
        score=mark_to_score(mark),
        points=[JudgedPoint(point=p.point, made=p.made, quote=p.quote) for p in got.points],
        graded_by=graded_by,
    )


def judge_file(
    source: Path,
    out: Path,
    reader: MeaningReader | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    backend: LLMBackend | None = None,
    on_model_lost: Callable[[LLMUnavailableError], None] | None = None,
) -> tuple[list[JudgedAnswer], list[BadLine]]:
    """Grade every readable line of ``source`` into ``out``; (graded, bad lines).

    Answers are graded question by question (each written as soon as it is graded, so an
    interrupted run keeps them): the model then reads each question and reference once. A
    model that cannot be reached is dropped for the rest of the file (``on_model_lost`` is
    told why) and the embeddings grade alone.
    """
    items = list(read_lines(source))
    reader = reader or MeaningReader()
    judged: list[JudgedAnswer] = []
    bad = [i for i in items if isinstance(i, BadLine)]
    answers = sorted(
        (i for i in items if isinstance(i, WrittenAnswer)),
        key=lambda a: (a.question, a.reference),  # stable: input order within a question
    )
    try:
        sink = out.open("w", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {out}: {exc}") from exc
    with sink:
        for done, item in enumerate(answers, start=1):
            try:
                judged.append(judge_answer(reader, item, backend))
            except LLMUnavailableError as exc:
                backend = None
                if on_model_lost:
                    on_model_lost(exc)
                judged.append(judge_answer(reader, item))
            sink.write(judged[-1].model_dump_json() + "\n")
            sink.flush()  # an interrupted run keeps every answer graded so far
            if on_progress:
                on_progress(done, len(answers))
    return judged, bad
