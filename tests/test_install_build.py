"""The portable llama.cpp build, the child-process check that the model runs on this CPU, and
small defects of the install issue (unreadable sessions, long transcripts, probe length)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.cli import app
from interviewer.errors import LLMUnavailableError
from interviewer.grading.transcript import parse_json_transcript
from interviewer.llm import cpu_build, health
from interviewer.llm.cpu_build import AMX_INSTRUCTIONS, NATIVE_ENV, cmake_args, cpu_flags

REPO = Path(__file__).resolve().parents[1]

# Flags of the Xeon whose native build died with SIGILL (AMX advertised, refused), trimmed.
XEON_AMX = (
    "processor\t: 0\nflags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 avx avx2 fma f16c bmi2 "
    "avx512f avx512dq avx512cd avx512bw avx512vl avx512vbmi avx512_vnni avx512_bf16 avx_vnni "
    "amx_bf16 amx_tile amx_int8\n"
)
# A laptop of 2015: AVX2, no AVX-512.
HASWELL = "flags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 avx avx2 fma f16c bmi2\n"


def _on(args: str) -> set[str]:
    return set(re.findall(r"-D(GGML_\w+)=ON", args))


def test_portable_flags_never_enable_amx_and_follow_the_cpu() -> None:
    xeon = cmake_args(cpu_flags(XEON_AMX))
    assert "-DGGML_NATIVE=OFF" in xeon
    assert not any("AMX" in option for option in _on(xeon))
    assert {"GGML_AVX2", "GGML_AVX512", "GGML_AVX512_VNNI", "GGML_AVX512_BF16"} <= _on(xeon)

    haswell = cmake_args(cpu_flags(HASWELL))
    assert {"GGML_AVX", "GGML_AVX2", "GGML_FMA", "GGML_F16C", "GGML_BMI2"} <= _on(haswell)
    assert not any("AVX512" in option or "VNNI" in option for option in _on(haswell))
    assert "-DGGML_AVX512=OFF" in haswell  # explicit: never ggml's default for the option


def test_native_is_an_explicit_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NATIVE_ENV, raising=False)
    assert "-DGGML_NATIVE=OFF" in cpu_build.this_machine_cmake_args()
    monkeypatch.setenv(NATIVE_ENV, "1")
    assert cpu_build.this_machine_cmake_args() == "-DGGML_NATIVE=ON"


def test_the_install_script_prints_the_same_flags_without_the_package() -> None:
    """install.sh runs cpu_build.py by path, before anything is installed: stdlib only."""
    proc = subprocess.run(
        ["python3", "-I", str(REPO / "interviewer" / "llm" / "cpu_build.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.strip() == cpu_build.this_machine_cmake_args()


def _installed_cpu_library() -> Path:
    import llama_cpp

    libs = sorted((Path(llama_cpp.__file__).parent / "lib").glob("libggml-cpu*.so*"))
    if not libs:
        pytest.fail(f"no libggml-cpu library next to {llama_cpp.__file__}")
    return libs[0]


@pytest.mark.slow
def test_installed_library_has_no_amx_instructions() -> None:
    """Fails on the old native build even on a CPU without AMX: its kernels are in the file."""
    stamp = REPO / ".venv" / "llama-cpp-build"
    if stamp.is_file() and "-DGGML_NATIVE=ON" in stamp.read_text():
        pytest.skip(f"the user opted into a native build ({NATIVE_ENV}=1)")
    objdump = shutil.which("objdump")
    if objdump is None:
        pytest.fail("objdump is missing: install.sh installs binutils")
    listing = subprocess.run(
        [objdump, "-d", "--no-show-raw-insn", str(_installed_cpu_library())],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "vfmadd" in listing  # the disassembly is real (FMA kernels are always there)
    found = sorted({m for m in AMX_INSTRUCTIONS if re.search(rf"\s{m}\b", listing)})
    assert not found, f"AMX instructions in {_installed_cpu_library().name}: {found}"


@pytest.mark.slow
def test_a_child_killed_by_sigill_becomes_a_clear_error(tmp_path: Path) -> None:
    """A real signal death (the child raises SIGILL itself), read the way the check reads it."""
    child = "import os, signal, sys; os.kill(os.getpid(), signal.SIGILL)"
    with pytest.raises(LLMUnavailableError) as info:
        health.run_check(tmp_path / "model.gguf", 1, child_code=child)
    message = str(info.value)
    assert "CPU instructions this machine refuses" in message and "SIGILL" in message
    assert cpu_build.rebuild_command() in (info.value.hint or "")


@pytest.mark.slow
@pytest.mark.llm
def test_the_real_model_runs_in_a_child_and_the_success_is_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from interviewer.llm.gguf import smollm2_model_path

    monkeypatch.setenv("INTERVIEWER_CACHE_DIR", str(tmp_path))
    model = smollm2_model_path()
    assert health.run_check(model, 2)  # some generated text
    assert not health._remembered(health.check_key(model))
    health.ensure_model_runs(model, 2)
    assert health._remembered(health.check_key(model))


def test_a_session_file_that_is_not_an_object_is_listed_as_unreadable(tmp_path: Path) -> None:
    (tmp_path / "20260101-000000").mkdir()
    (tmp_path / "20260101-000000" / "session.json").write_text("[]")
    result = CliRunner().invoke(app, ["sessions", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "unreadable" in result.output
    result = CliRunner().invoke(app, ["sessions", "--dir", str(tmp_path), "--json"])
    assert "not a valid session file" in json.loads(result.output)[0]["error"]


def test_a_json_transcript_past_100_minutes_keeps_its_times() -> None:
    turns = [
        {"speaker": "interviewer", "text": "Tell me about a hard bug.", "start": 6000.0},
        {"speaker": "candidate", "text": "We had a leak in the feature store.", "start": 6005.0},
    ]
    session = parse_json_transcript(turns, "t.json", round="behavioural")
    assert [t.start for t in session.turns] == [6000.0, 6005.0]
    assert [t.text for t in session.turns] == [t["text"] for t in turns]


def test_the_probe_prompt_and_the_validator_share_one_length() -> None:
    from interviewer.catalog.personas import load_catalog
    from interviewer.interview.policy.decide import validate_probe
    from interviewer.interview.policy.decisions import MAX_PROBE_WORDS, ProbeDraft
    from interviewer.interview.policy.prompts import probe_system_prompt

    catalog = load_catalog()
    question = catalog.bank("ml_system_design").questions[0]
    prompt = probe_system_prompt(catalog.persona_for_round(question.round), question)
    assert f"at most {MAX_PROBE_WORDS} words" in prompt
    answer = "I would use a two tower model because latency matters"
    fits = "Why " + " ".join(["the"] * (MAX_PROBE_WORDS - 4)) + " two tower model?"
    too_long = "Why " + " ".join(["the"] * (MAX_PROBE_WORDS - 3)) + " two tower model?"
    assert len(fits.split()) == MAX_PROBE_WORDS and len(too_long.split()) == MAX_PROBE_WORDS + 1

    def length_problems(text: str) -> list[str]:
        problems = validate_probe(ProbeDraft(question=text), answer, question)
        return [p for p in problems if "words" in p]

    assert not length_problems(fits)
    assert length_problems(too_long)
