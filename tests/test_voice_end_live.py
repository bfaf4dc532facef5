"""The live microphone path through a virtual ALSA device: a 1.5-s pause mid-answer does not
end the turn, with the end-of-turn voice model and the reader of the words' meaning in (as
``practice`` runs it), and without the voice model the path still works and says why.

The device replays real speech (jfk.flac, split mid-sentence with 1.5 s of silence) paced to
real time, through the same builder ``practice`` uses (pipeline.microphone_answers): capture,
voice activity, incremental Whisper, the voice model and the words' waits. The interviewer
speaks only once ``next_answer`` returns, so one answer holding both halves is the candidate
not interrupted, and one turn in the session.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from audio_helpers import SHARED_SPEECH_DIR, run_python, silence, virtual_mic_env, write_raw_s16

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (SHARED_SPEECH_DIR / "jfk.flac").is_file(), reason="needs ../shared/data/speech"
    ),
]

SR = 16000
LEAD_S = 0.5
SPLIT_S = 6.04  # "... ask not what your | country can do for you, ask what you can do ..."
PAUSE_S = 1.5

_ONE_ANSWER = r"""
import json, logging, sys
from interviewer.interview.answers.sources import AnswerContext
from interviewer.interview.pipeline import microphone_answers
from interviewer.speech.stt import load_transcriber

logging.basicConfig(level=logging.WARNING)
stt = load_transcriber(None)
decisions = []  # (audio time, the policy's reason) for every frame
source = microphone_answers(
    stt,
    streaming=True,
    realtime=True,
    on_frame=lambda info: decisions.append((info.elapsed_s, info.decision)),
)
answer = source.next_answer(
    AnswerContext(
        round="behavioural",
        question_id="test",
        interviewer_act="ask",
        interviewer_text="What should we ask of our country?",
    )
)
print(json.dumps({
    "voice_model": source.turn_model is not None,
    "words_model": source.words_model is not None,
    "ended_by": answer.ended_by,
    "text": answer.transcription.text,
    "seconds": answer.samples.size / 16000,
    "decisions": decisions,
}))
"""


def _shorten_pauses(speech: np.ndarray, keep_s: float = 0.3) -> np.ndarray:
    """JFK's own pauses (1.16 s after "fellow Americans", 1.1 s after "ask not") cut to
    ``keep_s``, so that the inserted pause is the only long one: whether the policy holds
    those real pauses is measured on real audio by benchmarks/turn_taking_audio.py."""
    frame = int(0.02 * SR)
    n = speech.size // frame
    rms = np.sqrt((speech[: n * frame].reshape(n, frame) ** 2).mean(axis=1))
    quiet = rms < 0.05 * rms.max()
    keep = np.ones(speech.size, dtype=bool)
    start = None
    for i, q in enumerate([*quiet, False]):
        if q and start is None:
            start = i
        elif not q and start is not None:
            if (i - start) * 0.02 > keep_s and start > 0:
                keep[(start * frame + int(keep_s * SR)) : i * frame] = False
            start = None
    return speech[keep]


def _answer_with_a_pause(tmp_path, pause_s: float):
    from interviewer.audio.io import load_audio

    jfk = load_audio(SHARED_SPEECH_DIR / "jfk.flac")
    cut = int(SPLIT_S * SR)
    before, after = _shorten_pauses(jfk[:cut]), _shorten_pauses(jfk[cut:])
    audio = np.concatenate(
        [silence(LEAD_S), before, silence(pause_s, noise_dbfs=-70), after, silence(5.0)]
    )
    return write_raw_s16(audio, tmp_path / "mic.raw"), audio.size / SR, before.size / SR


def _run(tmp_path, env_extra: dict[str, str] | None = None):
    raw, total_s, split_s = _answer_with_a_pause(tmp_path, PAUSE_S)
    env = virtual_mic_env(raw, tmp_path) | (env_extra or {})
    proc = run_python(env, _ONE_ANSWER)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr, total_s, split_s


def _words(text: str) -> str:
    return " ".join("".join(c for c in text.lower() if c.isalnum() or c == " ").split())


def test_a_pause_mid_answer_does_not_end_the_turn(tmp_path) -> None:
    result, _, total_s, split_s = _run(tmp_path)
    assert result["voice_model"] is True  # as practice runs it, with the voice heard
    assert result["words_model"] is True  # and the words' meaning read
    assert result["ended_by"] == "silence"
    heard = _words(result["text"])
    # Both halves are in the one answer: the part before the pause and the part after it.
    assert "fellow americans" in heard, heard
    assert "what you can do for your country" in heard, heard
    # It ended after the second half, in the silence that follows it.
    assert result["seconds"] > total_s - 5.0
    # Through the inserted pause the policy held (it did not end the turn there).
    start = LEAD_S + split_s + 0.3
    in_pause = {d for t, d in result["decisions"] if start <= t <= start + PAUSE_S - 0.4}
    assert in_pause and in_pause <= {"pause", "voice_unfinished", "thinking_pause"}, in_pause


def test_without_the_model_the_live_path_says_so_and_still_works(tmp_path) -> None:
    result, stderr, _, _ = _run(tmp_path, {"INTERVIEWER_SMART_TURN_MODEL": str(tmp_path / "gone")})
    assert result["voice_model"] is False
    assert "end-of-turn voice model is not installed" in stderr
    assert result["ended_by"] == "silence"
    assert "fellow americans" in _words(result["text"])
