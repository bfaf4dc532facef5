"""benchmarks/text_end_fit.py: the probe that reads the end of a turn in the words, fitted and
measured held out (its arithmetic on arrays; the whole run on the real SmolLM2)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import text_end_fit as fit  # noqa: E402
from test_turn_taking_bench import _timings, _turn  # noqa: E402

from interviewer.turns.text_end import load_text_end  # noqa: E402


def test_auc_counts_ties_half() -> None:
    assert fit.auc(np.array([3.0, 4.0]), np.array([1.0, 2.0])) == 1.0
    assert fit.auc(np.array([1.0]), np.array([2.0])) == 0.0
    assert fit.auc(np.array([1.0, 1.0]), np.array([1.0])) == 0.5
    assert fit.auc(np.array([2.0, 1.0]), np.array([1.0, 0.0])) == 0.875


def test_the_probe_separates_what_it_is_fitted_on_and_the_penalty_shrinks_it() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 5))
    y = (x[:, 0] + 0.3 * rng.normal(size=400) > 0).astype(float)
    loose, tight = fit.Probe(x, y, 1.0), fit.Probe(x, y, 1000.0)
    assert fit.auc(loose.logit(x)[y == 1], loose.logit(x)[y == 0]) > 0.95
    assert np.argmax(np.abs(loose.weights)) == 0
    assert np.abs(tight.weights).sum() < np.abs(loose.weights).sum()


def test_held_out_scores_come_from_probes_that_never_saw_the_call() -> None:
    """A call whose pauses the others contradict is scored wrong held out (its own pauses
    would have taught the probe otherwise)."""
    groups = np.array([f"c{i % 10}" for i in range(200)])  # each call spans every x
    x = np.linspace(-1, 1, 200)[:, None] * np.ones((1, 2))
    y = (x[:, 0] > 0).astype(float)
    odd = groups == "c9"  # the last call: the opposite rule
    y[odd] = 1 - y[odd]
    out = fit.held_out_logits(x, y, groups)
    assert fit.auc(out[odd & (y == 1)], out[odd & (y == 0)]) < 0.5
    assert fit.auc(out[~odd & (y == 1)], out[~odd & (y == 0)]) > 0.9


def test_trade_off_reads_false_ends_at_holds_and_delay_at_shifts() -> None:
    events = [
        fit.Pause("a", "hold", 0.5),
        fit.Pause("b", "hold", 1.5),
        fit.Pause("c", "shift", 6.0),
        fit.Pause("d", "shift", 6.0),
    ]
    report = fit.trade_off(events, np.array([0.4, 2.0, 0.6, 1.0]))
    assert report["false_end_rate"] == 0.5  # 0.5 s outlasts its 0.4 s wait; 1.5 s does not
    assert report["end_delay_mean_s"] == 0.8
    assert report["silence_false_end_rate"] == 0.5  # an 0.8 s wait cuts the 1.5 s hold
    assert report["spoken_over_rate"] is None  # no turn of 15 words


def test_a_long_turn_is_spoken_over_when_the_candidate_goes_on_after_the_first_audio() -> None:
    """Cut at a hold, the turn reopens if the candidate goes on before the interviewer's
    voice (1 s after the end); later than that, it was spoken over (turn_taking.py's count)."""
    events = [
        fit.Pause("a", "hold", 1.2, turn=0, turn_words=20),  # cut at 0.6 s, back at 1.2: reopened
        fit.Pause("b", "hold", 1.7, turn=1, turn_words=20),  # back 1.1 s after the cut: over
        fit.Pause("b", "hold", 1.9, turn=1, turn_words=20),  # the same turn again: counted once
        fit.Pause("c", "hold", 3.0, turn=2, turn_words=5),  # a short turn: not counted
        fit.Pause("a", "shift", 6.0, turn=0, turn_words=20),
        fit.Pause("b", "shift", 6.0, turn=1, turn_words=20),
        fit.Pause("c", "shift", 6.0, turn=2, turn_words=5),
    ]
    report = fit.trade_off(events, np.full(len(events), 0.6))
    assert report["spoken_over_rate"] == 0.5 and report["long_turns"] == 2  # one of the two
    assert (
        fit.trade_off(events, np.full(len(events), 0.6), first_audio_s=0.0)["spoken_over_rate"]
        == 1.0
    )  # with no time to go on, every cut is heard


@pytest.mark.slow
@pytest.mark.llm
def test_the_whole_fit_on_real_smollm2_writes_a_probe_the_reader_loads(tmp_path: Path) -> None:
    finished = "we looked at the click logs and then we built a ranking model for it"
    sides = {}
    for call in range(1, 11):
        sides[f"{call}A"] = _turn(1, finished, 0.0, {4: 0.6}) + _turn(3, "so yes that is", 9.0, {})
    path = _timings(tmp_path, sides)
    probe_path, report_path = tmp_path / "probe.json", tmp_path / "report.json"
    args = ["--timings", str(path), "--write", str(probe_path), "--json", str(report_path)]
    assert fit.main([*args, "--states", str(tmp_path / "states.npz")]) == 0
    report = json.loads(report_path.read_text())
    assert report["pauses"] == {"holds": 10, "shifts": 20, "calls": 10}
    assert set(report["word_table"]) == {
        "false_end_rate",
        "end_delay_mean_s",
        "silence_false_end_rate",
        "ratio",
        "spoken_over_rate",
        "long_turns",
    }
    assert report["word_table"]["long_turns"] == 10  # the ten long first turns
    assert report["meaning_waits"]
    model = load_text_end(probe_path=probe_path)
    assert model is not None
    assert 0.0 < model.probability("we looked at the click logs") < 1.0


def test_interview_answers_are_cut_at_sentence_ends_and_backchannels(tmp_path: Path) -> None:
    """benchmarks/text_end_interviews.py: an answer runs on across the interviewer's
    "Mm-hmm" and ends at their next real question; a short answer is left out."""
    import text_end_interviews as interviews

    details = "|".join(
        [
            "Interviewer: Tell me about yourself?",
            "Interviewee: I study  uh  mechanical engineering. I like robots a lot and I build",
            "Interviewer: Mm-hmm.",
            "Interviewee: them on weekends with friends from my dorm [laughter] in Boston.",
            "Interviewer: Great. What about leadership?",
            "Interviewee: Yes. I led a team.",
            "Interviewer: Thanks.",
        ]
    )
    (tmp_path / "transcripts.csv").write_text(f'Code,Details\np1,"{details}"\n')
    found = interviews.answers(tmp_path)
    assert found == [
        (
            "p1",
            [
                "I study, uh, mechanical engineering.",
                "I like robots a lot and I build",
                "them on weekends with friends from my dorm, in Boston.",  # a mark leaves a comma
            ],
        )
    ]
