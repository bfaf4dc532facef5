"""The one decider's gates, in their stated order (issues 22 and 24): a clarifying question
is answered before any other prompt in every round, the coding coach waits for it, a closing
phrase closes the question, "I don't know" is met with a hint, an offer to move on, then
moving on, and a question about the interviewer's team is never answered with a scenario
fact. Logic on a scripted backend (which fails the test if the LLM is asked at all where a
gate should decide); the CLI runs them for real in test_decider_e2e.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from coding_helpers import TASK, run_session, write
from interview_helpers import ScriptedBackend
from persona_helpers import rewrite_yaml

from interviewer import speech_acts
from interviewer.catalog.personas import Catalog, load_catalog, praise_in
from interviewer.catalog.rounds import ROUND_TYPES
from interviewer.coding.coach import ASK_TESTING, CoachReply
from interviewer.errors import ConfigError
from interviewer.interview.policy.closing import about_the_team
from interviewer.interview.policy.decide import InterviewerPolicy, QuestionState
from interviewer.interview.policy.facts import NOT_SPECIFIED
from interviewer.session import load_session

LABELS_QUESTION = (
    "Can I assume the labels are only zero and one, and what should happen when nothing is "
    "predicted positive?"
)
TEAM_QUESTION = "How does your team measure whether a model is doing well in production?"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


class EagerCoach:
    """A coding coach with a line for every turn: whatever reaches it, it speaks."""

    def __init__(self) -> None:
        self.heard: list[str] = []

    def respond(self, question_id: str, text: str, said: str = "") -> CoachReply | None:
        self.heard.append(text)
        return CoachReply("probe", ASK_TESTING, "ask_testing")


def policy_for(catalog, question_id, persona="ada", coach=None, replies=()):
    backend = ScriptedBackend(list(replies))
    policy = InterviewerPolicy(backend, catalog.persona(persona), coach=coach)
    question = catalog.question(question_id)
    state = QuestionState(question=question, started_at_s=0.0)
    state.history.append(("interviewer", question.prompt))
    return backend, policy, state


# --- the gate order ------------------------------------------------------------------------


def test_the_gate_order_is_stated_once_requests_clarification_coach_probe(catalog):
    _, policy, _ = policy_for(catalog, "cd-precision-recall")
    names = [gate.__name__ for gate in policy.gates()]
    order = ["_requests", "_clarification", "_coding_coach", "_probe_gate"]
    assert [n for n in names if n in order] == order
    assert names[-1] == "_probe_gate"


def test_the_coding_round_answers_the_clarifying_question_before_the_coach(catalog):
    coach = EagerCoach()
    backend, policy, state = policy_for(catalog, "cd-precision-recall", coach=coach)
    decision = policy.decide(state, LABELS_QUESTION, 5)
    assert decision.act == "clarify" and decision.source == "rules"
    assert "0 or 1" in decision.say and "0.0" in decision.say
    assert coach.heard == [] and backend.requests == []
    # The candidate's questions answered, the coach has its turn.
    then = policy.decide(state, "I'd count true and false positives in one pass.", 10)
    assert then.say == ASK_TESTING and then.code_move == "ask_testing"
    assert coach.heard == ["I'd count true and false positives in one pass."]


def test_a_garbled_spoken_question_before_coding_gets_the_facts(catalog):
    """The merge-intervals question asked by voice on the page, as the recogniser gave it:
    both facts asked for are said, not a follow-up about sorting."""
    coach = EagerCoach()
    _, policy, state = policy_for(catalog, "cd-merge-intervals", coach=coach)
    said = (
        "Before I write anything, it's the input sorted and do touching intervals like 1 to 3 "
        "and 3 to 5 count and overlapping."
    )
    decision = policy.decide(state, said, 5)
    assert decision.act == "clarify", decision
    assert "not sorted" in decision.say and "half-open" in decision.say
    assert coach.heard == []


@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("Sorry, can you repeat the question?", "repeat"),
        ("I don't know.", "hint"),
        ("No, that's all, thank you.", "move_on"),
        ("Okay, thanks.", "nudge"),
        (TEAM_QUESTION, "nudge"),
    ],
)
def test_turns_a_gate_before_the_coach_decides_never_reach_it(catalog, text, act):
    coach = EagerCoach()
    backend, policy, state = policy_for(catalog, "cd-precision-recall", coach=coach)
    assert policy.decide(state, text, 5).act == act
    assert coach.heard == [] and backend.requests == []


def test_can_i_run_the_tests_asks_the_coach_not_the_scenario(catalog):
    coach = EagerCoach()
    _, policy, state = policy_for(catalog, "cd-precision-recall", coach=coach)
    assert not speech_acts.is_clarifying_question("Can I run the tests?")
    assert policy.decide(state, "Can I run the tests?", 5).code_move == "ask_testing"


def _asked_about(question) -> str:
    """A clarifying question about the question's first scenario fact, in its own keyword."""
    return f"Could you tell me about the {question.scenario_facts[0].keywords[0]}?"


