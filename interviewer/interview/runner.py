"""The interview loop: ask, listen, transcribe, record, decide, speak — turn by turn.

Every finished turn is written to the session before the next begins, so an interruption
(Ctrl-C, a crash, a dead LLM server) loses at most the turn in progress.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from ..audio.io import SAMPLE_RATE, write_wav
from ..catalog.personas import Persona, Question, round_title
from ..coding.coach import CodingRound
from ..llm.base import GenerationCancelled, LLMBackend
from ..session.models import Turn, Word
from ..session.store import SessionWriter
from ..speech.stt import Transcriber, Transcription, build_prompt
from ..speech_acts import speaking_time_s
from .acknowledge import Acknowledger
from .answers.joined import join_answers
from .answers.sources import (
    TEXT_SENT,
    AnswerContext,
    AnswerListener,
    AnswerSource,
    CandidateAnswer,
)
from .clock import SessionClock
from .live.after_turn import AfterTurnListener, ContinuedListener, went_on
from .live.preparer import ReplyPreparer, WithdrawableBackend
from .live.retranscribe import AnswerRetranscriber
from .policy.closing import CANDIDATE_QUESTIONS_ID, MAX_CANDIDATE_QUESTIONS, reply_to_candidate
from .policy.decide import DEFAULT_DEPTH, InterviewerPolicy, QuestionState
from .policy.decisions import InterviewerDecision, ProbeDraft
from .policy.unclear import known_words, unclear_words
from .voice import InterviewerVoice

log = logging.getLogger(__name__)

QuestionOutcome = Literal["moved_on", "answers_exhausted", "round_time_up"]
# A live reply that has not come this long after the turn ended gets an acknowledgement first
# (about a second's wait in all, with the acknowledgement's own synthesis).
ACKNOWLEDGE_AFTER_S = 0.5


class InterviewObserver(Protocol):
    """How a front end (the CLI) follows the interview; the library never prints."""

    def turn_recorded(self, turn: Turn) -> None: ...

    def turn_withdrawn(self, index: int) -> None:
        """Turn ``index`` was taken back (an acknowledgement the candidate went on over)."""

    def status(self, message: str) -> None: ...


class NullObserver:
    def turn_recorded(self, turn: Turn) -> None:
        pass

    def turn_withdrawn(self, index: int) -> None:
        pass

    def status(self, message: str) -> None:
        pass


@dataclass
class RunConfig:
    max_depth: int = DEFAULT_DEPTH
    round_time_box_s: float | None = None  # a loop's time box per round
    break_s: float = 0.0  # the pause between rounds of a loop
    # When a reply has not come this long after a live answer, say a short acknowledgement
    # from the candidate's words first (interview/acknowledge.py); None: never.
    acknowledge_after_s: float | None = None


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
        self._acknowledged: Turn | None = None  # said for the answer in hand
        self._pending_ack: LateLine | None = None
        self._known_words: frozenset[str] | None = None  # the recogniser's and the banks'
        self._acknowledger = (
            Acknowledger.shipped() if self.config.acknowledge_after_s is not None else None
        )

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
        turns: list[int] = []
        heard: CandidateAnswer | None = None  # their question so far, when they went on
        follows: AfterTurnListener | None = None  # over the answer said: the next one's stream
        answered = 0
        while answered < MAX_CANDIDATE_QUESTIONS:
            resume = heard.after if heard is not None else None
            context = AnswerContext(
                round_type, CANDIDATE_QUESTIONS_ID, act, asked, resume=resume, follows=follows
            )
            try:
                answer = self.answers.next_answer(context)
            finally:
                _close(follows)
                follows = None
            if answer is None:
                self.exhausted = True
                return
            after = answer.after
            answer, text = self._record_heard(
                answer, heard, turns, None, self.clock.now(), None, round_type=round_type
            )
            reply = reply_to_candidate(persona, text, answered)
            line = persona.say(reply.say)
            said = self._say(
                line,
                act="answer_question",
                round_type=round_type,
                meta={"topics": reply.topics, "questions_done": reply.done or None},
                listener=after,
            )
            if said is None and went_on(after):
                # They were not done asking: the reply is dropped (or was cut short).
                self._note_talked_over(turns[-1], line, "answer_question", after)
                self.observer.status("listening: you went on")
                heard = answer
                continue
            heard = None
            act, asked = "answer_question", line
            answered += 1
            if reply.done:
                _close(after)
                return
            follows = after
        _close(follows)

    def _run_question(
        self, policy: InterviewerPolicy, question: Question, round_started: float
    ) -> QuestionOutcome:
        state = QuestionState(question=question, started_at_s=self.clock.now())
        act, line = "ask", question.prompt
        # The question's prompt is new to the model: read while the question is asked, not
        # in the candidate's first seconds (hundreds of tokens, seconds on a laptop).
        asked = self._reply_preparer(policy, state)
        if asked is not None:
            asked.warm()
        try:
            self._say(line, act="ask", round_type=question.round, question=question)
        except BaseException:
            if asked is not None:
                asked.close()
            raise
        state.history.append(("interviewer", line))
        if self.coding is not None:
            self.coding.start(question.id)
        stt_prompt = build_prompt(question.terms, question.prompt)
        patience_s: float | None = None  # set after "take your time"
        answer_turns: list[int] = []  # this question's candidate turns, for corrections
        heard: CandidateAnswer | None = None  # the answer so far, when the candidate went on
        follows: AfterTurnListener | None = None  # over the line said: the next answer's stream
        while True:
            preparer, asked = asked or self._reply_preparer(policy, state), None
            listener: AnswerListener | None = preparer
            if preparer is not None and heard is not None:
                listener = ContinuedListener(preparer, self._turn_text(heard))
            context = AnswerContext(
                question.round,
                question.id,
                act,
                line,
                stt_prompt=stt_prompt,
                listener=listener,
                patience_s=patience_s,
                resume=heard.after if heard is not None else None,
                follows=follows,
                time_left_s=question.time_box_s - state.spent_s(self.clock.now()),
            )
            listen_started = self.clock.now()
            after = None
            try:
                try:
                    answer = self.answers.next_answer(context)
                finally:
                    _close(follows)  # its stream handed on, or unused
                    follows = None
                answered_at = time.perf_counter()
                if answer is None:
                    self.exhausted = True
                    return "answers_exhausted"
                after = answer.after
                answer, text = self._record_heard(
                    answer, heard, answer_turns, question, listen_started, stt_prompt
                )
                heard = None
                if self._round_time_up(round_started):
                    _close(after)
                    return "round_time_up"
                if answer.ended_by == TEXT_SENT:
                    # They pressed Run tests (or sent a line) while talking: what they said is
                    # kept as their turn, and the reply waits for the text, which is next.
                    state.history.append(("candidate", text))
                    follows, after = after, None
                    continue
                self._acknowledged = None
                self._acknowledge_if_late(text, question, after, answered_at)
                drafted = preparer.take(text) if preparer else []
                drafting = preparer.stats.summary() if preparer else None
            finally:
                if preparer:
                    preparer.close()
            try:
                before = snapshot(state)
                state.history.append(("candidate", text))
                self.observer.status("thinking…")
                decision = self._decide(
                    policy, state, text, drafted, after, self._unclear(answer_turns[-1])
                )
                if decision is None:
                    # They went on while the reply was being written: withdrawn unsaid.
                    self._went_on(state, before, answer_turns[-1], after)
                    heard = answer
                    continue
                self._save_code_versions()
                if decision.act == "move_on" and not went_on(after):
                    log.info("moving on: %s", decision.reason)
                    return "moved_on"
                run = decision.code_run
                turn = None
                if not went_on(after):
                    turn = self._say(
                        decision.say,
                        act=decision.act,
                        round_type=question.round,
                        question=question,
                        depth=state.depth
                        if decision.act == "probe" and not decision.code_move
                        else None,
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
                        listener=after,
                    )
                if run is not None:
                    # A run happened whether or not its result was heard: it is kept.
                    run.turn = turn.index if turn is not None else answer_turns[-1]
                    self.writer.session.code_runs.append(run)
                    self.writer.save()
                if went_on(after):
                    self._went_on(state, before, answer_turns[-1], after, decision)
                    heard = answer
                    continue
                if turn is not None:
                    state.waited_s += turn.meta.get("reply_latency_s", 0.0)
                if decision.request == "self_correction":
                    self._record_correction(decision, answer_turns)
                patience_s = decision.wait_s
                act, line = decision.act, decision.say
                state.history.append(("interviewer", line))
                follows, after = after, None  # the answer to the line goes on from its stream
            finally:
                self._settle_acknowledgement()
                if after is not None and heard is None:
                    after.close()

    def _record_heard(
        self,
        answer: CandidateAnswer,
        heard: CandidateAnswer | None,
        turns: list[int],
        question: Question | None,
        started: float,
        stt_prompt: str | None,
        *,
        round_type: str | None = None,
    ) -> tuple[CandidateAnswer, str]:
        """Record an answer as a new turn (appended to ``turns``) or, when ``heard`` is the
        answer so far of a candidate who went on, as the rest of it: one answer, the two
        recordings and the pause between them joined, replacing the last of ``turns``."""
        if heard is None:
            text = self._record_answer(answer, question, started, stt_prompt, round_type=round_type)
            turns.append(self.writer.session.turns[-1].index)
            return answer, text
        pause = heard.after.skipped if heard.after is not None else None
        joined = join_answers(heard, answer, pause)
        text = self._record_answer(
            joined, question, started, stt_prompt, round_type=round_type, replaces=turns[-1]
        )
        return joined, text

    def _decide(
        self,
        policy: InterviewerPolicy,
        state: QuestionState,
        text: str,
        drafted: Sequence[ProbeDraft],
        after: AfterTurnListener | None,
        unclear: frozenset[str] = frozenset(),
    ) -> InterviewerDecision | None:
        """The next act; None when the candidate went on while the model was writing it.
        With the microphone still open, the model's generation is withdrawn between tokens
        the moment they go on, so the cores go to hearing the rest of their answer (and the
        next reply) instead of finishing a reply that will not be said."""
        if after is None:
            return policy.decide(state, text, self.clock.now(), drafted=drafted, unclear=unclear)
        withdrawable = policy.with_backend(
            WithdrawableBackend(policy.backend, after.reopened, on_request=self._acknowledge_now)
        )
        try:
            return withdrawable.decide(
                state, text, self.clock.now(), drafted=drafted, unclear=unclear
            )
        except GenerationCancelled:
            log.info("the candidate went on while the reply was being written: withdrawn")
            return None

    def _unclear(self, turn_index: int) -> frozenset[str]:
        """The recorded answer's words the recogniser made up (none for typed ones)."""
        turn = self.writer.turn(turn_index)
        if not turn.words or self.transcriber is None:
            return frozenset()
        if self._known_words is None:
            self._known_words = known_words(self.transcriber)
        return unclear_words(turn.words, self._known_words)

    def _went_on(
        self,
        state: QuestionState,
        before: dict,
        answer_index: int,
        after: AfterTurnListener | None,
        decision: InterviewerDecision | None = None,
    ) -> None:
        """They were not done: the reply is dropped (or was cut short, or never written),
        the question stands as it was, and their turn goes on."""
        self._settle_acknowledgement()
        restore(state, before)
        self._unsay_acknowledgement(answer_index, after)
        if decision is not None:
            self._note_talked_over(answer_index, decision.say, decision.act, after)
        self.observer.status("listening: you went on")

    def _acknowledge_if_late(
        self, text: str, question: Question, after: AfterTurnListener | None, at: float
    ) -> None:
        """After a live answer: if nothing has been said ``acknowledge_after_s`` after the
        turn ended (the reply is still being written), say a short acknowledgement."""
        wait_s = self.config.acknowledge_after_s
        if self._acknowledger is None or wait_s is None or not self.answers.live:
            return
        line = self._acknowledger.line_for(text, question.terms)
        if line is None:
            return

        def say() -> Turn | None:
            return self._say(
                line,
                act="acknowledge",
                round_type=question.round,
                question=question,
                answered_at=at,
                listener=after,
            )

        self._pending_ack = LateLine(say, at + wait_s)

    def _acknowledge_now(self) -> None:
        """The reply needs the model (a probe written after the answer: seconds): the
        acknowledgement, if one is waiting, need not wait for ``acknowledge_after_s``."""
        pending = self._pending_ack
        if pending is not None:
            pending.hurry()

    def _settle_acknowledgement(self) -> None:
        """Before anything else is said: cancel the acknowledgement if it has not begun, or
        wait for it to be said."""
        pending = self._pending_ack
        if pending is None or pending.is_current_thread():
            return  # nothing pending, or this is the acknowledgement being said
        self._pending_ack = None
        self._acknowledged = pending.finish()

    def _turn_text(self, answer: CandidateAnswer) -> str:
        if answer.transcription is not None:
            return answer.transcription.text
        return answer.text or ""

    def _unsay_acknowledgement(self, index: int, after: AfterTurnListener | None) -> None:
        """The candidate went on after an acknowledgement: their turn goes on over it, so it
        is kept in their turn's meta, not as a turn of its own."""
        said, self._acknowledged = self._acknowledged, None
        if said is None:
            return
        self.writer.drop_last_turn(said.index)
        self.observer.turn_withdrawn(said.index)
        if said.audio:
            (self.writer.folder / said.audio).unlink(missing_ok=True)
        self._note_talked_over(index, said.text, "acknowledge", None, played_s=said.duration)

    def _note_talked_over(
        self,
        index: int,
        say: str,
        act: str,
        after: AfterTurnListener | None,
        *,
        played_s: float | None = None,
    ) -> None:
        """Keep, in the candidate's turn, a line they went on over (not a turn: unsaid)."""
        turn = self.writer.turn(index)
        if played_s is None:
            heard = after is not None and after.voice_heard
            played_s = after.played_s if heard else 0.0  # type: ignore[union-attr]
        dropped = {"say": say, "act": act, "played_s": round(played_s, 2)}
        meta = dict(turn.meta) | {"talked_over": [*turn.meta.get("talked_over", []), dropped]}
        self.writer.replace_turn(turn.model_copy(update={"meta": meta}))

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
        listener: AfterTurnListener | None = None,
    ) -> Turn | None:
        """Speak a line and record it; None when the candidate went on (``listener``) first:
        the line was dropped or cut short, and is not a turn."""
        self._settle_acknowledgement()
        self._apply_retranscriptions()
        index = self.writer.next_index()
        path = self.writer.audio_path(index, "interviewer")
        started = self.clock.now()
        meta = dict(meta or {})

        # An acknowledgement is not the reply: the answer's whole-answer pass waits for the
        # reply, whose model still needs the CPU (run beside it, it slowed the probe).
        is_reply = act != "acknowledge"
        if is_reply:
            line_started, self._next_line_started = self._next_line_started, threading.Event()
        else:
            line_started = threading.Event()

        def first_sample() -> None:
            if answered_at is not None:
                # From the end of the candidate's turn to the reply's first sample.
                meta["reply_latency_s"] = round(time.perf_counter() - answered_at, 3)
            line_started.set()  # answers queued for retranscription may start now

        # A voice is told of the listener only when there is one (older voices take none).
        heard_by = {"listener": listener} if listener is not None else {}
        duration, audio = self.voice.say(text, path, on_first_sample=first_sample, **heard_by)
        if listener is not None and listener.next_turn_began.is_set():
            # After a typed turn they began the next over it: said (and shown) this far.
            meta["cut_short_s"] = round(duration, 3)
        if listener is not None and is_reply and not went_on(listener):
            # Said to its end: what the candidate said with its last words is heard before
            # the line counts as said (an acknowledgement has the reply still to come).
            listener.settle()
        if went_on(listener):
            if is_reply and not line_started.is_set():
                self._next_line_started = line_started  # never heard: they wait for the next
            if audio is not None:
                audio.unlink(missing_ok=True)
            return None
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
        replaces: int | None = None,
    ) -> str:
        """Record the answer as a new turn, or as turn ``replaces`` (an answer that went on
        after its turn ended: the same turn, now longer)."""
        index = self.writer.next_index() if replaces is None else replaces
        meta: dict = {k: v for k, v in answer.timings.items() if v is not None}
        if replaces is not None:
            earlier = self.writer.turn(replaces)
            started = earlier.start
            self.clock.reopen(started)
            meta = {"talked_over": earlier.meta.get("talked_over"), "reopened": True} | meta
        if answer.origin:
            meta["origin"] = answer.origin
        if answer.ended_by:
            meta["ended_by"] = answer.ended_by
        if answer.joined_pauses_s:
            meta["joined_pauses_s"] = [list(span) for span in answer.joined_pauses_s]
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
            meta={k: v for k, v in meta.items() if v is not None},
        )
        if replaces is None:
            self.writer.add_turn(turn)
        else:
            self.writer.replace_turn(turn)
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


