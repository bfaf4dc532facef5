"""The interviewer policy's logic, on the shipped question bank, with a scripted backend."""

from __future__ import annotations

import json

import pytest
from interview_helpers import ScriptedBackend

from interviewer.catalog.personas import load_catalog
from interviewer.interview.policy.decide import (
    SILENT_TURNS_TO_HINT,
    InterviewerPolicy,
    QuestionState,
    fallback_probe,
    read_probe,
    second_person,
)
from interviewer.interview.policy.facts import NOT_SPECIFIED, REST_NOT_SPECIFIED, asked_parts
from interviewer.interview.policy.request_replies import SILENT_WAIT_S
from interviewer.speech_acts import admits_not_knowing, is_mainly_clarifying

CHOICE = (
    "I would use a two tower model for candidate generation, then a gradient boosted ranker "
    "trained on watch time."
)


@pytest.fixture
def catalog():
    return load_catalog()


@pytest.fixture
def question(catalog):
    return catalog.question("sd-recsys-video")


def make(question, replies, depth=3):
    backend = ScriptedBackend(replies)
    policy = InterviewerPolicy(backend, load_catalog().persona("ada"), max_depth=depth)
    state = QuestionState(question=question, started_at_s=0.0)
    state.history.append(("interviewer", question.prompt))
    return backend, policy, state


def probe(text):
    return json.dumps({"question": text})


def silent_again(policy, state, now_s: float = 5):
    """A silence after one already met with "take your time": the one a hint answers."""
    state.silent_turns = SILENT_TURNS_TO_HINT - 1
    return policy.decide(state, "", now_s)


def test_clarifying_question_reveals_the_matching_fact_verbatim(question):
    backend, policy, state = make(question, [])
    decision = policy.decide(state, "How many users do we have, and what's the latency budget?", 5)
    assert decision.act == "clarify" and decision.source == "rules"
    facts = {f.topic: f.fact for f in question.scenario_facts}
    assert facts["scale"] in decision.say and facts["latency"] in decision.say
    assert backend.requests == []  # no LLM involved: nothing can be invented
    assert state.depth == 0


def test_a_question_about_access_is_answered_with_access_only(catalog):
    """The browser page by voice: "Can it query the data, or does it only see documents in
    its prompt?" was also told the audit's failure rate ("data" was its keyword), a fact
    nobody asked for."""
    question = catalog.question("lr-hallucination")
    _, policy, state = make(question, [])
    asked = "Can it query the data, or does it only see documents in its prompt?"
    decision = policy.decide(state, asked, 5)
    facts = {f.topic: f.fact for f in question.scenario_facts}
    assert decision.act == "clarify" and facts["constraints"] in decision.say
    assert facts["failure rate"] not in decision.say


TWO_QUESTIONS = (
    "Before I design anything, can I ask how many users and videos we have, and whether we "
    "optimise for watch time or for something like satisfaction?"
)


def test_a_second_question_no_keyword_finds_is_answered_by_the_model_s_pick(question):
    """Said in a practice session: the scale was answered and the objective was not."""
    facts = {f.topic: f for f in question.scenario_facts}
    left = [f for f in question.scenario_facts if f.topic != "scale"]
    pick = left.index(facts["success metric"])
    backend, policy, state = make(question, [json.dumps({"fact_index": pick})])
    decision = policy.decide(state, TWO_QUESTIONS, 5)
    assert decision.act == "clarify" and decision.source == "llm"
    assert facts["scale"].fact in decision.say and facts["success metric"].fact in decision.say
    [request] = backend.requests  # the model saw the unanswered part, and facts not yet said
    asked = request[-1].content
    assert "whether we optimise for watch time" in asked and "how many users" not in asked
    assert facts["scale"].fact not in asked
    assert state.revealed_topics == ["scale", "success metric"]


