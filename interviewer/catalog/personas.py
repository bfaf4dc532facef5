"""Personas and question banks: the interviewer's data, read from YAML files and validated.

Layout of a personas folder (``paths.personas_dir()``; schema in ``docs/personas.md``)::

    personas/<persona_id>.yaml          one Persona per file, file name == id
    personas/questions/<round>.yaml     one QuestionBank per round, file name == round

Users extend the interviewer by adding files, not code, so every problem in a file must come
back as one :class:`ConfigError` naming the file and the field (or the YAML line), never a
traceback. Models forbid unknown keys: a typo such as ``time_box: 300`` is caught, not ignored.
"""

from __future__ import annotations

import logging
import random
import re
import string
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .. import paths
from ..errors import ConfigError
from .rounds import ROUND_TYPES, RoundType, unknown_round

log = logging.getLogger(__name__)

Tone = Literal["friendly", "neutral", "tough"]

_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
_OPENING_FIELDS = ("name", "round_title")


def _check_placeholders(text: str, allowed: tuple[str, ...]) -> str:
    """Catch "{nmae}" at load time rather than as a KeyError mid-interview."""
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise ValueError(f"bad placeholder ({exc}); write {{{{ and }}}} for braces") from exc
    unknown = names - set(allowed)
    if unknown:
        listed = ", ".join(f"{{{name}}}" for name in allowed)
        raise ValueError(f"unknown placeholder {{{sorted(unknown)[0]}}}; allowed: {listed}")
    return text


class _Strict(BaseModel):
    """Unknown keys are errors (typos in user files); instances are shared, so frozen.

    Numbers become strings where text is expected: YAML reads ``keywords: [p99, 512]`` as an int.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class Voice(_Strict):
    id: str = Field(default="en-us", min_length=1, description="espeak-ng voice, e.g. en-gb")
    rate_wpm: int = Field(default=165, ge=80, le=450)


_REQUEST_FIELDS = ("question", "minutes")


class RequestLines(_Strict):
    """What this interviewer says to a request made of it (``speech_requests.py`` reads it).

    Short and in the persona's voice; none of them may carry a scenario fact. ``repeat`` and
    ``rephrase`` wrap the question (``{question}``); ``time_left`` gets ``{minutes}``.
    """

    repeat: str = Field(default="Sure. {question}", min_length=1)
    rephrase: str = Field(default="Let me put it another way. {question}", min_length=1)
    think_time: str = Field(default="Sure, take your time.", min_length=1)
    right_track: str = Field(
        default="Keep going, and talk me through your reasoning as you go.", min_length=1
    )
    time_left: str = Field(default="You have about {minutes} left on this one.", min_length=1)
    no_time_left: str = Field(
        default="We're at time on this one, so wrap up your main point.", min_length=1
    )
    no_hint_left: str = Field(
        default="I'd rather not give more away. What would you look at first?", min_length=1
    )
    correction: str = Field(default="Got it, thanks for correcting that.", min_length=1)
    back_from_thinking: str = Field(
        default="No rush. Whenever you're ready, start with what you have so far.", min_length=1
    )
    offer_move_on: str = Field(
        default="That's fine, it happens. Shall we move on to something else?",
        min_length=1,
        description="said after a hint did not help: the next 'I don't know' moves on",
    )
    questions_at_end: str = Field(
        default="Good question. Let's keep it for the end, when there's time for your questions.",
        min_length=1,
        description="a question about the interviewer's own team, asked mid-question",
    )

    @field_validator("*")
    @classmethod
    def _known_placeholders(cls, text: str) -> str:
        return _check_placeholders(text, _REQUEST_FIELDS)


class _Fact(_Strict):
    topic: str = Field(min_length=1)
    keywords: list[str] = Field(min_length=1)
    fact: str = Field(min_length=1)

    @field_validator("keywords")
    @classmethod
    def _normalise_keywords(cls, words: list[str]) -> list[str]:
        cleaned = [" ".join(w.lower().split()) for w in words]
        if not all(cleaned):
            raise ValueError("keywords must not be empty strings")
        return cleaned


class TeamFact(_Fact):
    """Something true about the interviewer's own team, told when the candidate asks."""

    topic: Literal["team", "stack", "success", "drift", "tech_debt"]


