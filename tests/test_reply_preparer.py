"""Drafting the reply at a pause: adopted only for exactly the words it was drafted from,
cancelled when the candidate goes on. Logic with a scripted backend; cancellation of a real
generation with the embedded model (test_llm_embedded.py has the backend's own tests)."""

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

    def complete(self, messages, **kwargs):
        assert self.gate.wait(10)
        return super().complete(messages, **kwargs)

    def prefill(self, messages) -> int:
        self.prefilled.append(messages[-1].content)
        return 0


def setup(replies: list[str]):
    catalog = load_catalog()
    question = catalog.question("sd-recsys-video")
    backend = GatedBackend(replies)
    policy = InterviewerPolicy(backend, catalog.persona("ada"))
    state = QuestionState(question=question, started_at_s=0.0)
    state.history.append(("interviewer", question.prompt))
    preparer = ReplyPreparer(policy, state, lambda: 5.0, prefill=backend.prefill)
    return backend, state, preparer


def test_a_draft_for_the_final_words_is_adopted_and_the_real_state_is_untouched():
    backend, state, preparer = setup([json.dumps({"question": PROBE})])
    backend.gate.set()
    preparer.paused(ANSWER)
    draft = preparer.take(ANSWER.lower().replace(",", ""))  # same words, other punctuation
    preparer.close()
    assert draft is not None and draft.decision is not None
    assert draft.decision.act == "probe" and draft.decision.say == PROBE
    assert draft.state.depth == 1 and draft.state.history[-1] == ("candidate", ANSWER)
    assert state.depth == 0 and state.history[-1][0] == "interviewer"  # the original


def test_adopting_a_draft_returns_the_state_ending_on_the_final_transcript():
    backend, state, preparer = setup([json.dumps({"question": PROBE})])
    backend.gate.set()
    preparer.paused(ANSWER)
    final = ANSWER.lower().replace(",", "")
    draft = preparer.take(final)
    preparer.close()
    assert draft is not None
    adopted, decision = draft.adopt(final)
    assert decision is draft.decision and adopted.depth == 1
    assert adopted.history[-1] == ("candidate", final)  # the session's words
    assert draft.state.history[-1] == ("candidate", ANSWER)  # the draft is left as it was
    assert state.history[-1][0] == "interviewer"


def test_other_final_words_discard_the_draft():
    backend, state, preparer = setup([json.dumps({"question": PROBE})])
    preparer.paused(ANSWER)
    assert preparer.take(ANSWER + " And I would retrain it daily.") is None
    backend.gate.set()
    preparer.close()
    assert preparer.stats.drafts_cancelled == 1 and state.depth == 0


def test_speech_after_the_pause_cancels_the_draft_and_a_new_pause_drafts_again():
    later = ANSWER + " I would retrain the ranker daily."
    backend, _, preparer = setup(
        [
            json.dumps({"question": PROBE}),
            json.dumps({"question": "Why would you retrain the ranker daily?"}),
        ]
    )
    preparer.paused(ANSWER)
    preparer.resumed()
    backend.gate.set()
    preparer.paused(later)
    draft = preparer.take(later)
    preparer.close()
    assert preparer.stats.drafts_cancelled == 1
    assert draft is not None and draft.text == later
    # The cancelled draft asked the LLM nothing, or its request was withdrawn.
    assert len(backend.requests) <= 2


def test_words_so_far_warm_the_llm_with_the_partial_answer():
    backend, _, preparer = setup([])
    backend.gate.set()
    preparer.words_so_far("I would use a two tower")
    deadline = time.monotonic() + 10
    while not any(p.endswith("a two tower") for p in backend.prefilled):
        assert time.monotonic() < deadline, backend.prefilled
        time.sleep(0.01)
    preparer.close()
    # The question's prompt is warmed at once (an empty answer), unless the partial answer
    # replaced that request before it ran; the latest words are always warmed.
    assert backend.prefilled[0].endswith(("Candidate: ", "a two tower"))


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
# otherwise faster than speech, and the transcript would lag the audio it judges).
_PACED_INTERVIEW = r"""
import json, sys
from pathlib import Path
from interviewer.catalog.personas import load_catalog
from interviewer.interview.pipeline import interview_runner, microphone_answers
from interviewer.interview.runner import RunConfig
from interviewer.interview.voice import InterviewerVoice
from interviewer.llm.factory import make_backend
from interviewer.llm.settings import LLMSettings
from interviewer.session.models import Session
from interviewer.speech.stt import load_transcriber

args = json.loads(sys.argv[1])
catalog = load_catalog()
question = catalog.question(args["question"])
stt = load_transcriber(None)
runner = interview_runner(
    Path(args["out"]),
    Session(id="paced", rounds=[question.round]),
    backend=make_backend(LLMSettings(model="smollm2")),
    transcriber=stt,
    answers=microphone_answers(stt, streaming=True, realtime=True),
    voice=InterviewerVoice(None, play=False),
    config=RunConfig(max_depth=1),
)
runner.run_rounds([(catalog.persona_for_round(question.round), [question])])
print(json.dumps([t.model_dump(mode="json") for t in runner.writer.session.turns]))
"""


@pytest.mark.slow
@pytest.mark.llm
def test_the_probe_is_drafted_at_the_pause_from_the_final_words(tmp_path):
    """Real capture, paced: the reply is drafted while the end-of-turn silence runs, from the
    words the final transcript then confirms, and the runner adopts it; each answer is then
    transcribed again, whole. (The device replays the same answer for the second turn, which
    reaches the depth and moves on, and for the end-of-round questions.)"""
    from audio_helpers import run_python, silence, synth_samples, virtual_mic_env, write_raw_s16

    answer = synth_samples("I would use a two tower model for candidate generation.", tmp_path)
    raw = write_raw_s16(np.concatenate([silence(0.6), answer, silence(4.0)]), tmp_path / "mic.raw")
    proc = run_python(
        virtual_mic_env(raw, tmp_path),
        _PACED_INTERVIEW,
        json.dumps({"question": "sd-recsys-video", "out": str(tmp_path / "out")}),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    turns = json.loads(proc.stdout.strip().splitlines()[-1])
    [probe] = [t for t in turns if t["act"] == "probe"]
    assert probe["meta"].get("drafted_at_pause") is True, probe["meta"]
    # The question's two answers; the round's invitation to ask questions comes after them.
    answered = [t for t in turns if t["speaker"] == "candidate"][:2]
    assert len(answered) == 2
    for turn in answered:
        assert "two tower" in turn["text"].lower().replace("-", " ")
        # Heard in windows live; the session keeps the whole-answer transcript, with times
        # on the session's timeline.
        assert turn["meta"]["transcript"] == "whole answer, after the reply", turn["meta"]
        assert turn["words"] and turn["start"] <= turn["words"][0]["start"]
        assert turn["words"][-1]["end"] <= turn["end"] + 0.05