@pytest.mark.parametrize("round_type", ROUND_TYPES)
def test_in_every_round_a_clarifying_question_is_answered_before_any_other_prompt(
    catalog, round_type
):
    for question in catalog.bank(round_type).questions:
        coach = EagerCoach()
        backend, policy, state = policy_for(
            catalog, question.id, coach=coach, replies=['{"fact_index": -1}']
        )
        decision = policy.decide(state, _asked_about(question), 5)
        assert decision.act == "clarify", (question.id, decision)
        assert decision.say.startswith(question.scenario_facts[0].fact.strip()[:40])
        assert coach.heard == [] and backend.requests == []
        # Nothing in the facts: "I can't say; state your assumption", still before the coach.
        unknown = policy.decide(state, "Is the office dog friendly?", 6)
        assert unknown.act == "clarify" and unknown.say == NOT_SPECIFIED and coach.heard == []


def test_a_coding_session_answers_the_question_then_asks_about_testing(tmp_path):
    """The real runner, sandbox and coach; only the LLM is scripted (and never asked)."""
    mine = tmp_path / "mine.py"
    mine.write_text(TASK.wrong.read_text())
    steps = [
        (None, LABELS_QUESTION),
        (None, "I count true positives, predicted positives and actual positives in one loop."),
        (None, "/run"),
        (None, "I think that's my answer."),
        (None, "No, that's all, thank you."),
    ]
    folder = run_session(tmp_path, steps, replies=[], code_file=mine)
    turns = load_session(folder).turns
    replies = [(t.text, turns[t.index + 1]) for t in turns if t.speaker == "candidate"]
    acts = [reply.act for _, reply in replies]
    assert acts == ["clarify", "probe", "test_result", "invite_questions", "answer_question"]
    assert "0 or 1" in replies[0][1].text and "0.0" in replies[0][1].text
    assert replies[1][1].text == ASK_TESTING and replies[1][1].meta["code_move"] == "ask_testing"
    assert replies[1][1].depth is None
    ran = replies[2][1]
    assert ran.meta["code_move"] == "run" and ran.meta["passed"] < 9
    assert "Walk me through" in ran.text
    assert turns[-1].act == "wrap_up" and praise_in(turns[-1].text) is None


def test_a_coding_run_is_recorded_with_its_turn(tmp_path):
    solution = tmp_path / "coding-flow" / "code" / "solution.py"
    folder = run_session(tmp_path, [(write(solution, TASK.reference), "/run")], replies=[])
    session = load_session(folder)
    (run,) = session.code_runs
    assert session.turns[run.turn].act == "test_result" and run.passed == run.total


# --- "I don't know", closing phrases -------------------------------------------------------


def test_never_three_hints_in_a_row_however_the_candidate_is_stuck(catalog):
    _, policy, state = policy_for(catalog, "sd-fraud-payments")
    turns = [
        "",
        "I don't know.",
        "Could you give me a hint?",
        "I'm stuck.",
        "No idea.",
    ]
    acts = [policy.decide(state, text, 5).act for text in turns]
    in_a_row = 0
    for act in acts:
        in_a_row = in_a_row + 1 if act == "hint" else 0
        assert in_a_row < 3, acts
    # A first silence is met with "take your time" alone (no hint yet).
    assert acts == ["nudge", "hint", "hint", "nudge", "move_on"]


