"""Probes drafted while the candidate speaks: used when their words survive into the final
answer and the probe still passes every check against it, else written at the end; drafts
step aside for speech-to-text. Logic with a scripted backend; cancellation of a real
generation with the embedded model, and the paced pipeline end to end."""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest
from interview_helpers import ScriptedBackend

from interviewer.catalog.personas import load_catalog
from interviewer.interview.live.microphone import PauseWatcher
from interviewer.interview.live.preparer import ReplyPreparer
from interviewer.interview.policy.decide import InterviewerPolicy, QuestionState
from interviewer.turns.endpointing import TurnEndPolicy

ANSWER = "I would use a two tower model for candidate generation, then a gradient boosted ranker."
PROBE = "Why would you use a two tower model for candidate generation?"


class GatedBackend(ScriptedBackend):
    """A scripted backend whose replies wait for a gate, so a test can act mid-generation."""

    def __init__(self, replies: list[str]) -> None:
        super().__init__(replies)
        self.gate = threading.Event()
        self.prefilled: list[str] = []
        self.reads_begun = 0

    def complete(self, messages, **kwargs):
        assert self.gate.wait(10)
        return super().complete(messages, **kwargs)

    def prefill(self, messages, *, pause=None) -> int:
        self.reads_begun += 1
        if pause is not None:
            pause()  # as the embedded backend does before each slice of the read
        self.prefilled.append(messages[-1].content)
        return 0


def setup(replies: list[str]):
    catalog = load_catalog()
    question = catalog.question("sd-recsys-video")
    backend = GatedBackend(replies)
    policy = InterviewerPolicy(backend, catalog.persona("ada"))
    state = QuestionState(question=question, started_at_s=0.0)
    state.history.append(("interviewer", question.prompt))
    preparer = ReplyPreparer(policy, state, prefill=backend.prefill)
    return backend, policy, state, preparer


def wait_until(condition, what: str = "") -> None:
    """Poll the worker thread's progress; the limit only guards against a hang."""
    deadline = time.monotonic() + 120
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def worker_idle(preparer) -> bool:
    """The worker has taken the latest words and finished what it started from them."""
    with preparer._cond:
        return preparer._latest is None and preparer._running is None


def wait_for_drafts(preparer, n: int = 1) -> None:
    """The turn ends 0.8 s after the pause: by then the worker has long taken the words."""
    wait_until(lambda: preparer.stats.drafts >= n)


def wait_for_draft_in_flight(preparer) -> None:
    """The worker took the draft (and, with the gate shut, waits in the backend)."""
    wait_until(lambda: preparer._running is not None)


def decide_with(policy, state, text, drafted):
    state.history.append(("candidate", text))
    return policy.decide(state, text, 5.0, drafted=drafted)


def test_a_probe_drafted_at_the_pause_is_used_for_the_same_words():
    backend, policy, state, preparer = setup([json.dumps({"question": PROBE})])
    backend.gate.set()
    preparer.paused(ANSWER)
    wait_for_drafts(preparer)
    final = ANSWER.lower().replace(",", "")  # same words, other punctuation
    drafted = preparer.take(final)
    preparer.close()
    assert [d.question for d in drafted] == [PROBE]
    assert state.depth == 0  # drafting never touches the question's state
    decision = decide_with(policy, state, final, drafted)
    assert decision.act == "probe" and decision.say == PROBE and decision.drafted
    assert state.depth == 1 and len(backend.requests) == 1  # nothing generated at the end


def test_a_draft_from_the_start_of_the_answer_survives_when_its_words_do():
    """Drafted mid-answer, the probe still names the whole answer's words: used at once."""
    backend, policy, state, preparer = setup([json.dumps({"question": PROBE})])
    backend.gate.set()
    preparer.words_so_far(ANSWER)
    wait_for_drafts(preparer)
    final = ANSWER + " And I would retrain it daily."
    drafted = preparer.take(final)
    preparer.close()
    decision = decide_with(policy, state, final, drafted)
    assert decision.say == PROBE and decision.drafted


def test_a_draft_whose_words_did_not_survive_is_not_used():
    """The transcript changed under the draft (the candidate's words were misheard at first):
    the draft is not a start of the final words, so the probe is written at the end."""
    later = "Why would you retrain the ranker daily?"
    backend, policy, state, preparer = setup(
        [json.dumps({"question": PROBE}), json.dumps({"question": later})]
    )
    backend.gate.set()
    preparer.words_so_far(ANSWER)
    wait_for_drafts(preparer)
    final = "I would retrain the ranker daily, and monitor the features for drift."
    assert preparer.take(final) == []
    preparer.close()
    decision = decide_with(policy, state, final, [])
    assert decision.say == later and not decision.drafted


