"""Answering a clarifying question from the question's hidden scenario facts only.

Matching is by the keywords written with each fact (``Question.find_facts``), and the answer
is the fact's own text: the interviewer never invents scale, latency or labels the bank does
not hold. When nothing matches, the interviewer says so and invites a stated assumption.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...catalog.personas import Question

NOT_SPECIFIED = (
    "That isn't specified for this problem. State the assumption you'd make, and go ahead."
)
MAX_FACTS_PER_REPLY = 3


def answer_from_facts(asked: Sequence[str], question: Question) -> tuple[str, list[str]]:
    """The reply to one or more clarifying questions, and the topics it revealed."""
    revealed = []
    for sentence in asked:
        for fact in question.find_facts(sentence)[:2]:
            if fact not in revealed:
                revealed.append(fact)
    revealed = revealed[:MAX_FACTS_PER_REPLY]
    if not revealed:
        return NOT_SPECIFIED, []
    return " ".join(f.fact for f in revealed), [f.topic for f in revealed]