def test_a_latency_budget_is_about_latency_and_a_question_left_is_answered(catalog):
    """The page by voice: "what's the latency budget for the decision, and how long does it
    take before we know a payment was fraud?" was told the latency and, by "budget", the
    review team; two facts for two parts, so the labels' delay was never given."""
    question = catalog.question("sd-fraud-payments")
    facts = {f.topic: f for f in question.scenario_facts}
    asked = (
        "Before I start, what's the latency budget for the decision, and how long does it "
        "take before we know a payment was fraud?"
    )
    assert [f.topic for f in question.find_facts("what's the latency budget")] == ["latency"]
    assert facts["constraints"] in question.find_facts("what's our budget for reviews")
    left = [f for f in question.scenario_facts if f.topic != "latency"]
    pick = left.index(facts["data and labels"])
    _, policy, state = make(question, [json.dumps({"fact_index": pick})])
    decision = policy.decide(state, asked, 5)
    assert decision.say == f"{facts['latency'].fact} {facts['data and labels'].fact}"


def test_the_real_rate_asked_beside_the_scores_is_told(catalog):
    """The page by voice: "how was the model trained, and what do the scores look like
    compared with the real subscription rate?" was told the training and the average score,
    never the 3% the candidate asked to compare it with."""
    question = catalog.question("md-calibration")
    asked = (
        "Before I answer, how was the model trained, and what do the scores look like "
        "compared with the real subscription rate?"
    )
    _, policy, state = make(question, [])
    said = policy.decide(state, asked, 5).say
    assert "0.41" in said and "3%" in said and "downsampled" in said


def test_the_model_s_pick_is_said_where_its_question_was_asked(catalog):
    """The page by voice: "Can you tell me where the time goes today, stage by stage, and how
    much traffic we have?" was told the traffic first (the keywords found it), then the
    latency the model picked for the first part. The reply follows the order asked."""
    question = catalog.question("lr-rag-latency-cost")
    facts = {f.topic: f for f in question.scenario_facts}
    left = [f for f in question.scenario_facts if f.topic != "scale and cost"]
    pick = left.index(facts["current latency"])
    _, policy, state = make(question, [json.dumps({"fact_index": pick})])
    asked = (
        "Can you tell me where the time goes today, stage by stage, and how much traffic we have?"
    )
    decision = policy.decide(state, asked, 5)
    assert decision.source == "llm"
    assert decision.say == f"{facts['current latency'].fact} {facts['scale and cost'].fact}"


def test_what_nothing_answers_is_said_to_be_unspecified(question):
    backend, policy, state = make(question, ['{"fact_index": -1}'])
    decision = policy.decide(state, TWO_QUESTIONS, 5)
    facts = {f.topic: f.fact for f in question.scenario_facts}
    assert decision.say == f"{facts['scale']} {REST_NOT_SPECIFIED}"


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (TWO_QUESTIONS, 2),
        ("How many users and videos are there?", 1),  # one question about two things
        ("Is it real time, or is it batch?", 1),  # alternatives of one question
        ("What's the latency budget, and what labels do we have?", 2),
        ("How many users, what latency?", 2),
        # a lead-in that asks nothing is part of the question after it
        (
            "Before I start, how many calls a day do we expect, and how is success measured?",
            2,
        ),
    ],
)
def test_a_sentence_is_cut_where_a_second_question_is_joined(text, parts):
    assert len(asked_parts([text])) == parts


def test_unanswerable_question_invites_an_assumption(question):
    backend, policy, state = make(question, ['{"fact_index": -1}'])
    decision = policy.decide(state, "Is the office dog friendly?", 5)
    assert decision.act == "clarify" and decision.say == NOT_SPECIFIED


def test_dont_know_three_times_gets_a_hint_then_an_offer_to_move_on_then_moves_on(question):
    backend, policy, state = make(question, [])
    said = [policy.decide(state, "I don't know.", 5) for _ in range(3)]
    assert [d.act for d in said] == ["hint", "nudge", "move_on"]
    assert said[0].say == question.hints[0]
    assert said[1].say == policy.persona.requests.offer_move_on
    assert backend.requests == []


