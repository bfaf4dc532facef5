"""Requests made of the interviewer (repeat, rephrase, time to think, ...), self-corrections,
and the candidate's questions at the end of a round: the logic, on a scripted backend. The
real embedded model runs them in test_requests_e2e.py."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from interview_helpers import ScriptedBackend

from interviewer.catalog.personas import Catalog, load_catalog
from interviewer.errors import ConfigError
from interviewer.grading import grade_session
from interviewer.grading.sentences import candidate_sentences
from interviewer.interview.answers.sources import TextAnswers
from interviewer.interview.policy.closing import declines, reply_to_candidate
from interviewer.interview.policy.corrections import correct
from interviewer.interview.policy.decide import InterviewerPolicy, QuestionState
from interviewer.interview.policy.facts import NOT_SPECIFIED
from interviewer.interview.runner import InterviewRunner, RunConfig
from interviewer.interview.voice import InterviewerVoice
from interviewer.session.models import Session, Turn
from interviewer.session.store import SessionWriter
from interviewer.speech_requests import normalise, read_request
from interviewer.turns.endpointing import EndpointConfig
from interviewer.turns.thinking import thinking_policy

FRAUD = "sd-fraud-payments"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def question(catalog):
    return catalog.question(FRAUD)


@pytest.fixture
def persona(catalog):
    return catalog.persona("ada")


def state_for(question, *lines: tuple[str, str]) -> QuestionState:
    state = QuestionState(question=question, started_at_s=0.0)
    state.history.append(("interviewer", question.prompt))
    state.history.extend(lines)
    return state


# --- reading a request ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Sorry, can you repeat the question?", "repeat"),
        ("um sorry could you uh say that a gain", "repeat"),
        ("Can I take a moment to think?", "think_time"),
        ("give me a sec", "think_time"),
        ("Sorry, what do you mean by that?", "rephrase"),
        ("what do you mean", "rephrase"),
        ("can we skip this one", "skip"),
        ("could I get a hint", "hint"),
        ("how much time have I got left", "time_left"),
        ("am i on the write truck", "right_track"),
        ("Sorry, I meant gradient boosting, not a random forest.", "self_correction"),
    ],
)
def test_requests_are_read_in_any_reasonable_phrasing(text, kind):
    assert read_request(text).kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "What do you mean by active users?",
        "How much time does the model have to score a transaction?",
        "Do we have time stamps on every event?",
        "Can you repeat the fraud rate you mentioned?",
        "It is fast enough for the 150 millisecond budget.",
        "Let me think, I'd start with a gradient boosted model on the transaction features.",
        "I'd rephrase the problem as a ranking problem.",
        "One second of latency would be too slow for checkout.",
        "I mean, it depends on the scale, but I'd start simple.",
    ],
)
def test_scenario_questions_and_answers_are_not_requests(text):
    assert read_request(text).kind is None


def test_normalise_mends_what_a_recogniser_gets_wrong():
    assert normalise("Um, can can you re peat the questions?") == "can you repeat question"


# --- self-corrections ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("turn", "previous", "meant", "taken_back"),
    [
        (
            "I'd use logistic regression, sorry, I meant gradient boosting.",
            None,
            "I'd use gradient boosting",
            "logistic regression",
        ),
        (
            "Sorry, I meant gradient boosted trees, not a random forest.",
            "I would train a random forest on the transaction features.",
            "I would train gradient boosted trees on the transaction features.",
            "a random forest",
        ),
        (
            "Sorry, I meant the 50 millisecond budget.",
            "It is fast enough for the 150 millisecond budget.",
            "It is fast enough for the 50 millisecond budget.",
            "150 millisecond budget",
        ),
        ("I said weekly, I meant daily.", "We retrain weekly.", "We retrain daily.", "weekly"),
        (
            "Sorry, I meant precision.",
            "The key metric is recall at the operating point.",
            "The key metric is precision at the operating point.",
            "recall",
        ),
    ],
)
def test_the_corrected_words_replace_the_ones_taken_back(turn, previous, meant, taken_back):
    fixed = correct(turn, previous)
    assert fixed is not None and fixed.corrected_text == meant
    [(start, end)] = fixed.retracted
    assert (previous if fixed.target == "previous" else turn)[start:end] == taken_back


# --- the interviewer's replies -------------------------------------------------------------


def fact_texts(question) -> list[str]:
    return [f.fact for f in question.scenario_facts]


def test_a_request_is_never_answered_with_a_scenario_fact(question, persona):
    policy = InterviewerPolicy(ScriptedBackend([]), persona)
    for text in [
        "Sorry, can you repeat the question?",
        "Can I take a moment to think?",
        "Sorry, what do you mean by that?",
        "How much time do I have left?",
        "Am I on the right track?",
    ]:
        decision = policy.decide(state_for(question, ("candidate", text)), text, 60.0)
        assert decision.act != "clarify" and decision.request is not None, text
        assert not any(fact in decision.say for fact in fact_texts(question)), decision.say


def test_repeat_repeats_the_question_and_time_to_think_waits(question, persona):
    policy = InterviewerPolicy(ScriptedBackend([]), persona)
    state = state_for(question)
    repeat = policy.decide(state, "Sorry, can you repeat the question?", 5.0)
    assert repeat.act == "repeat" and question.prompt.strip() in repeat.say
    wait = policy.decide(state, "Can I take a moment to think?", 10.0)
    assert wait.act == "think_time" and wait.say == persona.requests.think_time
    assert wait.wait_s == 60.0
    # A silence after asking for time is not a strike: a gentle prompt, no hint, no moving on.
    back = policy.decide(state, "", 70.0)
    assert back.act == "nudge" and state.silent_turns == 0


def test_what_do_you_mean_after_a_why_rephrases_that_why(question, persona):
    backend = ScriptedBackend(["Why did you choose gradient boosted trees for the scoring?"])
    policy = InterviewerPolicy(backend, persona)
    state = state_for(question)
    answer = "I'd use gradient boosted trees on velocity features for the scoring."
    probe = policy.decide(state, answer, 30.0)
    assert probe.act == "probe"
    again = policy.decide(state, "Sorry, what do you mean by that?", 40.0)
    assert again.act == "rephrase" and "gradient boosted trees" in again.say
    assert again.say != probe.say and state.depth == 1


def test_rephrasing_the_question_itself_asks_it_in_other_words(question, persona):
    decision = InterviewerPolicy(ScriptedBackend([]), persona).decide(
        state_for(question), "I'm not sure I understand the question.", 5.0
    )
    assert decision.act == "rephrase"
    assert "how would you design a system" in decision.say.lower()


def test_a_claim_is_probed_as_a_claim_not_as_a_choice(question, persona):
    invented = "Why did you choose a fast model for the 150 millisecond budget?"
    policy = InterviewerPolicy(ScriptedBackend([invented, invented]), persona)
    decision = policy.decide(
        state_for(question), "It is fast enough for the 150 millisecond budget.", 30.0
    )
    assert decision.say == "What makes it fast enough for the 150 millisecond budget?"


def test_an_uncovered_scenario_question_still_gets_state_an_assumption(question, persona):
    decision = InterviewerPolicy(ScriptedBackend(['{"fact_index": -1}']), persona).decide(
        state_for(question), "What do you mean by a loyalty tier?", 5.0
    )
    assert decision.act == "clarify" and decision.say == NOT_SPECIFIED


def test_time_left_comes_from_the_time_box_and_the_clock(question, persona):
    policy = InterviewerPolicy(ScriptedBackend([]), persona)
    state = state_for(question)
    left = policy.decide(state, "How much time do I have left?", question.time_box_s - 300.0)
    assert left.act == "time_left" and "5 minutes" in left.say
    late = policy.decide(state, "how long have I got", question.time_box_s - 10.0)
    assert late.say == persona.requests.no_time_left


def test_right_track_gets_a_neutral_nudge_that_gives_nothing_away(question, persona):
    decision = InterviewerPolicy(ScriptedBackend([]), persona).decide(
        state_for(question), "Am I on the right track?", 30.0
    )
    assert decision.act == "nudge" and decision.say == persona.requests.right_track
    said = decision.say.lower()
    assert not any(point.lower() in said for point in question.strong_points)


def test_hint_and_skip_requests(question, persona):
    policy = InterviewerPolicy(ScriptedBackend([]), persona)
    state = state_for(question)
    for n, expected in enumerate(question.hints):
        decision = policy.decide(state, "Could you give me a hint?", 10.0)
        assert decision.act == "hint" and decision.say == expected
        if n % 2:  # never three hints in a row: an answer in between
            policy.decide(state, "Okay, got it.", 10.0)
    assert policy.decide(state, "any hints?", 10.0).say == persona.requests.no_hint_left
    assert policy.decide(state, "can we skip this one", 10.0).act == "move_on"


# --- a whole round, typed ------------------------------------------------------------------


def run_typed(tmp_path: Path, question, persona, lines: list[str], replies: list[str]):
    writer = SessionWriter.create(tmp_path / "s", Session(id="typed", rounds=[question.round]))
    runner = InterviewRunner(
        writer,
        policy_backend=ScriptedBackend(replies),
        transcriber=None,
        answers=TextAnswers(io.StringIO("\n".join(lines) + "\n")),
        voice=InterviewerVoice(None, play=False),
        config=RunConfig(max_depth=3),
    )
    runner.run_rounds([(persona, [question])])
    return writer.session


def test_a_correction_is_recorded_and_the_grader_skips_the_words_taken_back(
    tmp_path, question, persona
):
    session = run_typed(
        tmp_path,
        question,
        persona,
        [
            "I would train a random forest on velocity features and merchant history.",
            "Sorry, I meant gradient boosted trees, not a random forest.",
            "Can we move on?",
            "No, thanks.",
        ],
        [
            "Why a random forest on velocity features?",
            "Why gradient boosted trees on velocity features?",
        ],
    )
    first = session.candidate_turns()[0]
    assert first.meta["retracted"] == [[14, 29]]
    assert "gradient boosted trees" in first.meta["corrected_text"]
    reply = next(t for t in session.turns if t.meta.get("request") == "self_correction")
    assert reply.text.startswith(persona.requests.correction)
    graded = " ".join(s.clean for s in candidate_sentences(session) if s.turn == first.index)
    assert "random forest" not in graded and "velocity features" in graded


def test_each_round_ends_with_the_candidates_questions_answered_from_persona_data(
    tmp_path, question, persona
):
    session = run_typed(
        tmp_path,
        question,
        persona,
        [
            "Can we move on?",
            "How does your team measure model success in production?",
            "And where does the technical debt live?",
            "What's the office dog called?",
        ],
        [],
    )
    acts = [t.act for t in session.turns if t.speaker == "interviewer"]
    assert acts[-5:] == ["invite_questions", *["answer_question"] * 3, "wrap_up"]
    answers = [t for t in session.turns if t.act == "answer_question"]
    about = {f.topic: f.fact.strip() for f in persona.candidate_questions.about}
    assert answers[0].text.startswith(about["success"])
    assert answers[1].text.startswith(about["tech_debt"])
    assert answers[2].text == persona.candidate_questions.not_covered  # never invented
    card = grade_session(session)
    dim = card.dimensions["candidate_questions"]
    assert dim.score == 4 and {e.kind for e in dim.evidence} >= {
        "success in production",
        "technical debt",
    }
    # The end-of-round questions are not counted as clarifying questions about the problem.
    assert all(
        e.turn not in {t.index for t in session.candidate_turns()[1:]}
        for d in card.dimensions.values()
        if d.id != "candidate_questions"
        for e in d.evidence
    )


def _session(*turns: tuple[str, str | None, str]) -> Session:
    out = []
    for i, (speaker, act, text) in enumerate(turns):
        out.append(
            Turn(
                index=i,
                speaker=speaker,  # type: ignore[arg-type]
                act=act,  # type: ignore[arg-type]
                text=text,
                start=float(i),
                end=float(i) + 0.5,
                round="ml_system_design",
            )
        )
    return Session(id="t", rounds=["ml_system_design"], turns=out, complete=True)


_ANSWER = (
    "I'd start with the data: two years of payments, labelled by chargebacks, and I'd use "
    "gradient boosted trees because they handle tabular features well, with a threshold "
    "tuned on the cost of a false decline against a missed fraud."
)


@pytest.mark.parametrize(
    ("closing", "level"),
    [
        (["No, I'm good, thanks."], 1),
        (["What are the next steps in the process?"], 2),
        (["How do you handle retraining and drift?"], 3),
        (["How do you measure model success in production?", "Where's the tech debt?"], 4),
    ],
)
def test_the_grader_scores_the_candidates_questions(closing, level):
    turns = [("interviewer", "ask", "Design fraud detection."), ("candidate", None, _ANSWER)]
    turns.append(("interviewer", "invite_questions", "Do you have any questions for me?"))
    for text in closing:
        turns += [("candidate", None, text), ("interviewer", "answer_question", "Sure.")]
    dim = grade_session(_session(*turns)).dimensions["candidate_questions"]
    assert dim.score == level


def test_no_invitation_means_not_observed():
    turns = [("interviewer", "ask", "Design fraud detection."), ("candidate", None, _ANSWER)]
    dim = grade_session(_session(*turns)).dimensions["candidate_questions"]
    assert dim.score is None and "did not end" in (dim.not_observed_reason or "")


def test_closing_replies(persona):
    assert declines("No, that's all.") and declines("nope") and not declines("No idea, why?")
    stack = reply_to_candidate(persona, "what's your stack like")
    assert stack.topics == ["stack"] and not stack.done
    assert reply_to_candidate(persona, "no thanks").done
    # "No problem at all." to "No, that's all from me, thanks." after two questions answered
    # (the install's demo): a "that's all" after questions gets the thanks.
    questions = persona.candidate_questions
    assert reply_to_candidate(persona, "No, that's all, thanks.").say == questions.no_questions
    after = reply_to_candidate(persona, "No, that's all from me, thanks.", answered=2)
    assert after.done and after.say == questions.thanks


# --- persona data ----------------------------------------------------------------------------


def _copy_personas(tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "personas"
    shutil.copytree(Path(__file__).resolve().parents[1] / "personas", target)
    return target


def test_request_lines_and_team_facts_are_validated(tmp_path):
    root = _copy_personas(tmp_path)
    path = root / "ada.yaml"
    data = yaml.safe_load(path.read_text())
    data["requests"]["time_left"] = "About {minuets} left."
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match=r"ada\.yaml: requests\.time_left: .*\{minuets\}"):
        Catalog.load(root)
    data["requests"]["time_left"] = "About {minutes} left."
    data["candidate_questions"]["about"].append(dict(data["candidate_questions"]["about"][0]))
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match=r"candidate_questions\.about: .*given twice"):
        Catalog.load(root)


def test_every_shipped_persona_can_answer_the_owners_questions(catalog):
    for persona in catalog.personas.values():
        topics = {f.topic for f in persona.candidate_questions.about}
        assert {"success", "drift", "tech_debt"} <= topics, persona.id


# --- turn-taking after "can I think?" ------------------------------------------------------


def test_time_to_think_waits_a_minute_and_a_murmur_does_not_end_the_turn():
    config = EndpointConfig()
    patient = thinking_policy(config, 60.0)
    assert not patient.decide(silence_ms=40_000, spoken_ms=0).end  # default gives up at 15 s
    assert patient.decide(silence_ms=61_000, spoken_ms=0).reason == "no_speech"
    assert not patient.decide(silence_ms=5_000, spoken_ms=600, words_so_far="hmm okay").end
    said = "I'd score each payment with gradient boosted trees."
    assert patient.decide(silence_ms=config.end_silence_ms, spoken_ms=3000, words_so_far=said).end


class _RecordingAnswers:
    """Typed answers that remember what each turn's context asked of the source."""

    kind = "text"
    live = False

    def __init__(self, lines: list[str]) -> None:
        self.lines = list(lines)
        self.contexts = []

    def next_answer(self, context):
        from interviewer.interview.answers.sources import CandidateAnswer

        self.contexts.append(context)
        return CandidateAnswer(source="text", text=self.lines.pop(0)) if self.lines else None


def test_after_take_your_time_the_next_turn_is_patient(tmp_path, question, persona):
    answers = _RecordingAnswers(["Can I take a moment to think?", "Can we move on?", "No."])
    writer = SessionWriter.create(tmp_path / "s", Session(id="p", rounds=[question.round]))
    InterviewRunner(
        writer,
        policy_backend=ScriptedBackend([]),
        transcriber=None,
        answers=answers,
        voice=InterviewerVoice(None, play=False),
    ).run_rounds([(persona, [question])])
    assert [c.patience_s for c in answers.contexts] == [None, 60.0, None]
