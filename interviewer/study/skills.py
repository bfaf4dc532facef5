"""Read a job description: find the skills and systems it names, map them to rounds and topics.

The mapping is data (``study/skills.yaml``): phrases per skill, and how strongly each skill
points at each round. Matching is plain and deterministic: whole words, case-insensitive,
a trailing plural allowed, spaces matching "-" or "/" too. Sections whose heading says they
are about benefits or the company are skipped, so "health insurance" or "our mission" never
weigh on the plan. The result lists every phrase found, so the candidate can check it.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..catalog.rounds import ROUND_TYPES
from ..errors import ConfigError
from ..paths import study_dir

SKILLS_FILE = "skills.yaml"
# A phrase found more often than this adds nothing: a long posting that repeats "Python"
# is not three times a coding job.
MAX_COUNT = 3


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Skill(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    phrases: list[str] = Field(min_length=1)
    rounds: dict[str, float] = Field(min_length=1)
    topics: list[str] = Field(default_factory=list)

    @field_validator("rounds")
    @classmethod
    def _known_rounds(cls, rounds: dict[str, float]) -> dict[str, float]:
        for r, w in rounds.items():
            if r not in ROUND_TYPES:
                raise ValueError(f"unknown round {r!r}; rounds: {', '.join(ROUND_TYPES)}")
            if w <= 0:
                raise ValueError(f"the weight of {r} must be positive")
        return rounds


class SkillMap(_Strict):
    version: int = 1
    ignore_sections: list[str] = Field(default_factory=list)
    skills: list[Skill] = Field(min_length=1)


class SkillHit(BaseModel):
    """A skill the job description names, and the words that named it."""

    skill: str
    name: str
    phrases: list[str]
    count: int
    rounds: dict[str, float]


class JobMapping(BaseModel):
    source: str
    hits: list[SkillHit] = Field(default_factory=list)
    round_weights: dict[str, float] = Field(
        default_factory=dict, description="each round's share of the job, summing to 1"
    )
    topics: dict[str, list[str]] = Field(
        default_factory=dict, description="per round, the topics the job stresses, most first"
    )


def load_skill_map(path: Path | None = None) -> SkillMap:
    file = path or study_dir() / SKILLS_FILE
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the skills file {file}: {exc}") from exc
    try:
        return SkillMap.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"{file}: {where}: {first['msg']}", hint="the schema is in docs/study-plan.md"
        ) from exc


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in re.split(r"[\s\-/]+", phrase.strip().lower()) if w]
    body = r"[\s\-/]*".join(words)
    return re.compile(rf"(?<![a-z0-9]){body}(?:s|es)?(?![a-z0-9+#])")


def _compiled(skill_map: SkillMap) -> list[tuple[Skill, list[tuple[str, re.Pattern[str]]]]]:
    return [(s, [(p, phrase_pattern(p)) for p in s.phrases]) for s in skill_map.skills]


_HEADING = re.compile(r"^\s*(#{1,6}\s*|\*\*)?(?P<title>[^\n]{1,60}?)(\*\*)?\s*:?\s*$")


def relevant_text(text: str, ignore: list[str]) -> str:
    """The job description without the sections about benefits, pay or the company."""
    keep: list[str] = []
    skipping = False
    for line in text.splitlines():
        stripped = line.strip()
        match = _HEADING.match(stripped) if stripped else None
        is_heading = bool(
            match
            and (stripped.startswith("#") or stripped.endswith(":") or stripped.startswith("**"))
        )
        if is_heading and match:
            title = match.group("title").lower()
            skipping = any(word in title for word in ignore)
        if not skipping:
            keep.append(line)
    return "\n".join(keep).lower()


def map_job(text: str, source: str = "", skill_map: SkillMap | None = None) -> JobMapping:
    """Which skills the text names, and the share of each round in the job."""
    skill_map = skill_map or load_skill_map()
    body = relevant_text(text, skill_map.ignore_sections)
    hits: list[SkillHit] = []
    for skill, patterns in _compiled(skill_map):
        spans: list[tuple[int, int, str]] = []
        for phrase, rx in patterns:
            spans.extend((m.start(), m.end(), phrase) for m in rx.finditer(body))
        # The longest phrase wins where two overlap ("vector database" over "database").
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        kept: list[tuple[int, int, str]] = []
        for span in spans:
            if kept and span[0] < kept[-1][1]:
                continue
            kept.append(span)
        if kept:
            phrases = list(dict.fromkeys(p for _, _, p in kept))
            hits.append(
                SkillHit(
                    skill=skill.id,
                    name=skill.name,
                    phrases=phrases,
                    count=len(kept),
                    rounds=dict(skill.rounds),
                )
            )
    hits.sort(key=lambda h: -h.count)
    raw: dict[str, float] = dict.fromkeys(ROUND_TYPES, 0.0)
    topic_score: dict[str, dict[str, float]] = {r: {} for r in ROUND_TYPES}
    skills = {s.id: s for s in skill_map.skills}
    for hit in hits:
        strength = min(hit.count, MAX_COUNT)
        for r, w in hit.rounds.items():
            raw[r] += strength * w
            for topic in skills[hit.skill].topics:
                topic_score[r][topic] = topic_score[r].get(topic, 0.0) + strength * w
    total = sum(raw.values())
    weights = {r: round(v / total, 3) for r, v in raw.items()} if total else {}
    topics = {
        r: [t for t, _ in sorted(ts.items(), key=lambda kv: (-kv[1], kv[0]))]
        for r, ts in topic_score.items()
        if ts
    }
    return JobMapping(source=source, hits=hits, round_weights=weights, topics=topics)


def read_job(path: Path) -> JobMapping:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ConfigError(f"cannot read the job description {path}: {exc}") from exc
    if not text.strip():
        raise ConfigError(f"the job description {path} is empty")
    mapping = map_job(text, source=str(path))
    if not mapping.hits:
        raise ConfigError(
            f"found no skill or system in {path} that maps to a round",
            hint="check it is the job description, or add its words to study/skills.yaml",
        )
    return mapping


def topic_overlap(topics: list[str], text: str) -> list[str]:
    """The topics that occur in ``text`` (a question's title, prompt and terms)."""
    low = text.lower()
    return [t for t in topics if phrase_pattern(t).search(low)]
