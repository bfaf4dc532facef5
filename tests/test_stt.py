"""Real faster-whisper (bundled tiny.en) on real and synthesised speech."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from interviewer.errors import AudioError, SpeechModelError
from interviewer.speech.stt import build_prompt, load_transcriber, resolve_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from shared_data import JFK_TEXT, REPO_ROOT  # noqa: E402
from stt_accuracy import (  # noqa: E402
    DATA,
    filler_counts,
    synthesise,
    word_error_rate,
)

pytestmark = pytest.mark.slow
ANSWERS = {a["id"]: a for a in yaml.safe_load(DATA.read_text())["answers"]}


@pytest.fixture(scope="module")
def transcriber():
    return load_transcriber(None)


def test_real_speech_is_transcribed_with_word_timestamps(transcriber, jfk_flac):
    result = transcriber.transcribe(jfk_flac)
    assert word_error_rate(JFK_TEXT, result.text) <= 0.10, result.text
    assert result.duration == pytest.approx(11.0, abs=0.1)
    starts = [w.start for w in result.words]
    assert starts == sorted(starts) and len(result.words) >= 20
    assert all(0.0 <= w.start <= w.end <= result.duration + 0.5 for w in result.words)
    # "country" closes the speech: its last occurrence is near the end of the audio.
    assert [w for w in result.words if "country" in w.word.lower()][-1].end > 9.0


@pytest.mark.parametrize("answer_id", ["recsys", "rag"])
def test_domain_prompt_beats_no_prompt_and_keeps_fillers(transcriber, tmp_path, answer_id):
    answer = ANSWERS[answer_id]
    wav = synthesise(answer["text"], tmp_path / "a.wav", "en-us", 160)
    plain = transcriber.transcribe(wav, prompt="")
    biased = transcriber.transcribe(wav, prompt=build_prompt(answer["terms"]))
    assert word_error_rate(answer["text"], biased.text) <= word_error_rate(
        answer["text"], plain.text
    )
    assert word_error_rate(answer["text"], biased.text) < 0.25, biased.text
    assert filler_counts(biased.text) >= filler_counts(answer["text"]) - 1, biased.text


def test_silence_gives_no_words(transcriber):
    result = transcriber.transcribe(np.zeros(16000 * 3, dtype=np.float32))
    assert result.words == [] and result.text == ""


def test_prompt_is_bounded_and_carries_terms():
    prompt = build_prompt(["two-tower", "NDCG"] * 200, question="Design a recommender.")
    assert len(prompt.split()) <= 120 and "NDCG" in prompt and "um" in prompt.lower()


def test_missing_or_broken_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(SpeechModelError, match="does not exist"):
        resolve_model(str(tmp_path / "nope"))
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(SpeechModelError, match="missing model.bin"):
        resolve_model(str(tmp_path))


def test_corrupt_audio_is_named(transcriber, tmp_path):
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"RIFF\x00\x00garbage")
    with pytest.raises(AudioError, match="broken.wav"):
        transcriber.transcribe(bad)


def test_transcribe_cli_json(jfk_flac, tmp_path):
    bad = tmp_path / "corrupt.flac"
    bad.write_bytes(b"not audio at all")
    proc = subprocess.run(
        [sys.executable, "-m", "interviewer", "transcribe", "--json", str(jfk_flac), str(bad)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=300,
    )
    assert proc.returncode == 2  # one file failed, and said so
    assert "corrupt.flac" in proc.stderr and "Traceback" not in proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(records) == 1
    record = records[0]
    assert set(record) == {"file", "text", "duration", "words"}
    assert "fellow Americans" in record["text"]
    assert {"word", "start", "end", "probability"} == set(record["words"][0])


def _words(text: str):
    from interviewer.speech.stt import TranscribedWord

    return [
        TranscribedWord(word=w, start=i, end=i + 0.5, probability=1.0)
        for i, w in enumerate(text.split())
    ]


def test_repetition_loops_are_collapsed_but_real_repeats_kept():
    from interviewer.speech.stt import collapse_repetition_loops

    looped = _words("recall at k, and NDCG, and NDCG, and NDCG, NDCG, NDCG, NDCG.")
    kept = " ".join(w.word for w in collapse_repetition_loops(looped))
    assert kept.count("NDCG") <= 3
    legit = "no, no, that is O of n log k time and O of n space"
    assert " ".join(w.word for w in collapse_repetition_loops(_words(legit))) == legit
