"""A reader of meaning: did an answer make each point of a reference, in any words?

For every point it finds the answer's sentence closest in meaning (all-MiniLM-L6-v2
embeddings, ``embedder.py``) and quotes it verbatim; the point is *made* when that sentence
is close enough (:data:`POINT_MADE`). The answer's overall mark (0-1, shown as 1-4) combines
four readings with weights fitted on human-graded answers to other questions
(``reader_weights.json``, written by ``benchmarks/grader_short_answers.py --fit``):

- ``share``: the share of the reference's content stems, beyond the question's own, that the
  answer uses (the stem rule the grader had before);
- ``whole``: the cosine of the whole answer with the whole reference;
- ``points``: the mean over points of their best sentence's cosine;
- ``recall``: each content word piece of the reference matched to its closest word piece of
  the answer in context (BERTScore recall), averaged.

Where the question asks for "at least N" of what the reference lists, ``points`` and
``share`` count the N points the answer makes best (:func:`asked_at_least`).

Why a combination: words alone miss a point said differently, embeddings alone miss a wrong
answer that borrows the reference's topic; on the shared Mohler and SAF answers each reading
ranks the graders' marks less well than their sum (docs/grading.md gives the figures).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
from pydantic import BaseModel, Field

from ..speech_acts import sentence_spans
from .embedder import Embedder, embedder
from .stems import stems
from .vector_cache import VectorCache

POINT_MADE = 0.55  # best sentence cosine at which a point counts as made
MIN_QUOTE_WORDS = 3
MAX_CHARS = 2000  # longer answers are read in their first 2,000 characters
WEIGHTS_FILE = "reader_weights.json"
FEATURES = ("share", "whole", "points", "recall")
_PIECE_STOP = frozenset(
    """. , ( ) : ; - " ' ? ! / [UNK] a an the and or but to of in on for with is are was were
    be been being it its that this these those as at by from into than then so if not no
    can could should would will do does did have has had there their them they we i you
    he she his her which what how when why who where also only some any all each more most
    very much many one other about""".split()
)


class ReaderWeights(BaseModel):
    """A linear model over :data:`FEATURES`, fitted on answers to held-apart questions."""

    intercept: float
    weights: dict[str, float]
    fitted_on: str = Field(default="", description="what the weights were fitted on")


@lru_cache(maxsize=1)
def load_weights() -> ReaderWeights:
    text = resources.files(__package__).joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
    return ReaderWeights.model_validate(json.loads(text))


def mark_to_score(mark: float) -> float:
    """A 0-1 mark on the 1-4 scale of the scorecard (two decimals: close answers keep their
    order)."""
    return round(1 + 3 * mark, 2)


@dataclass(frozen=True)
class PointRead:
    point: str
    made: bool
    quote: str | None  # the answer's sentence closest to the point, verbatim
    similarity: float


@dataclass
class AnswerRead:
    points: list[PointRead]
    mark: float  # 0-1
    features: dict[str, float] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return mark_to_score(self.mark)


_WORD = re.compile(r"[a-z0-9]+")


def answer_sentences(answer: str) -> list[tuple[int, str]]:
    """(offset, sentence) of an answer, lines and list items counted as sentences."""
    out: list[tuple[int, str]] = []
    for line in re.finditer(r"[^\n]+", answer):
        for offset, text in sentence_spans(line.group(0)):
            stripped = text.strip()
            if stripped:
                out.append((line.start() + offset + text.index(stripped), stripped))
    return out


class MeaningReader:
    """Reads answers against points; vectors are cached by text for the reader's lifetime."""

    def __init__(
        self,
        model: Embedder | None = None,
        weights: ReaderWeights | None = None,
        disk: VectorCache | None = None,
    ):
        self._model = model
        self._disk = disk
        self._weights = weights
        self._vectors: dict[str, np.ndarray] = {}
        self._pieces: dict[str, tuple[list[str], np.ndarray]] = {}

    @property
    def model(self) -> Embedder:
        if self._model is None:
            self._model = embedder()
        return self._model

    @property
    def weights(self) -> ReaderWeights:
        if self._weights is None:
            self._weights = load_weights()
        return self._weights

    def vectors(self, texts: list[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if todo and self._disk is not None:
            kept = self._disk.get(todo)
            self._vectors.update(kept)
            todo = [t for t in todo if t not in kept]
        if todo:
            fresh = dict(zip(todo, self.model.encode(todo), strict=True))
            self._vectors.update(fresh)
            if self._disk is not None:
                self._disk.put(fresh)
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts])

    def pieces(self, text: str) -> tuple[list[str], np.ndarray]:
        """Word pieces and their vectors; the same pass gives the text's sentence vector."""
        if text not in self._pieces:
            vector, pieces, vecs = self.model.read(text[:MAX_CHARS] or ".")
            self._pieces[text] = (pieces, vecs)
            self._vectors.setdefault(text, vector)
        return self._pieces[text]

    def best_sentences(self, points: list[str], sentences: list[str]) -> tuple[np.ndarray, list]:
        """Per point: the best cosine and the index of the sentence that gives it."""
        if not points or not sentences:
            return np.zeros(len(points)), [None] * len(points)
        sim = self.vectors(points) @ self.vectors(sentences).T
        return sim.max(1), [int(i) for i in sim.argmax(1)]

    def recall(self, reference: str, answer: str, question: str = "") -> float:
        """BERTScore recall over the reference's content word pieces not in the question."""
        ref_pieces, ref_vecs = self.pieces(reference)
        ans_pieces, ans_vecs = self.pieces(answer)
        asked = set(self.pieces(question)[0]) if question else set()
        keep = (
            [
                i
                for i, p in enumerate(ref_pieces)
                if p not in _PIECE_STOP and not p.startswith("##") and p not in asked
            ]
            or [i for i, p in enumerate(ref_pieces) if p not in _PIECE_STOP]
            or list(range(len(ref_pieces)))
        )
        if not keep or not ans_pieces:
            return 0.0
        return float((ref_vecs[keep] @ ans_vecs.T).max(1).mean())

    def read(
        self, points: list[str], answer: str, question: str = "", reference: str | None = None
    ) -> AnswerRead:
        """How far ``answer`` makes ``points`` (``reference``: their text as written)."""
        reference = reference if reference is not None else " ".join(points)
        text = answer[:MAX_CHARS]
        spans = [s for _, s in answer_sentences(text)]
        candidates = [s for s in spans if len(s.split()) >= MIN_QUOTE_WORDS] or spans
        if text.strip():
            self.pieces(text)  # the whole answer's vector comes with its word pieces
        best, which = self.best_sentences(points, candidates + ([text] if text.strip() else []))
        reads: list[PointRead] = []
        for point, sim, idx in zip(points, best, which, strict=True):
            quote = None
            if idx is not None:
                quote = candidates[idx] if idx < len(candidates) else text.strip()
            reads.append(PointRead(point, bool(sim >= POINT_MADE), quote, round(float(sim), 3)))
        if not text.strip():
            return AnswerRead(reads, 0.0, dict.fromkeys(FEATURES, 0.0))
        asked, said = stems(question), stems(text)
        ref_stems = stems(reference) - asked
        recall = self.recall(reference, text, question)
        features = {
            "share": len(ref_stems & said) / max(1, len(ref_stems)),
            "whole": float(self.vectors([reference])[0] @ self.vectors([text])[0]),
            "points": float(best.mean()) if len(points) else 0.0,
            "recall": recall,
        }
        wanted = asked_at_least(question)
        if wanted is not None and wanted < len(points):
            # "State at least 4 of the differences" over a reference that lists ten: the
            # four best made are full marks, not four tenths.
            features["points"] = float(np.sort(best)[-wanted:].mean())
            own = [stems(p) - asked for p in points]
            shares = sorted(len(words & said) / max(1, len(words)) for words in own)
            features["share"] = max(features["share"], float(np.mean(shares[-wanted:])))
        w = self.weights
        mark = w.intercept + sum(w.weights.get(k, 0.0) * v for k, v in features.items())
        return AnswerRead(reads, float(min(1.0, max(0.0, mark))), features)


