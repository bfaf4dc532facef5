"""A typed `interviewer practice --text` session, as a new user runs it (real CLI subprocess,
real embedded model): each request from issue 16's table gets what a person would do, and
the round ends with the candidate's questions answered from the persona's own data."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from cli_helpers import run_cli
from shared_data import REPO_ROOT

from interviewer.catalog.personas import load_catalog
from interviewer.interview.policy.facts import NOT_SPECIFIED
from interviewer.session import load_session

pytestmark = [pytest.mark.slow, pytest.mark.llm]

TYPED = [
    ("Sorry, can you repeat the question?", "repeat"),
    ("Can I take a moment to think?", "think_time"),
    ("I'd use gradient boosted trees on velocity features, scored in the payment path.", "probe"),
    ("Sorry, what do you mean by that?", "rephrase"),
    ("It is fast enough for the 150 millisecond budget.", "probe"),
    ("How much time do I have left?", "time_left"),
    ("Am I on the right track?", "nudge"),
    ("What do you mean by a loyalty tier?", "clarify"),
    ("Can we move on?", "invite_questions"),
    ("How does your team measure model success in production?", "answer_question"),
    ("And how do you handle retraining and drift?", "answer_question"),
    ("No, that's all, thanks.", "answer_question"),
]


def test_a_typed_session_handles_every_request_and_the_candidates_questions(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "interviewer",
            "practice",
            "--text",
            "--no-voice",
            "--question",
            "sd-fraud-payments",
            "--persona",
            "ada",
            "--depth",
            "3",
            "--out",
            str(tmp_path),
        ],
        input="\n".join(text for text, _ in TYPED) + "\n",
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=1500,
        env=os.environ.copy(),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    [folder] = [p for p in tmp_path.iterdir() if (p / "session.json").exists()]
    session = load_session(folder)
    turns = session.turns
    question = load_catalog().question("sd-fraud-payments")
    persona = load_catalog().persona("ada")
    facts = [f.fact.strip() for f in question.scenario_facts]

    replies = []
    for turn in session.candidate_turns():
        following = turns[turn.index + 1]
        assert following.speaker == "interviewer"
        replies.append((turn.text, following))
    assert [t for t, _ in replies] == [text for text, _ in TYPED]
    for (text, reply), (_, act) in zip(replies, TYPED, strict=True):
        assert reply.act == act, (text, reply.act, reply.text)
        if reply.meta.get("request"):
            assert not any(f in reply.text for f in facts), (text, reply.text)

    by_text = dict(replies)
    assert question.prompt.strip() in by_text[TYPED[0][0]].text
    waited = by_text[TYPED[1][0]]
    assert waited.text == persona.requests.think_time and waited.meta["wait_s"] == 60.0
    # "What do you mean by that?" after a why: that why, in other words, about the same words.
    probe = by_text[TYPED[2][0]]
    rephrased = by_text[TYPED[3][0]].text
    assert rephrased != probe.text and (probe.meta.get("target") or "") in rephrased
    claim_probe = by_text[TYPED[4][0]].text
    assert not re.search(r"\b(choose|chose|pick)\b", claim_probe, re.I), claim_probe
    assert "minutes" in by_text[TYPED[5][0]].text
    assert by_text[TYPED[6][0]].text == persona.requests.right_track
    assert by_text[TYPED[7][0]].text == NOT_SPECIFIED

    about = {f.topic: f.fact.strip() for f in persona.candidate_questions.about}
    assert by_text[TYPED[9][0]].text.startswith(about["success"])
    assert by_text[TYPED[10][0]].text.startswith(about["drift"])
    # After two questions answered, "that's all" gets the thanks (no_questions: none asked).
    assert by_text[TYPED[11][0]].text == persona.candidate_questions.thanks
    assert turns[-1].act == "wrap_up"

    graded = run_cli("grade", str(folder), "--json", timeout=300)
    assert graded.returncode == 0, graded.stderr
    assert json.loads(graded.stdout)["dimensions"]["candidate_questions"]["score"] == 4
