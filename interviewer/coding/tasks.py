"""Coding tasks: the code a coding question carries, read from the personas folder.

    personas/questions/code/<question-id>/starter.py    signature and docstring
    personas/questions/code/<question-id>/tests.py      hidden tests (ENTRY, ARITY, CASES)
    personas/questions/code/<question-id>/reference.py  a correct solution
    personas/questions/code/<question-id>/wrong.py      a plausible wrong one (the suite
                                                          proves the tests catch it)

A question with no such folder is talk-only. The format of tests.py is in docs/coding.md.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .. import paths
from ..errors import ConfigError

CODE_FILES = ("starter.py", "tests.py", "reference.py")


class CodingTask(BaseModel):
    """The files of one coding question (paths; the text is read when needed)."""

    model_config = ConfigDict(frozen=True)

    question_id: str
    folder: Path

    @property
    def starter(self) -> Path:
        return self.folder / "starter.py"

    @property
    def reference(self) -> Path:
        return self.folder / "reference.py"

    @property
    def wrong(self) -> Path:
        return self.folder / "wrong.py"

    def tests_source(self) -> str:
        return (self.folder / "tests.py").read_text(encoding="utf-8")


def tasks_dir() -> Path:
    return paths.personas_dir() / "questions" / "code"


def find_task(question_id: str, root: Path | None = None) -> CodingTask | None:
    """The code of a question, or None when it is talk-only; half a folder is an error."""
    folder = (root or tasks_dir()) / question_id
    if not folder.is_dir():
        return None
    missing = [name for name in CODE_FILES if not (folder / name).is_file()]
    if missing:
        raise ConfigError(
            f"{folder}: the coding question lacks {', '.join(missing)}",
            hint="a coding question's folder holds starter.py, tests.py and reference.py",
        )
    return CodingTask(question_id=question_id, folder=folder)


@lru_cache(maxsize=4)
def _ids(root: Path) -> tuple[str, ...]:
    return tuple(sorted(p.name for p in root.iterdir() if (p / "tests.py").is_file()))


def task_ids(root: Path | None = None) -> tuple[str, ...]:
    """Ids of every question that carries code."""
    root = root or tasks_dir()
    return _ids(root) if root.is_dir() else ()
