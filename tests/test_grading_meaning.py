"""The reader of meaning (grading/meaning.py) and `interviewer judge`, on the real model."""

from __future__ import annotations

import csv
import json
import os

import numpy as np
import pytest
from cli_helpers import run_cli
from llm_helpers import free_port
from shared_data import REPO_ROOT

from interviewer.grading.embedder import embedder
from interviewer.grading.meaning import MeaningReader, asked_at_least, reference_points
from interviewer.grading.written import blended_mark

SHORT_ANSWERS = REPO_ROOT.parent / "shared" / "data" / "short-answers"


def test_embeddings_match_the_model_cards_figures() -> None:
    """The numpy forward pass gives what sentence-transformers gives (its model card)."""
    v = embedder().encode(
        ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    )
    sims = v @ v.T
    assert sims[0, 1] == pytest.approx(0.6660, abs=2e-3)
    assert sims[0, 2] == pytest.approx(0.1046, abs=2e-3)
    assert sims[1, 2] == pytest.approx(0.1411, abs=2e-3)


def test_a_reference_is_cut_into_its_points_with_headings_kept() -> None:
    reference = (
        "Differences:\n"
        "Fields only the TCP header has:\n"
        "-Sequence number\n"
        "-Acknowledgment number\n"
        "\n"
        "The UDP header is shorter. It has a fixed length."
    )
    assert reference_points(reference) == [
        "Fields only the TCP header has: Sequence number",
        "Fields only the TCP header has: Acknowledgment number",
        "The UDP header is shorter.",
        "It has a fixed length.",
    ]


def test_a_point_said_in_other_words_is_made_and_quoted_verbatim() -> None:
    reader = MeaningReader()
    points = [
        "A min-heap of size k keeps the k largest items seen so far.",
        "The total cost is O(n log k).",
    ]
    answer = (
        "I would walk through the stream once. I keep a small priority queue holding only the "
        "k biggest values I have met, popping the smallest whenever it grows past k. "
        "My favourite colour is blue."
    )
    got = reader.read(points, answer, "Find the k largest numbers in a stream.")
    heap = got.points[0]
    assert heap.made
    assert heap.quote is not None and heap.quote in answer
    assert "priority queue" in heap.quote
    off = reader.read(points, "My favourite colour is blue and I like long walks on the beach.")
    assert not any(p.made for p in off.points)
    assert off.score < got.score


def test_a_question_asking_for_at_least_n_gets_full_credit_for_n_points() -> None:
    """ "State at least 2 of ..." over a reference that lists four: an answer that makes two
    of them reads as complete, not as half the reference."""
    assert asked_at_least("State at least 4 of the differences between the headers.") == 4
    assert asked_at_least("Please NAME and DESCRIBE at least two challenges.") == 2
    assert asked_at_least("Name the 2 phases and explain each.") is None  # asks for more
    assert asked_at_least("Event A: you see at least three heads") is None  # not asked for
    reader = MeaningReader()
    reference = (
        "Possible differences:\n- UDP has no sequence number\n- UDP has no acknowledgement "
        "number\n- The UDP header is 8 bytes, TCP's is 20 to 60\n- TCP has an urgent pointer"
    )
    answer = (
        "Unlike TCP, the UDP header carries no sequence number. UDP also has no "
        "acknowledgement number field."
    )
    counted = reader.read(
        reference_points(reference),
        answer,
        "State at least 2 differences between the UDP and TCP headers.",
        reference,
    )
    every = reader.read(
        reference_points(reference),
        answer,
        "State the differences between the UDP and TCP headers.",
        reference,
    )
    assert counted.features["points"] > every.features["points"]
    assert counted.features["share"] >= every.features["share"]
    # What interviewer judge makes of them, the model's grade held equal.
    same_grade = 0.5
    assert blended_mark(same_grade, counted.mark, counted.features["share"]) > blended_mark(
        same_grade, every.mark, every.features["share"]
    )