_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# "state at least 4", "name and describe at least two": any of the reference's points will
# do, so many of them. Only "at least": "name the 2 phases and explain ..." asks for more
# than the two names, and counting those as the whole answer ranked the shared SAF answers
# worse (docs/rubrics.md).
_AT_LEAST = re.compile(
    r"\b(?:state|name|list|give|mention|provide|describe)\b(?:\s+and\s+\w+)?"
    r"\s+at\s+least\s+(\d+|two|three|four|five|six)\b",
    re.IGNORECASE,
)


def asked_at_least(question: str) -> int | None:
    """How many points the question asks for when it says "at least N" (N of 2 or more)."""
    found = _AT_LEAST.search(question)
    if found is None:
        return None
    word = found.group(1).lower()
    wanted = int(word) if word.isdigit() else _COUNT_WORDS[word]
    return wanted if wanted >= 2 else None


_LIST_MARK = re.compile(r"^\s*(?:[-*•●○▪◦]|\(?\d{1,2}[.)]|\(?[a-z][.)]|[ivx]+\))\s*")


def reference_points(reference: str) -> list[str]:
    """A free-text reference cut into points: its list items and sentences.

    A heading line ending in a colon ("Fields only TCP has:") is kept in front of each of
    its items, so that "-Sequence number" reads as a field TCP has.
    """
    points: list[str] = []
    heading = ""
    for raw in reference.splitlines():
        line = _LIST_MARK.sub("", raw).strip()
        if not line:
            heading = ""
            continue
        is_item = bool(_LIST_MARK.match(raw))
        if line.endswith(":") and len(line.split()) <= 12:
            heading = line.rstrip(": ").strip()
            continue
        if is_item and heading:
            points.append(f"{heading}: {line}")
            continue
        for _, sentence in sentence_spans(line):
            sentence = sentence.strip()
            if len(_WORD.findall(sentence.lower())) >= 2:
                points.append(sentence)
    return points or [reference.strip()]
