"""The runner when the candidate goes on or waits: a reply withdrawn while it is written, a
question at the end joined, an acknowledgement taken back, and the time box that leaves out
the candidate's waits for replies (logic: scripted backends, voices and sources; the embedded
model's own stop between tokens is tested in test_reply_preparer.py and test_llm_embedded.py)."""

from __future__ import annotations

import threading

import pytest
from interview_helpers import AfterTheTurn, SaysAtOnce, ScriptedBackend, runner_for

from interviewer.catalog.personas import load_catalog
from interviewer.interview.policy.decide import InterviewerPolicy, QuestionState
from interviewer.llm.base import GenerationCancelled

ANSWER = (
    "I would start with a two tower model for candidate generation because it lets us "
    "precompute the video embeddings, then rank the few hundred candidates with a gradient "
    "boosted model on watch time."
)


class WritingUntilStopped(ScriptedBackend):
    """Writes a reply token by token until ``should_stop`` says the request was withdrawn
    (as the embedded backend does), then raises GenerationCancelled."""

    cancellable = True

    def __init__(self) -> None:
        super().__init__([])
        self.writing = threading.Event()
        self.polls = 0

    def complete(self, messages, *, should_stop=None, **kwargs):  # type: ignore[override]
        self.requests.append(list(messages))
        self.writing.set()
        while self.polls < 100_000:  # a token's worth of work between polls
            self.polls += 1
            if should_stop is not None and should_stop():
                raise GenerationCancelled("the request was withdrawn")
            threading.Event().wait(0.001)
        raise AssertionError("never told to stop")


def _state() -> QuestionState:
    question = load_catalog().question("sd-recsys-video")
    state = QuestionState(question=question, started_at_s=0.0)
    state.history.append(("interviewer", question.prompt))
    return state


def test_going_on_while_the_reply_is_written_withdraws_it_between_tokens(tmp_path) -> None:
    backend = WritingUntilStopped()
    runner = runner_for(tmp_path, backend)
    policy = InterviewerPolicy(backend, load_catalog().persona("ada"))
    after = AfterTheTurn()
    decided: list[object] = []
    writing = threading.Thread(
        target=lambda: decided.append(runner._decide(policy, _state(), ANSWER, (), after))
    )
    writing.start()
    assert backend.writing.wait(30), "the probe never reached the model"
    polls_before = backend.polls
    after.reopened.set()  # the candidate goes on
    writing.join(30)
    assert not writing.is_alive()
    assert decided == [None]  # withdrawn: nothing to say, nothing to drop
    assert len(backend.requests) == 1  # no retry, no constrained second try
    assert backend.polls >= polls_before  # it was stopped at a poll, not at its end


def test_without_a_listener_the_reply_is_written_to_its_end(tmp_path) -> None:
    backend = ScriptedBackend(["Why did you pick a two tower model over a single ranker?"])
    runner = runner_for(tmp_path, backend)
    policy = InterviewerPolicy(backend, load_catalog().persona("ada"))
    decision = runner._decide(policy, _state(), ANSWER, (), None)
    assert decision is not None and decision.act == "probe"
    assert decision.say.startswith("Why did you pick a two tower model")


class TypedLive:
    """Answers in order, each with a listener after it (a live source, as the runner reads it)."""

    kind = "microphone"
    live = True

    def __init__(self, texts: list[str]) -> None:
        self.texts = list(texts)
        self.contexts: list = []

    def next_answer(self, context):
        from interviewer.interview.answers.sources import CandidateAnswer

        self.contexts.append(context)
        if not self.texts:
            return None
        return CandidateAnswer(source="text", text=self.texts.pop(0), after=AfterTheTurn())


class GoesOnOverTheFirstReply:
    """Says every line at once, except that the candidate goes on before the first line
    after their first question is heard."""

    def __init__(self) -> None:
        self.said: list[str] = []
        self.talked_over = False

    def say(self, text, path, *, on_first_sample=None, listener=None):
        if listener is not None and not self.talked_over:
            self.talked_over = True
            listener.reopened.set()
            return 0.0, None
        self.said.append(text)
        return 1.0, None


def test_a_candidates_question_that_goes_on_is_one_question_answered_once(tmp_path) -> None:
    persona = load_catalog().persona("ada")
    voice = GoesOnOverTheFirstReply()
    answers = TypedLive(["What does the team", "work on day to day?", "No, that's all."])
    runner = runner_for(tmp_path, answers=answers, voice=voice)
    runner._candidate_questions(persona, "behavioural")
    candidate = [t for t in runner.writer.session.turns if t.speaker == "candidate"]
    joined = "What does the team work on day to day?"
    assert [t.text for t in candidate] == [joined, "No, that's all."]
    assert candidate[0].meta["reopened"] is True
    assert len(candidate[0].meta["talked_over"]) == 1  # the reply dropped unheard
    assert answers.contexts[1].resume is not None  # the rest was heard from the same listener
    interviewer = [t.act for t in runner.writer.session.turns if t.speaker == "interviewer"]
    assert interviewer[0] == "invite_questions"
    assert interviewer.count("answer_question") == 2  # the joined question, then "that's all"


