"""Simulated candidates, strong and weak, one pair per question: demos and the self-check.

The scripts are data (``personas/simulated/<round>.yaml``, schema in ``docs/personas.md``),
kept apart from the question banks so that writing a candidate never touches a bank. Each
candidate is a short ordered list of turns plus one-off replies to the interviewer's acts that
break the order (a hint, a redirect back to the question). The candidate speaks through text
to speech, and the interview transcribes it like any other answer; without a speaker it hands
over its words as typed text (the self-check's fast mode).

A candidate also keeps what it said and why (:attr:`SimulatedCandidate.said`), so the
self-check can tell which candidate turns were clarifying questions or off-topic without
reading the transcript back.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, model_validator

from ... import paths, speech_acts
from ...catalog.personas import Catalog, _read_yaml, _Strict, _validate, load_catalog
from ...catalog.rounds import RoundType
from ...errors import ConfigError
from ...session.models import AnswerSourceKind
from ..policy.off_topic import REDIRECT_OPENING
from .sources import AnswerContext, CandidateAnswer

log = logging.getLogger(__name__)

Level = Literal["strong", "weak"]
LEVELS: tuple[str, ...] = get_args(Level)
# What a scripted turn does; the self-check reads these to know what the interviewer should do
# next (a clarifying question wants a fact from the bank, an off-topic turn wants a redirect).
TurnKind = Literal["clarifying", "answer", "why", "edge", "bluff", "off_topic"]
# Interviewer acts a candidate may answer out of order, once each.
ReplyAct = Literal["hint", "redirect"]
# Said when a candidate's turns run out: a request the policy answers by moving on, so a
# question ends instead of the whole interview (a source that returns None ends the session).
OUT_OF_TURNS = "That's everything I'd say on this one. Can we move on to the next question?"
# The candidate's espeak-ng voice: unlike every persona's, and the one the bundled Whisper
# model heard best: word error 14.5% on 12 scripted turns, against 17.7% for en-gb at the same
# rate and 15.3% for en-us at 145 wpm (measured 2026-11-29).
VOICE_ID = "en-us"
VOICE_RATE_WPM = 160


def simulated_speaker() -> Any:
    """The text-to-speech voice the simulated candidate speaks with."""
    from ...speech.tts import Speaker

    return Speaker(voice=VOICE_ID, rate_wpm=VOICE_RATE_WPM)


class ScriptTurn(_Strict):
    kind: TurnKind
    say: str = Field(min_length=1, description="the words, spoken through text to speech")


class CandidateScript(_Strict):
    """One simulated candidate for one question."""

    turns: list[ScriptTurn] = Field(min_length=2, max_length=8)
    replies: dict[ReplyAct, str] = Field(
        default_factory=dict, description="said once, instead of the next turn, after this act"
    )


class QuestionScripts(_Strict):
    """The strong and the weak candidate for one question."""

    strong: CandidateScript
    weak: CandidateScript

    @model_validator(mode="after")
    def _levels_behave_as_named(self) -> QuestionScripts:
        strong = [t.kind for t in self.strong.turns]
        weak = [t.kind for t in self.weak.turns]
        if strong[0] != "clarifying":
            raise ValueError("strong.turns: the strong candidate opens with a clarifying question")
        if strong.count("edge") != 1:
            raise ValueError("strong.turns: the strong candidate admits its edge exactly once")
        if {"bluff", "off_topic"} & set(strong):
            raise ValueError("strong.turns: the strong candidate neither bluffs nor wanders")
        if "hint" not in self.strong.replies:
            raise ValueError("strong.replies: say how the strong candidate uses a hint")
        if "clarifying" in weak:
            raise ValueError("weak.turns: the weak candidate jumps in without asking")
        if "bluff" not in weak:
            raise ValueError("weak.turns: the weak candidate bluffs when probed at least once")
        return self


class SimulatedBank(_Strict):
    """``personas/simulated/<round>.yaml``: the candidates for a round's questions."""

    round: RoundType
    questions: dict[str, QuestionScripts] = Field(min_length=1)


def simulated_dir(personas_dir: Path | None = None) -> Path:
    return (personas_dir or paths.personas_dir()) / "simulated"


def load_simulated(
    personas_dir: Path | None = None, catalog: Catalog | None = None
) -> dict[str, QuestionScripts]:
    """Every script of a personas folder by question id, checked against its question banks."""
    root = Path(personas_dir) if personas_dir is not None else paths.personas_dir()
    catalog = catalog or load_catalog(root)
    folder = simulated_dir(root)
    scripts: dict[str, QuestionScripts] = {}
    for path in sorted(folder.glob("*.yaml")):
        shown = f"{root.name}/simulated/{path.name}"
        bank = _validate(SimulatedBank, _read_yaml(path, shown), shown)
        if bank.round != path.stem:
            raise ConfigError(
                f"{shown}: round: '{bank.round}' must match the file name '{path.stem}'"
            )
        known = {q.id for q in catalog.bank(bank.round).questions}
        for question_id, script in bank.questions.items():
            if question_id not in known:
                raise ConfigError(
                    f"{shown}: questions.{question_id}: no such question in the {bank.round} bank",
                    hint=f"question ids there: {', '.join(sorted(known))}",
                )
            scripts[question_id] = script
    return scripts


@lru_cache(maxsize=4)
def _cached(root: Path) -> dict[str, QuestionScripts]:
    return load_simulated(root)