# Said whatever the candidate did (the close of an interview, a break, moving on, the end of
# their questions), so these lines must not judge: praise after a session of "I don't know"
# contradicts the scorecard.
UNJUDGED_LINES = ("closing", "break_line", "move_on_line")
PRAISE: tuple[str, ...] = (
    "good conversation",
    "great conversation",
    "good discussion",
    "great discussion",
    "good session",
    "great session",
    "good interview",
    "great interview",
    "good job",
    "great job",
    "nice job",
    "good work",
    "great work",
    "nice work",
    "well done",
    "covered that well",
    "good answer",
    "great answer",
    "good answers",
    "great answers",
    "good questions",
    "great questions",
    "impressive",
    "excellent",
    "brilliant",
    "fantastic",
    "you did great",
    "you did well",
    "really good",
    "really well",
)
_PRAISE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in PRAISE) + r")\b", re.IGNORECASE)


def praise_in(line: str) -> str | None:
    """The praise in a line said whatever the candidate did, if any."""
    match = _PRAISE.search(line.replace("’", "'"))
    return match.group(0) if match else None


def _unjudged(text: str) -> str:
    """A line said however the interview went: praise is an error in the file."""
    praise = praise_in(text)
    if praise:
        raise ValueError(
            f"{praise!r} praises the candidate, but this line is said however the "
            "interview went; keep it neutral (a thanks, what happens next)"
        )
    return text


class CandidateQuestions(_Strict):
    """The end of a round: the candidate's questions, answered only from ``about``."""

    invite: str = Field(default="Do you have any questions for me?", min_length=1)
    not_covered: str = Field(
        default="That's not something I can speak to, I'm afraid. Anything else?", min_length=1
    )
    more: str = Field(default="Anything else?", min_length=1)
    thanks: str = Field(
        default="Thank you.",
        min_length=1,
        description='ends the round after a remark, or after their questions and a "that\'s all"',
    )
    no_questions: str = Field(
        default="No problem.", min_length=1, description="the candidate has no question at all"
    )
    about: list[TeamFact] = Field(
        default_factory=list, description="the team, stack, success, drift and tech debt"
    )

    @field_validator("thanks")
    @classmethod
    def _no_praise(cls, text: str) -> str:
        return _unjudged(text)

    @field_validator("about")
    @classmethod
    def _one_per_topic(cls, facts: list[TeamFact]) -> list[TeamFact]:
        topics = [f.topic for f in facts]
        twice = sorted({t for t in topics if topics.count(t) > 1})
        if twice:
            raise ValueError(f"topic {twice[0]!r} is given twice; give each topic once")
        return facts

    def find(self, text: str) -> list[TeamFact]:
        """The facts whose keywords occur in ``text``, best match first."""
        return match_facts(self.about, text)  # type: ignore[arg-type]


class Persona(_Strict):
    id: str = Field(pattern=_ID_PATTERN)
    name: str = Field(min_length=1)
    tone: Tone
    voice: Voice = Voice()
    rounds: list[RoundType] = Field(min_length=1)
    opening: str = Field(min_length=1, description="may use {name} and {round_title}")
    closing: str = Field(min_length=1)
    break_line: str = Field(min_length=1, description="said between rounds of a loop")
    move_on_line: str = Field(min_length=1)
    style: str = Field(min_length=1, description="how this interviewer talks, for the LLM")
    requests: RequestLines = RequestLines()
    candidate_questions: CandidateQuestions = CandidateQuestions()

    @field_validator("opening", "closing", "break_line", "move_on_line")
    @classmethod
    def _known_placeholders(cls, text: str) -> str:
        return _check_placeholders(text, _OPENING_FIELDS)

    @field_validator(*UNJUDGED_LINES)
    @classmethod
    def _no_praise(cls, text: str) -> str:
        return _unjudged(text)

    def say(self, line: str, round_title: str = "") -> str:
        """One of this persona's lines with ``{name}`` and ``{round_title}`` filled in."""
        return line.format(name=self.name, round_title=round_title)