class GoesOnAsTheFirstLineEnds(TypedLive):
    """The first answer's listener hears them go on only as the reply to it ends (their
    voice was taken for the line's echo while it played)."""

    def next_answer(self, context):
        answer = super().next_answer(context)
        if answer is not None and len(self.contexts) == 1:
            answer.after = AfterTheTurn(at_line_end=True, played_s=1.0)
        return answer


def test_going_on_heard_as_a_line_ends_drops_the_line_and_keeps_one_question(tmp_path) -> None:
    """The reply was said to its end, but the listener hears them going on with its last
    words: the runner waits for that (settle) before the turn counts as over, so the rest is
    the same question, and the whole line is kept as talked over, not as a turn."""
    persona = load_catalog().persona("ada")
    answers = GoesOnAsTheFirstLineEnds(
        ["What does the team", "work on day to day?", "No, that's all."]
    )
    runner = runner_for(tmp_path, answers=answers, voice=SaysAtOnce(1.0))
    runner._candidate_questions(persona, "behavioural")
    candidate = [t for t in runner.writer.session.turns if t.speaker == "candidate"]
    assert [t.text for t in candidate] == [
        "What does the team work on day to day?",
        "No, that's all.",
    ]
    (talked_over,) = candidate[0].meta["talked_over"]
    assert talked_over["played_s"] == 1.0  # heard whole, and still not the answer's reply
    interviewer = [t.act for t in runner.writer.session.turns if t.speaker == "interviewer"]
    assert interviewer == ["invite_questions", "answer_question", "answer_question"]


class BeginsOverTheFirstReply:
    """After a typed turn: the candidate speaks over the first line with a listener, which
    stops after 0.4 s (the listener's ``next_turn_began``); the rest are said whole."""

    def __init__(self) -> None:
        self.begun = False

    def say(self, text, path, *, on_first_sample=None, listener=None):
        if on_first_sample is not None:
            on_first_sample()
        if listener is not None and not self.begun:
            self.begun = True
            listener.next_turn_began.set()
            return 0.4, None
        return 1.0, None


def test_speech_over_the_reply_to_a_typed_turn_is_the_next_turn(tmp_path) -> None:
    """Not the typed turn going on (its text is whole): the line stays said, with what was
    played of it, and the next answer is recorded from the stream that heard them begin."""
    persona = load_catalog().persona("ada")
    answers = TypedLive(["What does the team work on?", "And the on-call?", "No, that's all."])
    runner = runner_for(tmp_path, answers=answers, voice=BeginsOverTheFirstReply())
    runner._candidate_questions(persona, "behavioural")
    turns = runner.writer.session.turns
    candidate = [t for t in turns if t.speaker == "candidate"]
    assert [t.text for t in candidate] == [
        "What does the team work on?",
        "And the on-call?",
        "No, that's all.",
    ]
    assert not any(t.meta.get("reopened") or t.meta.get("talked_over") for t in candidate)
    replies = [t for t in turns if t.act == "answer_question"]
    assert replies[0].meta["cut_short_s"] == 0.4
    assert replies[0].end - replies[0].start == pytest.approx(0.4)
    assert "cut_short_s" not in replies[1].meta
    second = answers.contexts[1]  # recorded from the stream that heard them begin
    assert second.resume is None and second.follows is not None
    assert second.follows.next_turn_began.is_set()


def test_the_next_answer_is_recorded_from_the_stream_that_heard_the_line(tmp_path) -> None:
    """After a reply said to its end, the next answer is recorded from the stream that
    listened over it (nothing said as the line ended falls between two streams); a stream
    nobody takes over is closed."""
    persona = load_catalog().persona("ada")
    answers = TypedLive(["What does the team work on?", "And the on-call?", "No, that's all."])
    runner = runner_for(tmp_path, answers=answers, voice=SaysAtOnce(1.0))
    runner._candidate_questions(persona, "behavioural")
    first, second, third = answers.contexts[:3]
    assert first.follows is None  # the invitation was said without a listener
    assert second.follows is not None and third.follows is not None
    assert second.follows is not third.follows
    assert second.follows.settled == 1 and second.follows.closed and third.follows.closed


def test_a_taken_back_acknowledgement_leaves_the_session_and_the_page(tmp_path) -> None:
    """The candidate went on after "Okay, a two tower model.": the acknowledgement moves into
    their turn's meta, and the page is told to take it off the transcript."""
    from interviewer.web.channel import PageChannel, PageObserver

    channel = PageChannel()
    published: list[dict] = []
    channel.publish = lambda event, binary=None: published.append(event)  # type: ignore[method-assign]
    runner = runner_for(tmp_path, voice=SaysAtOnce(0.8), observer=PageObserver(channel))
    from interviewer.interview.answers.sources import CandidateAnswer

    runner._record_answer(
        CandidateAnswer(source="text", text=ANSWER), None, 0.0, None, round_type="behavioural"
    )
    answer = runner.writer.session.turns[-1].index
    runner._acknowledged = runner._say(
        "Okay, a two tower model.", act="acknowledge", round_type="behavioural"
    )
    assert [t["act"] for t in channel.snapshot.turns] == [None, "acknowledge"]
    runner._unsay_acknowledgement(answer, None)
    assert [t.index for t in runner.writer.session.turns] == [answer]
    assert runner.writer.turn(answer).meta["talked_over"][0]["act"] == "acknowledge"
    assert [t["index"] for t in channel.snapshot.turns] == [answer]  # a page joining later
    assert published[-1] == {"type": "turn_withdrawn", "index": answer + 1}  # pages open now


