"""The whole-answer transcript replaces the windowed live one in the session (real whisper)."""

from __future__ import annotations

import pytest
from audio_helpers import silence, synth_samples

from interviewer.interview.live.retranscribe import AnswerRetranscriber
from interviewer.speech.stt import load_transcriber


@pytest.mark.slow
def test_jobs_finish_in_order_and_a_bad_one_loses_nothing(tmp_path):
    import numpy as np

    retranscriber = AnswerRetranscriber(load_transcriber(None))
    speech = synth_samples("I would retrain the ranker every day.", tmp_path)
    retranscriber.submit(3, np.concatenate([silence(0.3), speech]), None)
    retranscriber.submit(5, np.zeros((2, 2, 2), dtype=np.float32), None)  # not audio
    retranscriber.submit(7, silence(1.0), None)
    done = retranscriber.collect(wait=True)
    retranscriber.close()
    assert [d.index for d in done] == [3, 7]
    assert "ranker" in done[0].transcription.text.lower()
    assert done[1].transcription.text == ""
