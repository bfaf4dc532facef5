"""`interviewer report`: find the session, reuse or make its scorecard, write the report."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Literal

from ..errors import InterviewerError, SessionError
from ..grading.grader import grade_session, load_scorecard, save_scorecard
from ..grading.rubric import Rubric, load_rubric
from ..grading.scorecard import Scorecard
from ..grading.transcript import read_target
from ..paths import recordings_dir
from ..session.models import Session
from ..session.store import SessionStore, atomic_write_text
from .html import build_html
from .markdown import build_markdown

log = logging.getLogger(__name__)

ReportFormat = Literal["html", "md", "json"]
FORMATS: tuple[str, ...] = ("html", "md", "json")


def open_session(name: str) -> tuple[Session, Path | None]:
    """A session folder, a session id under recordings_dir(), 'last', or a transcript file."""
    path = Path(name)
    if path.is_file():
        return read_target(path)
    folder = SessionStore(recordings_dir()).resolve(name)
    session, _ = read_target(folder)
    return session, folder


def scorecard_for(
    session: Session, folder: Path | None, rubric: Rubric, regrade: bool = False
) -> Scorecard:
    """The saved scorecard when it matches the rubric, else a fresh one (saved when possible)."""
    if folder is not None and not regrade:
        try:
            saved = load_scorecard(folder)
        except SessionError as exc:
            log.warning("%s; grading again", exc)
            saved = None
        if (
            saved is not None
            and saved.rubric_id == rubric.id
            and saved.rubric_version == rubric.version
            and set(saved.dimensions) == {d.id for d in rubric.dimensions}
        ):
            return saved
    card = grade_session(session, rubric)
    if folder is not None:
        save_scorecard(folder, card)
    return card


def render(
    session: Session,
    card: Scorecard,
    rubric: Rubric,
    fmt: str,
    folder: Path | None,
    out_dir: Path,
    embed_audio: bool = False,
) -> str:
    if fmt == "html":
        return build_html(session, card, rubric, folder, out_dir, embed_audio)
    if fmt == "md":
        return build_markdown(session, card, rubric)
    if fmt == "json":
        return json.dumps(
            {
                "session": {
                    "id": session.id,
                    "duration": session.duration,
                    "complete": session.complete,
                },
                **card.model_dump(mode="json"),
            },
            indent=2,
            ensure_ascii=False,
        )
    raise InterviewerError(
        f"unknown report format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}"
    )


def write_report(
    name: str,
    fmt: str = "html",
    out: Path | None = None,
    embed_audio: bool = False,
    rubric_path: Path | None = None,
    regrade: bool = False,
) -> tuple[Path, str]:
    """Build the report for session ``name``; returns (path written, text)."""
    if fmt not in FORMATS:
        raise InterviewerError(
            f"unknown report format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}"
        )
    session, folder = open_session(name)
    rubric = load_rubric(rubric_path)
    card = scorecard_for(session, folder, rubric, regrade=regrade or rubric_path is not None)
    if out is None:
        out = (
            (folder / f"report.{fmt}")
            if folder is not None
            else Path(name).with_suffix(f".report.{fmt}")
        )
    text = render(session, card, rubric, fmt, folder, out.parent, embed_audio)
    try:
        atomic_write_text(out, text)
    except OSError as exc:
        raise InterviewerError(f"cannot write {out}: {exc}") from exc
    return out, text