class ScenarioFact(_Fact):
    """A hidden detail of the scenario, revealed only when the candidate asks about it."""


class ReferenceFact(_Fact):
    """A true statement the grader checks claims against (honest doubt vs confident error)."""

    contradicted_by: list[str] = Field(
        default_factory=list,
        description="phrases that, beside one of the keywords, state the opposite of the fact",
    )


class Question(_Strict):
    id: str = Field(pattern=_ID_PATTERN)
    round: RoundType
    title: str = Field(min_length=1)
    prompt: str = Field(min_length=1)
    time_box_s: int = Field(default=600, gt=0)
    terms: list[str] = Field(description="vocabulary that biases speech recognition")
    scenario_facts: list[ScenarioFact] = Field(min_length=1)
    strong_points: list[str] = Field(min_length=1)
    reference_facts: list[ReferenceFact] = Field(min_length=1)
    hints: list[str] = Field(min_length=1)
    rephrase: str | None = Field(
        default=None, description="the question in other words, for 'can you rephrase that?'"
    )

    def find_facts(self, text: str) -> list[ScenarioFact]:
        """Scenario facts whose keywords occur in ``text``, best match first."""
        return match_facts(self.scenario_facts, text)


class FollowUpKind(_Strict):
    """One kind of follow-up a round asks, for the interviewer model: what it asks about, and
    one example of it."""

    kind: str = Field(min_length=1)
    asks: str = Field(min_length=1, description="what this follow-up asks about")
    example: str = Field(pattern=r"^[^?]+\?$", description="one example, a single question")


class QuestionBank(_Strict):
    round: RoundType
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    follow_ups: list[FollowUpKind] = Field(
        default_factory=list, description="the kinds of follow-up this round asks"
    )
    questions: list[Question] = Field(min_length=1)


_FactT = TypeVar("_FactT", bound=_Fact)


def _stems(text: str) -> list[str]:
    """Lower-case word stems, so "users" matches "user" and "labels" matches "label"."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'s", ""))
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]


def match_facts(facts: list[_FactT], text: str) -> list[_FactT]:
    """Facts with at least one keyword (word or phrase) in ``text``, most keywords first.

    Plain word matching on purpose: it is predictable, testable, and the policy can hand the
    matches to the LLM rather than trusting it to pick facts from the whole list.
    """
    scored = [
        (-hits, order, fact) for order, (hits, fact) in enumerate(fact_hits(facts, text)) if hits
    ]
    return [fact for _, _, fact in sorted(scored, key=lambda item: item[:2])]


def fact_hits(facts: list[_FactT], text: str) -> list[tuple[int, _FactT]]:
    """Each fact with how many of its keywords occur in ``text``. A keyword right after
    another fact's keyword is that one's phrase, not a hit of its own: "what's the latency
    budget?" asks about latency, not about the budget of the constraints fact (the page by
    voice: it was told the review team's size)."""
    said = _stems(text)
    # per fact: (keyword, start, end) of each place one of its keywords occurs in ``said``
    found: list[list[tuple[int, int, int]]] = []
    for fact in facts:
        places = []
        for number, keyword in enumerate(fact.keywords):
            k = _stems(keyword)
            n = len(k)
            places += [
                (number, i, i + n) for i in range(len(said) - n + 1) if n and said[i : i + n] == k
            ]
        found.append(places)
    ended_by: dict[int, set[int]] = {}  # a position in ``said``: the facts whose keyword ends there
    for index, places in enumerate(found):
        for _, _, end in places:
            ended_by.setdefault(end, set()).add(index)
    hits = []
    for index, fact in enumerate(facts):
        kept = {n for n, start, _ in found[index] if not ended_by.get(start, set()) - {index}}
        hits.append((len(kept), fact))
    return hits


