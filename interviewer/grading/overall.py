"""The overall score and what to practise next, made from the dimension scores.

The overall is the weighted mean of the observed dimensions, at most one level above
substance (:data:`SUBSTANCE_CAP_MARGIN`): an answer that says nothing (a list of terms, an
answer to another question, a run of "I don't know") stays below 2.5 however well it is
delivered, while one weak process dimension only pulls the mean, never floors it.
"""

from __future__ import annotations

from .rubric import Rubric
from .scorecard import PRACTISE_ITEMS, SUBSTANCE_DIMENSION, PractiseItem, Scorecard

SUBSTANCE_CAP_MARGIN = 1.0
OVERALL_METHOD = (
    "The overall is the weighted mean of the dimensions observed, capped at one level above "
    "substance, so that delivery and process cannot carry an answer that says nothing."
)


def finish(card: Scorecard, rubric: Rubric) -> None:
    """Overall score and what to practise next, from the dimension scores (re-run after a judge)."""
    observed = [(d.score, d.weight) for d in card.dimensions.values() if d.score is not None]
    if observed:
        card.overall = round(sum(s * w for s, w in observed) / sum(w for _, w in observed), 2)
        # The overall follows substance: however many process boxes an answer ticks, a
        # buzzword list, an off-topic answer or a run of "I don't know" is not Solid.
        said = card.dimensions.get(SUBSTANCE_DIMENSION)
        if said is not None and said.score is not None:
            card.overall = min(card.overall, said.score + SUBSTANCE_CAP_MARGIN)
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
