"""`interviewer progress`: collect the history, make each session's report, write the page."""

from __future__ import annotations

import logging
from pathlib import Path

from ..errors import InterviewerError
from ..grading.rubric import load_rubric
from ..session.store import atomic_write_text
from .history import History, collect_history
from .page import build_progress_html
from .trends import Cell, build_cells

log = logging.getLogger(__name__)

REPORT_FILE = "report.html"


def load_progress(root: Path, rubric_path: Path | None = None) -> tuple[History, list[Cell]]:
    history = collect_history(root, load_rubric(rubric_path))
    return history, build_cells(history)


def session_reports(history: History) -> dict[str, Path]:
    """Each session's HTML report, written beside its recordings when it is not there yet."""
    from ..report.build import write_report

    reports: dict[str, Path] = {}
    for sid, folder, _ in history.sessions():
        path = folder / REPORT_FILE
        if not path.is_file():
            try:
                write_report(str(folder), "html", out=path)
            except InterviewerError as exc:
                log.warning("no report for %s: %s", sid, exc.message)
                continue
        reports[sid] = path
    return reports


def write_progress_page(history: History, cells: list[Cell], out: Path) -> Path:
    html = build_progress_html(history, cells, out.parent, session_reports(history))
    try:
        atomic_write_text(out, html)
    except OSError as exc:
        raise InterviewerError(f"cannot write {out}: {exc}") from exc
    return out