def test_a_hint_whose_idea_they_already_said_is_skipped(catalog):
    """A voice run: the bank's first hint ("many good ways to phrase a correct answer: what
    does that do to word-overlap metrics?") answered "I'm not sure how I'd calibrate the
    judge" from a candidate who had said why BLEU is weak."""
    question = catalog.question("lr-evaluating-generation")
    _, policy, state = make(question, [])
    said = [
        "I would not rely on blue or ROUGE, because a correct answer can be phrased in many "
        "different ways.",
        "Honestly, I'm not sure how I would calibrate the judge.",
    ]
    for text in said:
        state.history.append(("candidate", text))
    decision = policy.decide(state, said[-1], 5)
    assert decision.act == "hint" and decision.say == question.hints[1]
    # A question about the idea is not the idea: the hint still helps.
    _, policy, state = make(question, [])
    asked = "Do many correct answers phrased in different ways count as one?"
    state.history.append(("candidate", asked))
    assert policy.decide(state, "I don't know.", 5).say == question.hints[0]


def test_a_hint_whose_idea_they_said_over_two_sentences_is_skipped(catalog):
    """The browser page by voice: after "Because being late for much more than being early,
    I would not train on square error. I would use a quantile loss ..." a silence got "Being
    late is worse than being early. What loss would express that?"."""
    question = catalog.question("sd-eta-prediction")
    _, policy, state = make(question, [])
    said = (
        "Because being late for much more than being early, I would not train on square "
        "error. I would use a quantile loss at the 90th percentile."
    )
    state.history.append(("candidate", said))
    decision = silent_again(policy, state)
    assert decision.act == "hint" and decision.say.endswith(question.hints[1])
    # Two sentences of different turns do not make one idea.
    _, policy, state = make(question, [])
    for part in said.split(". "):
        state.history.append(("candidate", part))
    assert silent_again(policy, state).say.endswith(question.hints[0])


def test_a_three_word_hint_said_in_two_of_its_words_is_skipped(catalog):
    """The browser page by voice: after "before we show the answer, I'd check that every
    number in it appears in the results", a silence got "How would you check every number
    in an answer before the user sees it?" (its own words: answer, check, sees)."""
    question = catalog.question("lr-hallucination")
    _, policy, state = make(question, [])
    state.hints_used = [0, 1]
    state.history.append(
        (
            "candidate",
            "And before we show the answer, I'd check that every number in it appears in the "
            "results.",
        )
    )
    assert silent_again(policy, state).act == "nudge"  # nothing left to hint


def test_a_hint_whose_worked_example_they_worked_is_skipped(catalog):
    """The page by voice, coin change: after "3d fails here, with coins 1, 3 and 4 and amount
    6. 3d takes 4, 1, 1, but 3 plus 3 is 2 coins." ("greedy" misheard), a silence got "Does
    taking the largest coin first always work? Try coins 1, 3 and 4 for 6."."""
    question = catalog.question("cd-coin-change")
    said = (
        "3d fails here, with coins 1, 3 and 4 and amount 6. 3d takes 4, 1, 1, but 3 plus 3 is "
        "2 coins."
    )
    _, policy, state = make(question, [])
    state.history.append(("candidate", said))
    assert silent_again(policy, state).say.endswith(question.hints[1])
    # Some of its numbers are not its example.
    _, policy, state = make(question, [])
    state.history.append(("candidate", "I would take coins 4 and 3 first."))
    assert silent_again(policy, state).say.endswith(question.hints[0])


def test_a_hint_said_with_its_number_written_the_other_way_is_skipped(catalog):
    """The page by voice: the live transcript wrote "precision at 2000, since that is what the
    reviewers can check", the hint "They can review 2,000 accounts. How could your metric use
    that number?" was still given."""
    question = catalog.question("md-metrics-imbalance")
    _, policy, state = make(question, [])
    state.hints_used = [0, 1]
    said = "I would look at precision at 2000, since that is what the reviewers can check."
    state.history.append(("candidate", said))
    assert silent_again(policy, state).act == "nudge"  # nothing left to hint