_ModelT = TypeVar("_ModelT", bound=BaseModel)


class _UniqueKeyLoader(yaml.SafeLoader):
    """safe_load that rejects a key given twice (YAML keeps the last one without a word)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                continue
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path, shown: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot read file ({exc})") from exc
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: plain data only
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(f"{shown}: YAML syntax error{where}: {problem}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{shown}: YAML syntax error: {exc}") from exc
    if not isinstance(data, dict):
        got = "an empty file" if data is None else f"a {type(data).__name__}"
        raise ConfigError(f"{shown}: expected a mapping of fields, got {got}")
    return data


def _validate(model: type[_ModelT], data: Any, shown: str) -> _ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        message = f"{shown}: {field}: {first['msg']}"
        value = first.get("input")
        if first["type"] != "missing" and isinstance(value, (str, int, float)):
            message += f" (got {str(value)[:60]!r})"
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more problem{'s' * (len(errors) > 2)})"
        hint = None
        loc = first["loc"]
        if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
            try:
                hint = f"in question '{data['questions'][loc[1]]['id']}'"
            except (KeyError, IndexError, TypeError):
                hint = None
        raise ConfigError(message, hint=hint) from exc


class Catalog:
    """Every persona and question bank of one folder, validated across files."""

    def __init__(self, personas: dict[str, Persona], banks: dict[str, QuestionBank]) -> None:
        self.personas = personas
        self.banks = banks
        self._questions = {q.id: q for bank in banks.values() for q in bank.questions}

    @classmethod
    def load(cls, directory: Path | None = None) -> Catalog:
        root = Path(directory) if directory is not None else paths.personas_dir()
        if not root.is_dir():
            raise ConfigError(
                f"personas folder not found: {root}",
                hint="set INTERVIEWER_PERSONAS_DIR to a folder laid out like the shipped personas/",
            )

        def shown(path: Path) -> str:
            return str(Path(root.name) / path.relative_to(root))

        personas: dict[str, Persona] = {}
        for path in sorted(root.glob("*.yaml")) + sorted(root.glob("*.yml")):
            persona = _validate(Persona, _read_yaml(path, shown(path)), shown(path))
            if persona.id != path.stem:
                raise ConfigError(
                    f"{shown(path)}: id: '{persona.id}' must match the file name '{path.stem}'"
                )
            personas[persona.id] = persona

        banks: dict[str, QuestionBank] = {}
        owner: dict[str, str] = {}
        qdir = root / "questions"
        for path in sorted(qdir.glob("*.yaml")) + sorted(qdir.glob("*.yml")):
            bank = _validate(QuestionBank, _read_yaml(path, shown(path)), shown(path))
            if bank.round != path.stem:
                raise ConfigError(
                    f"{shown(path)}: round: '{bank.round}' must match the file name '{path.stem}'"
                )
            for i, question in enumerate(bank.questions):
                if question.round != bank.round:
                    raise ConfigError(
                        f"{shown(path)}: questions.{i}.round: '{question.round}' "
                        f"in a bank for round '{bank.round}'"
                    )
                if question.id in owner:
                    raise ConfigError(
                        f"{shown(path)}: questions.{i}.id: duplicate question id "
                        f"'{question.id}' (also in {owner[question.id]})"
                    )
                owner[question.id] = shown(path)
            banks[bank.round] = bank

        missing_banks = [r for r in ROUND_TYPES if r not in banks]
        if missing_banks:
            raise ConfigError(
                f"{root}: no question bank for round {', '.join(missing_banks)}",
                hint=f"add questions/{missing_banks[0]}.yaml",
            )
        uncovered = [r for r in ROUND_TYPES if not any(r in p.rounds for p in personas.values())]
        if uncovered:
            raise ConfigError(
                f"{root}: no persona conducts round {', '.join(uncovered)}",
                hint="list the round under `rounds:` in one of the persona files",
            )
        log.info("loaded %d personas and %d questions from %s", len(personas), len(owner), root)
        return cls(personas, {r: banks[r] for r in ROUND_TYPES})

    def persona(self, persona_id: str) -> Persona:
        try:
            return self.personas[persona_id]
        except KeyError:
            raise ConfigError(
                f"unknown persona '{persona_id}'; available: {', '.join(self.personas)}"
            ) from None

    def persona_for_round(self, round: str, persona_id: str | None = None) -> Persona:
        """The named persona (if it conducts ``round``), else the first one that does."""
        self.bank(round)  # unknown round -> the rounds list
        able = [p.id for p in self.personas.values() if round in p.rounds]
        if persona_id is None:
            return self.personas[able[0]]
        persona = self.persona(persona_id)
        if round not in persona.rounds:
            raise ConfigError(
                f"persona '{persona_id}' does not conduct {round} rounds; "
                f"personas for {round}: {', '.join(able)}"
            )
        return persona

    def bank(self, round: str) -> QuestionBank:
        try:
            return self.banks[round]
        except KeyError:
            raise unknown_round(round) from None

    def round_title(self, round: str) -> str:
        """What the interviewer calls the round: its question bank's ``title:``."""
        return self.bank(round).title

    def question(self, question_id: str) -> Question:
        try:
            return self._questions[question_id]
        except KeyError:
            examples = ", ".join(list(self._questions)[:4])
            raise ConfigError(
                f"unknown question '{question_id}'; e.g. {examples}",
                hint="`interviewer personas` lists every question id",
            ) from None

    def pick_questions(
        self, round: str, n: int, seed: int | None = None, question_id: str | None = None
    ) -> list[Question]:
        """``n`` distinct questions of a round in random order (repeatable with ``seed``).

        ``question_id`` pins the first question; the rest are drawn from the others.
        """
        if n < 1:
            raise ConfigError(f"number of questions must be at least 1, got {n}")
        pool = list(self.bank(round).questions)
        first: list[Question] = []
        if question_id is not None:
            pinned = self.question(question_id)
            if pinned.round != round:
                raise ConfigError(
                    f"question '{question_id}' belongs to round {pinned.round}, not {round}"
                )
            first = [pinned]
            pool = [q for q in pool if q.id != question_id]
        available = len(first) + len(pool)
        if n > available:
            log.warning("round %s has only %d questions; asked for %d", round, available, n)
        rest = random.Random(seed).sample(pool, min(n - len(first), len(pool)))
        return first + rest


