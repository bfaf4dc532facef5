"""Shared fixtures: tests never write into a real home or the repo's recordings/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from persona_helpers import SHIPPED_PERSONAS
from shared_data import SHARED_SPEECH


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    # Sessions land in a temp dir. The model cache stays shared (assembling 1 GB per test
    # would be wasteful), unless the environment already points it elsewhere.
    monkeypatch.setenv("INTERVIEWER_RECORDINGS_DIR", str(tmp_path_factory.mktemp("recordings")))
    # The confidence grid and study plan live in the user data directory: never the real one.
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path_factory.mktemp("userdata")))


def _refuse_model_load(*args, **kwargs) -> None:
    raise AssertionError(
        "a test not marked `slow` loaded a real model: mark it @pytest.mark.slow "
        "(and `llm` for the embedded LLM), so that `-m 'not slow'` stays the fast subset"
    )


@pytest.fixture(autouse=True)
def _models_load_only_in_slow_tests(request: pytest.FixtureRequest, monkeypatch):
    """The fast subset promised by the README: a test that loads Whisper or llama.cpp in this
    process without the `slow` marker fails, saying so."""
    if request.node.get_closest_marker("slow"):
        return
    import faster_whisper
    import llama_cpp

    monkeypatch.setattr(faster_whisper.WhisperModel, "__init__", _refuse_model_load)
    monkeypatch.setattr(llama_cpp.Llama, "__init__", _refuse_model_load)


@pytest.fixture(scope="session")
def jfk_flac() -> Path:
    path = SHARED_SPEECH / "jfk.flac"
    if not path.exists():
        pytest.skip(
            f"real speech sample not found at {path} (../shared is beside the checkout in CI)"
        )
    return path


@pytest.fixture
def personas_copy(tmp_path: Path) -> Path:
    """A user's copy of the shipped personas folder, to break on purpose."""
    target = tmp_path / "personas"
    shutil.copytree(SHIPPED_PERSONAS, target)
    return target