def test_trying_after_a_hint_with_an_admission_is_probed_not_offered_a_move_on(catalog):
    """On the browser page by voice: after a hint, "I'm not sure how I would calibrate the
    judge ... I would probably start with Cohen's kappa ..." got "Shall we move on to
    something else?". They tried: the follow-up asks about what they tried."""
    question = catalog.question("lr-evaluating-generation")
    _, policy, state = make(question, [probe("Why would you start with Cohen's kappa?")])
    assert silent_again(policy, state).act == "hint"
    tried = (
        "Honestly, I'm not sure how I would calibrate the judge beyond measuring agreement "
        "with the agents. I would probably start with Cohen's kappa and look at the cases "
        "where they disagree."
    )
    decision = policy.decide(state, tried, 30)
    assert decision.act == "probe" and "kappa" in decision.say
    # The try in the admission's own sentence, as the recogniser strings them together
    # (an LLM round on the page: "... like a percentage change, maybe it's called a
    # calculator tool, so ..." was offered a move on).
    _, policy, state = make(question, [probe("Why would a calculator tool help?")])
    silent_again(policy, state)
    strung = (
        "I'm not sure how to handle numbers the model computes itself, like a percentage "
        "change, maybe it calls a calculator tool, so the arithmetic is done in code."
    )
    assert policy.decide(state, strung, 30).act == "probe"
    # A bare "I don't know" after a hint still gets the offer to move on.
    _, policy, state = make(question, [])
    silent_again(policy, state)
    offer = policy.decide(state, "I'm not sure. No idea, sorry.", 30)
    assert offer.say == policy.persona.requests.offer_move_on


def test_an_admission_with_a_try_is_probed_with_no_hint_before_it(catalog):
    """The install's demo: "I'm not sure how far to trust an LLM judge for faithfulness. I'd
    check it against the human labels before relying on it." got the bank's hint about
    access control, a point the answer had made. They reached the edge and tried: probed."""
    question = catalog.question("sd-doc-qa-assistant")
    _, policy, state = make(question, [probe("How would you check the judge against the labels?")])
    tried = (
        "I'm not sure how far to trust an LLM judge for faithfulness. I'd check it against "
        "the human labels before relying on it."
    )
    decision = policy.decide(state, tried, 30)
    assert decision.act == "probe" and "labels" in decision.say
    # Saying more about what they have never done is not a try: a hint.
    for stuck in (
        "I'm not sure. I've never built a retrieval system like this before.",
        "I don't know. We didn't use an LLM judge at my last job at all.",
    ):
        _, policy, state = make(question, [])
        assert policy.decide(state, stuck, 30).act == "hint", stuck


def test_hints_come_in_order_but_never_three_in_a_row(question):
    backend, policy, state = make(question, [])
    said = []
    for _ in question.hints:
        said.append(policy.decide(state, "Honestly, I'm not sure.", 5))
        policy.decide(state, "Okay, thanks.", 5)  # takes the hint in: the run is broken
    assert [d.say for d in said] == question.hints
    # Asked for outright, a second hint may follow the first; a third in a row never does.
    _, policy, state = make(question, [])
    asked = [policy.decide(state, "Could you give me a hint?", 5) for _ in range(3)]
    assert [d.act for d in asked] == ["hint", "hint", "nudge"]
    assert asked[2].say == policy.persona.requests.offer_move_on
    assert all(d.request == "hint" for d in asked)
    assert backend.requests == []


@pytest.mark.parametrize(
    ("reply", "act"),
    [
        ("Yes, let's do that.", "move_on"),
        ("Sure.", "move_on"),
        ("No, that's all, thanks.", "move_on"),
        ("Still no idea, sorry.", "move_on"),
        ("No, let me try again.", "nudge"),
    ],
)
def test_the_reply_to_the_offer_to_move_on(question, reply, act):
    backend, policy, state = make(question, [])
    policy.decide(state, "I don't know.", 5)
    assert policy.decide(state, "I don't know.", 5).say == policy.persona.requests.offer_move_on
    decision = policy.decide(state, reply, 5)
    assert decision.act == act and backend.requests == []
    if act == "nudge":  # they go on: the next "I don't know" is a fresh start, with a hint
        assert policy.decide(state, "I don't know.", 5).act == "hint"


@pytest.mark.parametrize(
    "closing",
    [
        "No, that's all, thank you.",
        "I think that's my answer.",
        "That's it.",
        "Nothing more to add, thanks.",
        "okay i'm done",
    ],
)
def test_a_closing_phrase_closes_the_question_and_is_never_probed(question, closing):
    backend, policy, state = make(question, [])
    decision = policy.decide(state, closing, 5)
    assert decision.act == "move_on" and backend.requests == []


