"""Where things live: data folders shipped with the project, the user's cache and recordings.

Every location can be overridden by an environment variable so tests (and users with unusual
setups) never touch a real home directory.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent


def _data_dir(name: str) -> Path:
    """A shipped data folder: the checkout's top-level one, else the copy inside the wheel."""
    in_checkout = REPO_ROOT / name
    if in_checkout.is_dir():
        return in_checkout
    return PACKAGE_DIR / "_data" / name


def personas_dir() -> Path:
    return Path(os.environ.get("INTERVIEWER_PERSONAS_DIR") or _data_dir("personas"))


def rubrics_dir() -> Path:
    return Path(os.environ.get("INTERVIEWER_RUBRICS_DIR") or _data_dir("rubrics"))


def study_dir() -> Path:
    """The study-plan data: job-description skills and the preparation guide."""
    return Path(os.environ.get("INTERVIEWER_STUDY_DIR") or _data_dir("study"))


def recordings_dir() -> Path:
    """Default home of sessions: ``recordings/`` in the checkout, else the current folder's."""
    env = os.environ.get("INTERVIEWER_RECORDINGS_DIR")
    if env:
        return Path(env)
    if (REPO_ROOT / "recordings").is_dir() and (REPO_ROOT / "pyproject.toml").is_file():
        return REPO_ROOT / "recordings"
    return Path.cwd() / "recordings"


def cache_dir() -> Path:
    """Assembled model files and other derived artefacts (safe to delete)."""
    return Path(os.environ.get("INTERVIEWER_CACHE_DIR") or user_cache_dir("interviewer"))


def data_dir() -> Path:
    """The user's own state that is not a session: the confidence grid and the study plan."""
    return Path(os.environ.get("INTERVIEWER_DATA_DIR") or user_data_dir("interviewer"))