@pytest.mark.parametrize(
    ("text", "closes", "acknowledges", "kept"),
    [
        ("No, that's all, thank you.", True, False, None),
        ("I think that's my answer.", True, False, None),
        ("thats it", True, False, None),
        ("Okay, thanks.", False, True, None),
        ("Got it, that makes sense.", False, True, None),
        ("No.", False, False, None),
        ("No more than 50 ms.", False, False, "No more than 50 ms."),
        ("That's it for features; the model is boosted trees.", False, False, None),
        (
            "I'd use boosted trees. That's my answer, thanks.",
            False,
            False,
            "I'd use boosted trees.",
        ),
        ("I don't know, that's all.", False, False, None),
    ],
)
def test_closing_and_acknowledging_turns(text, closes, acknowledges, kept):
    assert speech_acts.closes_turn(text) is closes
    assert speech_acts.acknowledges(text) is acknowledges
    assert speech_acts.without_closing(text) == (kept or text)


def test_offers_are_taken_or_declined_by_the_whole_turn():
    assert speech_acts.takes_offer("Yes, let's do that.") and speech_acts.takes_offer("sure")
    assert not speech_acts.takes_offer("Yes, I'd use a threshold.")
    assert speech_acts.declines_offer("No, let me try again.")
    assert not speech_acts.declines_offer("No, I'd use a threshold instead.")


# --- a question about the interviewer's team -------------------------------------------------


@pytest.mark.parametrize("persona", ["ada", "fiona", "rohan", "sloane"])
def test_a_team_question_mid_question_is_kept_for_the_end_never_a_scenario_fact(catalog, persona):
    backend, policy, state = policy_for(catalog, "sd-fraud-payments", persona=persona)
    decision = policy.decide(state, TEAM_QUESTION, 5)
    assert decision.say == catalog.persona(persona).requests.questions_at_end
    facts = [f.fact.strip() for f in state.question.scenario_facts]
    assert not any(f in decision.say for f in facts) and backend.requests == []
    assert decision.request == "team_question" and state.revealed_topics == []


@pytest.mark.parametrize(
    ("text", "team"),
    [
        (TEAM_QUESTION, True),
        ("What stack do you guys use?", True),
        ("How big is your team?", True),
        ("Does your team review transactions manually?", False),  # the scenario's analysts
        ("How do we measure success for this system?", False),
        ("Our team measured it weekly.", False),  # an answer, not a question
    ],
)
def test_what_is_a_question_about_the_team(catalog, text, team):
    persona, question = catalog.persona("ada"), catalog.question("sd-fraud-payments")
    assert about_the_team(persona, question, text) is team


def test_a_scenario_question_in_your_words_still_gets_the_scenario_facts(catalog):
    _, policy, state = policy_for(catalog, "sd-fraud-payments")
    decision = policy.decide(state, "Does your team review transactions manually?", 5)
    assert decision.act == "clarify" and "analysts" in decision.say
    assert decision.say != NOT_SPECIFIED


# --- lines said however the interview went ------------------------------------------------------


def test_shipped_lines_said_however_it_went_do_not_praise(catalog):
    for persona in catalog.personas.values():
        said = (persona.closing, persona.break_line, persona.move_on_line)
        for line in (*said, persona.candidate_questions.thanks):
            assert praise_in(line) is None, (persona.id, line)


def test_a_persona_whose_closing_praises_is_a_clear_error(personas_copy: Path):
    rewrite_yaml(
        personas_copy / "ada.yaml",
        lambda d: d.update(closing="Thanks, that was a really good conversation."),
    )
    with pytest.raises(ConfigError, match=r"ada\.yaml: closing: .*really good.*neutral"):
        Catalog.load(personas_copy)
