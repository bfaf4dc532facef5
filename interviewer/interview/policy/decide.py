"""The interviewer's policy: for each candidate turn, one act. The one decider.

Gates written in code, in one stated order (:meth:`InterviewerPolicy.gates`: requests,
clarification, a closed or stuck turn, the coding coach, the probe), decide what the words
make clear: a request, a clarifying question, "that's my answer", "I don't know", a move on
the candidate's code, the ladder at its depth, the time box spent. The LLM writes the 'why'
probe, whose output is validated and retried once, then replaced by a deterministic
follow-up, so the interview never stalls on a bad generation.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from pydantic import ValidationError

from ... import speech_acts
from ...catalog.personas import Persona, Question
from ...catalog.rounds import probes_knowledge
from ...errors import LLMOutputError
from ...llm.base import ChatMessage, LLMBackend
from ...speech_requests import RequestReading, read_request
from . import request_replies
from .closing import about_the_team
from .corrections import correct
from .decisions import FactPick, InterviewerDecision, ProbeDraft
from .facts import NOT_SPECIFIED, match_asked
from .hints import next_hint
from .off_topic import REDIRECT_REASON, other_topic, redirect_line
from .probes import (
    content_words,
    fallback_probe,
    given_reason,
    probe_focus,
    read_probe,
    second_person,
    shared_phrase,
    validate_probe,
)
from .prompts import (
    anchored_probe_messages,
    fact_pick_messages,
    probe_messages,
    probe_system_prompt,
)

if TYPE_CHECKING:
    from ...coding.coach import CoachReply

log = logging.getLogger(__name__)

DEFAULT_DEPTH = 3
# However the candidate answers, a question ends after this many of their turns.
MAX_CANDIDATE_TURNS = 12
MAX_HINTS_IN_A_ROW = 2  # a third "I don't know" in a row is offered to move on, not hinted
# Silence for a whole turn (the recorder's 15 s without speech): the first is met with "take
# your time" alone, since thinking in silence that long after a question is normal and a
# hint then gives away what they may find (the Hint button asks for one sooner); the next
# gets a hint; the last moves on.
SILENT_TURNS_TO_HINT = 2
SILENT_TURNS_TO_MOVE_ON = 3
STEER_MIN_WORDS = 15  # shorter answers say too little to tell which question they answer
MAX_PROBE_TOKENS = 60  # a why-question is under MAX_PROBE_WORDS; a runaway reply is cut here
DRAFT_TEMPERATURE = 0.3
RETRY_TEMPERATURE = 0.8


@dataclass
class QuestionState:
    """Where one question stands: the 'why' ladder, hints used, and its turns so far."""

    question: Question
    started_at_s: float
    depth: int = 0
    hints_used: list[int] = field(default_factory=list)  # the bank's hints given, by index
    silent_turns: int = 0
    candidate_turns: int = 0
    revealed_topics: list[str] = field(default_factory=list)
    steered_back: int = 0  # times an answer to another question was steered back
    history: list[tuple[str, str]] = field(default_factory=list)  # (speaker, text)
    last_probe: str | None = None  # the latest 'why' asked (None: the question itself)
    last_target: str | None = None  # the candidate's words that probe named
    thinking: bool = False  # they asked for time to think: a silence is not a strike
    last_answer: str | None = None  # the latest answer probed (what a correction corrects)
    last_answer_turn: int = 0  # its number among this question's candidate turns
    hints_in_a_row: int = 0  # hints said on the turns just before this one
    offered_move_on: bool = False  # the last line offered to move on
    # The candidate waiting for the machine (end of their turn to the reply's first sample):
    # on a slow laptop that is minutes of a question, and not theirs to spend.
    waited_s: float = 0.0

    def candidate_said(self) -> list[str]:
        """Everything the candidate has said on this question, turn by turn."""
        return [text for speaker, text in self.history if speaker == "candidate"]

    def spent_s(self, now_s: float) -> float:
        """The question's time so far, less the candidate's waits for the machine."""
        return now_s - self.started_at_s - self.waited_s


@dataclass
class CandidateTurn:
    """One candidate turn as the gates read it, with what came just before it."""

    text: str
    now_s: float
    drafted: tuple[ProbeDraft, ...] = ()
    hints_in_a_row: int = 0  # hints said just before it
    after_offer: bool = False  # it answers an offer to move on
    request: RequestReading | None = None  # what it asks of the interviewer (the request gate)
    unclear: frozenset[str] = frozenset()  # words the recogniser was unsure of: never quoted


Decided = InterviewerDecision | None


class CodeCoach(Protocol):
    """The coding round's moves (coding/coach.py ``CodingRound``): a line, or None."""

    def respond(self, question_id: str, text: str, said: str = "") -> CoachReply | None: ...