def script_for(question_id: str, round: str, personas_dir: Path | None = None) -> QuestionScripts:
    root = (Path(personas_dir) if personas_dir is not None else paths.personas_dir()).resolve()
    try:
        return _cached(root)[question_id]
    except KeyError:
        raise ConfigError(
            f"no simulated candidate for question '{question_id}'",
            hint=f"add it under questions: in {root.name}/simulated/{round}.yaml",
        ) from None


# Interviewer acts that always steer back to the question; any other act (but the question
# itself) does when it opens as the policy's steer-back does (policy/off_topic.py) or repeats
# the question's opening words.
REDIRECT_ACTS = frozenset({"redirect"})
STEER_BACK_OPENING_WORDS = 4


def steers_back(act: str, text: str, question_prompt: str) -> bool:
    """Whether an interviewer turn brings the candidate back to the question asked."""
    if act in REDIRECT_ACTS:
        return True
    if act == "ask":
        return False
    if text.startswith(REDIRECT_OPENING):
        return True
    # Its opening words, not its first sentence: "reports 0.95 ROC AUC" has a full stop in it.
    opening = speech_acts.words(question_prompt)[:STEER_BACK_OPENING_WORDS]
    return " ".join(opening) in " ".join(speech_acts.words(text))


@dataclass(frozen=True)
class SaidLine:
    """One line a simulated candidate said, and the act it answered."""

    question_id: str
    kind: str  # a TurnKind, or "after_hint" / "after_redirect" / "out_of_turns"
    text: str
    after_act: str


class _Progress:
    """Where one candidate stands on one question."""

    def __init__(self, script: CandidateScript) -> None:
        self.script = script
        self.next_turn = 0
        self.replied: set[str] = set()

    def line_for(self, act: str) -> tuple[str, str]:
        """(kind, words) answering the interviewer's latest act."""
        reply = self.script.replies.get(act)  # type: ignore[call-overload]
        if reply is not None and act not in self.replied:
            self.replied.add(act)
            return f"after_{act}", reply
        if self.next_turn < len(self.script.turns):
            turn = self.script.turns[self.next_turn]
            self.next_turn += 1
            return turn.kind, turn.say
        return "out_of_turns", OUT_OF_TURNS


# Asked when invited at the end of a round, in order (the last ends it). TODO: move into the
# scripts' data (personas/simulated/) beside each round's lines.
CLOSING_QUESTIONS: dict[str, tuple[str, ...]] = {
    "strong": (
        "How does your team measure model success in production?",
        "And how do you handle retraining and drift?",
        "No, that's all from me, thanks.",
    ),
    "weak": ("No, I think I'm good, thanks.",),
}


class SimulatedCandidate:
    """A scripted candidate for the question asked, strong or weak.

    With a ``speaker`` each line is synthesised and handed over as audio, so the interview's
    speech recognition hears it like a microphone answer; with ``speaker=None`` the line is
    handed over as typed text (quick, for the self-check).
    """

    kind: AnswerSourceKind = "simulated"
    live = False  # hands over whole answers: nothing to prepare a reply from while it speaks

    def __init__(
        self,
        speaker: Any | None,
        level: Level = "strong",
        personas_dir: Path | None = None,
    ) -> None:
        if level not in LEVELS:
            raise ConfigError(f"unknown simulated candidate {level!r}; choose strong or weak")
        self.speaker = speaker
        self.level = level
        self.personas_dir = personas_dir
        self.said: list[SaidLine] = []
        self._progress: dict[str, _Progress] = {}
        self._closing_asked: dict[str, int] = {}  # per round

    def next_answer(self, context: AnswerContext) -> CandidateAnswer:
        from ..policy.closing import CANDIDATE_QUESTIONS_ID

        if context.question_id == CANDIDATE_QUESTIONS_ID:
            return self._closing_question(context)
        progress = self._progress.get(context.question_id)
        if progress is None:
            scripts = script_for(context.question_id, context.round, self.personas_dir)
            progress = self._progress[context.question_id] = _Progress(getattr(scripts, self.level))
        act = context.interviewer_act
        question = load_catalog(self.personas_dir).question(context.question_id)
        if steers_back(act, context.interviewer_text, question.prompt):
            act = "redirect"
        kind, text = progress.line_for(act)
        self.said.append(SaidLine(context.question_id, kind, text, context.interviewer_act))
        return self._spoken(text, f"simulated {self.level} candidate ({kind})")

    def _spoken(self, text: str, origin: str) -> CandidateAnswer:
        """The line as speech (synthesised, then transcribed like any answer), or as text."""
        if self.speaker is None:
            return CandidateAnswer(source="simulated", text=text, origin=origin)
        from ...audio.io import load_audio

        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "answer.wav"
            self.speaker.synthesize(text, wav)
            return CandidateAnswer(source="simulated", samples=load_audio(wav), origin=origin)

    def _closing_question(self, context: AnswerContext) -> CandidateAnswer:
        """Invited to ask questions at the end of a round: the strong one asks the owner's."""
        lines = CLOSING_QUESTIONS[self.level]
        asked = self._closing_asked.get(context.round, 0)
        self._closing_asked[context.round] = asked + 1
        text = lines[min(asked, len(lines) - 1)]
        self.said.append(SaidLine(context.question_id, "closing", text, context.interviewer_act))
        return self._spoken(text, "simulated closing")
