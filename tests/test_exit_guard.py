"""Threads that run native models are stopped before the interpreter tears the models down.

A script that took one answer from the microphone and returned without closing the listener
that keeps hearing the candidate after the turn sometimes died at exit with "terminate called
without an active exception" (exit -6; 2 of 11 runs of the live pause test's script, and once
in CI), its work already done. ``exit_guard`` closes such owners at exit.
"""

from __future__ import annotations

import subprocess
import sys

_LEFT_OPEN = r"""
import time
import numpy as np
from interviewer.interview.live.after_turn import AfterTurnListener

def microphone():
    try:
        while True:
            time.sleep(0.032)  # a live stream: the listener's thread waits inside it
            yield np.zeros(512, dtype=np.int16)
    finally:
        print("stream closed", flush=True)

listener = AfterTurnListener(microphone())
time.sleep(0.3)
print("leaving", flush=True)
"""


def test_a_listener_left_open_is_stopped_and_its_stream_closed_at_exit() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _LEFT_OPEN], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.splitlines() == ["leaving", "stream closed"]


def test_close_all_bounds_the_wait_for_a_thread_that_will_not_stop() -> None:
    from interviewer import exit_guard

    seen: list[float | None] = []

    class Stuck:
        def close(self, timeout_s: float | None = None) -> None:
            seen.append(timeout_s)
            raise RuntimeError("still reading a dead microphone")

    stuck = Stuck()
    exit_guard.stop_at_exit(stuck)
    exit_guard.close_all(timeout_s=0.1)  # an owner that fails to stop does not stop the rest
    assert seen == [0.1]
    del stuck  # held weakly: gone from the guard with it
