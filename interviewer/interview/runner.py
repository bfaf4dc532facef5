"""The interview loop: ask, listen, transcribe, record, decide, speak — turn by turn.

Every finished turn is written to the session before the next begins, so an interruption
(Ctrl-C, a crash, a dead LLM server) loses at most the turn in progress.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Literal, Protocol

from ..audio.io import SAMPLE_RATE, write_wav
from ..catalog.personas import Persona, Question, round_title
from ..coding.coach import CodingRound
from ..llm.base import LLMBackend
from ..session.models import Turn, Word
from ..session.store import SessionWriter
from ..speech.stt import Transcriber, Transcription, build_prompt
from ..speech_acts import speaking_time_s
from .answers.sources import AnswerContext, AnswerSource, CandidateAnswer
from .clock import SessionClock
from .live.preparer import ReplyPreparer
from .live.retranscribe import AnswerRetranscriber
from .policy.closing import CANDIDATE_QUESTIONS_ID, MAX_CANDIDATE_QUESTIONS, reply_to_candidate
from .policy.decide import DEFAULT_DEPTH, InterviewerPolicy, QuestionState
from .voice import InterviewerVoice

log = logging.getLogger(__name__)

QuestionOutcome = Literal["moved_on", "answers_exhausted", "round_time_up"]


class InterviewObserver(Protocol):
    """How a front end (the CLI) follows the interview; the library never prints."""

    def turn_recorded(self, turn: Turn) -> None: ...

    def status(self, message: str) -> None: ...


class NullObserver:
    def turn_recorded(self, turn: Turn) -> None:
        pass

    def status(self, message: str) -> None:
        pass


@dataclass
class RunConfig:
    max_depth: int = DEFAULT_DEPTH
    round_time_box_s: float | None = None  # a loop's time box per round
    break_s: float = 0.0  # the pause between rounds of a loop


class InterviewRunner:
    def __init__(
        self,
        writer: SessionWriter,
        *,
        policy_backend: LLMBackend,
        transcriber: Transcriber,
        answers: AnswerSource,
        voice: InterviewerVoice,
        observer: InterviewObserver | None = None,
        config: RunConfig | None = None,
        coding: CodingRound | None = None,
    ) -> None:
        self.writer = writer
        self.backend = policy_backend
        self.transcriber = transcriber
        self.answers = answers
        self.voice = voice
        self.observer = observer or NullObserver()
        self.config = config or RunConfig()
        self.clock = SessionClock()
        # The candidate's code, runs of the hidden tests, and the questions about them.
        self.coding = coding
        self.exhausted = False
        self._retranscriber: AnswerRetranscriber | None = None
        # Set at the first sample of the next interviewer line: a live answer recorded before
        # it is transcribed again, whole, from then on (until then the CPU is the reply's).
        self._next_line_started = threading.Event()

    # --- public -----------------------------------------------------------------------------

    def run_rounds(self, plan: list[tuple[Persona, list[Question]]]) -> None:
        """Run rounds back to back in one session; closes with the last persona's line."""
        last_persona = plan[-1][0]
        if self.answers.live:
            self._retranscriber = AnswerRetranscriber(self.transcriber)
        try:
            for number, (persona, questions) in enumerate(plan):
                if self.exhausted:
                    break
                if number > 0:
                    self._say(
                        persona.say(persona.break_line),
                        act="break",
                        round_type=questions[0].round,
                    )
                    if self.config.break_s > 0:
                        self.observer.status(f"short break: {self.config.break_s:.0f} s")
                        time.sleep(self.config.break_s)
                self._run_round(persona, questions)
            self._say(
                last_persona.say(last_persona.closing),
                act="wrap_up",
                round_type=plan[-1][1][0].round,
            )
            self._apply_retranscriptions(wait=True)
            self._finish_coding()
        finally:
            if self._retranscriber is not None:
                self._retranscriber.close()
                self._retranscriber = None
        self.writer.finish()

    # --- rounds and questions ---------------------------------------------------------------

    def _run_round(self, persona: Persona, questions: list[Question]) -> None:
        round_type = questions[0].round
        round_started = self.clock.now()
        self._say(
            persona.say(persona.opening, round_title(round_type)),
            act="greet",
            round_type=round_type,
        )
        # One decider for every line after the question; the coding round's moves are one of
        # its gates (after requests and clarifying questions, before the 'why').
        policy = InterviewerPolicy(
            self.backend, persona, max_depth=self.config.max_depth, coach=self.coding
        )
        for number, question in enumerate(questions):
            outcome = self._run_question(policy, question, round_started)
            if outcome != "moved_on":
                break
            if number + 1 < len(questions):
                self._say(persona.say(persona.move_on_line), act="move_on", round_type=round_type)
        if not self.exhausted:
            self._candidate_questions(persona, round_type)

    def _candidate_questions(self, persona: Persona, round_type: str) -> None:
        """Each round ends with the candidate's questions, answered from the persona's data."""
        asked = persona.say(persona.candidate_questions.invite)
        act = "invite_questions"
        self._say(asked, act=act, round_type=round_type)
        for _ in range(MAX_CANDIDATE_QUESTIONS):
            context = AnswerContext(round_type, CANDIDATE_QUESTIONS_ID, act, asked)
            answer = self.answers.next_answer(context)
            if answer is None:
                self.exhausted = True
                return
            text = self._record_answer(answer, None, self.clock.now(), None, round_type=round_type)
            reply = reply_to_candidate(persona, text)
            act, asked = "answer_question", persona.say(reply.say)
            self._say(
                asked,
                act=act,
                round_type=round_type,
                meta={"topics": reply.topics, "questions_done": reply.done or None},
            )
            if reply.done:
                return

    def _run_question(
        self, policy: InterviewerPolicy, question: Question, round_started: float
    ) -> QuestionOutcome:
        state = QuestionState(question=question, started_at_s=self.clock.now())
        act, line = "ask", question.prompt
        self._say(line, act="ask", round_type=question.round, question=question)
        state.history.append(("interviewer", line))
        if self.coding is not None:
            self.coding.start(question.id)
        stt_prompt = build_prompt(question.terms, question.prompt)
        patience_s: float | None = None  # set after "take your time"
        answer_turns: list[int] = []  # this question's candidate turns, for corrections
        while True:
            preparer = self._reply_preparer(policy, state)
            context = AnswerContext(
                question.round,
                question.id,
                act,
                line,
                stt_prompt=stt_prompt,
                listener=preparer,
                patience_s=patience_s,
            )
            listen_started = self.clock.now()
            try:
                answer = self.answers.next_answer(context)
                answered_at = time.perf_counter()
                if answer is None:
                    self.exhausted = True
                    return "answers_exhausted"
                text = self._record_answer(answer, question, listen_started, stt_prompt)
                answer_turns.append(self.writer.session.turns[-1].index)
                if self._round_time_up(round_started):
                    return "round_time_up"
                drafted = preparer.take(text) if preparer else []
                drafting = preparer.stats.summary() if preparer else None
            finally:
                if preparer:
                    preparer.close()
            state.history.append(("candidate", text))
            self.observer.status("thinking…")
            decision = policy.decide(state, text, self.clock.now(), drafted=drafted)
            self._save_code_versions()
            if decision.act == "move_on":
                log.info("moving on: %s", decision.reason)
                return "moved_on"
            if decision.request == "self_correction":
                self._record_correction(decision, answer_turns)
            patience_s = decision.wait_s
            act, line = decision.act, decision.say
            run = decision.code_run
            turn = self._say(
                line,
                act=decision.act,
                round_type=question.round,
                question=question,
                depth=state.depth if decision.act == "probe" and not decision.code_move else None,
                meta={
                    "decision_source": decision.source,
                    "reason": decision.reason,
                    "target": decision.target,
                    "revealed_topics": decision.revealed_topics,
                    "llm_seconds": round(decision.llm_seconds, 3),
                    "request": decision.request,
                    "wait_s": decision.wait_s,
                    "drafted_while_speaking": decision.drafted or None,
                    "drafts": drafting,
                    "code_move": decision.code_move,
                    "code_sha256": run.sha256 if run else None,
                    "passed": run.passed if run else None,
                },
                answered_at=answered_at,
            )
            if run is not None:
                run.turn = turn.index
                self.writer.session.code_runs.append(run)
                self.writer.save()
            state.history.append(("interviewer", line))

    def _record_correction(self, decision, answer_turns: list[int]) -> None:
        """Mark the words the candidate took back, so the grader reads the answer as meant."""
        back = decision.retracts_turns_back
        if back >= len(answer_turns):
            return
        turn = self.writer.session.turns[answer_turns[-1 - back]]
        meta = dict(turn.meta)
        meta["retracted"] = [*meta.get("retracted", []), *map(list, decision.retracted)]
        if decision.corrected_text:
            meta["corrected_text"] = decision.corrected_text
        self.writer.replace_turn(turn.model_copy(update={"meta": meta}))

    # --- code (coding questions that carry it) -----------------------------------------------

    def _save_code_versions(self) -> None:
        if self.coding is not None:
            self.writer.session.code_versions.extend(self.coding.new_versions())

    def _finish_coding(self) -> None:
        """Stop watching the code; run any version never run, so the grade sees the end."""
        if self.coding is None:
            return
        finals = self.coding.finish()
        self._save_code_versions()
        self.writer.session.code_runs.extend(finals)

    def _reply_preparer(
        self, policy: InterviewerPolicy, state: QuestionState
    ) -> ReplyPreparer | None:
        """Prepare the reply while the answer is spoken, where the source is live."""
        if not self.answers.live:
            return None
        return ReplyPreparer(policy, state, prefill=self.backend.prefill)

    def _round_time_up(self, round_started: float) -> bool:
        box = self.config.round_time_box_s
        return box is not None and self.clock.now() - round_started >= box

    # --- turns ------------------------------------------------------------------------------

    def _say(
        self,
        text: str,
        *,
        act: str,
        round_type: str,
        question: Question | None = None,
        depth: int | None = None,
        meta: dict | None = None,
        answered_at: float | None = None,
    ) -> Turn:
        self._apply_retranscriptions()
        index = self.writer.next_index()
        path = self.writer.audio_path(index, "interviewer")
        started = self.clock.now()
        meta = dict(meta or {})

        line_started, self._next_line_started = self._next_line_started, threading.Event()

        def first_sample() -> None:
            if answered_at is not None:
                # From the end of the candidate's turn to the reply's first sample.
                meta["reply_latency_s"] = round(time.perf_counter() - answered_at, 3)
            line_started.set()  # answers queued for retranscription may start now

        duration, audio = self.voice.say(text, path, on_first_sample=first_sample)
        start, end = self.clock.place(duration, started_at=started)
        turn = Turn(
            index=index,
            speaker="interviewer",
            text=text,
            start=start,
            end=end,
            audio=audio.name if audio else None,
            round=round_type,
            question_id=question.id if question else None,
            act=act,  # type: ignore[arg-type]
            depth=depth,
            meta={k: v for k, v in meta.items() if v not in (None, [], "")},
        )
        self.writer.add_turn(turn)
        self.observer.turn_recorded(turn)
        return turn

    def _record_answer(
        self,
        answer: CandidateAnswer,
        question: Question | None,
        started: float,
        stt_prompt: str | None,
        *,
        round_type: str | None = None,
    ) -> str:
        index = self.writer.next_index()
        meta: dict = {k: v for k, v in answer.timings.items() if v is not None}
        if answer.origin:
            meta["origin"] = answer.origin
        if answer.ended_by:
            meta["ended_by"] = answer.ended_by
        if answer.error:
            meta["error"] = answer.error
        words: list[Word] = []
        audio_name = None
        if answer.samples is not None:
            path = self.writer.audio_path(index, "candidate")
            write_wav(path, answer.samples, SAMPLE_RATE)
            audio_name = path.name
            duration = len(answer.samples) / SAMPLE_RATE
            result = answer.transcription
            if result is None:
                self.observer.status("transcribing…")
                result = self.transcriber.transcribe(answer.samples, prompt=stt_prompt)
            start, end = self.clock.place(duration, started_at=started)
            text = result.text
            words = session_words(result, start)
            meta["stt_seconds"] = result.seconds
        else:
            text = answer.text or ""
            start, end = self.clock.place(speaking_time_s(text), started_at=started)
        turn = Turn(
            index=index,
            speaker="candidate",
            text=text,
            start=start,
            end=end,
            audio=audio_name,
            words=words,
            round=question.round if question else round_type,
            question_id=question.id if question else CANDIDATE_QUESTIONS_ID,
            source=answer.source,
            silent=not text.strip(),
            meta=meta,
        )
        self.writer.add_turn(turn)
        self.observer.turn_recorded(turn)
        if self._retranscriber is not None and answer.transcription is not None:
            # Heard in windows while spoken: once the reply is under way, hear it whole.
            self._retranscriber.submit(
                index, answer.samples, stt_prompt, not_before=self._next_line_started
            )
        return text

    def _apply_retranscriptions(self, *, wait: bool = False) -> None:
        """Swap in whole-answer transcripts that are ready; keep the live words in meta."""
        if self._retranscriber is None:
            return
        for done in self._retranscriber.collect(wait=wait):
            turn = self.writer.turn(done.index)
            result = done.transcription
            meta = dict(turn.meta) | {"transcript": "whole answer, after the reply"}
            if result.text != turn.text:
                meta["live_text"] = turn.text
            words = session_words(result, turn.start)
            self.writer.replace_turn(
                turn.model_copy(
                    update={
                        "text": result.text,
                        "words": words,
                        "silent": not result.text.strip(),
                        "meta": meta,
                    }
                )
            )


def session_words(result: Transcription, turn_start: float) -> list[Word]:
    """A turn's words on the session's timeline (Whisper's times start at the turn)."""
    return [
        Word(
            word=w.word,
            start=round(turn_start + w.start, 3),
            end=round(turn_start + w.end, 3),
            probability=w.probability,
        )
        for w in result.words
    ]
