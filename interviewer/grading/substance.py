"""Substance: what the answer says, read against the question it answers.

For a question from the bank (``personas/questions/``):

- a *strong point* that states a fact counts when one of the candidate's own sentences
  (at least :data:`MIN_POINT_WORDS` words, not a list of terms) says it in any words: the
  sentence's all-MiniLM-L6-v2 cosine with the point reaches :data:`POINT_MADE` (``meaning.py``),
  or :data:`POINT_NEARLY_MADE` with a third of the point's own words, two at least
  (scripted candidates: strong answers make 220 of 308 points, was 201; weak ones 22 of 201,
  unchanged). A sentence of more than 25 words is also read clause by clause (runs of its
  clauses): speech recognition strings a spoken answer into one comma-spliced sentence that
  makes several points and whose whole vector is close to none (scripted strong answers:
  237 of 308 points, was 220; weak ones 22 of 201, unchanged). One sentence, or run of
  clauses, makes at most one point, and a sentence that touches four or more points at once
  is a list of terms, not an explanation. A strong point that names a
  criterion ("makes clear what the candidate personally did") is met by the sentence its
  story checker finds (``story.py``; which checker, in ``rubrics/point_checks.yaml``);
- a claim *contradicts* a reference fact when the sentence names one of the fact's keywords
  and says one of its ``contradicted_by`` phrases (data in the bank, not code);
- the answer is *off the question* when its words match another bank question at least twice
  as well as this one and it makes at most one point here (a recommender design given for a
  fraud question), and a run of "I don't know" with nothing after it makes no point at all.

Each of these is level 1. Otherwise the share of strong points made sets the level, one level
less per contradicted fact. A question that is not in the bank has no strong points to read
against: its answer is judged only for a run of "I don't know", else "not observed".

Sentence vectors are cached by text for the process, so a re-grade costs little; a 10-minute
transcript is read in well under a second once the model is loaded (about one second).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from ..catalog.personas import Catalog, Question, load_catalog
from ..catalog.rounds import probes_knowledge
from ..coding import complexity
from ..errors import ConfigError
from ..speech_acts import asked_part, clause_windows, is_clarifying_question, proposes_a_test
from . import evidence as ev
from . import story
from .embedder import MODEL_PACKAGE
from .meaning import MeaningReader
from .sentences import Sentence
from .stems import STOP as _STOP
from .stems import stems
from .vector_cache import VectorCache

MIN_POINT_WORDS = 6
POINT_MADE = 0.55  # cosine of a strong point with the sentence that makes it
POINT_NEARLY_MADE = 0.40  # ... or this close, in the point's own words (_point_made)
MIN_SHARED_MARKS = 2
MIN_MARK_SHARE = 1 / 3
_WORD = re.compile(r"[a-z0-9]+")
LIST_POINTS = 4  # a sentence touching this many strong points is a list of terms
METHOD_NOTE = (
    "Substance was read in meaning (each strong point matched to the candidate's closest "
    "sentence by a sentence-embedding model, or a nearly close one in the point's own "
    "words) and criteria such as 'what the candidate "
    "personally did' by story checkers, not by an LLM: a point made across several "
    "sentences can be missed."
)


def _is_sentence(s: Sentence) -> bool:
    """A sentence that explains, not a fragment or a list of terms."""
    return s.ignored is None and _explains(s.clean)


def _only_asks(s: Sentence) -> bool:
    """A question they asked, all of it: it makes only a point about asking (the browser page
    by voice: "can I ask ... what matters more to the business, being accurate on average or
    not being late?" was quoted as evaluating by lateness). A long answer that ends asking
    ("..., and is it helpful?") still explains."""
    return is_clarifying_question(s.clean) and asked_part(s.clean) == s.clean


# A point made by asking: "Clarifies k, ties and the expected output order before coding".
_ASKING_POINT = re.compile(r"^\s*(?:clarifies|asks)\b", re.IGNORECASE)
# A point made by proposing a check: "Tests empty input, nested intervals and touching
# intervals" is not made by "touching intervals got merged" (what a failing run showed).
_TESTING_POINT = re.compile(r"^\s*tests\b", re.IGNORECASE)


def _explains(text: str) -> bool:
    """Words enough, and enough of them function words: not a fragment, not a term list."""
    words = text.split()
    if len(words) < MIN_POINT_WORDS:
        return False
    function = sum(w.lower().strip(".,;:!?") in _STOP for w in words)
    return function / len(words) >= 0.2


@dataclass(frozen=True)
class PointMade:
    point: str
    sentence: Sentence
    shared: tuple[str, ...]
    span: tuple[int, int] | None = None  # the clauses of ``sentence.text`` that make it

    def evidence_span(self) -> tuple[int, int]:
        return self.span or (0, len(self.sentence.text))


@dataclass(frozen=True)
class _Unit:
    """A sentence, or a run of clauses of a long one: what is matched to a point."""

    sentence: Sentence
    text: str
    span: tuple[int, int] | None  # in sentence.text; None: all of it


def _units(s: Sentence) -> list[_Unit]:
    """The sentence whole, and, when it is long, each run of its clauses: the recogniser
    strings a spoken answer into one comma-spliced sentence that makes several points, and
    its whole vector is close to none of them."""
    units = [_Unit(s, s.clean, None)]
    for start, piece in clause_windows(s.clean, MIN_POINT_WORDS):
        if not _explains(piece):
            continue
        units.append(_Unit(s, piece, s.span(start, start + len(piece))))
    return units


@dataclass(frozen=True)
class Contradiction:
    fact: str
    sentence: Sentence
    phrase: str


@dataclass
class AnswerReading:
    """What one answer (the sentences of one thread) says about its question."""

    question: Question | None
    asked: str
    sentences: list[Sentence]
    made: list[PointMade]
    missed: list[str]
    contradictions: list[Contradiction]
    off_topic: Question | None = None
    dont_know: list[Sentence] | None = None
    level: int | None = None
    reason: str = ""


@lru_cache(maxsize=4)
def _bank_stats(catalog: Catalog) -> tuple[Counter[str], Counter[str], int, int]:
    """How many strong points / questions use each stem (rare = distinctive)."""
    point_df: Counter[str] = Counter()
    question_df: Counter[str] = Counter()
    points = questions = 0
    for bank in catalog.banks.values():
        for q in bank.questions:
            questions += 1
            question_df.update(vocabulary(q))
            for p in q.strong_points:
                points += 1
                point_df.update(stems(p))
    return point_df, question_df, points, questions


def _catalog() -> Catalog | None:
    try:
        return load_catalog()
    except ConfigError:
        return None


_VOCABULARY: dict[tuple[str, str], frozenset[str]] = {}


def vocabulary(q: Question) -> frozenset[str]:
    """Every stem of a question's title, prompt, terms, strong points and fact keywords."""
    if (q.id, q.prompt) in _VOCABULARY:
        return _VOCABULARY[q.id, q.prompt]
    text = " ".join(
        [q.title, q.prompt, " ".join(q.terms), " ".join(q.strong_points)]
        + [" ".join(f.keywords) for f in q.reference_facts]
    )
    _VOCABULARY[q.id, q.prompt] = frozenset(stems(text))
    return _VOCABULARY[q.id, q.prompt]


def find_question(catalog: Catalog, question_id: str | None, asked: str) -> Question | None:
    """The bank question by id, else the one whose prompt the interviewer's words repeat."""
    if question_id:
        try:
            return catalog.question(question_id)
        except ConfigError:
            pass
    said = stems(asked)
    if len(said) < 4:
        return None
    best, best_share = None, 0.0
    for bank in catalog.banks.values():
        for q in bank.questions:
            mine = stems(q.prompt)
            share = len(said & mine) / max(1, len(mine))
            if share > best_share:
                best, best_share = q, share
    return best if best_share >= 0.6 else None


def _reader() -> MeaningReader:
    """One reader for the process: its vectors are cached by sentence (a re-grade is quick)."""
    global _READER
    if _READER is None:
        _READER = MeaningReader(disk=VectorCache(MODEL_PACKAGE))
    return _READER


_READER: MeaningReader | None = None


def _points(q: Question, sentences: list[Sentence], point_df: Counter[str]) -> list[PointMade]:
    """Criteria points by their story checker; fact points by meaning, one sentence each."""
    made: list[PointMade] = []
    facts: list[str] = []
    live = [s for s in sentences if s.ignored is None]
    for p in q.strong_points:
        costs = complexity.point_costs(p)
        if costs:
            stating = _stating_costs(costs, live)
            if stating is not None:
                made.append(PointMade(p, stating, ("costs",)))
            continue
        checker = story.checker_for(p)
        if checker is None:
            facts.append(p)
            continue
        hit = story.check(checker, live)
        if hit is not None:
            made.append(PointMade(p, hit.sentence, (checker,)))
    candidates: list[_Unit] = []
    marks = _point_marks(q, point_df)
    for s in sentences:
        if not _is_sentence(s):
            continue
        said = stems(s.clean)
        touched = [p for p, own in marks.items() if said & own]
        if len(touched) < LIST_POINTS:  # else it names half the answer's vocabulary at once
            candidates.extend(_units(s))
    if facts and candidates:
        reader = _reader()
        sim = reader.vectors(facts) @ reader.vectors([u.text for u in candidates]).T
        said = [stems(u.text) for u in candidates]
        asks = [_only_asks(u.sentence) for u in candidates]
        tests = [proposes_a_test(u.text) for u in candidates]
        pairs = sorted(
            (
                (float(sim[i, j]), i, j)
                for i in range(len(facts))
                for j in range(len(candidates))
                if _point_made(float(sim[i, j]), marks[facts[i]], said[j])
                and (not asks[j] or _ASKING_POINT.match(facts[i]))
                and (not _TESTING_POINT.match(facts[i]) or tests[j])
            ),
            reverse=True,
        )
        used_points: set[int] = set()
        used_units: list[_Unit] = []
        for value, i, j in pairs:
            unit = candidates[j]
            if i in used_points or any(_overlap(unit, u) for u in used_units):
                continue  # one sentence (or run of clauses) makes one point
            used_points.add(i)
            used_units.append(unit)
            made.append(PointMade(facts[i], unit.sentence, (f"{value:.2f}",), unit.span))
    order = {p: n for n, p in enumerate(q.strong_points)}
    return sorted(made, key=lambda m: order[m.point])


def _stating_costs(costs: list[list[str]], sentences: list[Sentence]) -> Sentence | None:
    """The sentence that states most of the costs a point asks for, when the answer states
    every one of them somewhere: "n log n time" and "linear space" are O(n log n) time and
    O(n) space, which sentence embeddings do not read and no word of the point marks."""
    said = [[complexity.says_cost(c, s.clean) for c in costs] for s in sentences]
    if not sentences or not all(any(row[k] for row in said) for k in range(len(costs))):
        return None
    return sentences[max(range(len(sentences)), key=lambda i: sum(said[i]))]


def _overlap(a: _Unit, b: _Unit) -> bool:
    """Two units share words: the same sentence, and clauses of it not apart."""
    if a.sentence is not b.sentence:
        return False
    if a.span is None or b.span is None:
        return True
    return a.span[0] < b.span[1] and b.span[0] < a.span[1]


def _point_made(cosine: float, marks: set[str], said: set[str]) -> bool:
    """Close in meaning, or nearly so and in the point's own words: "I would track the
    share resolved without a human, the escalation rate and customer satisfaction, and
    review a random sample" is 0.44 from "Monitors online with resolution rate,
    escalations, satisfaction, and sampled human review" but names three of its six
    marks."""
    if cosine >= POINT_MADE:
        return True
    shared = len(marks & said)
    return (
        cosine >= POINT_NEARLY_MADE
        and shared >= MIN_SHARED_MARKS
        and shared >= MIN_MARK_SHARE * len(marks)
    )


def _point_marks(q: Question, point_df: Counter[str]) -> dict[str, set[str]]:
    """Each strong point's own words: rare in the bank, in no other point of the question,
    and not the question's topic (its title and prompt). A sentence that touches many points
    by these is a list of terms; one that says "video" and "watch time" in a question about
    video watch time is not (those words ran through four of its points)."""
    topic = stems(f"{q.title} {q.prompt}")
    words = {p: {w for w in stems(p) if point_df[w] <= 3} - topic for p in q.strong_points}
    return {
        p: own - set().union(*(other for o, other in words.items() if o != p))
        for p, own in words.items()
    }


def _contradictions(q: Question, sentences: list[Sentence]) -> list[Contradiction]:
    found: list[Contradiction] = []
    for fact in q.reference_facts:
        if not fact.contradicted_by:
            continue
        for s in sentences:
            low = " " + " ".join(_WORD.findall(s.lower)) + " "
            if not any(f" {' '.join(_WORD.findall(k))} " in low for k in fact.keywords):
                continue
            phrase = next(
                (c for c in fact.contradicted_by if f" {' '.join(_WORD.findall(c))} " in low),
                None,
            )
            if phrase:
                found.append(Contradiction(fact.fact, s, phrase))
                break
    return found


def _dont_know_run(sentences: list[Sentence]) -> list[Sentence] | None:
    """Two or more plain admissions making up much of the answer, with no reasoning after."""
    hits = [h for h in ev.honesty_markers(sentences) if h.kind == "admission"]
    live = [s for s in sentences if s.ignored is None]
    if len(hits) >= 2 and len(hits) >= 0.3 * len(live):
        return [h.sentence for h in hits]
    if live and len(hits) == len(live):
        return [h.sentence for h in hits]
    return None


def closer_question(catalog: Catalog, q: Question, text: str) -> Question | None:
    """Another bank question whose words the answer matches at least twice as well as
    ``q``'s (rare words weigh more), or None: the answer is about ``q`` or about nothing."""
    _, question_df, _, n_questions = _bank_stats(catalog)
    said = stems(text)

    def match(other: Question) -> float:
        return sum(math.log(n_questions / question_df[w]) for w in said & vocabulary(other))

    # A round that does not probe knowledge (behavioural) is answered by a story, and one
    # story answers several of its prompts in words closer to another's: on the browser page
    # by voice a feature-pipeline mistake "answers a different question" (trees versus neural
    # networks; among behavioural questions only, a failure in production), and so did the
    # team's own strong answer to the same question. No rival there.
    if not probes_knowledge(q.round):
        return None
    others = [o for b in catalog.banks.values() for o in b.questions if o.id != q.id]
    if not others:
        return None
    rival = max(others, key=match)
    best = match(rival)
    return rival if best > 0 and best >= 2 * match(q) else None


def read_answer(
    catalog: Catalog | None, question_id: str | None, asked: str, sentences: list[Sentence]
) -> AnswerReading:
    q = find_question(catalog, question_id, asked) if catalog else None
    reading = AnswerReading(q, asked, sentences, [], [], [])
    reading.dont_know = _dont_know_run(sentences)
    if q is None or catalog is None:
        if reading.dont_know:
            reading.level, reading.reason = 1, 'a run of "I don\'t know" with nothing after it'
        return reading
    point_df = _bank_stats(catalog)[0]
    reading.made = _points(q, sentences, point_df)
    reading.missed = [p for p in q.strong_points if p not in {m.point for m in reading.made}]
    reading.contradictions = _contradictions(q, sentences)
    rival = closer_question(catalog, q, " ".join(s.clean for s in sentences if s.ignored is None))
    if len(reading.made) <= 1 and rival is not None:
        reading.off_topic = rival
        reading.level = 1
        reading.reason = f"answers a different question ({rival.title.lower()})"
        return reading
    if reading.dont_know and len(reading.made) <= 1:
        reading.level, reading.reason = 1, 'a run of "I don\'t know" with nothing after it'
        return reading
    share = len(reading.made) / len(q.strong_points)
    if not reading.made:
        level = 1
    elif share >= 0.5:
        level = 4
    elif share >= 0.3:
        level = 3
    elif len(reading.made) >= 2 or share >= 0.2:
        level = 2
    else:
        level = 1  # one point among many: a term that happens to fit, not an answer
    reading.level = max(1, level - len(reading.contradictions))
    reading.reason = f"{len(reading.made)} of {len(q.strong_points)} strong points made" + (
        f", {len(reading.contradictions)} claim(s) contradict the reference facts"
        if reading.contradictions
        else ""
    )
    return reading


def read_answers(sentences: list[Sentence]) -> list[AnswerReading]:
    """One reading per question asked (sentences grouped by thread)."""
    catalog = _catalog()
    threads: dict[int, list[Sentence]] = {}
    for s in sentences:
        threads.setdefault(s.thread, []).append(s)
    return [
        read_answer(catalog, group[0].question_id, group[0].question, group)
        for group in threads.values()
    ]
