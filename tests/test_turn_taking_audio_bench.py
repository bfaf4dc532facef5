"""benchmarks/turn_taking_audio.py on a folder in the kept-aside check's other format: one
speaker's own channel per file (``<recording>_<speaker>.wav``), where a shift's pause may
end where it begins (the other side already talking) and the channel stays quiet after it.

The channel is real speech (jfk.flac, one speaker, its three pauses as holds and its end as
a shift), the real VAD and the real end-of-turn model; the words are left out (--no-words)
so the test does not wait for Whisper. The shared meeting mixtures are the benchmark's own
material and are measured there, not here.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
import soundfile as sf
from shared_data import REPO_ROOT, SHARED_SPEECH

from interviewer.audio import smart_turn
from interviewer.audio.io import SAMPLE_RATE, load_audio, to_int16

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
import turn_taking_audio  # noqa: E402

JFK = SHARED_SPEECH / "jfk.flac"
# The Silero VAD's pauses in jfk.flac (speech ends, speech resumes) and its last word's end.
HOLDS = [(2.26, 3.38), (4.37, 5.49), (7.64, 8.28)]
END_S = 10.5


def _channel_folder(folder, after_end: np.ndarray) -> None:
    """jfk as one speaker's channel (``jfk_A.wav``): its pauses as holds, its end a shift where
    the other side is already talking, and ``after_end`` what the channel hears after it."""
    samples = load_audio(JFK)
    channel = np.concatenate([samples[: round(END_S * SAMPLE_RATE)], after_end])
    sf.write(folder / "jfk_A.wav", channel, SAMPLE_RATE, subtype="PCM_16")
    rows = ["file,speaker,kind,pause_start_s,pause_end_s,turn_start_s,words_before"]
    rows += [f"jfk_A.wav,A,hold,{start},{end},0.00," for start, end in HOLDS]
    rows.append(f"jfk_A.wav,A,shift,{END_S},{END_S},0.00,")  # the other side already talking
    (folder / "events.csv").write_text("\n".join(rows) + "\n")


def _run(folder, *options: str) -> dict:
    if smart_turn.load_smart_turn() is None:
        pytest.fail(
            f"the end-of-turn model is not installed at {smart_turn.model_path()}: "
            "run ./install.sh (or python -m interviewer.audio.smart_turn install)"
        )
    out = folder / f"eot{len(options)}.json"
    argv = ["--audio", str(folder), "--no-words", "--json", str(out), *options]
    assert turn_taking_audio.main(argv) == 0
    return json.loads(out.read_text())


@pytest.mark.skipif(not JFK.is_file(), reason="needs ../shared/data/speech/jfk.flac")
def test_a_speakers_own_channel_is_read_and_scored(tmp_path) -> None:
    _channel_folder(tmp_path, np.zeros(SAMPLE_RATE * 3, dtype=np.float32))
    report = _run(tmp_path)
    assert (report["holds"], report["shifts"], report["files"]) == (3, 1, 1)
    # The channel is quiet after its end: every policy ends the turn, within the wait cap.
    assert 0.0 < report["end_delay_mean_s"] < turn_taking_audio.MAX_WAIT_S
    assert 0.0 <= report["false_end_rate"] <= 1.0
    assert 0.0 <= report["silence_false_end_rate"] <= 1.0
    assert [e["kind"] for e in report["events"]] == ["hold"] * 3 + ["shift"]
    # The end of the speech sounds finished to the voice, as in tests/test_voice_end.py.
    assert report["events"][-1]["voice_score"] > 0.5


@pytest.mark.skipif(not JFK.is_file(), reason="needs ../shared/data/speech/jfk.flac")
def test_the_other_side_heard_20_db_down_does_not_hold_the_turn_open(tmp_path) -> None:
    """A headset's crosstalk (or a telephone's echo): after the shift the channel carries the
    other side's real speech 20 dB under the speaker's. Heard as speech, it would keep the
    pause from ever ending; under the VAD's gate the turn ends as on a quiet channel."""
    other = load_audio(JFK)[: SAMPLE_RATE * 6] * np.float32(0.1)  # -20 dB
    _channel_folder(tmp_path, other)
    gated, ungated = _run(tmp_path), _run(tmp_path, "--no-crosstalk-gate")
    assert gated["crosstalk_gate"] and not ungated["crosstalk_gate"]
    assert gated["end_delay_mean_s"] < 1.0
    assert ungated["end_delay_mean_s"] > gated["end_delay_mean_s"] + 1.0


@pytest.mark.skipif(not JFK.is_file(), reason="needs ../shared/data/speech/jfk.flac")
def test_a_turn_on_a_speakers_own_channel_starts_with_their_earlier_level() -> None:
    """As the live recorder carries the speaker's level from turn to turn, the benchmark
    gives each turn on a speaker's own channel the level of their speech before it: none
    before they have spoken, the VAD's own measure of that speech after it."""
    from interviewer.audio.vad import VoiceActivityDetector

    speech = load_audio(JFK)
    channel = np.concatenate([np.zeros(SAMPLE_RATE, dtype=np.float32), speech])
    levels = turn_taking_audio.earlier_levels(channel)
    assert turn_taking_audio.level_before(levels, 0.9) is None  # nobody has spoken yet
    assert turn_taking_audio.level_before(None, 5.0) is None  # a mixture: everyone's speech
    vad = VoiceActivityDetector()
    pcm = to_int16(channel)
    for start in range(0, pcm.size - turn_taking_audio.FRAME + 1, turn_taking_audio.FRAME):
        vad.process(pcm[start : start + turn_taking_audio.FRAME])
    end_s = channel.size / SAMPLE_RATE
    assert turn_taking_audio.level_before(levels, end_s) == pytest.approx(vad.own_level_dbfs())
