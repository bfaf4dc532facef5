"""The candidate's code in replays and reports: saved versions and test runs on the session's
timeline, the diff between consecutive versions, and the code as it was at each run.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from ..coding.models import CodeRun, CodeVersion
from ..session.models import Session
from .common import clock


@dataclass
class CodeEvent:
    time: float
    version: CodeVersion | None = None
    run: CodeRun | None = None


def code_events(session: Session) -> list[CodeEvent]:
    """Versions and runs in session-time order (a run after the version it ran)."""
    events = [CodeEvent(v.time, version=v) for v in session.code_versions]
    events += [CodeEvent(r.time, run=r) for r in session.code_runs]
    return sorted(events, key=lambda e: (e.time, e.run is not None))


def version_text(folder: Path | None, version: CodeVersion) -> str:
    if folder is None:
        return ""
    try:
        return (folder / version.file).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def previous_version(session: Session, version: CodeVersion) -> CodeVersion | None:
    same = [v for v in session.code_versions if v.question_id == version.question_id]
    earlier = [v for v in same if v.index < version.index]
    return earlier[-1] if earlier else None


def version_diff(session: Session, folder: Path | None, version: CodeVersion) -> list[str]:
    """Unified diff lines from the previous version of the same question (all of it if first)."""
    before = previous_version(session, version)
    old = version_text(folder, before).splitlines() if before else []
    new = version_text(folder, version).splitlines()
    old_name = f"v{before.index}" if before else "empty"
    return list(
        difflib.unified_diff(old, new, fromfile=old_name, tofile=f"v{version.index}", lineterm="")
    )


def _changes(diff: list[str]) -> tuple[int, int]:
    added = sum(1 for d in diff if d.startswith("+") and not d.startswith("+++"))
    removed = sum(1 for d in diff if d.startswith("-") and not d.startswith("---"))
    return added, removed


def describe(event: CodeEvent, session: Session, folder: Path | None) -> str:
    """One line for a replay or a report: what happened to the code, when."""
    if event.version is not None:
        v = event.version
        added, removed = _changes(version_diff(session, folder, v))
        return f"{clock(v.time)} code v{v.index} saved ({v.lines} lines, +{added} -{removed})"
    run = event.run
    assert run is not None
    label = "tests run after the interview" if run.trigger == "end" else "tests run"
    of = f" on v{run.version}" if run.version is not None else ""
    return f"{clock(run.time)} {label}{of}: {run.sentence}"


def _diff_lines(lines: list[str]) -> list[dict]:
    out = []
    for line in lines:
        cls = ""
        if line.startswith("+") and not line.startswith("+++"):
            cls = "add"
        elif line.startswith("-") and not line.startswith("---"):
            cls = "del"
        out.append({"cls": cls, "text": line})
    return out


def code_view(session: Session, folder: Path | None) -> dict | None:
    """The report's Code section (``_code.html``): the timeline of versions and runs; a click
    on a run shows the code as it was then. None when the session has no code."""
    if not session.code_versions and not session.code_runs:
        return None
    events = []
    for event in code_events(session):
        text = describe(event, session, folder)
        if event.run is not None:
            run = event.run
            events.append(
                {
                    "run": True,
                    "passed": run.all_passed,
                    "version": run.version if run.version is not None else "",
                    "label": f"The code at {clock(run.time)} (v{run.version}), as it was run",
                    "text": text,
                }
            )
        else:
            assert event.version is not None
            diff = version_diff(session, folder, event.version)
            events.append({"run": False, "text": text, "diff": _diff_lines(diff)})
    last = session.code_versions[-1] if session.code_versions else None
    return {
        "events": events,
        "sources": [
            {"index": v.index, "text": version_text(folder, v)} for v in session.code_versions
        ],
        "shown": version_text(folder, last) if last else "",
        "label": f"The last version (v{last.index})" if last else "",
    }
