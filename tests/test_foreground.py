"""Speech first (machine/foreground.py): background model work steps aside for passes."""

from __future__ import annotations

import threading
import time

from interviewer.machine.foreground import Foreground


def _wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + 30  # the limit only guards against a hang
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.005)


def test_a_pass_starts_once_the_background_step_in_flight_is_over() -> None:
    """A pass asked for mid-step waits for that step (a slice of a prompt read) to end, and
    the background's next step waits for the pass: the two never share the cores."""
    foreground = Foreground()
    in_step, end_step, log = threading.Event(), threading.Event(), []

    def background() -> None:
        with foreground.background():
            foreground.wait_for_foreground()  # the first step begins
            in_step.set()
            assert end_step.wait(30)
            log.append("step 1 over")
            foreground.wait_for_foreground()  # the pass runs now: wait
            log.append("step 2")

    def a_pass() -> None:
        with foreground.running():
            log.append("pass")

    worker = threading.Thread(target=background)
    worker.start()
    assert in_step.wait(30)
    passer = threading.Thread(target=a_pass)
    passer.start()
    _wait_until(lambda: foreground.drains == 1, "the pass did not wait for the step")
    assert log == []  # the pass waits for the step in flight (at most DRAIN_TIMEOUT_S)
    end_step.set()
    worker.join(30)
    passer.join(30)
    assert log == ["step 1 over", "pass", "step 2"]
    assert foreground.drains == 1 and foreground.waits == 1


def test_a_pass_never_waits_for_background_that_has_ended() -> None:
    """A request that failed mid-step (a cancelled draft) has no step in flight after it."""
    foreground = Foreground()

    def background() -> None:
        try:
            with foreground.background():
                foreground.wait_for_foreground()
                raise RuntimeError("cancelled")
        except RuntimeError:
            pass

    worker = threading.Thread(target=background)
    worker.start()
    worker.join(30)
    with foreground.running():
        pass
    assert foreground.drains == 0
