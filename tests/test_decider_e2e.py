"""Issues 22 and 24 as a new user met them: typed `interviewer practice --text` sessions (the
real CLI in a subprocess, the real embedded model loaded, the real sandbox), each line typed
with the reply a person would give. Every line here is decided by a gate before the 'why'
probe, so no line waits on the model's generation; then `grade --json` on the session."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import run_cli
from test_coding_e2e import grade_json
from test_decider import LABELS_QUESTION, TEAM_QUESTION

from interviewer.catalog.personas import load_catalog, praise_in
from interviewer.coding.coach import ASK_TESTING
from interviewer.coding.tasks import find_task
from interviewer.session import load_session

pytestmark = [pytest.mark.slow, pytest.mark.llm]

CLOSING = "No, that's all, thank you."


def typed_session(out: Path, lines: list[str], *args: str):
    """Run `practice --text`; the candidate turns and the interviewer line after each."""
    proc = run_cli(
        "practice",
        "--text",
        "--no-voice",
        "--out",
        str(out),
        *args,
        stdin="".join(line + "\n" for line in lines),
        timeout=1500,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    [folder] = [p for p in out.iterdir() if (p / "session.json").is_file()]
    session = load_session(folder)
    turns = session.turns
    replies = [(t.text, turns[t.index + 1]) for t in session.candidate_turns()]
    assert [text for text, _ in replies] == lines
    return folder, session, replies


def test_coding_round_answers_the_clarifying_question_before_asking_about_testing(tmp_path):
    """Issue 24: the question is answered from the scenario facts, the testing prompt waits,
    and "I think that's my answer." after a failing run closes the question unprobed."""
    mine = tmp_path / "mine.py"
    mine.write_text(find_task("cd-precision-recall").wrong.read_text())
    lines = [
        LABELS_QUESTION,
        "I count true positives, predicted positives and actual positives in one loop.",
        "/run",
        "I think that's my answer.",
        CLOSING,
    ]
    folder, session, replies = typed_session(
        tmp_path / "out",
        lines,
        "--round",
        "coding",
        "--question",
        "cd-precision-recall",
        "--code",
        str(mine),
    )
    acts = [reply.act for _, reply in replies]
    assert acts == ["clarify", "probe", "test_result", "invite_questions", "answer_question"]
    clarified = replies[0][1].text
    assert "0 or 1" in clarified and "0.0" in clarified and ASK_TESTING not in clarified
    assert replies[1][1].text == ASK_TESTING
    assert "Walk me through" in replies[2][1].text
    assert not any("that's my answer" in r.text.lower() for _, r in replies)
    # The code failed and the answers were thin: the closing line must not praise.
    card = grade_json(folder)
    assert card["dimensions"]["correctness"]["score"] < 4
    assert session.turns[-1].act == "wrap_up" and praise_in(session.turns[-1].text) is None


def test_system_design_issue_22_rows_get_what_a_person_would_do(tmp_path):
    """Issue 22's table: a team question mid-question, "I don't know." three times, then
    "No, that's all, thank you." on the next question and at the round's end."""
    lines = [TEAM_QUESTION, "I don't know.", "I don't know.", "I don't know.", CLOSING, CLOSING]
    folder, session, replies = typed_session(
        tmp_path / "out",
        lines,
        "--round",
        "ml_system_design",
        "--question",
        "sd-fraud-payments",
        "--questions",
        "2",
        "--seed",
        "7",
    )
    catalog = load_catalog()
    persona = catalog.persona_for_round("ml_system_design")
    question = catalog.question("sd-fraud-payments")
    facts = [f.fact.strip() for f in question.scenario_facts]

    team, hint, offer, moved, closed, declined = (reply for _, reply in replies)
    assert team.text == persona.requests.questions_at_end
    assert not any(fact in team.text for fact in facts)
    assert hint.act == "hint" and hint.text == question.hints[0]
    assert offer.act == "nudge" and offer.text == persona.requests.offer_move_on
    assert moved.act == "move_on"  # the next question follows
    assert session.turns[moved.index + 1].act == "ask"
    assert closed.act == "invite_questions"  # closed, never "You said ... Why ...?"
    assert declined.act == "answer_question"
    assert declined.text == persona.candidate_questions.no_questions
    assert not any(r.act == "probe" for _, r in replies)
    # All "I don't know": a weak scorecard, and a closing line that does not praise.
    card = grade_json(folder)
    assert card["overall"] is None or card["overall"] < 3
    assert session.turns[-1].act == "wrap_up" and praise_in(session.turns[-1].text) is None


@pytest.mark.parametrize(
    ("heard", "round_type", "question_id", "topics"),
    [
        # Two questions in one sentence: the objective has no keyword in it.
        (
            "Before I design anything, can I ask how many users and videos we have, and whether "
            "we optimise for watch time or for something like satisfaction?",
            "ml_system_design",
            "sd-recsys-video",
            ["scale", "success metric"],
        ),
        # As speech recognition gave it: the "I" and the question mark lost.
        (
            "Can assume the labels are only 0 and 1, and what should happen when nothing is "
            "predicted positive.",
            "coding",
            "cd-precision-recall",
            ["labels", "zero denominators"],
        ),
    ],
)
def test_both_parts_of_a_clarifying_question_are_answered(
    tmp_path, heard, round_type, question_id, topics
):
    """The bundled model picks the fact for the part no keyword finds."""
    folder, session, replies = typed_session(
        tmp_path / "out",
        [heard, CLOSING, CLOSING],
        "--round",
        round_type,
        "--question",
        question_id,
    )
    facts = {f.topic: f.fact for f in load_catalog().question(question_id).scenario_facts}
    clarified = replies[0][1]
    assert clarified.act == "clarify", [r.act for _, r in replies]
    assert all(facts[topic] in clarified.text for topic in topics), clarified.text
