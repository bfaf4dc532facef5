"""Session folders on disk: written turn by turn, atomically, so a crash loses at most the turn
in progress and the folder always loads.

Layout of a session folder::

    <id>/session.json      the Session model (see models.py)
    <id>/turn-003-candidate.wav   one audio file per turn
    <id>/scorecard.json    written by the grader
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from ..errors import SessionError
from .models import Session, Turn, migrate

log = logging.getLogger(__name__)

SESSION_FILE = "session.json"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a temporary file in the same folder, then rename: readers see old or new, never
    half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def new_session_id(now: datetime | None = None) -> str:
    now = now or datetime.now()
    return now.strftime("%Y%m%d-%H%M%S")


class SessionWriter:
    """Owns one session folder while an interview runs."""

    def __init__(self, folder: Path, session: Session) -> None:
        self.folder = folder
        self.session = session
        folder.mkdir(parents=True, exist_ok=True)
        self.save()

    @classmethod
    def create(cls, root: Path, session: Session) -> SessionWriter:
        folder = root / session.id
        suffix = 1
        while folder.exists():
            suffix += 1
            folder = root / f"{session.id}-{suffix}"
        if folder.name != session.id:
            session = session.model_copy(update={"id": folder.name})
        return cls(folder, session)

    def audio_path(self, index: int, speaker: str, ext: str = "wav") -> Path:
        return self.folder / f"turn-{index:03d}-{speaker}.{ext}"

    def next_index(self) -> int:
        return len(self.session.turns)

    def add_turn(self, turn: Turn) -> Turn:
        """Append a finished turn and persist the whole session at once."""
        self.session.turns.append(turn)
        self.save()
        return turn

    def turn(self, index: int) -> Turn:
        """The recorded turn whose ``Turn.index`` is ``index`` (not its position)."""
        return self.session.turns[self._position(index)]

    def drop_last_turn(self, index: int) -> Turn:
        """Take back the last turn (a line the candidate went on over) and persist at once."""
        if not self.session.turns or self.session.turns[-1].index != index:
            raise ValueError(f"turn {index} is not the last turn")
        turn = self.session.turns.pop()
        self.save()
        return turn

    def replace_turn(self, turn: Turn) -> Turn:
        """Rewrite a recorded turn (a better transcript of it) and persist at once."""
        self.session.turns[self._position(turn.index)] = turn
        self.save()
        return turn

    def _position(self, index: int) -> int:
        for position, recorded in enumerate(self.session.turns):
            if recorded.index == index:
                return position
        raise KeyError(f"no turn {index} in session {self.session.id}")

    def finish(self) -> None:
        from .models import utc_now

        self.session.ended_at = utc_now()
        self.session.complete = True
        self.save()

    def save(self) -> None:
        atomic_write_text(self.folder / SESSION_FILE, self.session.model_dump_json(indent=2))


def load_session(folder: Path) -> Session:
    """Read a session folder, of any schema version, or say clearly why not."""
    path = folder / SESSION_FILE if folder.is_dir() else folder
    if not path.exists():
        raise SessionError(
            f"no session at {folder}: {SESSION_FILE} is missing",
            hint="list sessions with `interviewer sessions`",
        )
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SessionError(f"cannot read {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise SessionError(
            f"{path} is not a valid session file: it holds a JSON {type(raw).__name__}, "
            "not an object",
            hint="restore it from a backup, or delete the folder",
        )
    try:
        return Session.model_validate(migrate(raw))
    except ValidationError as exc:
        raise SessionError(f"{path} is not a valid session file: {exc}") from exc


class SessionStore:
    """All sessions under one folder (``recordings/`` by default)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folders(self) -> Iterator[Path]:
        if not self.root.is_dir():
            return
        for child in sorted(self.root.iterdir()):
            if (child / SESSION_FILE).is_file():
                yield child

    def list(self) -> list[tuple[Path, Session | SessionError]]:
        out: list[tuple[Path, Session | SessionError]] = []
        for folder in self.folders():
            try:
                out.append((folder, load_session(folder)))
            except SessionError as exc:
                log.warning("%s", exc)
                out.append((folder, exc))
        return out

    def resolve(self, name_or_path: str) -> Path:
        """A session given as a path, an id, or 'last'."""
        path = Path(name_or_path)
        if path.is_dir():
            return path
        if name_or_path == "last":
            folders = list(self.folders())
            if not folders:
                raise SessionError(f"no sessions in {self.root}")
            return folders[-1]
        candidate = self.root / name_or_path
        if candidate.is_dir():
            return candidate
        raise SessionError(
            f"no session named {name_or_path!r} (looked in {self.root})",
            hint="list sessions with `interviewer sessions`",
        )
