"""The interviewer policy on the real embedded model (Qwen2.5-Coder-1.5B, bundled), and on a
real OpenAI-compatible server on loopback, through scripted candidate turns."""

from __future__ import annotations

import pytest
from llm_helpers import (
    SERVER_REPLY_TIMEOUT_S,
    embedded_backend,
    qwen_model_path,
    shared_llama_server,
)

from interviewer.catalog.personas import load_catalog
from interviewer.interview.policy.decide import InterviewerPolicy, QuestionState, content_words
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.speech_acts import words

pytestmark = [pytest.mark.slow, pytest.mark.llm]

LADDER = [
    "I would use a two tower model for candidate generation, then a gradient boosted ranker "
    "trained on watch time.",
    "Because the two tower model lets us precompute the video embeddings and search them with "
    "approximate nearest neighbours.",
    "Approximate search trades a little recall for a large speed-up, "
    "which the 200 ms budget needs.",
]


@pytest.fixture(scope="module")
def qwen():
    return embedded_backend("qwen")


def new_state(question_id: str = "sd-recsys-video") -> QuestionState:
    question = load_catalog().question(question_id)
    state = QuestionState(question=question, started_at_s=0.0)
    state.history.append(("interviewer", question.prompt))
    return state


def policy_for(backend, depth: int = 3) -> InterviewerPolicy:
    return InterviewerPolicy(backend, load_catalog().persona("rohan"), max_depth=depth)


def test_named_choice_gets_a_why_that_names_it(qwen):
    state = new_state()
    state.history.append(("candidate", LADDER[0]))
    decision = policy_for(qwen).decide(state, LADDER[0], 30)
    assert decision.act == "probe" and decision.say.endswith("?")
    assert len(decision.say.split()) <= 30
    # It refers to what the candidate said: shares their content words.
    assert set(content_words(decision.say)) & set(content_words(LADDER[0])), decision.say
    assert decision.source == "llm", decision.reason


def test_ladder_of_whys_stops_at_its_depth_with_the_real_model(qwen):
    state, policy = new_state(), policy_for(qwen, depth=2)
    acts = []
    for n, answer in enumerate(LADDER):
        state.history.append(("candidate", answer))
        decision = policy.decide(state, answer, 30 * (n + 1))
        acts.append(decision.act)
        state.history.append(("interviewer", decision.say))
    assert acts == ["probe", "probe", "move_on"]
    probes = [text for speaker, text in state.history if speaker == "interviewer"][1:3]
    assert probes[0] != probes[1]


def test_clarifying_question_gets_the_fact_and_nothing_invented(qwen):
    state = new_state()
    decision = policy_for(qwen).decide(state, "What's the latency budget for the ranking?", 20)
    latency = next(f.fact for f in state.question.scenario_facts if f.topic == "latency")
    assert decision.act == "clarify" and decision.say.startswith(latency)
    # Every sentence of the reply is one of the bank's facts.
    allowed = " ".join(f.fact for f in state.question.scenario_facts)
    assert all(part in allowed for part in decision.say.split(". "))
    # A question the facts don't cover: the LLM may only pick a fact or none, never write one.
    unknown = policy_for(qwen).decide(state, "Which office will I be working from?", 25)
    assert unknown.act == "clarify"
    assert unknown.say in {f.fact for f in state.question.scenario_facts} or (
        "isn't specified" in unknown.say
    )


def test_dont_know_gets_a_hint_and_time_box_moves_on(qwen):
    state = new_state()
    policy = policy_for(qwen)
    hint = policy.decide(state, "Honestly, I don't know how to start.", 20)
    assert hint.act == "hint" and hint.say in state.question.hints
    late = policy.decide(state, LADDER[0], state.question.time_box_s + 5)
    assert late.act == "move_on" and "time box" in late.reason


def test_probe_through_a_real_openai_compatible_server():
    """The openai backend against llama-cpp-python's own server on loopback, Qwen loaded."""
    qwen_model_path()
    server = shared_llama_server("qwen")
    backend = OpenAIBackend(
        model="qwen",
        base_url=server.base_url,
        api_key=None,
        max_retries=1,
        timeout_s=SERVER_REPLY_TIMEOUT_S,
    )
    state = new_state()
    state.history.append(("candidate", LADDER[0]))
    decision = policy_for(backend).decide(state, LADDER[0], 30)
    assert decision.act == "probe" and decision.say.endswith("?")
    assert set(words(decision.say)) & set(content_words(LADDER[0]))