def test_an_acknowledgement_gets_a_nudge_not_a_probe(question):
    backend, policy, state = make(question, [])
    decision = policy.decide(state, "Okay, thanks.", 5)
    assert decision.act == "nudge" and backend.requests == []


def test_a_probe_never_quotes_the_closing_phrase_of_an_answer(question):
    backend, policy, state = make(question, ["not json at all"] * 3)
    decision = policy.decide(state, CHOICE + " That's my answer, thank you.", 5)
    assert decision.act == "probe" and decision.source == "fallback"
    assert "answer" not in decision.say.lower() and "thank" not in decision.say.lower()


def test_why_ladder_stops_at_its_depth(question):
    replies = [
        probe("Why a two tower model for candidate generation?"),
        probe("Why does precomputing item embeddings matter here?"),
        probe("Why approximate nearest neighbour search?"),
    ]
    backend, policy, state = make(question, replies, depth=3)
    answers = [
        CHOICE,
        "Because we can precompute item embeddings offline.",
        "Because approximate nearest neighbour search keeps retrieval fast.",
    ]
    for n, answer in enumerate(answers, start=1):
        decision = policy.decide(state, answer, 10 * n)
        assert decision.act == "probe" and decision.source == "llm", decision.reason
        state.history += [("candidate", answer), ("interviewer", decision.say)]
    assert state.depth == 3
    final = policy.decide(state, "It trades some recall for a lot of speed.", 40)
    assert final.act == "move_on" and "depth 3" in final.reason


def test_time_box_moves_on(question):
    backend, policy, state = make(question, [])
    decision = policy.decide(state, CHOICE, question.time_box_s + 1)
    assert decision.act == "move_on" and "time box" in decision.reason


def test_waiting_for_the_machine_is_not_the_candidates_time(question):
    """A minute spent waiting for slow replies does not count against the time box, nor in
    the time left the interviewer reports."""
    backend, policy, state = make(question, [probe("Why a two tower model over one ranker?")])
    state.waited_s = 60.0
    decision = policy.decide(state, CHOICE, question.time_box_s + 1)
    assert decision.act == "probe", decision.reason
    left = policy.decide(state, "How much time do I have left?", question.time_box_s - 90)
    assert left.act == "time_left" and "150 s left" in left.reason


def test_invalid_probe_is_retried_once_with_the_reason(question):
    replies = [
        probe("Why a blockchain?"),  # target not in the answer
        probe("Why a gradient boosted ranker rather than a deep model?"),
    ]
    backend, policy, state = make(question, replies)
    decision = policy.decide(state, CHOICE, 5)
    assert decision.source == "llm" and "gradient boosted ranker" in decision.say
    assert decision.target == "gradient boosted ranker"
    assert "name a choice or claim from their last answer" in backend.requests[1][-1].content


@pytest.mark.parametrize("garbage", ["", "not json at all", '{"question": 3}', "[1, 2]"])
def test_garbage_output_falls_back_to_a_follow_up_naming_the_choice(question, garbage):
    backend, policy, state = make(question, [garbage, garbage])
    decision = policy.decide(state, CHOICE, 5)
    assert decision.act == "probe" and decision.source == "fallback"
    assert "two tower model" in decision.say and decision.say.endswith("?")


def test_silence_is_answered_then_moves_on(question):
    """The page by voice: 15 s of silence after the facts they asked for got "I didn't hear
    an answer. Take your time." and the bank's first hint. Thinking that long is normal: the
    first silence gets only "take your time", the next a hint, the one after moves on."""
    backend, policy, state = make(question, [])
    first = policy.decide(state, "", 5)
    # "Take your time" is meant: the next turn waits longer for speech before it is silent.
    assert first.act == "nudge" and first.wait_s == SILENT_WAIT_S > 15
    assert first.say == "I didn't hear an answer. Take your time."
    second = policy.decide(state, "", 6)
    assert second.act == "hint" and second.say.endswith(question.hints[0])
    assert second.wait_s == SILENT_WAIT_S
    assert policy.decide(state, "  ", 7).act == "move_on"


