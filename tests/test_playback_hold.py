"""Holding a line while the candidate may be going on, and letting it go on: the writer loop
(play_blocks) without a device, and where a held line resumes. Pure and fast: the lines are
a few hundred samples at 1 kHz, so the loop's pacing to real time takes a fraction of a
second; nothing here asserts a duration of the wall clock.
"""

from __future__ import annotations

import numpy as np
import pytest

from interviewer.audio.playback import PlaybackHandle, play_blocks
from interviewer.interview.live.after_turn import PlayedLevels
from interviewer.turns.barge_in import SILENT_DBFS, BargeInConfig, resume_hop

RATE = 1000  # 16-sample blocks, 10-sample hops
BLOCK = 16


def steered(line: np.ndarray, steps: dict[int, object]) -> tuple[PlaybackHandle, list]:
    """Play ``line`` into a list; before block ``n`` is written, call ``steps[n](handle)``."""
    handle = PlaybackHandle(line, RATE)
    blocks: list[np.ndarray] = []

    def write(block: np.ndarray) -> None:
        blocks.append(block.copy())
        step = steps.get(len(blocks))
        if step is not None:
            step(handle)

    play_blocks(handle, write)
    return handle, blocks


def test_a_held_line_fades_in_one_block_keeps_its_place_and_goes_on_where_asked() -> None:
    line = np.linspace(0.1, 0.9, 20 * BLOCK, dtype=np.float32)  # each sample tells its place
    handle, blocks = steered(
        line,
        {
            4: lambda h: h.duck(0.0),  # the candidate's first frame, after 4 blocks
            9: lambda h: h.resume(2 * BLOCK + 5),  # a backchannel: go on from before
        },
    )
    # The fade: the 5th block ramps to silence (no click), then silence, position held.
    fade = blocks[4]
    assert fade[0] == pytest.approx(line[4 * BLOCK]) and fade[-1] == 0.0
    assert all(not b.any() for b in blocks[5:9])
    # It goes on from the sample asked for, fading in over one block, and to the line's end.
    back = blocks[9]
    assert back[0] == 0.0 and back[-1] == pytest.approx(line[2 * BLOCK + 5 + BLOCK - 1])
    np.testing.assert_array_equal(np.concatenate(blocks[10:]), line[3 * BLOCK + 5 :])
    assert handle.position == line.size and handle.rewound == 5 * BLOCK - (2 * BLOCK + 5)
    ((held, resumed),) = handle.holds
    assert resumed is not None and resumed >= held
    # What went to the device is what the echo gate compares the microphone with.
    np.testing.assert_array_equal(handle.output(0.0, handle.written), np.concatenate(blocks))


def test_a_line_held_from_its_start_and_stopped_plays_nothing() -> None:
    handle = PlaybackHandle(np.full(10 * BLOCK, 0.5, np.float32), RATE)
    handle.duck(0.0)  # the candidate was already speaking when it was ready
    blocks: list[np.ndarray] = []

    def write(block: np.ndarray) -> None:
        blocks.append(block)
        if len(blocks) == 3:
            handle.stop()

    played_s = play_blocks(handle, write)
    assert played_s == 0.0 and handle.stopped_at is not None
    assert not np.concatenate(blocks).any()
    assert len(handle.holds) == 1 and handle.holds[0][1] is None


def test_a_ducked_line_plays_on_without_a_hold() -> None:
    line = np.full(10 * BLOCK, 0.5, np.float32)
    handle, blocks = steered(line, {2: lambda h: h.duck(0.3), 5: lambda h: h.resume()})
    assert handle.position == line.size and not handle.holds
    assert sum(b.size for b in blocks) == line.size  # nothing said twice, nothing waited
    assert blocks[3] == pytest.approx(0.15)


def test_a_pause_and_resume_before_the_writer_sees_them_rewinds_nothing_later() -> None:
    line = np.linspace(0.1, 0.9, 12 * BLOCK, dtype=np.float32)

    def both(h: PlaybackHandle) -> None:
        h.duck(0.0)
        h.resume(0)

    handle, blocks = steered(line, {2: both, 5: lambda h: h.duck(0.0), 7: lambda h: h.resume(None)})
    # The hold after block 5 goes on where it was: the earlier resume(0) is not applied there.
    said = np.concatenate(blocks)
    assert said.size == line.size + BLOCK  # the line once, and one block held
    assert said[8 * BLOCK - 1] == pytest.approx(line[7 * BLOCK - 1])  # the fade-in's end
    np.testing.assert_array_equal(said[8 * BLOCK :], line[7 * BLOCK :])
    assert handle.position == line.size


def test_resume_hop_is_the_latest_of_the_quietest() -> None:
    assert resume_hop(np.array([])) == 0
    assert resume_hop(np.array([-20.0, -60.0, -25.0, -22.0])) == 1
    assert resume_hop(np.array([-20.0, -100.0, -100.0, -30.0])) == 2  # the gap's last hop
    assert resume_hop(np.array([-30.0, -20.0, -40.0])) == 2  # held in a gap: from there


def _tone(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.5 * np.sin(2 * np.pi * 50 * t)).astype(np.float32)


def test_a_held_line_resumes_at_the_gap_before_the_word_it_was_held_in() -> None:
    config = BargeInConfig()
    gap = np.zeros(int(0.08 * RATE), np.float32)
    line = np.concatenate([_tone(0.5), gap, _tone(0.5)])
    handle = PlaybackHandle(line, RATE)
    levels = PlayedLevels(handle, config)
    gap_end = int(0.58 * RATE)
    handle.position = gap_end + int(0.15 * RATE)  # held 0.15 s into the second word
    assert gap_end - 10 <= levels.resume_point() <= gap_end
    handle.position = int(0.3 * RATE)  # no gap in reach: back by the whole rewind at most
    assert handle.position - levels.resume_point() <= config.resume_rewind_s * RATE


def test_while_a_line_is_held_its_echo_dies_away_and_the_gate_hears_the_candidate() -> None:
    config = BargeInConfig()
    line = _tone(1.0)
    marks: dict[str, float] = {}

    def hold(h: PlaybackHandle) -> None:
        h.duck(0.0)

    def note(h: PlaybackHandle) -> None:
        marks["held_long"] = h.written / RATE
        h.resume()

    handle, _ = steered(line, {10: hold, 45: note})
    levels = PlayedLevels(handle, config)
    started = handle.started_at
    assert levels.around(started + 0.1) > -10  # the tone, at -9 dBFS
    # Long enough after the hold began, nothing was played within the echo's reach.
    assert levels.around(started + marks["held_long"] - 0.01) == SILENT_DBFS
