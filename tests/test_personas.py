"""Personas and question banks: the shipped data is complete, and broken user files fail clearly."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from persona_helpers import rewrite_yaml

from interviewer import paths
from interviewer.catalog.personas import (
    Catalog,
    Persona,
    load_catalog,
    match_facts,
)
from interviewer.catalog.rounds import ROUND_TYPES
from interviewer.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parents[1]
SHIPPED = REPO_ROOT / "personas"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(SHIPPED)


# --- the shipped data -------------------------------------------------------------------------


def test_round_types_are_the_five_rounds_in_order() -> None:
    assert ROUND_TYPES == (
        "coding",
        "ml_system_design",
        "modelling",
        "behavioural",
        "llm_retrieval",
    )


def test_shipped_catalog_has_a_full_bank_per_round(catalog: Catalog) -> None:
    assert list(catalog.banks) == list(ROUND_TYPES)
    for round_name, bank in catalog.banks.items():
        assert len(bank.questions) >= 8, round_name
        for q in bank.questions:
            assert q.round == round_name
            assert 10 <= len(q.terms) <= 25, q.id
            min_facts = 1 if round_name == "behavioural" else 4
            assert len(q.scenario_facts) >= min_facts, q.id
            assert 4 <= len(q.strong_points) <= 8, q.id
            assert 2 <= len(q.reference_facts) <= 6, q.id
            assert 2 <= len(q.hints) <= 3, q.id
            for fact in q.scenario_facts + q.reference_facts:
                assert fact.keywords and all(k == k.lower() for k in fact.keywords), q.id


def test_question_ids_are_unique_and_resolvable(catalog: Catalog) -> None:
    ids = [q.id for bank in catalog.banks.values() for q in bank.questions]
    assert len(ids) == len(set(ids))
    for question_id in ids:
        assert catalog.question(question_id).id == question_id


def test_personas_cover_every_round_with_different_tones_and_voices(catalog: Catalog) -> None:
    personas = list(catalog.personas.values())
    assert len(personas) >= 3
    assert {p.tone for p in personas} == {"friendly", "neutral", "tough"}
    assert len({p.voice.id for p in personas}) == len(personas)
    for round_name in ROUND_TYPES:
        assert round_name in catalog.persona_for_round(round_name).rounds


def test_persona_lines_fill_in_name_and_round(catalog: Catalog) -> None:
    for persona in catalog.personas.values():
        opening = persona.say(persona.opening, round_title="ML system design")
        assert persona.name in opening or "{name}" not in persona.opening
        assert "{" not in opening
        for line in (persona.closing, persona.break_line, persona.move_on_line):
            assert "{" not in persona.say(line, round_title="Coding")


def test_persona_voices_are_accepted_by_the_speaker(catalog: Catalog) -> None:
    """The real pyttsx3/espeak-ng Speaker rejects unknown voices when it is built."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    from interviewer.speech.tts import Speaker

    for persona in catalog.personas.values():
        Speaker(persona.voice.id, persona.voice.rate_wpm)


# --- scenario facts are found from natural clarifying questions -------------------------------

DESIGN_QUESTIONS = [
    ("how many users do we have?", "scale"),
    ("what's the scale?", "scale"),
    ("what's the latency budget?", "latency"),
    ("how fast does it need to be?", "latency"),
    ("what labels do we have?", None),
    ("what data do we have?", None),
    ("how do we measure success?", "success metric"),
    ("what's the metric?", "success metric"),
    ("are there any constraints?", None),
]


@pytest.mark.parametrize("asked, topic", DESIGN_QUESTIONS)
def test_system_design_clarifying_questions_find_a_fact(
    catalog: Catalog, asked: str, topic: str | None
) -> None:
    for q in catalog.bank("ml_system_design").questions:
        found = q.find_facts(asked)
        assert found, f"{q.id}: nothing for {asked!r}"
        if topic is not None:
            assert found[0].topic == topic, f"{q.id}: {asked!r} -> {found[0].topic}"


