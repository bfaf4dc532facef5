"""The rounds registry: one place for ids, aliases and order; titles from the banks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.catalog.personas import load_catalog, round_title
from interviewer.catalog.rounds import (
    DEFAULT_LOOP,
    ROUND_TYPES,
    ROUNDS,
    UnknownRoundError,
    infer_round,
    normalise_round,
    parse_round_list,
)
from interviewer.cli import app
from interviewer.errors import ConfigError, TranscriptFormatError
from interviewer.grading import load_rubric
from interviewer.interview.policy.prompts import probe_system_prompt

PACKAGE = Path(__file__).resolve().parents[1] / "interviewer"


def test_aliases_and_spellings_name_one_round() -> None:
    assert normalise_round("Behavioral") == "behavioural"
    assert normalise_round("system design") == "ml_system_design"
    assert normalise_round("RAG") == "llm_retrieval"
    assert normalise_round(None) is None
    assert parse_round_list("coding, behavioral") == ["coding", "behavioural"]


@pytest.mark.parametrize("text", ["", ",", " , ", "coding,chess"])
def test_an_empty_or_unknown_round_list_is_a_clear_error(text: str) -> None:
    with pytest.raises(UnknownRoundError) as err:
        parse_round_list(text)
    assert "rounds: coding, ml_system_design, modelling, behavioural, llm_retrieval" in str(err)
    # Bad on the command line or in a transcript file: either kind of error.
    assert isinstance(err.value, ConfigError) and isinstance(err.value, TranscriptFormatError)


def test_loop_rejects_an_empty_round_list_before_loading_anything() -> None:
    done = CliRunner().invoke(app, ["loop", "--rounds", ",", "--text", "--no-voice"])
    assert done.exit_code != 0
    assert isinstance(done.exception, UnknownRoundError)
    assert "llm_retrieval" in str(done.exception)


def test_the_title_the_interviewer_says_is_the_banks_title() -> None:
    catalog = load_catalog()
    assert list(catalog.banks) == list(ROUND_TYPES) == list(DEFAULT_LOOP)
    for rid in ROUND_TYPES:
        bank = catalog.bank(rid)
        assert round_title(rid) == bank.title
        question = bank.questions[0]
        persona = catalog.persona_for_round(rid)
        assert f"in a {bank.title} round" in probe_system_prompt(persona, question)
        assert bank.title in persona.say(persona.opening, round_title(rid))


def test_the_rubric_says_which_dimensions_apply_to_each_round() -> None:
    rubric = load_rubric()
    assert [d.id for d in rubric.dimensions_for("behavioural")] == [
        "honesty",
        "structure",
        "delivery",
        "substance",
    ]
    assert all(rubric.dimensions_for(rid) for rid in ROUND_TYPES)


def test_rounds_are_inferred_from_the_interviewers_words() -> None:
    assert infer_round("Tell me about a time you disagreed with a stakeholder.") == "behavioural"
    assert infer_round("Write a function that returns the top k words.") == "coding"
    assert infer_round("Hello.") is None


def test_a_round_id_is_written_once_in_the_package() -> None:
    """No module but the registry spells out a round id (as a quoted string)."""
    ids = "|".join(ROUNDS)
    quoted = re.compile(rf"[\"']({ids})[\"']")
    spelled = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if quoted.search(p.read_text(encoding="utf-8"))
    ]
    assert spelled == ["catalog/rounds.py"]


def test_the_report_names_rounds_by_their_titles() -> None:
    from interviewer.grading import grade_session
    from interviewer.grading.transcript import parse_text_transcript
    from interviewer.report.markdown import build_markdown

    session = parse_text_transcript(
        "# round: llm\nInterviewer: How would you chunk documents?\n"
        "Candidate: I would chunk by section because headings carry the topic.\n"
    )
    card = grade_session(session)
    assert card.rounds == ["llm_retrieval"]
    assert f"· {round_title('llm_retrieval')} ·" in build_markdown(session, card)
