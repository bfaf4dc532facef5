"""`interviewer practice` end to end, as a user runs it: real subprocesses, real faster-whisper,
real espeak-ng speech, the real embedded interviewer model."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from audio_helpers import (
    no_mic_env,
    silence,
    synth_samples,
    synth_wav,
    virtual_mic_env,
    write_raw_s16,
)
from cli_helpers import run_cli
from llm_helpers import free_port
from shared_data import REPO_ROOT

from interviewer.session import load_session

pytestmark = [pytest.mark.slow]

QUESTION = "sd-recsys-video"
SPOKEN_ANSWERS = [
    "Before I start, how many daily active users do we have, and what is the latency budget?",
    "Okay, um, I would use a two tower model for candidate generation, and then a gradient "
    "boosted ranker trained on watch time. Offline I'd measure recall at k and NDCG.",
    "Because the two tower model lets us precompute the video embeddings and use approximate "
    "nearest neighbour search, so retrieval stays fast.",
    "Honestly, I don't know.",
]


@pytest.fixture(scope="module")
def answers_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("answers")
    for n, text in enumerate(SPOKEN_ANSWERS, start=1):
        synth_wav(text, folder / f"{n:02d}.wav", voice="en-us" if n % 2 else "en-gb")
    return folder


def only_session(out: Path) -> Path:
    folders = [p for p in out.iterdir() if (p / "session.json").exists()]
    assert len(folders) == 1, folders
    return folders[0]


@pytest.mark.llm
def test_practice_from_audio_files_records_every_turn(answers_dir, tmp_path):
    out = tmp_path / "sessions"
    proc = run_cli(
        "practice",
        "--round",
        "ml_system_design",
        "--question",
        QUESTION,
        "--answers",
        str(answers_dir),
        "--no-voice",
        "--out",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    session = load_session(only_session(out))
    assert session.complete and session.rounds == ["ml_system_design"]
    acts = [t.act for t in session.turns if t.speaker == "interviewer"]
    assert acts[:2] == ["greet", "ask"] and acts[-1] == "wrap_up"
    by_index = {t.index: t for t in session.turns}
    candidate = session.candidate_turns()
    assert len(candidate) == len(SPOKEN_ANSWERS)

    # 1. The clarifying question is answered with the bank's own facts, nothing invented.
    clarify = by_index[candidate[0].index + 1]
    assert clarify.act == "clarify"
    assert "50 million daily active users" in clarify.text and "200 ms" in clarify.text
    # 2. The named choice gets a "why" about it.
    probe = by_index[candidate[1].index + 1]
    assert probe.act == "probe" and probe.depth == 1 and probe.text.endswith("?")
    # 3. "I don't know" gets a hint, not another why.
    assert by_index[candidate[3].index + 1].act == "hint"

    for turn in candidate:
        assert (only_session(out) / turn.audio).is_file()
        assert (
            turn.words and turn.start <= turn.words[0].start <= turn.words[-1].end <= turn.end + 0.5
        )
    assert "two tower" in candidate[1].text.lower().replace("-", " ")
    # The timeline never overlaps.
    for before, after in zip(session.turns, session.turns[1:], strict=False):
        assert before.end <= after.start + 1e-6
    settings = json.dumps(session.settings)
    assert "api_key" not in settings


def test_no_microphone_is_a_clear_error(tmp_path):
    proc = run_cli("practice", "--no-voice", "--out", str(tmp_path), env=no_mic_env(tmp_path))
    assert proc.returncode == 2
    assert "no microphone found" in proc.stderr and "--answers" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_round_and_persona_are_clear_errors(tmp_path):
    proc = run_cli("practice", "--round", "astrology", "--text", "--out", str(tmp_path))
    assert proc.returncode == 2 and "astrology" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("practice", "--persona", "nobody", "--text", "--out", str(tmp_path))
    assert proc.returncode == 2 and "nobody" in proc.stderr and "Traceback" not in proc.stderr


def test_dead_llm_server_keeps_the_turns_so_far(tmp_path):
    port = free_port()  # nothing listens there
    typed = "How many users do we have?\nI would use a two tower model for retrieval.\n"
    proc = run_cli(
        "practice",
        "--text",
        "--no-voice",
        "--question",
        QUESTION,
        "--out",
        str(tmp_path),
        "--backend",
        "openai",
        "--base-url",
        f"http://127.0.0.1:{port}/v1",
        "--model",
        "any",
        stdin=typed,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    assert "127.0.0.1" in proc.stderr and "Traceback" not in proc.stderr
    session = load_session(only_session(tmp_path))
    assert not session.complete
    assert [t.speaker for t in session.turns][-1] == "candidate"
    assert len(session.candidate_turns()) == 2 and session.turns[3].act == "clarify"


def test_killed_mid_session_the_folder_loads_with_every_finished_turn(answers_dir, tmp_path):
    many = tmp_path / "many"
    many.mkdir()
    for n in range(12):  # long enough that the kill lands mid-interview
        (many / f"{n:02d}.wav").write_bytes((answers_dir / "02.wav").read_bytes())
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "interviewer",
            "practice",
            "--answers",
            str(many),
            "--no-voice",
            "--question",
            QUESTION,
            "--out",
            str(out),
            "--model",
            "smollm2",
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            files = list(out.glob("*/session.json")) if out.exists() else []
            if files and len(json.loads(files[0].read_text())["turns"]) >= 5:
                break
            assert process.poll() is None, "practice ended before it could be killed"
            time.sleep(0.2)
        else:
            pytest.fail("practice did not record 5 turns in time")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    session = load_session(only_session(out))
    assert not session.complete and len(session.turns) >= 5
    for turn in session.turns:
        if turn.audio:
            assert (only_session(out) / turn.audio).is_file()
    assert not list(only_session(out).glob(".*.tmp"))  # no half-written file left behind


def test_practice_through_a_virtual_microphone(tmp_path):
    """Real sounddevice capture from a virtual ALSA device: the endpointing ends the turn.

    The ALSA file plugin replays its file from the start each time the device opens, so this
    runs a one-answer interview (--depth 0: after the answer the interviewer moves on)."""
    import numpy as np

    answer = synth_samples("I would use a two tower model for candidate generation.", tmp_path)
    audio = np.concatenate([silence(0.6), answer, silence(8.0)])
    raw = write_raw_s16(audio, tmp_path / "mic.raw")
    out = tmp_path / "out"
    proc = run_cli(
        "practice",
        "--no-voice",
        "--question",
        QUESTION,
        "--depth",
        "0",
        "--model",
        "smollm2",
        "--out",
        str(out),
        env=virtual_mic_env(raw, tmp_path),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    session = load_session(only_session(out))
    # The round then invites the candidate's questions, and the device replays the same
    # answer for that turn too: the first turn is the answer to the question.
    turn = session.candidate_turns()[0]
    assert turn.source == "microphone" and turn.meta["ended_by"] == "silence"
    assert "two tower" in turn.text.lower().replace("-", " ")
    # The turn ended on the silence after the answer, before the audio ran out. (This
    # device is not paced in real time, so the transcript may lag the audio and the
    # turn may wait up to the thinking-pause allowance for it.)
    assert turn.duration < len(audio) / 16000 - 1.0
    assert session.complete


@pytest.mark.llm
def test_loop_runs_rounds_back_to_back_into_one_session(tmp_path):
    typed = "\n".join(
        [
            "I'd count the words with a hash map and keep a heap of size k, so O of n log k.",
            "Because the heap never holds more than k items, it beats sorting all n.",
            "No, no questions from me.",  # each round ends with the candidate's questions
            "The situation was a ranking model that regressed; I rolled back and added a check.",
            "Because rolling back stopped the damage fastest, and the check caught it next time.",
            "How does your team handle retraining and drift?",
            "No, that's all, thanks.",
        ]
    )
    proc = run_cli(
        "loop",
        "--rounds",
        "coding,behavioural",
        "--depth",
        "1",
        "--text",
        "--no-voice",
        "--out",
        str(tmp_path),
        "--seed",
        "3",
        stdin=typed + "\n",
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    session = load_session(only_session(tmp_path))
    assert session.complete and session.rounds == ["coding", "behavioural"]
    acts = [(t.round, t.act) for t in session.turns if t.speaker == "interviewer"]
    assert ("behavioural", "break") in acts and acts[-1][1] == "wrap_up"
    assert [a for _, a in acts].count("probe") == 2
    assert {t.round for t in session.candidate_turns()} == {"coding", "behavioural"}
    assert [a for _, a in acts].count("invite_questions") == 2
    assert "Scorecard" in proc.stdout


def test_grade_accepts_a_session_id_and_last(tmp_path):
    """`grade`, like `report` and `replay`, finds sessions by id or as 'last'."""
    out = tmp_path / "rec"
    env = os.environ.copy() | {"INTERVIEWER_RECORDINGS_DIR": str(out)}
    typed = "How many users do we have?\nHonestly, I don't know.\n"
    made = run_cli(
        "practice",
        "--text",
        "--no-voice",
        "--question",
        QUESTION,
        "--model",
        "smollm2",
        env=env,
        stdin=typed,
        timeout=600,
    )
    assert made.returncode == 0, made.stderr[-2000:]
    folder = only_session(out)
    for target in ("last", folder.name):
        graded = run_cli("grade", target, "--json", env=env)
        assert graded.returncode == 0, graded.stderr
        assert "clarifying_questions" in json.loads(graded.stdout)["dimensions"]
    missing = run_cli("grade", "no-such-session", env=env)
    assert missing.returncode == 2 and "no-such-session" in missing.stderr