def test_llm_and_coding_questions_answer_the_usual_clarifications(catalog: Catalog) -> None:
    for q in catalog.bank("llm_retrieval").questions:
        for asked in ("what's the scale?", "how do we measure success?", "any constraints?"):
            assert q.find_facts(asked), f"{q.id}: nothing for {asked!r}"
    for q in catalog.bank("coding").questions:
        assert q.find_facts("how big is the input?"), q.id
    for q in catalog.bank("behavioural").questions:
        assert q.find_facts("how recent should it be?"), q.id


def test_fact_matching_handles_plurals_and_ignores_unrelated_talk(catalog: Catalog) -> None:
    q = catalog.question("sd-recsys-video")
    assert q.find_facts("How many USERS are there, roughly?")[0].topic == "scale"
    assert q.find_facts("What labels can I use?")[0].topic == "data and labels"
    assert q.find_facts("I would start with a two-tower model.") == []
    assert match_facts(q.scenario_facts, "") == []


# --- broken user files -----------------------------------------------------------------------


def test_bad_persona_field_names_file_and_field(personas_copy: Path) -> None:
    rewrite_yaml(personas_copy / "ada.yaml", lambda d: d.update(tone="grumpy"))
    with pytest.raises(ConfigError) as err:
        Catalog.load(personas_copy)
    assert "personas/ada.yaml" in err.value.message
    assert "tone" in err.value.message and "grumpy" in err.value.message


def test_bad_question_field_names_file_and_field_path(personas_copy: Path) -> None:
    path = personas_copy / "questions" / "coding.yaml"
    rewrite_yaml(path, lambda d: d["questions"][3].update(time_box_s="ten minutes"))
    with pytest.raises(ConfigError) as err:
        Catalog.load(personas_copy)
    assert err.value.message.startswith(
        "personas/questions/coding.yaml: questions.3.time_box_s: Input should be a valid integer"
    )
    assert err.value.hint and "cd-" in err.value.hint


def test_misspelt_field_is_an_error_not_ignored(personas_copy: Path) -> None:
    def typo(d: dict) -> None:
        d["questions"][0]["time_box"] = d["questions"][0].pop("time_box_s")

    rewrite_yaml(personas_copy / "questions" / "behavioural.yaml", typo)
    with pytest.raises(
        ConfigError, match=r"questions\.0\.time_box: Extra inputs are not permitted"
    ):
        Catalog.load(personas_copy)


def test_unknown_placeholder_in_a_line_is_caught_at_load(personas_copy: Path) -> None:
    rewrite_yaml(personas_copy / "rohan.yaml", lambda d: d.update(opening="Hi, I'm {nmae}."))
    with pytest.raises(ConfigError, match=r"rohan\.yaml: opening: .*\{nmae\}"):
        Catalog.load(personas_copy)


def test_yaml_syntax_error_names_the_line(personas_copy: Path) -> None:
    path = personas_copy / "sloane.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("tone:"))
    lines[index] = "tone: [tough"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        Catalog.load(personas_copy)
    message = err.value.message
    assert "personas/sloane.yaml: YAML syntax error at line" in message
    line_no = int(message.split("at line ")[1].split(",")[0])
    assert index + 1 <= line_no <= index + 2  # the flow list is reported where it breaks


def test_a_key_given_twice_is_an_error(personas_copy: Path) -> None:
    path = personas_copy / "fiona.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "tone: tough\n", encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    with pytest.raises(ConfigError, match=f"fiona.yaml: YAML syntax error at line {len(lines)}, "):
        Catalog.load(personas_copy)
    with pytest.raises(ConfigError, match="duplicate key 'tone'"):
        Catalog.load(personas_copy)


def test_empty_file_is_a_clear_error(personas_copy: Path) -> None:
    (personas_copy / "fiona.yaml").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="fiona.yaml: expected a mapping of fields, got an empty"):
        Catalog.load(personas_copy)


def test_duplicate_question_id_across_files(personas_copy: Path) -> None:
    rewrite_yaml(
        personas_copy / "questions" / "modelling.yaml",
        lambda d: d["questions"][0].update(id="cd-lru-cache"),
    )
    with pytest.raises(ConfigError, match="duplicate question id 'cd-lru-cache'"):
        Catalog.load(personas_copy)


