"""Simulated candidates: every script validates, reads to the policy as its kind says, and
answers the question it is asked (not one fixed script for every question)."""

from __future__ import annotations

from pathlib import Path

import pytest
from persona_helpers import SHIPPED_PERSONAS as SHIPPED
from persona_helpers import rewrite_yaml

from interviewer import speech_acts
from interviewer.catalog.personas import Catalog
from interviewer.errors import ConfigError
from interviewer.interview.answers.simulated import (
    OUT_OF_TURNS,
    QuestionScripts,
    SimulatedCandidate,
    load_simulated,
)
from interviewer.interview.answers.sources import AnswerContext


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(SHIPPED)


@pytest.fixture(scope="module")
def scripts(catalog: Catalog) -> dict[str, QuestionScripts]:
    return load_simulated(SHIPPED, catalog)


def test_every_bank_question_has_a_strong_and_a_weak_candidate(catalog, scripts) -> None:
    """Validated on load (both levels are required fields); here: none is missing."""
    asked = [q.id for bank in catalog.banks.values() for q in bank.questions]
    missing = [question_id for question_id in asked if question_id not in scripts]
    assert not missing, f"no simulated candidates for {missing}: add them to personas/simulated/"
    assert len(scripts) == len(asked)


def _all_turns(scripts: dict[str, QuestionScripts]):
    for question_id, pair in scripts.items():
        for level in ("strong", "weak"):
            script = getattr(pair, level)
            for turn in script.turns:
                yield question_id, level, turn.kind, turn.say
            for act, say in script.replies.items():
                yield question_id, level, f"after_{act}", say


def test_scripted_turns_read_to_the_policy_as_their_kind(scripts) -> None:
    """A clarifying turn must reach the policy's clarify gate; answers must not."""
    wrong = []
    for question_id, level, kind, say in _all_turns(scripts):
        clarifying = speech_acts.is_mainly_clarifying(say)
        if (kind == "clarifying") != clarifying:
            wrong.append(f"{question_id} {level} {kind}: read as clarifying={clarifying}")
        stuck = speech_acts.admits_not_knowing(say)
        if kind not in ("edge",) and stuck:
            wrong.append(f"{question_id} {level} {kind}: read as 'I don't know'")
        if speech_acts.asks_to_move_on(say):
            wrong.append(f"{question_id} {level} {kind}: read as a request to move on")
    assert not wrong, "\n".join(wrong)


def test_the_edge_is_admitted_in_words_the_policy_hears(scripts) -> None:
    for question_id, pair in scripts.items():
        edge = next(t.say for t in pair.strong.turns if t.kind == "edge")
        assert speech_acts.admits_not_knowing(edge), question_id


def test_out_of_turns_asks_to_move_on_so_only_the_question_ends() -> None:
    assert speech_acts.asks_to_move_on(OUT_OF_TURNS)


def _context(question_id: str, act: str, round: str = "modelling") -> AnswerContext:
    return AnswerContext(round, question_id, act, "...")


def test_candidate_follows_its_turns_and_answers_a_hint_once(scripts) -> None:
    candidate = SimulatedCandidate(None, "strong", personas_dir=SHIPPED)
    script = scripts["md-timeseries-cv"].strong
    first = candidate.next_answer(_context("md-timeseries-cv", "ask"))
    assert first.source == "simulated" and first.samples is None
    assert first.text == script.turns[0].say
    assert candidate.next_answer(_context("md-timeseries-cv", "clarify")).text == (
        script.turns[1].say
    )
    assert (
        candidate.next_answer(_context("md-timeseries-cv", "hint")).text == (script.replies["hint"])
    )
    # A second hint is not answered with the same words: the turns go on.
    assert candidate.next_answer(_context("md-timeseries-cv", "hint")).text == (script.turns[2].say)
    for _ in script.turns[3:]:
        candidate.next_answer(_context("md-timeseries-cv", "probe"))
    last = candidate.next_answer(_context("md-timeseries-cv", "probe"))
    assert last.text == OUT_OF_TURNS
    kinds = [line.kind for line in candidate.said]
    assert kinds[:4] == ["clarifying", "answer", "after_hint", "why"]
    assert kinds[-1] == "out_of_turns"