def _write(path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.slow
def test_judge_grades_every_good_line_and_names_the_bad_ones(tmp_path) -> None:
    reference = (
        "A stack is last in, first out: the last item pushed is the first popped. "
        "A queue is first in, first out: items leave in the order they arrived."
    )
    question = "What is the difference between a stack and a queue?"
    good = (
        "With a stack you take back the element you put in most recently, like a pile of "
        "plates. A queue hands elements back in arrival order, like people waiting in line."
    )
    wrong = "Both of them are sorting algorithms that run in n log n time."
    source = tmp_path / "answers.jsonl"
    _write(
        source,
        [
            json.dumps(
                {"id": "good", "question": question, "reference": reference, "answer": good}
            ),
            "{not json",
            json.dumps({"id": "no-reference", "answer": "something"}),
            json.dumps({"id": 7, "question": question, "reference": reference, "answer": wrong}),
        ],
    )
    out = tmp_path / "graded.jsonl"
    done = run_cli("judge", str(source), "--out", str(out), timeout=600)
    assert done.returncode == 0, done.stderr
    assert "line 2" in done.stderr and "not JSON" in done.stderr
    assert "line 3" in done.stderr and "reference" in done.stderr
    graded = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [g["id"] for g in graded] == ["good", "7"]
    by_id = {g["id"]: g for g in graded}
    for g in graded:
        assert 1 <= g["score"] <= 4
        assert [p["point"] for p in g["points"]] == reference_points(reference)
        for p in g["points"]:
            assert set(p) == {"point", "made", "quote"}
    assert by_id["good"]["score"] > by_id["7"]["score"] + 0.5
    assert all(p["made"] for p in by_id["good"]["points"])
    assert all(p["quote"] in good for p in by_id["good"]["points"])
    for g in graded:  # the embedded model graded beside the embeddings
        assert g["graded_by"] == "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf and sentence embeddings"


@pytest.mark.slow
def test_judge_without_a_model_and_with_a_dead_server_still_grades_every_line(tmp_path) -> None:
    source = tmp_path / "answers.jsonl"
    _write(
        source,
        [
            json.dumps(
                {
                    "id": str(i),
                    "question": "Why hash?",
                    "reference": "O(1) lookups.",
                    "answer": answer,
                }
            )
            for i, answer in enumerate(["Lookups take constant time.", "No idea."])
        ],
    )
    out = tmp_path / "graded.jsonl"
    done = run_cli("judge", str(source), "--out", str(out), "--llm", "none", timeout=600)
    assert done.returncode == 0, done.stderr
    alone = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [g["graded_by"] for g in alone] == ["sentence embeddings"] * 2
    env = {**os.environ, "OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1"}
    done = run_cli("judge", str(source), "--out", str(out), "--llm", "openai", env=env)
    assert done.returncode == 0, done.stderr
    assert "lost the language model" in done.stderr and "embeddings only" in done.stderr
    graded = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert graded == alone  # nothing lost: the same grades as without a model


@pytest.mark.slow
@pytest.mark.skipif(
    not (SHORT_ANSWERS / "mohler_dev.csv").is_file(),
    reason="the human-graded short answers live in ../shared/data/short-answers (team only)",
)
def test_the_reader_agrees_with_human_graders_on_shared_short_answers() -> None:
    """Every 8th Mohler answer: the reader ranks the graders' mean as well as they agree
    with each other (r 0.59 on the whole file), give or take the sample."""
    with (SHORT_ANSWERS / "mohler_dev.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))[::8]
    reader = MeaningReader()
    marks = [
        reader.read(
            reference_points(row["desired_answer"]),
            row["student_answer"],
            row["question"],
            row["desired_answer"],
        ).mark
        for row in rows
    ]
    r = float(np.corrcoef(marks, [float(row["score_avg"]) for row in rows])[0, 1])
    assert r >= 0.5, f"Pearson r {r:.3f} on {len(rows)} answers"


def test_sentence_vectors_are_kept_on_disk_and_reused(tmp_path) -> None:
    from interviewer.grading.vector_cache import VectorCache

    text = "I backfilled the holiday calendar and retrained the model."
    first = MeaningReader(disk=VectorCache("m", tmp_path / "v.sqlite"))
    vec = first.vectors([text])[0]

    class NoModel:
        def encode(self, texts):  # a second reader must not need the model for this text
            raise AssertionError(f"embedded again: {texts}")

    again = MeaningReader(model=NoModel(), disk=VectorCache("m", tmp_path / "v.sqlite"))
    assert np.allclose(again.vectors([text])[0], vec, atol=1e-3)


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path) -> None:
    from interviewer.grading.vector_cache import VectorCache

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    reader = MeaningReader(disk=VectorCache("m", blocker / "v.sqlite"))
    assert reader.vectors(["A queue is first in, first out."]).shape == (1, 384)


def test_slow_work_gets_a_bar_and_keeps_its_result_and_errors() -> None:
    import time

    from interviewer.cli.app import after_a_while

    assert after_a_while("waiting", lambda: time.sleep(0.05) or 7, after_s=0.01) == 7
    with pytest.raises(ValueError, match="bad input"):
        after_a_while("failing", lambda: (_ for _ in ()).throw(ValueError("bad input")))
