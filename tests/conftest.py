"""Shared fixtures: tests never write into a real home or the repo's recordings/."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_data import SHARED_SPEECH


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    # Sessions land in a temp dir. The model cache stays shared (assembling 1 GB per test
    # would be wasteful), unless the environment already points it elsewhere.
    monkeypatch.setenv("INTERVIEWER_RECORDINGS_DIR", str(tmp_path_factory.mktemp("recordings")))
    # The confidence grid and study plan live in the user data directory: never the real one.
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path_factory.mktemp("userdata")))


@pytest.fixture(scope="session")
def jfk_flac() -> Path:
    path = SHARED_SPEECH / "jfk.flac"
    if not path.exists():
        pytest.skip(
            f"real speech sample not found at {path} (../shared is beside the checkout in CI)"
        )
    return path