def test_a_draft_that_no_longer_holds_for_the_whole_answer_is_replaced():
    """The whole answer turned into 'I don't know': every gate reads the final words."""
    backend, policy, state, preparer = setup([json.dumps({"question": PROBE})])
    backend.gate.set()
    preparer.paused(ANSWER)
    wait_for_drafts(preparer)
    final = ANSWER + " Actually, I don't know. I don't know how I would do this."
    drafted = preparer.take(final)
    preparer.close()
    decision = decide_with(policy, state, final, drafted)
    assert decision.act != "probe"


def test_the_draft_in_flight_is_awaited_only_when_none_is_finished():
    backend, _, _, preparer = setup([json.dumps({"question": PROBE})])
    preparer.paused(ANSWER)
    wait_for_draft_in_flight(preparer)
    threading.Timer(0.2, backend.gate.set).start()
    drafted = preparer.take(ANSWER)
    preparer.close()
    assert [d.question for d in drafted] == [PROBE]


def test_a_draft_for_other_words_is_cancelled_at_the_end():
    backend, _, _, preparer = setup([json.dumps({"question": PROBE})])
    preparer.paused(ANSWER)
    wait_for_draft_in_flight(preparer)
    assert preparer.take("Something else entirely, about feature stores.") == []
    backend.gate.set()
    preparer.close()
    assert preparer.stats.drafts_cancelled == 1


def test_drafts_follow_the_answer_as_it_grows_but_not_word_by_word():
    replies = [json.dumps({"question": PROBE})] * 3
    backend, _, _, preparer = setup(replies)
    backend.gate.set()
    first = "I would use a two tower model for candidate generation"
    for text in (first, first + " then", first + " then a gradient boosted ranker on clicks"):
        preparer.words_so_far(text)
        wait_until(lambda: worker_idle(preparer), f"the worker never took {text!r}")
    preparer.close()
    drafted_from = [r[-1].content.split("Candidate: ")[-1] for r in backend.requests]
    assert drafted_from == [first, first + " then a gradient boosted ranker on clicks"]


def test_speech_to_text_passes_pause_a_draft_between_tokens():
    from interviewer.machine.foreground import Foreground

    foreground = Foreground()
    cancelled = threading.Event()
    from interviewer.interview.live.preparer import WithdrawableBackend

    view = WithdrawableBackend(ScriptedBackend([]), cancelled, foreground)
    with foreground.running():
        waiter = threading.Thread(target=view._should_stop)
        waiter.start()
        wait_until(lambda: foreground.waits == 1, "the draft never stepped aside")
        assert waiter.is_alive()  # the draft waits while the pass runs
    waiter.join(60)  # released when the pass ends (the limit only guards against a hang)
    assert not waiter.is_alive() and foreground.waits == 1


def test_words_so_far_warm_the_llm_with_the_partial_answer():
    backend, _, _, preparer = setup([])
    backend.gate.set()
    preparer.words_so_far("I would use a two tower")
    wait_until(lambda: any(p.endswith("a two tower") for p in backend.prefilled), "not warmed")
    preparer.close()
    # Too few words to ask about: the prompt is warmed with them instead of drafted from.
    assert backend.prefilled[0].endswith(("Candidate: ", "a two tower"))
    assert backend.requests == []


def test_warming_steps_aside_while_speech_to_text_runs():
    """The prompt read pauses for a transcription pass (the backend calls ``pause`` before
    each slice of the read): the warm-up waits while a pass runs, and goes on after it."""
    from interviewer.machine.foreground import Foreground

    foreground = Foreground()
    catalog = load_catalog()
    backend = GatedBackend([])
    policy = InterviewerPolicy(backend, catalog.persona("ada"))
    state = QuestionState(question=catalog.question("sd-recsys-video"), started_at_s=0.0)
    preparer = ReplyPreparer(policy, state, prefill=backend.prefill, foreground=foreground)
    with foreground.running():
        preparer.words_so_far("I would use a two tower")
        wait_until(lambda: foreground.waits == 1, "the warm-up never stepped aside")
        # It steps aside inside the read (where the backend pauses), not only before it.
        assert backend.reads_begun == 1 and backend.prefilled == []
    wait_until(lambda: backend.prefilled, "the warm-up did not go on after the pass")
    preparer.close()
    assert backend.prefilled[0].endswith("a two tower")


