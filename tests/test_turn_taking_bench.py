"""benchmarks/turn_taking.py: the replay of word timings through the end-of-turn policy."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import turn_taking  # noqa: E402
from shared_data import REPO_ROOT  # noqa: E402

SWITCHBOARD_DEV = REPO_ROOT.parent / "shared/data/turn-taking/switchboard_dev_timings.csv"


def _timings(tmp_path: Path, sides: dict[str, list[tuple[int, float, float, str]]]) -> Path:
    lines = []
    for side, words in sides.items():
        lines.append(f"Speaker: {side}")
        for n, (turn, start, end, word) in enumerate(words):
            lines.append(f"({turn}:0:{n})\t{start}\t{end}\t{word}\tNN\t<f/>")
    path = tmp_path / "timings.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _turn(turn: int, text: str, start: float, pause_after: dict[int, float]):
    """Words 0.25 s long, 0.05 s apart, with longer pauses after the given word indexes."""
    words, t = [], start
    for i, word in enumerate(text.split()):
        words.append((turn, round(t, 3), round(t + 0.25, 3), word))
        t += 0.3 + pause_after.get(i, 0.0)
    return words


def test_pauses_after_open_words_are_held_and_after_finished_ones_cut(tmp_path: Path) -> None:
    finished = "we looked at the click logs first and then we built a ranking model for it"
    held = "we looked at the click logs first and then we built a ranking model for it now"
    path = _timings(
        tmp_path,
        {
            # A 1 s pause after "first" (finished-sounding): cut off at 800 ms.
            "1A": _turn(1, finished, 0.0, {6: 1.0}),
            # A 1 s pause after "and" (open): held; the turn then ends on "now".
            "2A": _turn(3, held, 0.0, {7: 1.0}),
            # Too short to count.
            "3A": _turn(5, "yes i think so", 0.0, {}),
        },
    )
    turns = [t for t in turn_taking.read_timings(path) if len(t.words) >= 15]
    assert [len(t.words) for t in turns] == [16, 17]
    policy = turn_taking.make_policy("project", None)
    results = [turn_taking.run_turn(policy, t) for t in turns]
    assert results[0].cut_off_after is not None and results[0].cut_off_after.endswith("first")
    assert results[1].cut_off_after is None
    # Both end on a finished-sounding word: the end delay is the finished-ending wait.
    wait_s = policy.config.end_silence_ms / 1000
    for r in results:
        assert wait_s <= r.end_delay_s < wait_s + turn_taking.FRAME_MS / 1000
    figures = turn_taking.summarise(results)
    assert figures["long_turns"] == 2 and figures["cut_off_turns"] == 1
    assert figures["false_cutoff_rate"] == 0.5


def test_turn_numbers_split_a_side_into_turns(tmp_path: Path) -> None:
    words = [(1, 0, 0.2, "hi"), (1, 0.3, 0.5, "there"), (4, 9, 9.2, "ok")]
    path = _timings(tmp_path, {"1A": words})
    assert [[w.text for w in t.words] for t in turn_taking.read_timings(path)] == [
        ["hi", "there"],
        ["ok"],
    ]


def test_silence_alone_on_the_dev_timings_matches_the_data_readme(tmp_path: Path) -> None:
    """The README beside the data: 37% of long turns hold a pause of 0.8 s or longer."""
    if not SWITCHBOARD_DEV.is_file():
        pytest.skip("../shared/data/turn-taking is not beside this checkout")
    out = tmp_path / "out.json"
    turn_taking.main(["--timings", str(SWITCHBOARD_DEV), "--policy", "silence", "--json", str(out)])
    import json

    figures = json.loads(out.read_text())
    assert figures["long_turns"] == 1078
    assert 0.36 <= figures["false_cutoff_rate"] <= 0.38