@lru_cache(maxsize=8)
def _load_resolved(directory: Path) -> Catalog:
    return Catalog.load(directory)


def load_catalog(directory: Path | None = None) -> Catalog:
    """The catalog of ``directory`` (default: ``paths.personas_dir()``), parsed once per run."""
    root = Path(directory) if directory is not None else paths.personas_dir()
    return _load_resolved(root.resolve())


def round_title(round: str) -> str:
    """The bank title of ``round`` in the catalogue every interview reads (``personas_dir``)."""
    return load_catalog().round_title(round)


def round_follow_ups(round: str) -> list[FollowUpKind]:
    """The kinds of follow-up ``round`` asks (its bank's ``follow_ups:``); none when the
    catalogue cannot be read, so a prompt never fails on it."""
    try:
        return list(load_catalog().bank(round).follow_ups)
    except ConfigError:
        return []


def round_titles(rounds: list[str]) -> list[str]:
    """Titles for a report; a round the catalogue cannot name (a broken personas folder, a
    round from elsewhere) keeps its id, so a report never fails on the catalogue."""
    try:
        catalog = load_catalog()
    except ConfigError as exc:
        log.warning("round titles unavailable: %s", exc.message)
        return list(rounds)
    return [catalog.banks[r].title if r in catalog.banks else r for r in rounds]