def test_repeated_probe_is_rejected(question):
    same = probe("Why a two tower model for candidate generation?")
    backend, policy, state = make(question, [same, same])
    state.history += [
        ("candidate", CHOICE),
        ("interviewer", "Why a two tower model for candidate generation?"),
    ]
    decision = policy.decide(state, "Because the two tower model is fast.", 5)
    assert decision.source == "fallback"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How many users do we have?", True),
        ("what's the latency budget and how are labels collected", True),
        (CHOICE, False),
        (
            "I'd use XGBoost. Does that make sense? Because the features are tabular and it "
            "handles missing values well, and it's quick to train on a CPU cluster.",
            False,
        ),
        # As the live transcript gave an answer on the browser page: one sentence, one
        # question mark, for an answer that ends on the rubric's questions. It was answered
        # with the scenario's facts.
        (
            "I would start offline with a golden set of about 500 real support tickets, "
            "covering the common questions, the hard ones, and the policy sensitive ones like "
            "refunds, each generated answer is scored against a rubric, is it correct, is it "
            "faithful to the retrieved documents, and is it helpful? Just score at scale with "
            "an LLM as a judge.",
            False,
        ),
        ("Okay, so the input is a list of labels, and what should happen if it's empty?", True),
        # A coding round on the page: the recogniser dropped the question mark, and the
        # question got a follow-up instead of an answer.
        (
            "Before I write anything, is the input sorted and do touching intervals like 1 to "
            "3 and 3 to 5 count as overlapping.",
            True,
        ),
        # The same question, spoken on the page twice, as the recogniser gave it ("is the"
        # heard as "it's the", then as "this"): probed both times instead of answered.
        (
            "Before I write anything, it's the input sorted and do touching intervals like 1 "
            "to 3 and 3 to 5 count and overlapping.",
            True,
        ),
        (
            "Before I write anything, this input sorted, and do touching intervals like 1 to 3 "
            "and 3 to 5 count and overlapping.",
            True,
        ),
        ("Before I start, the context is that the team was small and we had no data.", False),
        ("Before I code, let me think about the edge cases and do a quick example.", False),
    ],
)
def test_clarifying_detection(text, expected):
    assert is_mainly_clarifying(text) is expected


def test_admitting_vs_hedging():
    assert admits_not_knowing("I don't know.")
    assert admits_not_knowing("Could you give me a hint?")
    long_hedge = (
        "I am not sure about the exact latency numbers. " + CHOICE + " The ranker scores a few "
        "hundred candidates, so it can afford richer cross features and still fit the budget."
    )
    assert not admits_not_knowing(long_hedge)


def test_fallback_probe_names_the_choice_without_dangling_words():
    target, text = fallback_probe("So we could try gradient boosting and the, um")
    assert target == ["gradient boosting", " the, um"][0]
    assert text.startswith("You said you'd try gradient boosting.")


def test_repeated_clarifying_question_is_answered_as_a_repeat_and_bounded(question):
    backend, policy, state = make(question, [])
    first = policy.decide(state, "How many users do we have?", 1)
    again = policy.decide(state, "How many users do we have?", 2)
    assert not first.say.startswith("As I mentioned") and again.say.startswith("As I mentioned")
    acts = [policy.decide(state, "How many users do we have?", 3).act for _ in range(20)]
    assert acts[-1] == "move_on" and acts.count("clarify") < 12


def test_probes_speak_to_the_candidate(question):
    backend, policy, state = make(
        question, [probe("Why did the candidate choose a two tower model?")]
    )
    decision = policy.decide(state, CHOICE, 5)
    assert decision.say == "Why did you choose a two tower model?"


@pytest.mark.parametrize(
    ("drafted", "said"),
    [
        (
            "Why did the candidate choose a two tower model?",
            "Why did you choose a two tower model?",
        ),
        (
            "Why does the candidate use an exploration budget?",
            "Why do you use an exploration budget?",
        ),
        ("Why is the candidate sure it scales?", "Why are you sure it scales?"),
        ("Why does the candidate's ranker need it?", "Why does your ranker need it?"),
    ],
)
def test_probes_written_in_the_third_person_are_spoken_to_the_candidate(drafted, said):
    assert second_person(drafted) == said


