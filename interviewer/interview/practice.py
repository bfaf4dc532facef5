"""Assemble and run a practice session: one round (`practice`) or a loop of rounds (`loop`).

All the choices a user makes are one pydantic model (:class:`PracticeOptions`), recorded in
the session (never with the API key), so a session says how it was produced.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from ..catalog.personas import Persona, Question, load_catalog
from ..catalog.rounds import DEFAULT_ROUND, RoundType
from ..errors import ConfigError, InterviewerError
from ..llm.factory import describe
from ..llm.settings import LLMSettings
from ..machine.speed import MachineSpeed, plan_for
from ..machine.speed import measure as measure_speed
from ..paths import recordings_dir
from ..session.models import Session
from ..session.store import new_session_id
from ..speech.stt import Transcriber, load_transcriber
from .answers.simulated import Level, SimulatedCandidate, script_for, simulated_speaker
from .answers.sources import AnswerSource, FileAnswers, TextAnswers
from .pipeline import interview_runner, microphone_answers
from .runner import ACKNOWLEDGE_AFTER_S, InterviewObserver, InterviewRunner, RunConfig
from .voice import InterviewerVoice

log = logging.getLogger(__name__)

# "browser": the page of `interviewer serve` (its microphone stream and typed text).
AnswerMode = Literal["microphone", "files", "text", "simulated", "browser"]
# Builds the answer source a front end brings (the browser page), once the models are loaded.
AnswersFactory = Callable[[Transcriber, MachineSpeed | None], AnswerSource]
LIVE_MODES: tuple[str, ...] = ("microphone", "browser")


class PracticeOptions(BaseModel):
    rounds: list[RoundType] = Field(default_factory=lambda: [DEFAULT_ROUND])
    persona: str | None = None
    question_id: str | None = None
    questions_per_round: int = Field(default=1, ge=1, le=20)
    max_depth: int = Field(default=3, ge=0, le=6)
    round_minutes: float | None = Field(default=None, gt=0)
    break_s: float = Field(default=0.0, ge=0)
    answers: AnswerMode = "microphone"
    answers_dir: Path | None = None
    simulate_as: Level = "strong"  # which simulated candidate answers (answers == "simulated")
    voice: bool = True
    out_dir: Path | None = None
    stt_model: str = "bundled"
    # Microphone only: transcribe and warm the LLM while the candidate talks (issue 5).
    streaming: bool = True
    endpoint: dict[str, float | int] = Field(
        default_factory=dict, description="EndpointConfig overrides, e.g. end_silence_ms"
    )
    seed: int | None = None
    # Coding questions that carry code: the candidate's own file, and whether to open $EDITOR.
    code_file: Path | None = None
    editor: bool = False
    llm: LLMSettings = Field(default_factory=LLMSettings)

    def public_dict(self) -> dict:
        data = self.model_dump(mode="json", exclude={"llm"})
        data["llm"] = self.llm.public_dict()
        return data


def plan_rounds(options: PracticeOptions) -> list[tuple[Persona, list[Question]]]:
    """Persona and questions for each round, validated before any model is loaded."""
    catalog = load_catalog()
    plan = []
    for round_type in options.rounds:
        bank = catalog.bank(round_type)  # raises ConfigError for an unknown round
        persona = catalog.persona_for_round(bank.round, options.persona)
        questions = catalog.pick_questions(
            bank.round,
            options.questions_per_round,
            seed=options.seed,
            question_id=options.question_id,
        )
        plan.append((persona, questions))
    return plan


def make_answers(
    options: PracticeOptions,
    transcriber,
    on_frame: Callable | None,
    speed: MachineSpeed | None = None,
    on_words: Callable[[str], None] | None = None,
) -> AnswerSource:
    """The answer source the options ask for; a live one plans its background work from
    ``speed`` (measured when the models load)."""
    if options.answers == "browser":
        raise ConfigError("browser answers come from `interviewer serve`")
    if options.answers == "files":
        if options.answers_dir is None:
            raise ConfigError("--answers needs a folder of audio files")
        return FileAnswers(options.answers_dir)
    if options.answers == "text":
        return TextAnswers()
    if options.answers == "simulated":
        return SimulatedCandidate(simulated_speaker(), options.simulate_as)
    return microphone_answers(
        transcriber,
        streaming=options.streaming,
        endpoint=options.endpoint,
        on_frame=on_frame,
        plan=plan_for(speed),
        # --end-silence-ms asks for that wait after finished-sounding words: the voice, which
        # would set that wait itself, is then not consulted.
        voice_end="end_silence_ms" not in (options.endpoint or {}),
        on_words=on_words,
    )


def check_code_options(
    options: PracticeOptions, plan: list[tuple[Persona, list[Question]]]
) -> None:
    """--code and --editor need a coding question that carries code, and a readable file."""
    if options.code_file is None and not options.editor:
        return
    from ..coding.tasks import find_task, task_ids

    if not any(find_task(q.id) for _, questions in plan for q in questions):
        raise ConfigError(
            "--code and --editor need a coding question that carries code",
            hint="add --round coding --question ID with one of: " + ", ".join(task_ids()),
        )
    if options.code_file is not None and not options.code_file.is_file():
        raise ConfigError(
            f"--code: no file at {options.code_file}",
            hint="give the path of your solution file, or leave --code out to get a starter",
        )


def check_microphone(options: PracticeOptions) -> None:
    """Fail before loading any model when the answers are to come from a missing mic."""
    if options.answers != "microphone":
        return
    from ..audio.capture import require_input

    require_input()


def run_practice(
    options: PracticeOptions,
    observer: InterviewObserver | None = None,
    *,
    on_frame: Callable | None = None,
    on_session: Callable[[Path], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    answers_factory: AnswersFactory | None = None,
    player: Callable[..., None] | None = None,
    on_runner: Callable[[InterviewRunner], None] | None = None,
) -> Path:
    """Run the interview; returns the session folder (also on error: turns so far are kept).

    A front end other than the terminal (``interviewer serve``) brings its own answer source
    (``answers_factory``, e.g. ``make_answers`` with its own callbacks), plays lines where
    the candidate is (``player``) and follows the runner (``on_runner``, called before the
    first question); everything else is this same pipeline."""
    from ..llm.factory import make_backend

    plan = plan_rounds(options)
    check_code_options(options, plan)
    speaker = None
    if options.voice:
        from ..speech.tts import Speaker

        voice = plan[0][0].voice
        speaker = Speaker(voice=voice.id, rate_wpm=voice.rate_wpm)
    check_microphone(options)
    if options.answers == "simulated":
        # A question without a scripted candidate fails now, not after the models load.
        for _, questions in plan:
            for question in questions:
                script_for(question.id, question.round)
    # Load every model before the first question: no stall mid-interview.
    if observer:
        observer.status("loading the speech model…")
    transcriber = load_transcriber(options.stt_model)
    if observer:
        observer.status("loading the interviewer model…")
    backend = make_backend(options.llm, progress=progress)
    speed = None
    if options.answers in LIVE_MODES and options.streaming and options.llm.backend == "embedded":
        if observer:
            observer.status("measuring this machine's speed…")
        speed = measure_speed(backend, transcriber)
    if answers_factory is not None:
        answers = answers_factory(transcriber, speed)
    else:
        answers = make_answers(options, transcriber, on_frame, speed)
    session = Session(
        id=new_session_id(),
        rounds=[questions[0].round for _, questions in plan],
        persona=plan[0][0].id,
        settings=options.public_dict()
        | ({"machine_speed": speed.model_dump()} if speed is not None else {}),
    )
    session.models.stt = transcriber.description
    llm_info = describe(options.llm, backend)
    session.models.llm_backend = llm_info["backend"]
    session.models.llm = llm_info["model"]
    voice = InterviewerVoice(speaker, play=options.voice, player=player)
    session.models.tts = voice.description
    runner = interview_runner(
        options.out_dir or recordings_dir(),
        session,
        backend=backend,
        transcriber=transcriber,
        answers=answers,
        voice=voice,
        observer=observer,
        config=RunConfig(
            max_depth=options.max_depth,
            round_time_box_s=options.round_minutes * 60 if options.round_minutes else None,
            break_s=options.break_s,
            acknowledge_after_s=(
                ACKNOWLEDGE_AFTER_S
                if options.answers == "microphone" and options.streaming
                else None
            ),
        ),
    )
    writer = runner.writer
    if on_session:
        on_session(writer.folder)
    from ..coding.tasks import find_task

    if any(find_task(q.id) for _, questions in plan for q in questions):
        from ..coding.coach import CodingRound

        runner.coding = CodingRound(
            writer.folder,
            clock=runner.clock.now,
            code_file=options.code_file,
            editor=options.editor,
            on_status=observer.status if observer else None,
        )
    if on_runner:
        on_runner(runner)
    try:
        runner.run_rounds(plan)
    except InterviewerError as exc:
        exc.message += (
            f" (the {len(writer.session.turns)} turns so far are saved in {writer.folder})"
        )
        raise
    return writer.folder
