"""Bounded retries with exponential backoff, for transient failures of a remote LLM.

Bounded twice: by a number of retries and by a total time budget, so a dead server costs the
candidate a couple of seconds and a clear message, never a hung interview.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    max_total_s: float = 30.0

    def delay_s(self, retry_index: int) -> float:
        """0.5, 1, 2, 4 … seconds, capped."""
        return min(self.base_delay_s * (2**retry_index), self.max_delay_s)


def call_with_retries(
    fn: Callable[[], T],
    *,
    policy: RetryPolicy,
    is_transient: Callable[[BaseException], bool],
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Call ``fn``; retry transient errors within the policy; re-raise the last error."""
    started = clock()
    retry_index = 0
    while True:
        try:
            return fn()
        except Exception as exc:
            if not is_transient(exc) or retry_index >= policy.max_retries:
                raise
            delay = policy.delay_s(retry_index)
            if clock() - started + delay > policy.max_total_s:
                raise
            logger.info(
                "transient LLM failure (%s); retry %d/%d in %.1f s",
                exc.__class__.__name__,
                retry_index + 1,
                policy.max_retries,
                delay,
            )
            sleep(delay)
            retry_index += 1
