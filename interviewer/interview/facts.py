"""Answering a clarifying question from the question's hidden scenario facts only.

Matching is by keywords written with each fact (``ScenarioFact.keywords``), so the answer is
the fact's own text: the interviewer never invents scale, latency or labels the bank
does not hold. When nothing matches, the interviewer says so and invites an assumption.
"""

from __future__ import annotations

from collections.abc import Sequence

from .intents import words
from .personas import ScenarioFact

NOT_SPECIFIED = (
    "That isn't specified for this problem. State the assumption you'd make, and go ahead."
)


def _keyword_hits(question_words: list[str], text: str, keyword: str) -> float:
    kw_words = words(keyword)
    if not kw_words:
        return 0.0
    if len(kw_words) == 1:
        stem = kw_words[0]
        # Plural/singular and simple suffixes ("user" ~ "users", "label" ~ "labelled").
        return 1.0 if any(w == stem or (len(stem) > 3 and w.startswith(stem)) or
                          (len(w) > 3 and stem.startswith(w)) for w in question_words) else 0.0
    return 1.5 if " ".join(kw_words) in " ".join(question_words) else 0.0


def match_facts(
    question: str, facts: Sequence[ScenarioFact], *, limit: int = 2
) -> list[ScenarioFact]:
    """Facts whose keywords (or topic) appear in the candidate's question, best first."""
    question_words = words(question)
    scored: list[tuple[float, int, ScenarioFact]] = []
    for order, fact in enumerate(facts):
        score = sum(_keyword_hits(question_words, question, k) for k in fact.keywords)
        score += _keyword_hits(question_words, question, fact.topic)
        if score > 0:
            scored.append((score, -order, fact))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [fact for _, _, fact in scored[:limit]]


def answer_from_facts(asked: Sequence[str], facts: Sequence[ScenarioFact]) -> tuple[str, list[str]]:
    """The reply to one or more clarifying questions, and the topics it revealed."""
    revealed: list[ScenarioFact] = []
    for question in asked:
        for fact in match_facts(question, facts):
            if fact not in revealed:
                revealed.append(fact)
    if not revealed:
        return NOT_SPECIFIED, []
    return " ".join(f.fact for f in revealed[:3]), [f.topic for f in revealed[:3]]