def snapshot(state: QuestionState) -> dict:
    """The question's state before a reply, to put back if the reply is dropped."""
    return {k: copy.deepcopy(v) for k, v in vars(state).items() if k != "question"}


def restore(state: QuestionState, saved: dict) -> None:
    for key, value in saved.items():
        setattr(state, key, value)


class LateLine:
    """A line said from its own thread at ``deadline`` (perf_counter) unless finished first:
    ``finish`` cancels it if it has not begun, else waits until it has been said."""

    def __init__(self, say: Callable[[], Turn | None], deadline: float) -> None:
        self._say = say
        self._deadline = deadline
        self._cancelled = threading.Event()
        self._wake = threading.Event()  # cancelled, or hurried: said now
        self._turn: Turn | None = None
        self._thread = threading.Thread(target=self._run, name="late-line", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self._wake.wait(max(0.0, self._deadline - time.perf_counter()))
        if self._cancelled.is_set():
            return
        try:
            self._turn = self._say()
        except Exception as exc:  # an acknowledgement that fails costs nothing else
            log.warning("could not say the acknowledgement: %s", exc)

    def is_current_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def hurry(self) -> None:
        """Say it now, not at the deadline (unless it was cancelled or has been said)."""
        self._wake.set()

    def finish(self) -> Turn | None:
        self._cancelled.set()
        self._wake.set()
        self._thread.join()
        return self._turn


def _close(listener: AfterTurnListener | None) -> None:
    """Stop a listener; its stream closes with it unless a turn took it over (carry_on)."""
    if listener is not None:
        listener.close()