def test_question_in_the_wrong_bank(personas_copy: Path) -> None:
    rewrite_yaml(
        personas_copy / "questions" / "coding.yaml",
        lambda d: d["questions"][1].update(round="modelling"),
    )
    with pytest.raises(ConfigError, match=r"coding\.yaml: questions\.1\.round: 'modelling'"):
        Catalog.load(personas_copy)


def test_bank_round_must_match_its_file_name(personas_copy: Path) -> None:
    rewrite_yaml(personas_copy / "questions" / "coding.yaml", lambda d: d.update(round="modelling"))
    with pytest.raises(ConfigError, match="must match the file name 'coding'"):
        Catalog.load(personas_copy)


def test_persona_id_must_match_its_file_name(personas_copy: Path) -> None:
    rewrite_yaml(personas_copy / "ada.yaml", lambda d: d.update(id="ada2"))
    with pytest.raises(ConfigError, match="ada.yaml: id: 'ada2' must match the file name 'ada'"):
        Catalog.load(personas_copy)


def test_missing_bank_and_uncovered_round(personas_copy: Path) -> None:
    (personas_copy / "questions" / "llm_retrieval.yaml").unlink()
    with pytest.raises(ConfigError, match="no question bank for round llm_retrieval"):
        Catalog.load(personas_copy)
    shutil.copy(SHIPPED / "questions" / "llm_retrieval.yaml", personas_copy / "questions")
    for persona_file in personas_copy.glob("*.yaml"):
        rewrite_yaml(persona_file, lambda d: d.update(rounds=["behavioural"]))
    with pytest.raises(ConfigError, match="no persona conducts round coding"):
        Catalog.load(personas_copy)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="personas folder not found"):
        Catalog.load(tmp_path / "nowhere")


def test_user_persona_is_picked_up(personas_copy: Path) -> None:
    (personas_copy / "kim.yaml").write_text(
        "id: kim\nname: Kim\ntone: friendly\nrounds: [coding]\n"
        "opening: Hi, I'm {name}.\nclosing: Bye.\nbreak_line: Break.\n"
        "move_on_line: Next one.\nstyle: Short and kind.\n",
        encoding="utf-8",
    )
    kim = Catalog.load(personas_copy).persona_for_round("coding", "kim")
    assert kim.voice.id == "en-us" and kim.voice.rate_wpm == 165


def test_the_documented_examples_load(personas_copy: Path) -> None:
    """docs/personas.md shows a minimal persona and question; they must stay valid."""
    doc = (REPO_ROOT / "docs" / "personas.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", doc, flags=re.S)
    persona_yaml = next(b for b in blocks if b.startswith("id: kim"))
    question_yaml = next(b for b in blocks if "id: cd-two-sum" in b)
    (personas_copy / "kim.yaml").write_text(persona_yaml, encoding="utf-8")
    bank = personas_copy / "questions" / "coding.yaml"
    bank.write_text(bank.read_text(encoding="utf-8") + question_yaml, encoding="utf-8")
    catalog = Catalog.load(personas_copy)
    assert catalog.persona("kim").voice.id == "en-gb"
    two_sum = catalog.question("cd-two-sum")
    assert two_sum.find_facts("How big can the input be?")[0].topic == "input size"
    assert two_sum.find_facts("What if there's no solution?")[0].topic == "no answer"


# --- lookups ----------------------------------------------------------------------------------


def test_unknown_names_list_the_options(catalog: Catalog) -> None:
    with pytest.raises(ConfigError, match=r"unknown round 'cooking'; rounds: coding, ml_system"):
        catalog.bank("cooking")
    with pytest.raises(ConfigError, match=r"unknown persona 'zed'; available: ada, fiona"):
        catalog.persona("zed")
    with pytest.raises(ConfigError, match=r"unknown question 'nope'; e\.g\. cd-"):
        catalog.question("nope")
    with pytest.raises(ConfigError, match="unknown round"):
        catalog.persona_for_round("cooking")


