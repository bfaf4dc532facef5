"""The candidate's code in replays and reports: saved versions and test runs on the session's
timeline, the diff between consecutive versions, and the code as it was at each run.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from html import escape
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


_CODE_CSS = """
.code-ev{margin:4px 0}.code-ev .t{color:#6b7280;margin-right:6px}
button.run{font:inherit;background:#f0fdf4;border:0;border-left:3px solid #15803d;
border-radius:4px;padding:4px 8px;cursor:pointer;text-align:left;width:100%}
button.run.fail{background:#fef2f2;border-left-color:#b91c1c}button.run:hover{filter:brightness(.96)}
pre.code{background:#f8fafc;border:1px solid #e5e7eb;border-radius:6px;padding:8px;overflow:auto;
font-size:.85em}.diff .add{color:#15803d}.diff .del{color:#b91c1c}
"""

_CODE_SCRIPT = """
document.addEventListener('click',ev=>{
  const b=ev.target.closest('[data-code-version]');if(!b)return;
  const src=document.getElementById('code-v'+b.dataset.codeVersion);
  const view=document.getElementById('code-view');
  view.textContent=src?src.content.textContent:'(this version was not saved)';
  document.getElementById('code-view-label').textContent=b.dataset.label;
  view.scrollIntoView({block:'nearest'});
});
"""


def _diff_html(lines: list[str]) -> str:
    out = []
    for line in lines:
        cls = ""
        if line.startswith("+") and not line.startswith("+++"):
            cls = "add"
        elif line.startswith("-") and not line.startswith("---"):
            cls = "del"
        out.append(f'<span class="{cls}">{escape(line)}</span>' if cls else escape(line))
    return "\n".join(out)


def code_section(session: Session, folder: Path | None) -> str:
    """The report's Code section: the timeline of versions and runs; a click on a run shows
    the code as it was then. Empty when the session has no code."""
    if not session.code_versions and not session.code_runs:
        return ""
    rows = []
    for event in code_events(session):
        text = escape(describe(event, session, folder))
        if event.run is not None:
            run = event.run
            status = "" if run.all_passed else " fail"
            label = escape(f"The code at {clock(run.time)} (v{run.version}), as it was run")
            rows.append(
                f'<div class="code-ev"><button class="run{status}" type="button" '
                f'data-code-version="{run.version if run.version is not None else ""}" '
                f'data-label="{label}">{text}</button></div>'
            )
        else:
            assert event.version is not None
            diff = version_diff(session, folder, event.version)
            rows.append(
                f'<details class="code-ev"><summary>{text}</summary>'
                f'<pre class="code diff">{_diff_html(diff)}</pre></details>'
            )
    sources = "".join(
        f'<template id="code-v{v.index}">{escape(version_text(folder, v))}</template>'
        for v in session.code_versions
    )
    last = session.code_versions[-1] if session.code_versions else None
    shown = escape(version_text(folder, last)) if last else ""
    label = f"The last version (v{last.index})" if last else ""
    return (
        f"<style>{_CODE_CSS}</style><h2>Code</h2>"
        '<p class="meta">Saved versions (open one for its diff) and runs of the hidden tests. '
        "Click a run to see the code as it was then.</p>"
        f'{"".join(rows)}<p class="meta" id="code-view-label">{escape(label)}</p>'
        f'<pre class="code" id="code-view">{shown}</pre>{sources}'
        f"<script>{_CODE_SCRIPT}</script>"
    )