@pytest.mark.parametrize(
    ("reply", "question"),
    [
        ("Why a two tower model", "Why a two tower model?"),  # cut before "?" by the stop
        ('{"question": "Why a two tower model?"}', "Why a two tower model?"),
        ("Sure! Why a two tower model", "Why a two tower model?"),
        ("A two tower model is good", None),
        ("", None),
    ],
)
def test_read_probe_finds_the_why_question(reply, question):
    draft = read_probe(reply)
    assert (draft.question if draft else None) == question


def test_an_answer_to_another_question_is_steered_back_not_probed(catalog):
    fraud = catalog.question("sd-fraud-payments")
    backend, policy, state = make(fraud, [])
    recommender = (
        "I would build it as a recommender with two stages: candidate generation with two-tower "
        "user and item embeddings and a nearest neighbour index, then a ranking model trained "
        "on watch completion, with cold start handled by popular videos."
    )
    decision = policy.decide(state, recommender, 30)
    assert decision.act == "hint" and backend.requests == []
    # It says what it asked, in the question's words, and never names the other question.
    assert "I was asking you to design a system that detects fraudulent card payments" in (
        decision.say
    )
    assert "recommend" not in decision.say.lower()
    # Once per question: a second off-topic answer is probed like any other.
    assert policy._steer_back(state, recommender) is None


def test_an_answer_to_the_question_is_not_steered_back(catalog):
    fraud = catalog.question("sd-fraud-payments")
    _, policy, state = make(fraud, [])
    on_topic = (
        "I would score each card payment with gradient boosted trees on velocity features and "
        "decline it when the expected fraud cost is above the review threshold."
    )
    assert policy._steer_back(state, on_topic) is None


def test_a_retry_that_asks_an_answered_why_again_is_asked_about_the_reason(catalog):
    """A practice session by voice: the retry asked "Why did you choose to replace our
    gradient boosted ranking model ...?" of an answer that had said why ("... because he
    thought it would capture more of the user history"), and the fallback was said. Once
    more, about the reason given, it asks the next 'why' down."""
    answer = (
        "Last year my tech lead wanted to replace our gradient boosted ranking model with a "
        "deep learning model because he thought it would capture more of the user history."
    )
    deeper = "Why did he think a deep learning model would capture more of the user history?"
    replies = [
        "Why did you choose to roll back before finding the cause?",
        "Why did you choose to replace our gradient boosted ranking model with a deep model?",
        deeper,
    ]
    backend, policy, state = make(catalog.question("bh-disagreement"), replies)
    decision = policy.decide(state, answer, 5)
    assert decision.source == "llm" and decision.say == deeper
    assert "capture more of the user history" in backend.requests[-1][-1].content


def test_silence_after_every_hint_gets_no_made_up_hint(question):
    """On the browser page by voice, a silence after the bank's hints were used got "Would it
    help to start from what you would measure first?", in an answer all about measuring."""
    backend, policy, state = make(question, [])
    state.hints_used = list(range(len(question.hints)))
    decision = silent_again(policy, state)
    assert decision.act == "nudge" and decision.say == "I didn't hear an answer. Take your time."
    assert decision.wait_s == SILENT_WAIT_S


def test_a_draft_that_asks_the_round_s_example_is_not_asked(catalog):
    """On a real (MIT) answer about a student board's "loss of communication", the model
    asked the prompt's own example, "How did you decide to roll back before finding the
    cause?" (it named "back" of the answer). The retry about their words is asked; the same
    example's words are fine when the candidate said them."""
    answer = (
        "This year the executive board had a lot of loss of communication, so I decided to "
        "set up a weekly check-in to get back on the same page."
    )
    echo = "How did you decide to roll back before finding the cause?"
    theirs = "Why did you choose a weekly check-in for the board?"
    backend, policy, state = make(catalog.question("bh-disagreement"), [echo, theirs])
    decision = policy.decide(state, answer, 5)
    assert decision.source == "llm" and decision.say == theirs
    said_it = "When the alert fired I chose to roll back before finding the cause."
    backend, policy, state = make(catalog.question("bh-disagreement"), [echo])
    decision = policy.decide(state, said_it, 5)
    assert decision.source == "llm" and decision.say == echo
