"""benchmarks/turn_taking_voice_bound.py: the live combination at word-timed pauses, with a
voice of given accuracy (the real waits, a scripted score)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import turn_taking_voice_bound as bound  # noqa: E402
from test_turn_taking_bench import _timings, _turn  # noqa: E402


def test_the_voice_shortens_the_wait_after_open_words_and_um(tmp_path: Path) -> None:
    path = _timings(
        tmp_path,
        {
            # A turn with a 0.5 s hold after "logs", ending on "and" (open).
            "1A": _turn(1, "we looked at the click logs and then the model and", 0.0, {5: 0.5}),
            # A turn ending on "um" (a spoken hesitation).
            "2A": _turn(3, "the main reason is latency um", 0.0, {}),
            # Speech of a second or less: a backchannel, no events.
            "3A": _turn(5, "yeah right", 0.0, {}),
        },
    )
    events = bound.pauses(path)
    assert [(e.kind, round(e.length_s, 2)) for e in events[:1]] == [("hold", 0.55)]
    assert [e.kind for e in events] == ["hold", "shift", "shift"]
    never_wrong = [bound.measure(events, 1.0, 0.0, waits) for waits in bound.WAITS[:2]]
    before, now = never_wrong
    assert before["end_delay_mean_s"] == (1.216 + 4.512) / 2  # the words' own waits
    assert now["end_delay_mean_s"] == (0.8 + 2.016) / 2  # shortened by a finished voice
    assert before["false_end_rate"] == now["false_end_rate"] == 0.0  # the hold: unfinished
    always_finished = bound.measure(events, 1.0, 1.0, bound.WAITS[1])
    assert always_finished["false_end_rate"] == 0.0  # 0.55 s: shorter than the 600 ms wait

    out = tmp_path / "bound.json"
    assert bound.main(["--timings", str(path), "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert (report["holds"], report["shifts"]) == (1, 2)
    assert len(report["rows"]) == len(bound.VOICES) * len(bound.WAITS)


def test_a_voice_that_depends_on_the_words_ending(tmp_path: Path) -> None:
    """``by_ending``: a voice that calls every hold after a complete sentence finished cuts
    the complete-sentence hold at the voice's finished wait; one that never does, not."""
    path = _timings(
        tmp_path,
        {"1A": _turn(1, "we looked at the click logs and then we shipped it", 0.0, {5: 0.9})},
    )
    events = bound.pauses(path)
    always = {"complete": (1.0, 1.0), "other": (1.0, 0.0)}
    never = {"complete": (1.0, 0.0), "other": (1.0, 0.0)}
    assert bound.measure(events, 0.0, 0.0, {}, always)["false_end_rate"] == 1.0
    assert bound.measure(events, 0.0, 0.0, {}, never)["false_end_rate"] == 0.0
