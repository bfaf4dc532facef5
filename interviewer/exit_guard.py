"""Stop the threads that run native models before Python tears the models down.

A daemon thread still inside onnxruntime, CTranslate2 or llama.cpp when the interpreter
finalises can abort the process after its work is done: "terminate called without an active
exception", exit -6 (seen in 2 of 11 runs of a script that took one answer from the microphone
and returned without closing the listener that keeps hearing the candidate after the turn).
The objects that own such a thread register here, and at exit each still open is closed,
its thread given :data:`STOP_TIMEOUT_S` (a dead microphone must not hang the exit).
"""

from __future__ import annotations

import atexit
import logging
import weakref
from typing import Protocol

log = logging.getLogger(__name__)

STOP_TIMEOUT_S = 2.0


class StoppableOwner(Protocol):
    def close(self, timeout_s: float | None = None) -> None: ...


_OPEN: weakref.WeakSet[StoppableOwner] = weakref.WeakSet()
_registered = False


def stop_at_exit(owner: StoppableOwner) -> None:
    """Close ``owner`` at interpreter exit if it is still alive then (held weakly: an owner
    its thread no longer references is gone, and with it the need).

    The exit handler is registered with the first owner, so it runs before the handlers of
    the libraries the owner already uses (atexit runs last-registered first): sounddevice's,
    which terminates PortAudio, must not go before the streams are closed.
    """
    global _registered
    if not _registered:
        atexit.register(close_all)
        _registered = True
    _OPEN.add(owner)


def close_all(timeout_s: float = STOP_TIMEOUT_S) -> None:
    """Close every registered owner still alive (at exit; tests call it directly)."""
    for owner in list(_OPEN):
        try:
            owner.close(timeout_s=timeout_s)
        except Exception as exc:  # exiting anyway: say what could not be stopped
            log.debug("could not stop %r at exit: %s", owner, exc)
