"""The labelled development set: labels, controlled pairs, agreement floor."""

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
        applicable = {d.id for d in rubric.dimensions if round_ in d.applies_to}
        assert set(labels) == applicable, name  # a label for every dimension that applies
        assert all(v is None or 1 <= v <= 4 for v in labels.values())
    assert rounds == set(ROUND_TYPES)


@pytest.mark.parametrize(
    "folder,name,text,labels", TRANSCRIPTS, ids=[f"{t[0].name}/{t[1]}" for t in TRANSCRIPTS]
)
def test_grader_is_within_one_level_of_the_label(
    folder: Path, name: str, text: str, labels: dict[str, int | None]
) -> None:
    scores = bench.grade_text(name, text)
    for dim, want in labels.items():
        got = scores[dim]
        if want is None:
            assert got is None, f"{dim}: label not observed, grader {got}"
        else:
            assert got is not None and abs(got - want) <= 1, f"{dim}: label {want}, grader {got}"
    for dim, got in scores.items():
        if dim not in labels:
            assert got is None, f"{dim} does not apply but scored {got}"


@pytest.mark.parametrize("pair", PAIRS, ids=[p["name"] for p in PAIRS])
def test_controlled_pair_moves_only_its_dimension(pair: dict) -> None:
    base = (DEVSET / pair["base"]).read_text(encoding="utf-8")
    before = bench.grade_text(pair["base"], base)
    after = bench.grade_text(pair["base"], bench.apply_edits(base, pair["edits"]))
    dim = pair["dimension"]
    a, b = before[dim] or 0, after[dim] or 0
    assert {"up": b > a, "down": b < a, "same": b == a}[pair["direction"]], (a, b)
    assert {k: v for k, v in after.items() if k != dim} == {
        k: v for k, v in before.items() if k != dim
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