def test_each_question_gets_its_own_script(scripts) -> None:
    candidate = SimulatedCandidate(None, "weak", personas_dir=SHIPPED)
    a = candidate.next_answer(_context("md-timeseries-cv", "ask"))
    b = candidate.next_answer(_context("sd-recsys-video", "ask", "ml_system_design"))
    assert a.text == scripts["md-timeseries-cv"].weak.turns[0].say
    assert b.text == scripts["sd-recsys-video"].weak.turns[0].say
    assert a.text != b.text


def test_unknown_level_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="strong or weak"):
        SimulatedCandidate(None, "medium")  # type: ignore[arg-type]


# --- broken files fail clearly ----------------------------------------------------------------


def test_a_script_for_an_unknown_question_is_named(personas_copy: Path) -> None:
    path = personas_copy / "simulated" / "modelling.yaml"
    rewrite_yaml(
        path, lambda d: d["questions"].update({"md-nope": d["questions"]["md-timeseries-cv"]})
    )
    with pytest.raises(ConfigError, match=r"simulated/modelling.yaml: questions.md-nope"):
        load_simulated(personas_copy, Catalog.load(personas_copy))


def test_a_strong_candidate_that_never_asks_is_rejected(personas_copy: Path) -> None:
    path = personas_copy / "simulated" / "modelling.yaml"

    def drop_question(d) -> None:
        d["questions"]["md-timeseries-cv"]["strong"]["turns"].pop(0)

    rewrite_yaml(path, drop_question)
    with pytest.raises(ConfigError, match="opens with a clarifying question"):
        load_simulated(personas_copy, Catalog.load(personas_copy))


def test_an_unknown_turn_kind_is_named(personas_copy: Path) -> None:
    path = personas_copy / "simulated" / "modelling.yaml"

    def bad_kind(d) -> None:
        d["questions"]["md-timeseries-cv"]["weak"]["turns"][0]["kind"] = "ramble"

    rewrite_yaml(path, bad_kind)
    with pytest.raises(ConfigError, match=r"weak.turns.0.kind"):
        load_simulated(personas_copy, Catalog.load(personas_copy))


def test_practice_without_a_script_fails_before_loading_models(
    personas_copy: Path, monkeypatch
) -> None:
    from interviewer.interview.practice import PracticeOptions, run_practice

    path = personas_copy / "simulated" / "modelling.yaml"
    rewrite_yaml(path, lambda d: d["questions"].pop("md-calibration"))
    monkeypatch.setenv("INTERVIEWER_PERSONAS_DIR", str(personas_copy))
    options = PracticeOptions(
        rounds=["modelling"], question_id="md-calibration", answers="simulated", voice=False
    )
    with pytest.raises(ConfigError, match="no simulated candidate for question 'md-calibration'"):
        run_practice(options)


def test_a_steer_back_is_answered_with_the_redirect_reply(scripts) -> None:
    """Whatever the act is called, repeating the question's opening brings the candidate back."""
    from interviewer.catalog.personas import load_catalog

    prompt = load_catalog(SHIPPED).question("md-timeseries-cv").prompt
    candidate = SimulatedCandidate(None, "weak", personas_dir=SHIPPED)
    candidate.next_answer(_context("md-timeseries-cv", "ask"))
    steer = AnswerContext(
        "modelling", "md-timeseries-cv", "hint", "Let's come back to the question: " + prompt
    )
    assert candidate.next_answer(steer).text == scripts["md-timeseries-cv"].weak.replies["redirect"]
    assert candidate.said[-1].kind == "after_redirect"


def test_steers_back_reads_the_act_or_the_repeated_question() -> None:
    from interviewer.interview.answers.simulated import steers_back

    prompt = "Design a spam filter for a large email provider. How would you start?"
    assert steers_back("redirect", "Back to the filter, please.", prompt)
    assert steers_back(
        "hint", "Let's come back: design a spam filter for a large email provider.", prompt
    )
    assert not steers_back("probe", "Why a transformer for the spam filter?", prompt)
    assert not steers_back("ask", prompt, prompt)  # the question itself is not a steer-back