class SlowFirstSample(SaysAtOnce):
    """A voice whose lines take a moment to start (synthesis on a slow laptop)."""

    def say(self, text, path, *, on_first_sample=None, listener=None):
        threading.Event().wait(0.05)
        return super().say(text, path, on_first_sample=on_first_sample, listener=listener)


class TypedTimed(TypedLive):
    """Typed answers (no listener after them) that note the runner's clock at each turn."""

    live = False

    def __init__(self, texts: list[str]) -> None:
        super().__init__(texts)
        self.clock = None
        self.at: list[float] = []

    def next_answer(self, context):
        self.at.append(self.clock.now())
        answer = super().next_answer(context)
        if answer is not None:
            answer.after = None
        return answer


def test_the_time_box_leaves_out_the_candidates_waits_for_replies(tmp_path) -> None:
    """What is left of the question's time box, as the runner hands it to the source (and
    the page shows it), does not count the time from the end of a turn to the reply."""
    persona = load_catalog().persona("ada")
    question = load_catalog().question("sd-recsys-video")
    answers = TypedTimed([ANSWER, "Because precomputed video vectors keep it fast."])
    backend = ScriptedBackend(
        [
            "Why a two tower model over one ranker?",
            "Why do precomputed video vectors keep it fast?",
            "Why do precomputed video vectors keep it fast enough?",
        ]
    )
    runner = runner_for(tmp_path, backend, answers=answers, voice=SlowFirstSample())
    answers.clock = runner.clock
    runner.run_rounds([(persona, [question])])
    probe = next(t for t in runner.writer.session.turns if t.act == "probe")
    waited = probe.meta["reply_latency_s"]
    assert waited > 0
    first, second = answers.contexts[0].time_left_s, answers.contexts[1].time_left_s
    # The clock ran on between the two turns; the time left fell by that less the wait.
    given_back = (answers.at[1] - answers.at[0]) - (first - second)
    assert given_back == pytest.approx(waited, abs=0.02)


def test_an_acknowledgement_leaves_the_cpu_to_the_reply_being_written(tmp_path) -> None:
    """The answer's whole-answer pass starts at the reply's first sample, not at the
    acknowledgement's: started by "Okay, a two tower model." it ran beside the model still
    writing the probe (benchmarks/latency.py: acknowledged probes took seconds longer)."""
    runner = runner_for(tmp_path, voice=SaysAtOnce(0.8))
    gate = runner._next_line_started
    runner._say("Okay, a two tower model.", act="acknowledge", round_type="behavioural")
    assert not gate.is_set() and runner._next_line_started is gate
    runner._say("Why a two tower model?", act="probe", round_type="behavioural")
    assert gate.is_set() and runner._next_line_started is not gate


class PrefillingBackend(ScriptedBackend):
    """Records each prompt read ahead (``prefill``), as the embedded backend's KV cache."""

    def __init__(self) -> None:
        super().__init__([])
        self.prefilled = threading.Event()
        self.prompts: list[list] = []

    def prefill(self, messages, *, pause=None) -> int:  # type: ignore[override]
        self.prompts.append(list(messages))
        self.prefilled.set()
        return 0


class WaitsOutTheQuestion(SaysAtOnce):
    """Says the question for as long as the model takes to read the prompt (a limit guards
    a hang), noting whether it had."""

    def __init__(self, backend: PrefillingBackend) -> None:
        super().__init__()
        self.backend = backend
        self.read_while_asked: list[bool] = []

    def say(self, text, path, *, on_first_sample=None, listener=None):
        self.read_while_asked.append(self.backend.prefilled.wait(30))
        return super().say(text, path, on_first_sample=on_first_sample, listener=listener)


def test_the_questions_prompt_is_read_while_the_question_is_asked(tmp_path) -> None:
    backend = PrefillingBackend()
    voice = WaitsOutTheQuestion(backend)
    runner = runner_for(tmp_path, backend, answers=TypedLive([]), voice=voice)
    catalog = load_catalog()
    question = catalog.question("sd-recsys-video")
    policy = InterviewerPolicy(backend, catalog.persona("ada"))
    assert runner._run_question(policy, question, 0.0) == "answers_exhausted"
    assert voice.read_while_asked == [True]
    system = policy.messages_for(QuestionState(question=question, started_at_s=0.0), "")
    assert backend.prompts[0] == system  # the probe prompt, before any words of the answer
