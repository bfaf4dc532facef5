"""Answering a clarifying question from the question's hidden scenario facts only.

Matching is by the keywords written with each fact (``Question.find_facts``), and the answer
is the fact's own text: the interviewer never invents scale, latency or labels the bank does
not hold. A sentence that asks two things ("how many users do we have, and whether we optimise
for watch time") is matched part by part, so the part no keyword finds is left for the model
to pick a fact for (policy/decide.py), and what nothing answers is said to be unspecified.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ... import speech_acts
from ...catalog.personas import Question, ScenarioFact
from ...grading.stems import stems

NOT_SPECIFIED = (
    "That isn't specified for this problem. State the assumption you'd make, and go ahead."
)
REST_NOT_SPECIFIED = "The rest isn't specified: state the assumption you'd make."
MAX_FACTS_PER_REPLY = 3


def asked_parts(asked: Sequence[str]) -> list[str]:
    """Each clarifying sentence cut where a second question is joined to it."""
    return [part for s in asked for part in speech_acts.question_parts(s)]


@dataclass
class FactMatch:
    """The facts the keywords found for what was asked, and the parts they found none for."""

    facts: list[ScenarioFact] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    # Where the first part no keyword found was asked, among the facts found: the fact the
    # model picks for it is said there, so the reply goes in the order the questions came.
    unmatched_at: int | None = None

    def add(self, fact: ScenarioFact, at: int | None = None) -> None:
        """A fact for the reply, at the end or at ``at`` (where its question was asked)."""
        if fact not in self.facts and len(self.facts) < MAX_FACTS_PER_REPLY:
            self.facts.insert(len(self.facts) if at is None else at, fact)

    def add_for_unmatched(self, fact: ScenarioFact) -> None:
        """The fact picked for the parts no keyword found, in their place."""
        self.add(fact, self.unmatched_at)

    def reply(self) -> str:
        if not self.facts:
            return NOT_SPECIFIED
        said = " ".join(f.fact for f in self.facts)
        return f"{said} {REST_NOT_SPECIFIED}" if self.unmatched else said

    @property
    def topics(self) -> list[str]:
        return [f.topic for f in self.facts]


def match_asked(asked: Sequence[str], question: Question) -> FactMatch:
    """The scenario facts for one or more clarifying questions, part by part."""
    found = FactMatch()
    parts = asked_parts(asked)
    for part in parts:
        facts = question.find_facts(part)[:2]
        if not facts:
            found.unmatched.append(part)
            if found.unmatched_at is None:
                found.unmatched_at = len(found.facts)
        for fact in facts:
            found.add(fact)
    # A part is answered by a fact another part's keywords found when it says what the fact
    # is about ("... zero and one, and what happens when nothing is predicted positive?":
    # "zero" found the zero-denominator fact, "nothing predicted positive" is in it). Not
    # when the facts merely outnumber the parts: "what's the latency budget, and how long
    # does it take before we know a payment was fraud?" found latency and, by "budget", the
    # review team, and the labels' delay went unanswered (the page by voice).
    topic = stems(question.prompt)
    found.unmatched = [
        part
        for part in found.unmatched
        if not any(_covers(fact.fact, part, topic) for fact in found.facts)
    ]
    return found


COVERED_SHARE = 0.5


def _covers(fact: str, part: str, topic: set[str]) -> bool:
    """The fact says what the part asks about: half of its words beyond the problem's own
    ("how often is the median queried?" by "the median is queried after every insert")."""
    asked = stems(part) - topic
    shared = len(asked & stems(fact))
    return shared > 0 and shared >= COVERED_SHARE * len(asked)