class FakeIncremental:
    def __init__(self) -> None:
        self.fresh = False
        self.words = ""

    def caught_up(self) -> bool:
        return self.fresh

    def words_so_far(self) -> str:
        return self.words


class Info:
    def __init__(self, speech_s: float, silence_s: float) -> None:
        self.speech_s, self.silence_s = speech_s, silence_s


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def words_so_far(self, text):
        self.calls.append(("words", text))

    def paused(self, text):
        self.calls.append(("paused", text))

    def resumed(self):
        self.calls.append(("resumed", None))


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("I would use a two tower model.", [("paused", "I would use a two tower model.")]),
        ("I would use a two tower model and", []),  # sounds unfinished: no draft
        ("Hmm, let me think.", []),
    ],
)
def test_pause_watcher_reports_only_fresh_finished_words(words, expected):
    listener, inc = Recorder(), FakeIncremental()
    watcher = PauseWatcher(listener, inc, TurnEndPolicy())
    inc.words = words
    watcher.on_frame(Info(2.0, 0.3))  # paused, but the transcript has not caught up
    assert listener.calls == []
    inc.fresh = True
    watcher.on_frame(Info(2.0, 0.35))
    watcher.on_frame(Info(2.0, 0.4))  # reported once per pause
    assert listener.calls == expected
    watcher.on_frame(Info(2.1, 0.0))  # speech again
    assert listener.calls == expected + ([("resumed", None)] if expected else [])


@pytest.mark.slow
@pytest.mark.llm
def test_cancelling_stops_a_real_generation_between_tokens():
    from llm_helpers import embedded_backend

    from interviewer.llm.base import ChatMessage, GenerationCancelled

    backend = embedded_backend("smollm2")
    messages = [ChatMessage(role="user", content="Count from one to fifty in words.")]
    deltas = 0

    def stop_after_three() -> bool:
        nonlocal deltas
        deltas += 1
        return deltas > 3

    with pytest.raises(GenerationCancelled):
        backend.complete(messages, max_tokens=200, temperature=0.0, should_stop=stop_after_three)
    assert deltas == 4  # stopped at the fourth token, not after two hundred
    # The model is free again and answers the next request in full.
    done = backend.complete(messages, max_tokens=8, temperature=0.0)
    assert done.completion_tokens > 0


# The interview loop on a virtual microphone paced to real time (the file-backed device is
# otherwise faster than speech), with models that keep up: each frame waits for the
# transcription pass it made due, and the words given to the drafter wait for the draft. So
# what is drafted does not depend on how fast this machine is at the moment (whether it
# drafts in time on a given machine is measured by benchmarks/latency.py, not tested).
_KEPT_UP_INTERVIEW = r"""
import json, sys, time
from pathlib import Path
from interviewer.audio.capture import MicrophoneRecorder
from interviewer.catalog.personas import load_catalog
from interviewer.interview import runner as runner_module
from interviewer.interview.live import microphone
from interviewer.interview.live.preparer import ReplyPreparer
from interviewer.interview.pipeline import interview_runner, microphone_answers
from interviewer.interview.runner import RunConfig
from interviewer.interview.voice import InterviewerVoice
from interviewer.llm.factory import make_backend
from interviewer.llm.settings import LLMSettings
from interviewer.session.models import Session
from interviewer.speech.incremental import IncrementalTranscriber
from interviewer.speech.stt import load_transcriber

heard = []  # what reached the drafter, in order, and what each turn's end took from it


class KeptUpTranscriber(IncrementalTranscriber):
    def on_frame(self, info):
        super().on_frame(info)
        self.wait_idle()


class KeptUpPreparer(ReplyPreparer):
    def _wait_for_worker(self):
        while True:
            with self._cond:
                if self._closed or (self._latest is None and self._running is None):
                    return
            time.sleep(0.01)

    def words_so_far(self, text):
        heard.append({"words": text})
        super().words_so_far(text)
        self._wait_for_worker()

    def paused(self, text):
        heard.append({"paused": text})
        super().paused(text)
        self._wait_for_worker()

    def take(self, final_text):
        taken = super().take(final_text)
        heard.append({"take": final_text, "drafts": [d.model_dump() for d in taken]})
        return taken


class ReplayingRecorder(MicrophoneRecorder):
    # The virtual device replays its file for each stream: each turn opens its own, so the
    # second answer is the same answer again.
    continuous_stream = False


microphone.IncrementalTranscriber = KeptUpTranscriber
runner_module.ReplyPreparer = KeptUpPreparer

args = json.loads(sys.argv[1])
catalog = load_catalog()
question = catalog.question(args["question"])
stt = load_transcriber(None)
runner = interview_runner(
    Path(args["out"]),
    Session(id="paced", rounds=[question.round]),
    backend=make_backend(LLMSettings(model="smollm2")),
    transcriber=stt,
    answers=microphone_answers(
        stt, streaming=True, realtime=True, recorder_type=ReplayingRecorder
    ),
    voice=InterviewerVoice(None, play=False),
    config=RunConfig(max_depth=1),
)
runner.run_rounds([(catalog.persona_for_round(question.round), [question])])
turns = [t.model_dump(mode="json") for t in runner.writer.session.turns]
print(json.dumps({"turns": turns, "heard": heard}))
"""


