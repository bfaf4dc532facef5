"""llama.cpp prints notes on stderr that are expected where this project provokes them:

- reads that ask for hidden states: "embeddings required but some input tokens were not
  marked as outputs", on every call (its note that it keeps every token's output);
- a background read stopped mid-slice for a Whisper pass (llm/embedded.py): "decode: removing
  memory module entries for seq_id = 0, pos = [16, +inf)", its note that it dropped the
  slice's cache.

``quiet_llama_notes`` hides them for such a read.

Two threads may read at once (the grader's probe on the interviewer model, the end-of-turn
reader on SmolLM2), so the logger's level is saved by the first read in and restored by the
last one out: a save and restore per read could leave the logger silenced for good.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

LLAMA_LOGGER = "llama-cpp-python"
_lock = threading.Lock()
_inside = 0
_saved_level = logging.NOTSET


@contextmanager
def quiet_llama_notes() -> Iterator[None]:
    global _inside, _saved_level
    logger = logging.getLogger(LLAMA_LOGGER)
    with _lock:
        if _inside == 0:
            _saved_level = logger.level
            logger.setLevel(logging.CRITICAL)
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0:
                logger.setLevel(_saved_level)
