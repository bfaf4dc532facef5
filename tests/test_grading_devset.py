"""The labelled development set: its labels are well formed and the controlled pairs move.

How closely the grader follows the labels is a benchmark figure, not a test
(``benchmarks/grader_agreement.py``): the labels were written by the team that wrote the
detectors, so a pass/fail floor on them would only pin the grader to its authors' reading.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

from interviewer.catalog.rounds import ROUND_TYPES
from interviewer.grading import load_rubric

DEVSET = Path(__file__).resolve().parent / "grading_devset"
SETS = [DEVSET, DEVSET / "heldout", DEVSET / "heldout2"]


def _bench():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "grader_agreement.py"
    spec = importlib.util.spec_from_file_location("grader_agreement", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _bench()
TRANSCRIPTS = [
    (folder, name, text, labels)
    for folder in SETS
    for name, text, labels in bench.load_devset(folder)
]
PAIRS = yaml.safe_load((DEVSET / "pairs.yaml").read_text(encoding="utf-8"))


def test_devset_covers_every_round_with_full_labels() -> None:
    dev = [t for t in TRANSCRIPTS if t[0] == DEVSET]
    assert len(dev) >= 40
    rubric = load_rubric()
    rounds = set()
    for _, name, text, labels in TRANSCRIPTS:
        first = text.splitlines()[0]
        assert first.startswith("# round: "), name
        round_ = first.split(":", 1)[1].strip()
        rounds.add(round_)
        # Substance is benchmarked by its own pairs (benchmarks/grader_substance.py); these
        # labels were written before it existed.
        applicable = {
            d.id for d in rubric.dimensions if round_ in d.applies_to and d.id != "substance"
        }
        assert set(labels) == applicable, name  # a label for every dimension that applies
        assert all(v is None or 1 <= v <= 4 for v in labels.values())
    assert rounds == set(ROUND_TYPES)


@pytest.mark.parametrize("pair", PAIRS, ids=[p["name"] for p in PAIRS])
def test_controlled_pair_moves_only_its_dimension(pair: dict) -> None:
    base = (DEVSET / pair["base"]).read_text(encoding="utf-8")
    before = bench.grade_text(pair["base"], base)
    after = bench.grade_text(pair["base"], bench.apply_edits(base, pair["edits"]))
    dim = pair["dimension"]
    a, b = before[dim] or 0, after[dim] or 0
    assert {"up": b > a, "down": b < a, "same": b == a}[pair["direction"]], (a, b)
    # Substance reads what the answer says, so an edit that adds words may move it too.
    moved_alone = {dim, "substance"}
    assert {k: v for k, v in after.items() if k not in moved_alone} == {
        k: v for k, v in before.items() if k not in moved_alone
    }


def test_pairs_cover_the_behaviours_the_issue_names() -> None:
    dims = {(p["dimension"], p["direction"]) for p in PAIRS}
    for needed in [
        ("clarifying_questions", "up"),
        ("honesty", "up"),
        ("delivery", "down"),
        ("complexity", "up"),
    ]:
        assert needed in dims
    names = " ".join(p["name"] for p in PAIRS)
    assert "instruction" in names and "padding" in names


def test_quadratic_kappa() -> None:
    assert bench.quadratic_kappa([(1, 1), (2, 2), (3, 3), (4, 4)]) == pytest.approx(1.0)
    assert bench.quadratic_kappa([(1, 4), (4, 1), (2, 3), (3, 2)]) < 0
    assert bench.quadratic_kappa([(2, 2), (2, 2)]) is None