def test_persona_for_round(catalog: Catalog) -> None:
    assert catalog.persona_for_round("behavioural").id == "ada"
    assert catalog.persona_for_round("behavioural", "fiona").id == "fiona"
    with pytest.raises(ConfigError, match="persona 'fiona' does not conduct coding rounds"):
        catalog.persona_for_round("coding", "fiona")


def test_pick_questions_is_repeatable_with_a_seed(catalog: Catalog) -> None:
    first = [q.id for q in catalog.pick_questions("modelling", 3, seed=7)]
    again = [q.id for q in catalog.pick_questions("modelling", 3, seed=7)]
    assert first == again and len(set(first)) == 3
    seeds = {tuple(q.id for q in catalog.pick_questions("modelling", 3, seed=s)) for s in range(8)}
    assert len(seeds) > 1  # the seed matters
    everything = catalog.pick_questions("coding", 100, seed=1)
    assert len(everything) == len(catalog.bank("coding").questions)


def test_pick_questions_with_a_pinned_question(catalog: Catalog) -> None:
    picked = catalog.pick_questions("coding", 3, seed=1, question_id="cd-lru-cache")
    assert picked[0].id == "cd-lru-cache"
    assert len({q.id for q in picked}) == 3
    with pytest.raises(ConfigError, match="belongs to round coding, not modelling"):
        catalog.pick_questions("modelling", 1, question_id="cd-lru-cache")
    with pytest.raises(ConfigError, match="at least 1"):
        catalog.pick_questions("coding", 0)


def test_load_catalog_is_cached_and_follows_the_env(
    personas_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERVIEWER_PERSONAS_DIR", str(personas_copy))
    assert paths.personas_dir() == personas_copy
    assert load_catalog() is load_catalog(personas_copy)
    assert load_catalog() is not load_catalog(SHIPPED)


def test_models_are_frozen(catalog: Catalog) -> None:
    persona = catalog.persona("ada")
    with pytest.raises(Exception, match="frozen"):
        persona.name = "Someone else"  # type: ignore[misc]
    assert isinstance(persona, Persona)


# --- the command ------------------------------------------------------------------------------


def test_cli_lists_personas_and_questions() -> None:
    from typer.testing import CliRunner

    from interviewer.cli.app import app

    result = CliRunner().invoke(app, ["personas", "--round", "ml_system_design"])
    assert result.exit_code == 0, result.output
    assert "Ada Okafor" in result.output and "sd-recsys-video" in result.output
    assert "Fiona MacLeod" not in result.output  # she does not run design rounds
    assert "cd-lru-cache" not in result.output


def test_cli_json(catalog: Catalog) -> None:
    from typer.testing import CliRunner

    from interviewer.cli.app import app

    result = CliRunner().invoke(app, ["personas", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [p["id"] for p in data["personas"]] == list(catalog.personas)
    assert [r["round"] for r in data["rounds"]] == list(ROUND_TYPES)
    coding = data["rounds"][0]
    assert {"id": "cd-lru-cache", "title": "LRU cache", "time_box_s": 900, "code": True} in (
        coding["questions"]
    )
    talk_only = next(q for q in coding["questions"] if q["id"] == "cd-reservoir-sampling")
    assert talk_only["code"] is False


def test_cli_reports_a_broken_user_folder(personas_copy: Path) -> None:
    from typer.testing import CliRunner

    from interviewer.cli.app import app

    rewrite_yaml(personas_copy / "ada.yaml", lambda d: d.update(rounds=["cooking"]))
    result = CliRunner().invoke(app, ["personas", "--dir", str(personas_copy)])
    assert isinstance(result.exception, ConfigError)
    assert "personas/ada.yaml: rounds.0" in result.exception.message


@pytest.mark.slow
def test_cli_bad_round_is_one_clear_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "interviewer", "personas", "--round", "cooking"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "unknown round 'cooking'; rounds: coding, ml_system_design" in done.stderr
    assert done.stdout == ""
