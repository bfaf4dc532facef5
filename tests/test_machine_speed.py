"""interviewer/machine: usable cores, and the streaming plan chosen from measured speed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from interviewer.machine import MachineSpeed, StreamingPlan, plan_for, usable_cpus

REFERENCE = MachineSpeed(cpus=2, llm_prompt_tps=176, llm_gen_tps=38, stt_rtf=0.067)
SLOW = MachineSpeed(cpus=2, llm_prompt_tps=43, llm_gen_tps=9.4, stt_rtf=0.10)
ONE_SLOW_CORE = MachineSpeed(cpus=1, llm_prompt_tps=25, llm_gen_tps=6, stt_rtf=0.2)


def test_unmeasured_machine_gets_the_defaults() -> None:
    assert plan_for(None) == StreamingPlan()


def test_the_reference_machine_keeps_the_tuned_streaming_settings() -> None:
    plan = plan_for(REFERENCE)
    assert plan.incremental_window_s == 12.0
    assert plan.incremental_step_s <= 3.0


def test_slower_machines_transcribe_less_often_over_shorter_windows() -> None:
    plans = [plan_for(s) for s in (REFERENCE, SLOW, ONE_SLOW_CORE)]
    steps = [p.incremental_step_s for p in plans]
    windows = [p.incremental_window_s for p in plans]
    assert steps == sorted(steps) and steps[0] < steps[-1]
    assert windows == sorted(windows, reverse=True) and windows[0] > windows[-1]
    # Whatever the machine, the background passes stay within their share of the cores.
    for speed, plan in zip((REFERENCE, SLOW, ONE_SLOW_CORE), plans, strict=True):
        busy = plan.incremental_window_s * speed.stt_rtf / plan.incremental_step_s
        assert busy <= 0.35 * speed.cpus + 1e-6 or plan.incremental_step_s == 6.0


def test_one_core_writes_the_probe_after_the_answer_not_while_it_is_spoken() -> None:
    assert plan_for(REFERENCE).llm_while_speaking and plan_for(SLOW).llm_while_speaking
    assert not plan_for(ONE_SLOW_CORE).llm_while_speaking


def test_a_plan_without_llm_work_while_speaking_feeds_the_preparer_nothing() -> None:
    from interviewer.interview.answers.sources import AnswerContext
    from interviewer.interview.live.after_turn import ListeningMicrophone
    from interviewer.interview.live.microphone import LiveMicrophoneAnswers

    class Listener:
        def words_so_far(self, text):
            raise AssertionError("fed while speaking")

        paused = words_so_far

        def resumed(self):
            raise AssertionError("fed while speaking")

    class Recorder:
        device = None
        endpoint = None

        def open_frames(self):
            return iter(())

        def record_turn(self, *, on_frame, words_provider, policy, frames):
            raise _Stop(self)

    class _Stop(Exception):
        pass

    seen = {}

    class Incremental:
        def __init__(self, *args, on_words=None, **kwargs):
            seen["on_words"] = on_words

        def caught_up(self):
            return True

        def words_so_far(self):
            return ""

        def close(self):
            pass

    import interviewer.interview.live.microphone as microphone

    source = LiveMicrophoneAnswers.__new__(LiveMicrophoneAnswers)
    source.recorder, source.transcriber, source.on_frame = Recorder(), None, None
    source.microphone = ListeningMicrophone(source.recorder)
    source.on_words, source.turn_model = None, None
    source.plan = plan_for(ONE_SLOW_CORE)
    original = microphone.IncrementalTranscriber
    microphone.IncrementalTranscriber = Incremental  # type: ignore[misc]
    try:
        with pytest.raises(_Stop):
            source.next_answer(
                AnswerContext("ml_system_design", "q", "ask", "?", listener=Listener())
            )
    finally:
        microphone.IncrementalTranscriber = original  # type: ignore[misc]
    assert seen["on_words"] is None


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux CPU affinity only")
def test_usable_cpus_follows_the_affinity_mask() -> None:
    assert 1 <= usable_cpus() <= (os.cpu_count() or 1)
    code = (
        "import os; os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]}); "
        "from interviewer.machine import usable_cpus; "
        "from interviewer.llm.settings import LLMSettings; "
        "print(usable_cpus(), LLMSettings().n_threads)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "1"]


@pytest.mark.slow
@pytest.mark.llm
def test_measure_reads_both_real_models_and_plans_from_them() -> None:
    from llm_helpers import embedded_backend

    from interviewer.machine.speed import measure
    from interviewer.speech.stt import load_transcriber

    speed = measure(embedded_backend("smollm2"), load_transcriber(None))
    assert speed.cpus == usable_cpus()
    assert speed.llm_prompt_tps > 0 and speed.llm_gen_tps > 0 and speed.stt_rtf > 0
    plan = plan_for(speed)
    assert 2.0 <= plan.incremental_step_s <= 6.0 and 6.0 <= plan.incremental_window_s <= 12.0