def first_sentence(text: str) -> str:
    return next(iter(speech_acts.sentences(text)), text.strip())


def _llm_probe(
    state: QuestionState,
    draft: ProbeDraft,
    text: str,
    note: str = "",
    *,
    llm_seconds: float = 0.0,
    drafted: bool = False,
) -> InterviewerDecision:
    """The decision to ask a validated LLM probe, at the ladder's depth (already counted)."""
    return InterviewerDecision(
        act="probe",
        say=draft.question.strip(),
        target=shared_phrase(draft.question, text) or None,
        source="llm",
        reason=f"'why' #{state.depth}" + (f" ({note})" if note else ""),
        llm_seconds=llm_seconds,
        drafted=drafted,
    )


class InterviewerPolicy:
    """Decides the interviewer's next act from the candidate's latest turn."""

    def __init__(
        self,
        backend: LLMBackend,
        persona: Persona,
        *,
        max_depth: int = DEFAULT_DEPTH,
        request_reader: Callable[[str], RequestReading] = read_request,
        coach: CodeCoach | None = None,
    ) -> None:
        self.backend = backend
        self.persona = persona
        self.max_depth = max_depth
        # Rules by default; RequestClassifier-backed readers ask the model when rules are unsure.
        self.request_reader = request_reader
        self.coach = coach  # the coding round's moves on the candidate's code (coding/coach.py)

    def with_backend(self, backend: LLMBackend) -> InterviewerPolicy:
        """The same interviewer on another backend (a cancellable one, for drafts)."""
        return InterviewerPolicy(
            backend,
            self.persona,
            max_depth=self.max_depth,
            request_reader=self.request_reader,
            coach=self.coach,
        )

    def decide(
        self,
        state: QuestionState,
        candidate_text: str,
        now_s: float,
        drafted: Sequence[ProbeDraft] = (),
        unclear: Collection[str] = (),
    ) -> InterviewerDecision:
        """The next act: the first gate of :meth:`gates` that decides. ``drafted``: probes
        written while the candidate was still speaking (live/preparer.py), newest last; a
        'why' uses the newest that still holds for the whole answer instead of generating one
        now. ``unclear``: the answer's words the recogniser was unsure of
        (``policy/unclear.py``), which no follow-up quotes. Every gate reads the whole
        answer."""
        turn = CandidateTurn(
            text=candidate_text.strip(),
            now_s=now_s,
            drafted=tuple(drafted),
            unclear=frozenset(unclear),
            hints_in_a_row=state.hints_in_a_row,
            after_offer=state.offered_move_on,
        )
        state.candidate_turns += 1
        state.hints_in_a_row, state.offered_move_on = 0, False  # a gate that hints sets them
        for gate in self.gates():
            decision = gate(state, turn)
            if decision is not None:
                return decision
        raise AssertionError("the last gate, the probe, always decides")

    def _steer_back(self, state: QuestionState, text: str) -> InterviewerDecision | None:
        """An answer about another question of this round is steered back once, in the
        question's own words, not probed on its words (policy/off_topic.py)."""
        if state.steered_back or len(text.split()) < STEER_MIN_WORDS:
            return None
        rival = other_topic(state.question, text)
        if rival is None:
            return None
        state.steered_back += 1
        return InterviewerDecision(
            act="hint",
            say=redirect_line(state.question),
            reason=f"{REDIRECT_REASON} (it reads as an answer to '{rival.id}')",
        )

    def gates(self) -> tuple[Callable[[QuestionState, CandidateTurn], Decided], ...]:
        """The gates in the order they read a turn: the one statement of that order.

        What the candidate asks comes first (of the interviewer, then of the problem), then a
        turn that closes the question or is stuck, then the code, and only then a 'why'.
        """
        return (
            self._limits,  # the question's cap on turns; a silence
            self._requests,  # asked of the interviewer: repeat, time, a hint, skip, its team
            self._time_box,  # the question's time is up
            self._clarification,  # asked about the problem: its facts, or "state an assumption"
            self._closing,  # "that's my answer", "no, that's all": the question is closed
            self._stuck,  # "I don't know": a hint, then an offer to move on, then moving on
            self._coding_coach,  # the code: run the tests, "how would you test it?", complexity
            self._probe_gate,  # the 'why' ladder: its depth, an answer to another question
        )

    # --- gates: each decides, or returns None to pass the turn on ---------------------------

    def _limits(self, state: QuestionState, turn: CandidateTurn) -> Decided:
        if state.candidate_turns > MAX_CANDIDATE_TURNS:
            return self._move_on(f"{MAX_CANDIDATE_TURNS} answers on one question")
        if not turn.text and state.thinking:
            state.thinking = False
            return request_replies.back_from_thinking(self.persona)
        state.thinking = False
        if turn.text:
            state.silent_turns = 0
            return None
        state.silent_turns += 1
        if state.silent_turns >= SILENT_TURNS_TO_MOVE_ON:
            return self._move_on(f"{SILENT_TURNS_TO_MOVE_ON} silent answers in a row")
        heard = "I didn't hear an answer. Take your time."
        wait = {"wait_s": request_replies.SILENT_WAIT_S}  # "take your time", meant
        if (
            state.silent_turns < SILENT_TURNS_TO_HINT
            or turn.hints_in_a_row >= MAX_HINTS_IN_A_ROW - 1
        ):
            return InterviewerDecision(act="nudge", say=heard, reason="silent answer", **wait)
        hint = self._hint(state, turn, "silent answer", self._hint_left(state), prefix=heard + " ")
        return hint.model_copy(update=wait)

    def _requests(self, state: QuestionState, turn: CandidateTurn) -> Decided:
        """What the turn asks of the interviewer itself: never answered with a scenario fact."""
        request = turn.request = self.request_reader(turn.text)
        if request.kind == "hint":
            return self._stuck_reply(state, turn, asked_for_hint=True)
        if request.kind is not None and request.kind != "skip":
            return self._answer_request(state, request, turn.text, turn.now_s)
        if request.kind == "skip" or speech_acts.asks_to_move_on(turn.text):
            return self._move_on("the candidate asked to move on")
        if about_the_team(self.persona, state.question, turn.text):
            return request_replies.questions_at_end(self.persona)
        return None

    def _time_box(self, state: QuestionState, turn: CandidateTurn) -> Decided:
        if state.spent_s(turn.now_s) >= state.question.time_box_s:
            return self._move_on("the question's time box ran out")
        return None

    def _clarification(self, state: QuestionState, turn: CandidateTurn) -> Decided:
        if not speech_acts.is_mainly_clarifying(turn.text):
            return None
        # Words that sound like a request nobody could read for sure get facts only by their
        # keywords, never by the model's pick: a request is not answered with a fact.
        sure = turn.request.sure if turn.request is not None else True
        return self._clarify(state, turn.text, llm_pick=sure)

    def _closing(self, state: QuestionState, turn: CandidateTurn) -> Decided:
        """A turn that only closes ("No, that's all, thank you.") ends the question; one that
        only acknowledges ("Okay, thanks.") gets a nudge to go on. Neither is probed."""
        if speech_acts.closes_turn(turn.text):
            return self._move_on("the candidate closed the question")
        if turn.after_offer and speech_acts.takes_offer(turn.text):
            return self._move_on("the candidate took the offer to move on")
        if speech_acts.acknowledges(turn.text) or (
            turn.after_offer and speech_acts.declines_offer(turn.text)
        ):
            return InterviewerDecision(
                act="nudge",
                say=self.persona.requests.back_from_thinking,
                reason="nothing to probe: an acknowledgement, or going on after an offer",
            )
        return None

    def _stuck(self, state: QuestionState, turn: CandidateTurn) -> Decided:
        if not speech_acts.admits_not_knowing(turn.text):
            return None
        if speech_acts.attempts_after_admission(turn.text):
            # "I'm not sure how far to trust an LLM judge. I'd check it against the human
            # labels first.": they reached the edge and tried. That is an answer, probed as
            # one: not a hint about something else, nor (after a hint) an offer to move on.
            return None
        return self._stuck_reply(state, turn, asked_for_hint=False)

    def _coding_coach(self, state: QuestionState, turn: CandidateTurn) -> Decided:
        """The coding round's move on the candidate's code, if the question carries code."""
        if self.coach is None:
            return None
        reply = self.coach.respond(state.question.id, turn.text, " ".join(state.candidate_said()))
        if reply is None:
            return None
        return InterviewerDecision(
            act=reply.act,
            say=reply.say,
            reason=f"the coding round: {reply.move}",
            code_move=reply.move,
            code_run=reply.run,
        )

    def _probe_gate(self, state: QuestionState, turn: CandidateTurn) -> InterviewerDecision:
        if state.depth >= self.max_depth:
            return self._move_on(f"the 'why' ladder reached depth {self.max_depth}")
        # "I'd use X. That's my answer.": the follow-up is about X, never the courtesy.
        text = speech_acts.without_closing(turn.text)
        steer = self._steer_back(state, text)
        return steer or self._probe(state, text, turn.drafted, turn.unclear)

    def _stuck_reply(
        self, state: QuestionState, turn: CandidateTurn, *, asked_for_hint: bool
    ) -> InterviewerDecision:
        """A hint, then an offer to move on, then moving on: never three hints in a row (one
        asked for may follow one given; "I don't know" after a hint gets the offer)."""
        if turn.after_offer and not asked_for_hint:
            return self._move_on("still stuck after the offer to move on")
        may_hint = turn.hints_in_a_row < (MAX_HINTS_IN_A_ROW if asked_for_hint else 1)
        left = self._hint_left(state) if may_hint else None
        if left is not None:
            why = "the candidate asked for a hint" if asked_for_hint else "the candidate is stuck"
            decision = self._hint(state, turn, why, left)
        elif may_hint and asked_for_hint:
            state.hints_in_a_row = turn.hints_in_a_row + 1
            decision = InterviewerDecision(
                act="hint", say=self.persona.requests.no_hint_left, reason="every hint used"
            )
        else:
            state.offered_move_on = True
            decision = request_replies.offer_move_on(self.persona)
        return decision.model_copy(update={"request": "hint"}) if asked_for_hint else decision

    def _hint(
        self,
        state: QuestionState,
        turn: CandidateTurn,
        reason: str,
        index: int | None,
        prefix: str = "",
    ) -> InterviewerDecision:
        """The bank's hint ``index`` (:meth:`_hint_left`, read once by the caller); when its
        hints are used or already said (None), no made-up one in their place: only the
        ``prefix`` ("I didn't hear an answer. Take your time.")."""
        if index is None:
            say = prefix.strip() or self.persona.requests.no_hint_left
            return InterviewerDecision(act="nudge", say=say, reason=f"{reason}; no hint left")
        state.hints_in_a_row = turn.hints_in_a_row + 1
        state.hints_used.append(index)
        return InterviewerDecision(
            act="hint", say=prefix + state.question.hints[index], reason=reason
        )

    # --- acts -------------------------------------------------------------------------------

    def _answer_request(
        self, state: QuestionState, request: RequestReading, text: str, now_s: float
    ) -> InterviewerDecision:
        """A request made of the interviewer: never answered with a scenario fact."""
        persona, question = self.persona, state.question
        kind = request.kind
        if kind == "repeat":
            return request_replies.repeat(persona, state.last_probe or question.prompt)
        if kind == "rephrase":
            return request_replies.rephrase(persona, question, state.last_probe, state.last_target)
        if kind == "think_time":
            state.thinking = True
            return request_replies.think_time(persona)
        if kind == "time_left":
            return request_replies.time_left(persona, question, state.spent_s(now_s))
        if kind == "right_track":
            return request_replies.right_track(persona)
        return self._take_correction(state, text, now_s)

    def _take_correction(
        self, state: QuestionState, text: str, now_s: float
    ) -> InterviewerDecision:
        """'Sorry, I meant X': probe the answer as meant, acknowledging the correction."""
        fixed = correct(text, state.last_answer)
        corrected = fixed.corrected_text if fixed else text
        previous = bool(fixed and fixed.target == "previous")
        update = {
            "request": "self_correction",
            "corrected_text": corrected,
            "retracted": fixed.retracted if fixed else [],
            "retracts_turns_back": state.candidate_turns - state.last_answer_turn
            if previous
            else 0,
        }
        if state.depth >= self.max_depth or len(content_words(corrected)) < 3:
            return InterviewerDecision(
                act="nudge",
                say=self.persona.requests.correction + " Go on.",
                reason="the candidate corrected themself",
                **update,
            )
        probe = self._probe(state, corrected)
        return probe.model_copy(
            update={"say": f"{self.persona.requests.correction} {probe.say}", **update}
        )

    def _move_on(self, reason: str) -> InterviewerDecision:
        return InterviewerDecision(act="move_on", say=self.persona.move_on_line, reason=reason)

    @staticmethod
    def _hint_left(state: QuestionState) -> int | None:
        """The next of the bank's hints to give: not given yet, nor said by the candidate."""
        return next_hint(state.question, state.hints_used, state.candidate_said())

    def _clarify(
        self, state: QuestionState, text: str, *, llm_pick: bool = True
    ) -> InterviewerDecision:
        asked = speech_acts.clarifying_questions(text) or [text]
        found = match_asked(asked, state.question)
        source = "rules"
        seconds = 0.0
        # What no keyword answered (the whole question, or a second one joined to it): the
        # model picks the fact that answers it, by meaning, once (to keep the reply quick).
        left = [f for f in state.question.scenario_facts if f not in found.facts]
        if found.unmatched and left and llm_pick:
            picked, seconds = self._llm_pick_fact(" ".join(found.unmatched), [f.fact for f in left])
            if picked is not None:
                found.add_for_unmatched(left[picked])
                found.unmatched.clear()
                source = "llm"
        reply, topics = found.reply(), found.topics
        repeated = bool(topics) and all(t in state.revealed_topics for t in topics)
        state.revealed_topics.extend(t for t in topics if t not in state.revealed_topics)
        if reply == NOT_SPECIFIED:
            reason = "no scenario fact answers the question"
        else:
            reason = "revealed " + ", ".join(topics) + (" (again)" if repeated else "")
        if repeated:
            reply = f"As I mentioned: {reply}"
        return InterviewerDecision(
            act="clarify",
            say=reply,
            revealed_topics=topics,
            source=source,  # type: ignore[arg-type]
            reason=reason,
            llm_seconds=seconds,
        )

    def _llm_pick_fact(self, asked: str, facts: list[str]) -> tuple[int | None, float]:
        started = time.perf_counter()
        try:
            completion = self.backend.complete(
                fact_pick_messages(asked, facts),
                json_schema=FactPick.model_json_schema(),
                max_tokens=16,
                temperature=0.0,
            )
            pick = FactPick.model_validate_json(completion.text)
        except (ValidationError, LLMOutputError, ValueError) as exc:
            log.info("fact pick unusable: %s", exc)
            return None, time.perf_counter() - started
        index = pick.fact_index
        return (index if 0 <= index < len(facts) else None), time.perf_counter() - started

    def messages_for(self, state: QuestionState, answer: str) -> list[ChatMessage]:
        """The probe prompt: the question's brief and the candidate's latest answer only.

        A 1.5B model shown the ladder so far keeps re-asking its own previous question (or
        probes the first answer); shown only the answer, it probes that answer. The prompt
        warmed while the candidate talks is this one with the answer so far, so the two
        share every token up to where the partial answer stopped.
        """
        return probe_messages(probe_system_prompt(self.persona, state.question), answer)

    def draft_probe(self, state: QuestionState, words_so_far: str) -> ProbeDraft | None:
        """A 'why' about the words heard so far, written while the candidate goes on: valid
        for those words, or None. A first try the checks reject is retried here as after the
        turn (``_write_probe``), so the retry costs speaking time, not the candidate's wait.
        decide() checks it again against the whole answer."""
        draft, problems = self._write_probe(state, words_so_far)
        if draft is not None and problems:
            log.debug("draft %r unusable: %s", draft.question, "; ".join(problems))
        return draft if draft is not None and not problems else None

    @staticmethod
    def _earlier_questions(state: QuestionState) -> list[str]:
        return [t for speaker, t in state.history[1:] if speaker == "interviewer"]

    def _probe(
        self,
        state: QuestionState,
        text: str,
        drafted: Sequence[ProbeDraft] = (),
        unclear: frozenset[str] = frozenset(),
    ) -> InterviewerDecision:
        """A 'why' follow-up, remembered so "what do you mean?" can rephrase it: the newest
        probe drafted while they spoke that passes every check the whole answer puts it to,
        else one written now. A newest draft the whole answer rejects (they went on to say
        why, say) is that writing's first try: its retry asks about what they went on to say,
        one model call sooner than starting afresh."""
        earlier = self._earlier_questions(state)
        checked = [
            (draft, validate_probe(draft, text, state.question, earlier, unclear))
            for draft in reversed(drafted)
        ]
        ready = next((draft for draft, problems in checked if not problems), None)
        if ready is not None:
            state.depth += 1
            decision = _llm_probe(state, ready, text, "written while you spoke", drafted=True)
        else:
            decision = self._draft_and_check_probe(
                state, text, unclear, rejected=checked[0] if checked else None
            )
        state.last_probe, state.last_target = decision.say, decision.target
        state.last_answer, state.last_answer_turn = text, state.candidate_turns
        return decision

    def _draft_and_check_probe(
        self,
        state: QuestionState,
        text: str,
        unclear: frozenset[str] = frozenset(),
        rejected: tuple[ProbeDraft, list[str]] | None = None,
    ) -> InterviewerDecision:
        started = time.perf_counter()
        draft, problems = self._write_probe(state, text, unclear, rejected)
        seconds = time.perf_counter() - started
        state.depth += 1
        if draft is not None and not problems:
            return _llm_probe(state, draft, text, llm_seconds=seconds)
        target, question = fallback_probe(
            text, story=not probes_knowledge(state.question.round), unclear=unclear
        )
        log.info("LLM follow-up unusable (%s); using a fallback", "; ".join(problems))
        return InterviewerDecision(
            act="probe",
            say=question,
            target=target or None,
            source="fallback",
            reason=f"'why' #{state.depth} (fallback: {'; '.join(problems)[:200]})",
            llm_seconds=seconds,
        )

    def _write_probe(
        self,
        state: QuestionState,
        text: str,
        unclear: frozenset[str] = frozenset(),
        first: tuple[ProbeDraft, list[str]] | None = None,
    ) -> tuple[ProbeDraft | None, list[str]]:
        """A probe about ``text`` and what is still wrong with it: one try (or ``first``,
        a try already made, and its problems) and, if the checks reject it, one retry."""
        messages = self.messages_for(state, text)
        earlier = self._earlier_questions(state)
        draft, problems = first or self._draft_probe(
            messages, text, state.question, earlier, unclear
        )
        if draft is not None and problems:
            # One retry: asked afresh about a phrase of the answer when there is one, else
            # told exactly what was wrong (warmer: at the same temperature a small model
            # mostly writes the same question again). A 'why' they had already answered is
            # asked again about the reason they gave (the next 'why' down). Not every retry:
            # on 60 MIT answers, focusing each on the answer's first reason gave 3 fallbacks
            # against 1.
            focus = probe_focus(draft.question, text, unclear)
            if focus:
                retry = anchored_probe_messages(messages[0].content, text, focus, problems)
                temperature = DRAFT_TEMPERATURE
            else:
                retry = [
                    *messages,
                    ChatMessage(role="assistant", content=draft.question),
                    ChatMessage(
                        role="user",
                        content="That follow-up is unusable: " + "; ".join(problems) + ". "
                        "Write it again.",
                    ),
                ]
                temperature = RETRY_TEMPERATURE
            draft, problems = self._draft_probe(
                retry, text, state.question, earlier, unclear, temperature=temperature
            )
            reason = given_reason(draft.question, text) if draft is not None and problems else ""
            if reason and reason != focus:
                # The retry asked again why they did what they had just said why they did:
                # once more, about the reason they gave (the next 'why' down).
                draft, problems = self._draft_probe(
                    anchored_probe_messages(messages[0].content, text, reason, problems),
                    text,
                    state.question,
                    earlier,
                    unclear,
                    temperature=DRAFT_TEMPERATURE,
                )
        elif draft is None:
            # Not even a why-question: ask again with the output constrained to one (slower
            # per token, but a small model cannot wander off).
            draft, problems = self._draft_probe(
                messages, text, state.question, earlier, unclear, constrained=True
            )
        return draft, problems

    def _draft_probe(
        self,
        messages: list[ChatMessage],
        candidate_text: str,
        question: Question,
        earlier: list[str],
        unclear: frozenset[str] = frozenset(),
        temperature: float = DRAFT_TEMPERATURE,
        *,
        constrained: bool = False,
    ) -> tuple[ProbeDraft | None, list[str]]:
        """One drafted probe and what is wrong with it.

        Plain text that stops at its question mark by default: no JSON wrapper to generate
        and no grammar to check every token against (together about half the time of a
        probe on the embedded model); read_probe() and ProbeDraft's pattern check it after.
        ``constrained`` asks for ProbeDraft's JSON schema instead, which the embedded model
        enforces with a grammar.
        """
        if constrained:
            completion = self.backend.complete(
                messages,
                json_schema=ProbeDraft.model_json_schema(),
                max_tokens=2 * MAX_PROBE_TOKENS,
                temperature=temperature,
            )
        else:
            completion = self.backend.complete(
                messages, max_tokens=MAX_PROBE_TOKENS, temperature=temperature, stop=["?"]
            )
        draft = read_probe(completion.text)
        if draft is None:
            log.info("probe draft is not one why-question: %r", completion.text[:200])
            return None, ["the reply was not one follow-up question"]
        draft.question = second_person(draft.question)
        return draft, validate_probe(draft, candidate_text, question, earlier, unclear)
