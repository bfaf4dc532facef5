"""The install's demo, as a user sees it: `practice --simulate` with real espeak-ng speech, real
faster-whisper and the real embedded interviewer; the candidate answers the question asked."""

from __future__ import annotations

import pytest
from cli_helpers import simulate

from interviewer import speech_acts
from interviewer.interview.answers.simulated import load_simulated

pytestmark = [pytest.mark.slow, pytest.mark.llm]

QUESTION = "md-timeseries-cv"


def _overlap(heard: str, script: str) -> float:
    said = set(speech_acts.words(script))
    return len(said & set(speech_acts.words(heard))) / max(1, len(said))


@pytest.mark.parametrize("level", ["strong", "weak"])
def test_simulated_candidate_speaks_its_own_question_s_script(tmp_path, level):
    session = simulate(tmp_path, "modelling", QUESTION, level, "--depth", "1")
    assert session.complete
    script = getattr(load_simulated()[QUESTION], level)
    spoken = session.candidate_turns()
    assert spoken and all(t.source == "simulated" and t.audio for t in spoken)
    # The round ends with the candidate's own questions; the rest answer this question.
    answers = [t for t in spoken if t.meta.get("origin") != "simulated closing"]
    assert answers and len(answers) < len(spoken)
    # Heard through speech recognition, each answer is the script written for this question.
    for turn, line in zip(answers, script.turns, strict=False):
        assert _overlap(turn.text, line.say) >= 0.6, (turn.text, line.say)
    replies = [t.act for t in session.turns if t.speaker == "interviewer"]
    if level == "strong":
        assert replies[2] == "clarify"  # greet, ask, then the answer to its clarifying question
    else:
        assert replies[2] == "probe"  # the weak candidate jumped straight in
