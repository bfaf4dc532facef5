"""The registry of interview rounds: every fact about a round that is not in a data file.

A round's id, its aliases, the default loop order and the interviewer wording that identifies
it in a transcript recorded elsewhere are written here, once. The rest comes from data: the
title the interviewer says is the question bank's ``title:`` (``Catalog.round_title``), and
the rubric dimensions that apply are the rubric's ``applies_to`` (``Rubric.dimensions_for``).
The catalogue, the policy, the grader, the CLI and the report all read rounds from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

from ..errors import ConfigError, TranscriptFormatError

# The order is the default loop order (`interviewer loop`) and the order rounds are listed in.
RoundType = Literal["coding", "ml_system_design", "modelling", "behavioural", "llm_retrieval"]
ROUND_TYPES: tuple[RoundType, ...] = get_args(RoundType)
DEFAULT_LOOP: tuple[RoundType, ...] = ROUND_TYPES
# `interviewer practice` without --round, and a foreign transcript whose round has no cue.
DEFAULT_ROUND: RoundType = "ml_system_design"


class UnknownRoundError(ConfigError, TranscriptFormatError):
    """A round name that is neither a round id nor an alias (on the command line, in a
    persona or rubric file, or in a transcript's ``# round:`` line)."""


@dataclass(frozen=True)
class RoundSpec:
    """What the code knows about a round; ``cues`` find it in a foreign transcript."""

    id: RoundType
    aliases: tuple[str, ...]
    cues: re.Pattern[str]
    # Whether the round probes technical knowledge. Where it does not (stories about the
    # past), "I didn't know what to do" is part of the story and "I definitely will" is an
    # opinion: the grader reads honesty there only in answers to a follow-up.
    probes_knowledge: bool = True


def _cues(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


ROUNDS: dict[RoundType, RoundSpec] = {
    spec.id: spec
    for spec in (
        RoundSpec(
            "coding",
            (),
            _cues(
                r"write a function|implement|array|linked list|algorithm|given a list"
                r"|integers?|string|complexity|return the|binary tree|code"
            ),
        ),
        RoundSpec(
            "ml_system_design",
            ("system_design",),
            _cues(
                r"design (a|an|the)|system|recommend|ranking|feed|pipeline"
                r"|serving|at scale|architecture"
            ),
        ),
        RoundSpec(
            "modelling",
            (),
            _cues(
                r"\bmodel\b|features?|loss|overfit|train|class imbalance"
                r"|regulari[sz]|validation|evaluate"
            ),
        ),
        RoundSpec(
            "behavioural",
            ("behavioral",),
            _cues(
                r"tell me about a time|a time when|describe a situation|conflict"
                r"|disagree|proud|feedback|stakeholder|mistake|failure"
            ),
            probes_knowledge=False,
        ),
        RoundSpec(
            "llm_retrieval",
            ("llm", "retrieval", "rag"),
            _cues(
                r"\bllm|retrieval|\brag\b|embedding|vector|prompt|hallucinat"
                r"|chunk|language model|reranker"
            ),
        ),
    )
}
assert tuple(ROUNDS) == ROUND_TYPES, "every round id needs exactly one RoundSpec, in order"

_ALIASES: dict[str, RoundType] = {
    alias: spec.id for spec in ROUNDS.values() for alias in (spec.id, *spec.aliases)
}


def probes_knowledge(round_id: str | None) -> bool:
    """True for technical rounds (and an unknown round): see ``RoundSpec.probes_knowledge``."""
    spec = ROUNDS.get(round_id) if round_id else None  # type: ignore[call-overload]
    return spec.probes_knowledge if spec else True


def round_list(sep: str = ", ") -> str:
    """The round ids, for help strings and error messages."""
    return sep.join(ROUND_TYPES)


def unknown_round(value: str) -> UnknownRoundError:
    return UnknownRoundError(f"unknown round '{value}'; rounds: {round_list()}")


def normalise_round(value: str | None) -> RoundType | None:
    """A round id from an id or alias, any case, spaces or dashes for underscores."""
    if value is None:
        return None
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return _ALIASES[key]
    except KeyError:
        raise unknown_round(value) from None


def parse_round_list(text: str) -> list[RoundType]:
    """``loop --rounds``: comma-separated ids or aliases, in order; empty is an error."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise UnknownRoundError(f"no rounds given in {text!r}; rounds: {round_list()}")
    return [normalise_round(name) for name in names]  # type: ignore[misc]


def infer_round(interviewer_text: str) -> RoundType | None:
    """The round whose cues the interviewer's words match most (ties: registry order)."""
    counts = {rid: len(spec.cues.findall(interviewer_text)) for rid, spec in ROUNDS.items()}
    best = max(ROUND_TYPES, key=lambda rid: (counts[rid], -ROUND_TYPES.index(rid)))
    return best if counts[best] else None
