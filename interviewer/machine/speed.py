"""Measure the machine when the models load, and plan the live pipeline from it.

The streaming pipeline hides its work inside the candidate's answer: incremental
transcription passes, the LLM's prompt warmed with the words so far, a reply drafted at a
pause. On a fast machine that work is free; on one four times slower, it competes with the
reply for the same cores and the advantage is gone (issue 13: ratio 1.04 at 43 prompt / 9.4
generation tokens per second). So the amount of background work follows the machine:

    speed (measured once)              plan
    speech model real-time factor  ->  the longest window one incremental pass may
    and usable cores                   transcribe, and seconds of new speech between passes
    usable cores                   ->  whether the LLM drafts the probe while they speak

The LLM's speed is measured and recorded too (session settings, the latency benchmark); see
docs/slow-machines.md for what was measured.

The plan is a pydantic model so a benchmark can print it and a user can pin it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .cpus import usable_cpus

log = logging.getLogger(__name__)

# The machine the streaming defaults were tuned on (README's latency table): 2 cores,
# 176 prompt / 38 generation tokens per second, speech-to-text real-time factor 0.067.
REFERENCE_STT_RTF = 0.067
# Background transcription may use this share of the cores while the candidate speaks; the
# rest is the prefill's and, at a pause, the draft's.
_STT_BUSY_SHARE = 0.35
_REFERENCE_WINDOW_S = 12.0
_MIN_WINDOW_S = 6.0
_MIN_STEP_S, _MAX_STEP_S = 2.0, 6.0
_MIN_CPUS_FOR_LLM_WHILE_SPEAKING = 2

_PROBE_TEXT = (
    "The candidate proposes a two tower retrieval model trained on clicks, an approximate "
    "nearest neighbour index refreshed every hour, and a gradient boosted ranker on top. "
) * 3 + "Ask one short follow-up question."


class MachineSpeed(BaseModel):
    """What the models do per second on this machine, measured when they load."""

    model_config = ConfigDict(frozen=True)

    cpus: int = Field(ge=1)
    llm_prompt_tps: float = Field(gt=0, description="prompt tokens evaluated per second")
    llm_gen_tps: float = Field(gt=0, description="tokens generated per second")
    stt_rtf: float = Field(gt=0, description="speech-to-text seconds per second of audio")


class StreamingPlan(BaseModel):
    """How much background work the live pipeline does while the candidate speaks."""

    model_config = ConfigDict(frozen=True)

    incremental_step_s: float = Field(2.0, gt=0, description="new speech between passes")
    incremental_window_s: float = Field(12.0, gt=0, description="longest window of one pass")
    llm_while_speaking: bool = Field(
        True, description="draft the probe (and warm its prompt) while the candidate speaks"
    )


def plan_for(speed: MachineSpeed | None) -> StreamingPlan:
    """The plan for a machine of this speed; the defaults when it was not measured."""
    if speed is None:
        return StreamingPlan()
    # A pass over a window of W seconds costs about W * rtf of CPU, and the pass heard at the
    # pause is on the reply's path: shrink the window as the model slows, so that pass costs
    # what it cost on the reference machine (down to 6 s: shorter windows cost Whisper
    # context, which the whole-answer re-transcription after the reply gives back).
    window_s = _REFERENCE_WINDOW_S * min(1.0, REFERENCE_STT_RTF / speed.stt_rtf)
    window_s = max(_MIN_WINDOW_S, window_s)
    # Passes every S seconds over windows of W keep the transcriber busy W * rtf / S of the
    # time, spread over the cores it has: hold that to a share.
    step_s = window_s * speed.stt_rtf / (_STT_BUSY_SHARE * speed.cpus)
    step_s = min(_MAX_STEP_S, max(_MIN_STEP_S, step_s))
    # On one core the LLM's work during the answer (a prompt evaluation is one native call
    # that cannot step aside) held up the pass that hears the last words, and the end of
    # every turn waited for it up to the thinking-pause cap: 4.5 s (benchmarks/latency.py
    # --cpus 1, docs/slow-machines.md). There, the probe is written after the answer.
    plan = StreamingPlan(
        incremental_step_s=round(step_s, 2),
        incremental_window_s=round(window_s, 1),
        llm_while_speaking=speed.cpus >= _MIN_CPUS_FOR_LLM_WHILE_SPEAKING,
    )
    log.info("machine %s -> streaming plan %s", speed, plan)
    return plan


def measure_llm(backend: Any) -> tuple[float, float]:
    """Prompt and generation tokens per second on a short fixed request (about 1 s on the
    reference machine). The cache is dropped first so the whole prompt is evaluated."""
    from ..llm.base import ChatMessage

    # The first call after loading pages the weights in from disk: warm up, then measure.
    backend.complete([ChatMessage(role="user", content="Hello.")], max_tokens=2, temperature=0.0)
    if hasattr(backend, "forget_cache"):
        backend.forget_cache()
    done = backend.complete(
        [ChatMessage(role="user", content=_PROBE_TEXT)], max_tokens=12, temperature=0.0
    )
    if hasattr(backend, "forget_cache"):
        backend.forget_cache()
    prompt_s = max(done.prompt_seconds or 0.0, 1e-3)
    gen_s = max(done.seconds - prompt_s, 1e-3)
    return done.prompt_tokens / prompt_s, max(done.completion_tokens - 1, 1) / gen_s


def measure_stt(transcriber: Any, seconds: float = 4.0) -> float:
    """Real-time factor of the speech model on a few seconds of synthetic voiced audio."""
    import numpy as np

    rate = 16000
    t = np.arange(int(seconds * rate)) / rate
    # A vowel-like buzz with syllable-rate amplitude: the decoder runs as on speech.
    voice = sum(np.sin(2 * np.pi * f * t) / k for k, f in enumerate((140, 280, 700, 1100), 1))
    audio = (0.1 * voice * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t))).astype(np.float32)
    transcriber.transcribe(audio[:rate], vad_filter=False)  # warm-up, as for the LLM
    started = time.perf_counter()
    transcriber.transcribe(audio, vad_filter=False)
    return (time.perf_counter() - started) / seconds


def measure(backend: Any, transcriber: Any) -> MachineSpeed:
    """Both models' speed, measured now (a few seconds on the reference machine).

    It measures the machine as it is at that moment, other programs' load included: a busy
    laptop gets the plan of a slow one."""
    prompt_tps, gen_tps = measure_llm(backend)
    return MachineSpeed(
        cpus=usable_cpus(),
        # At least 0.1: a machine so busy that it rounds to 0 is slow, not invalid.
        llm_prompt_tps=max(round(prompt_tps, 1), 0.1),
        llm_gen_tps=max(round(gen_tps, 1), 0.1),
        stt_rtf=round(measure_stt(transcriber), 3),
    )