def spoken(text: str) -> str:
    return text.lower().replace("-", " ")


@pytest.mark.slow
@pytest.mark.llm
def test_the_words_heard_live_reach_the_drafter_and_a_draft_is_used_only_if_it_holds(tmp_path):
    """Real capture, real speech-to-text and the real model: the words transcribed while the
    candidate speaks reach the drafter before the turn ends, a probe is drafted from them,
    and the reply is a draft exactly when one still passes validation against the whole
    answer; each answer is then transcribed again, whole. (The device replays the same
    answer for the second turn, which reaches the depth and moves on, and for the
    end-of-round questions.)"""
    from audio_helpers import run_python, silence, synth_samples, virtual_mic_env, write_raw_s16

    from interviewer.interview.policy.decide import validate_probe
    from interviewer.interview.policy.decisions import ProbeDraft

    # Two sentences: the first is transcribed, and drafted from, while the second is spoken.
    answer = synth_samples(
        "I would use a two tower model for candidate generation. Then a gradient boosted "
        "ranker trained on watch time would order the candidates it finds.",
        tmp_path,
    )
    raw = write_raw_s16(np.concatenate([silence(0.6), answer, silence(4.0)]), tmp_path / "mic.raw")
    proc = run_python(
        virtual_mic_env(raw, tmp_path),
        _KEPT_UP_INTERVIEW,
        json.dumps({"question": "sd-recsys-video", "out": str(tmp_path / "out")}),
        timeout=1800,  # a guard against a hang only: a loaded machine is slow, not wrong
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    turns, heard = out["turns"], out["heard"]
    [probe] = [t for t in turns if t["act"] == "probe"]
    first_answer = next(t for t in turns if t["speaker"] == "candidate")
    assert first_answer["index"] < probe["index"] and not [
        t
        for t in turns
        if t["speaker"] == "candidate" and first_answer["index"] < t["index"] < probe["index"]
    ], turns  # the probe is the reply to the first answer
    # The first answer: what reached the drafter while it was spoken, then the turn's end.
    first_end = next(i for i, event in enumerate(heard) if "take" in event)
    live = [e.get("words") or e.get("paused") or "" for e in heard[:first_end]]
    assert any("two tower" in spoken(text) for text in live), heard[:first_end]
    # A model that keeps up drafts from them before the turn ends.
    drafts = probe["meta"].get("drafts") or {}
    assert drafts.get("usable", 0) + drafts.get("unusable", 0) >= 1, probe["meta"]
    # The reply is a draft exactly when a draft taken at the end still validates against
    # the whole answer (as decide() judged it: the live words, no earlier probe).
    question = load_catalog().question("sd-recsys-video")
    final, taken = heard[first_end]["take"], heard[first_end]["drafts"]
    holds = [not validate_probe(ProbeDraft(**d), final, question, []) for d in taken]
    assert bool(probe["meta"].get("drafted_while_speaking")) == any(holds), (probe, heard)
    # The question's two answers; the round's invitation to ask questions comes after them.
    answered = [t for t in turns if t["speaker"] == "candidate"][:2]
    assert len(answered) == 2
    for turn in answered:
        assert "two tower" in spoken(turn["text"])
        # Heard in windows live; the session keeps the whole-answer transcript, with times
        # on the session's timeline.
        assert turn["meta"]["transcript"] == "whole answer, after the reply", turn["meta"]
        assert turn["words"] and turn["start"] <= turn["words"][0]["start"]
        assert turn["words"][-1]["end"] <= turn["end"] + 0.05


def test_a_draft_survives_words_the_transcript_revised_but_not_another_answer():
    from interviewer.interview.live.preparer import Draft
    from interviewer.speech_acts import words

    draft = Draft(text="Negative sampling matters to, I would sample negatives from impression.")
    final = words("Negative sampling matters, I would sample negatives from impressions shown.")
    assert draft.precedes(final)  # "to" dropped and "impression" grew an "s" on a later pass
    assert draft.covers(final)
    assert not draft.precedes(words("I would retrain the ranker daily and watch for drift."))
    early = Draft(text="Negative sampling matters")
    assert early.precedes(final) and not early.covers(final)  # too early to wait for


def test_a_draft_the_checks_reject_is_retried_while_they_speak():
    """The first try names nothing of theirs: the retry is written in the background too,
    so the end of the turn finds a usable probe and asks the model nothing more."""
    backend, policy, state, preparer = setup(
        [json.dumps({"question": "What metric would you use?"}), json.dumps({"question": PROBE})]
    )
    backend.gate.set()
    preparer.paused(ANSWER)
    wait_for_drafts(preparer)
    drafted = preparer.take(ANSWER)
    preparer.close()
    assert [d.question for d in drafted] == [PROBE] and len(backend.requests) == 2
    decision = decide_with(policy, state, ANSWER, drafted)
    assert decision.say == PROBE and decision.drafted and len(backend.requests) == 2


def test_a_draft_the_whole_answer_rejects_is_the_first_try_of_the_reply():
    """They went on to say why: the draft asking why is the reply's first try, so the one
    call at the end is its retry, about the reason they gave."""
    reason_probe = "Why does precomputing the video embeddings matter here?"
    backend, policy, state, preparer = setup(
        [json.dumps({"question": PROBE}), json.dumps({"question": reason_probe})]
    )
    backend.gate.set()
    preparer.words_so_far(ANSWER)
    wait_for_drafts(preparer)
    final = (
        ANSWER + " The two tower model is there because it lets us precompute the video embeddings."
    )
    drafted = preparer.take(final)
    preparer.close()
    assert [d.question for d in drafted] == [PROBE]
    decision = decide_with(policy, state, final, drafted)
    assert decision.say == reason_probe and not decision.drafted
    assert len(backend.requests) == 2  # the draft, then its retry: no fresh first try
    asked = backend.requests[-1][-1].content
    assert "A follow-up was unusable" in asked and '"it lets us precompute' in asked


def test_a_pause_cancels_a_draft_from_fewer_of_its_words():
    """The draft in flight is from the answer's first words; at the pause the end of the
    turn would cancel it, so the pause does, and the next draft is from the paused words."""
    backend, _, _, preparer = setup([json.dumps({"question": PROBE})] * 2)
    start = "I would use a two tower model for candidate generation"
    preparer.words_so_far(start)
    wait_for_draft_in_flight(preparer)
    in_flight = preparer._running
    preparer.paused(ANSWER)
    assert in_flight.cancelled.is_set() and preparer.stats.drafts_cancelled == 1
    backend.gate.set()
    wait_until(lambda: len(backend.requests) == 2 and worker_idle(preparer), "no pause draft")
    preparer.close()
    assert backend.requests[-1][-1].content.endswith(ANSWER)


def test_a_pause_leaves_a_draft_from_most_of_its_words_to_finish():
    backend, _, _, preparer = setup([json.dumps({"question": PROBE})])
    preparer.words_so_far(ANSWER)
    wait_for_draft_in_flight(preparer)
    in_flight = preparer._running
    preparer.paused(ANSWER + " Yes.")
    assert not in_flight.cancelled.is_set()
    backend.gate.set()
    drafted = preparer.take(ANSWER + " Yes.")
    preparer.close()
    assert [d.question for d in drafted] == [PROBE]


def test_the_reply_s_view_tells_when_the_model_starts_writing():
    """The runner's acknowledgement waits for this (a reply the model writes takes seconds);
    a withdrawn request never reaches the model and tells nothing."""
    from interviewer.interview.live.preparer import WithdrawableBackend
    from interviewer.llm.base import ChatMessage, GenerationCancelled

    told = []
    backend = ScriptedBackend([PROBE])
    withdrawn = threading.Event()
    view = WithdrawableBackend(
        backend, withdrawn, on_request=lambda: told.append(len(backend.requests))
    )
    view.complete([ChatMessage(role="user", content="hi")])
    assert told == [0]  # told before the request reached the model
    withdrawn.set()
    with pytest.raises(GenerationCancelled):
        view.complete([ChatMessage(role="user", content="hi")])
    assert told == [0]
