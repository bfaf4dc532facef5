"""The overall score and what to practise next, made from the dimension scores.

A third of the overall is substance, two thirds the weighted mean of the other observed
dimensions, and it is at most three quarters of a level above substance
(:data:`SUBSTANCE_CAP_MARGIN`): an answer that says nothing (a list of terms, an answer to
another question, a run of "I don't know") stays below 2 however well it is delivered, while
one weak dimension, substance included, only pulls the overall down by its share, never
floors it. Each dimension enters with its value where its scorer keeps one (delivery keeps
the filler rate's fraction of a level, substance Guiraud's index's or the mean of the
answers' levels), else its level. The share and the cap keep the substantive answers of
``benchmarks/grader_substance.py`` half a level or more above their twins and rank the
shared MIT interviews' Overall at 0.50 (0.41 from the levels alone; a plain mean of levels:
0.40, half substance: 0.36).
"""

from __future__ import annotations

from .rubric import Rubric
from .scorecard import PRACTISE_ITEMS, SUBSTANCE_DIMENSION, PractiseItem, Scorecard

SUBSTANCE_CAP_MARGIN = 0.75
SUBSTANCE_SHARE = 1 / 3
OVERALL_METHOD = (
    "The overall is one third substance and two thirds the weighted mean of the other "
    "dimensions observed, and at most three quarters of a level above substance, so that "
    "delivery and process cannot carry an answer that says nothing."
)


def finish(card: Scorecard, rubric: Rubric) -> None:
    """Overall score and what to practise next, from the dimension scores (re-run after a judge)."""
    said = card.dimensions.get(SUBSTANCE_DIMENSION)
    substance = said.reading() if said is not None else None
    observed = [
        (reading, d.weight)
        for d in card.dimensions.values()
        if (reading := d.reading()) is not None and d.id != SUBSTANCE_DIMENSION
    ]
    card.overall = None
    if observed:
        card.overall = sum(s * w for s, w in observed) / sum(w for _, w in observed)
    if substance is not None:
        # The overall follows substance: however many process boxes an answer ticks, a
        # buzzword list, an off-topic answer or a run of "I don't know" is not Solid.
        rest = card.overall if card.overall is not None else substance
        card.overall = min(
            SUBSTANCE_SHARE * substance + (1 - SUBSTANCE_SHARE) * rest,
            substance + SUBSTANCE_CAP_MARGIN,
        )
    if card.overall is not None:
        card.overall = round(card.overall, 2)
        card.overall_level_name = rubric.level_names.get(int(card.overall + 0.5))
    order = {d.id: i for i, d in enumerate(rubric.dimensions)}
    weak = sorted(
        ((d.score, d) for d in card.dimensions.values() if d.score is not None and d.score < 4),
        key=lambda pair: (pair[0], -pair[1].weight, order.get(pair[1].id, 0)),
    )
    card.practise_next = []
    for score, d in weak[:PRACTISE_ITEMS]:
        dim = rubric.dimension(d.id)
        card.practise_next.append(
            PractiseItem(
                dimension=d.id,
                name=d.name,
                score=score,
                advice=dim.practise.strip(),
                next_level=dim.anchors[score + 1],
            )
        )
