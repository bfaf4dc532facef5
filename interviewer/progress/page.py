"""The self-contained progress page: the grid, a chart per dimension, links to each report.

Like the session report, one file with inline CSS and SVG, no script and no network. Each
chart plots one rubric dimension across sessions, one line per round. Links to the session
reports are relative to the page, so the page and the recordings folder can move together.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

from .history import History
from .trends import ARROWS, Cell, weakest_cells

WIDTH = 640
HEIGHT = 200
PAD = 40
ROUND_COLOURS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:0 auto;max-width:900px;
padding:16px 20px 48px;color:#111827;line-height:1.45}
h1{font-size:1.5em;margin:.2em 0}h2{margin-top:1.6em;border-bottom:1px solid #e5e7eb}
.meta{color:#6b7280}table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #e5e7eb;padding:4px 8px;text-align:center}th.row{text-align:left}
td.weak{background:#fee2e2;font-weight:700;outline:2px solid #dc2626}
.up{color:#15803d}.down{color:#b91c1c}.flat{color:#b45309}.new{color:#6b7280}
.chart{max-width:100%;margin:6px 0 16px;background:#fff}.legend span{margin-right:14px}
.regraded{color:#92400e}
"""


def _x(i: int, n: int) -> float:
    if n <= 1:
        return PAD + (WIDTH - 2 * PAD) / 2
    return PAD + i * (WIDTH - 2 * PAD) / (n - 1)


def _y(score: float) -> float:
    return HEIGHT - PAD - (score - 1) / 3 * (HEIGHT - 2 * PAD)


def dimension_chart(name: str, dim_id: str, cells: list[Cell], order: list[str]) -> str:
    """One SVG: the dimension's score (1-4) per session, a line per round."""
    index = {sid: i for i, sid in enumerate(order)}
    n = len(order)
    parts = [
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#6b7280"/>'
    ]
    for level in (1, 2, 3, 4):
        y = _y(level)
        parts.append(
            f'<line x1="{PAD}" y1="{y:.1f}" x2="{WIDTH - PAD}" y2="{y:.1f}" stroke="#f3f4f6"/>'
            f'<text x="{PAD - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{level}</text>'
        )
    for i, _sid in enumerate(order):
        parts.append(
            f'<text x="{_x(i, n):.1f}" y="{HEIGHT - PAD + 14}" text-anchor="middle" '
            f'font-size="9">{i + 1}</text>'
        )
    for cell in cells:
        colour = ROUND_COLOURS[_round_slot(cell.round) % len(ROUND_COLOURS)]
        coords = [(_x(index[p.session_id], n), _y(p.score)) for p in cell.points]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        scores = ",".join(str(p.score) for p in cell.points)
        parts.append(
            f'<polyline class="series" data-round="{escape(cell.round)}" '
            f'data-trend="{cell.trend}" data-scores="{scores}" '
            f'points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        parts.extend(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>' for x, y in coords
        )
    title = f"{name}: score per session, one line per round"
    return (
        f'<svg class="chart" data-dimension="{escape(dim_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{"".join(parts)}</svg>'
    )


def _round_slot(round: str) -> int:
    from ..catalog.rounds import ROUND_TYPES

    return ROUND_TYPES.index(round) if round in ROUND_TYPES else len(ROUND_TYPES)


def _href(target: Path, out_dir: Path) -> str:
    return Path(os.path.relpath(target.resolve(), out_dir.resolve())).as_posix()


def build_progress_html(
    history: History, cells: list[Cell], out_dir: Path, reports: dict[str, Path]
) -> str:
    """The whole page. ``reports`` maps a session id to its report file."""
    sessions = history.sessions()
    order = [sid for sid, _, _ in sessions]
    weak = {(c.round, c.dimension) for c in weakest_cells(cells)}
    rounds = history.rounds()
    dims = [d for d in history.dimensions if any(c.dimension == d for c in cells)]
    by_key = {(c.round, c.dimension): c for c in cells}

    head = "".join(f"<th>{escape(history.dimensions[d])}</th>" for d in dims)
    rows = []
    for r in rounds:
        tds = []
        for d in dims:
            cell = by_key.get((r, d))
            if cell is None:
                tds.append('<td class="na">–</td>')
                continue
            cls = "weak" if (r, d) in weak else ""
            tds.append(
                f'<td class="{cls}" data-round="{escape(r)}" data-dimension="{escape(d)}" '
                f'data-trend="{cell.trend}">{cell.latest}/4 '
                f'<span class="{cell.trend}">{cell.arrow}</span></td>'
            )
        rows.append(f'<tr><th class="row">{escape(r)}</th>{"".join(tds)}</tr>')
    grid = f"<table id=grid><tr><th></th>{head}</tr>{''.join(rows)}</table>"

    legend = "".join(
        f'<span style="color:{ROUND_COLOURS[_round_slot(r) % len(ROUND_COLOURS)]}">'
        f"■ {escape(r)}</span>"
        for r in rounds
    )
    charts = "".join(
        f"<figure><figcaption><b>{escape(history.dimensions[d])}</b> "
        + " ".join(
            f'<span class="{c.trend}">{escape(c.round)} {c.arrow}</span>'
            for c in cells
            if c.dimension == d
        )
        + "</figcaption>"
        + dimension_chart(history.dimensions[d], d, [c for c in cells if c.dimension == d], order)
        + "</figure>"
        for d in dims
    )

    by_session: dict[str, list] = {}
    for res in history.results:
        by_session.setdefault(res.session_id, []).append(res)
    session_rows = []
    for i, (sid, _folder, started) in enumerate(sessions, start=1):
        results = by_session[sid]
        overall = " · ".join(
            f"{escape(r.round)} {r.overall:.1f}" if r.overall is not None else escape(r.round)
            for r in results
        )
        status = (
            f'<span class="regraded">regraded (was {escape(results[0].graded_with)})</span>'
            if results[0].status == "regraded"
            else ""
        )
        if not results[0].complete:
            status += ' <span class="regraded">cut short</span>'

        report = reports.get(sid)
        link = (
            f'<a class="report" href="{escape(_href(report, out_dir))}">report</a>'
            if report is not None
            else ""
        )
        session_rows.append(
            f"<tr><td>{i}</td><td>{started:%Y-%m-%d %H:%M}</td><td>{escape(sid)}</td>"
            f"<td>{overall}</td><td>{status}</td><td>{link}</td></tr>"
        )
    skipped = "".join(
        f'<p class="meta">Skipped {escape(s.folder.name)}: {escape(s.reason)}</p>'
        for s in history.skipped
    )
    weakest = "".join(
        f"<li><b>{escape(c.round)}</b> · {escape(c.name)}: {c.latest}/4 {c.arrow}</li>"
        for c in weakest_cells(cells)
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Interview progress</title><style>{_CSS}</style></head>
<body>
<h1>Interview progress</h1>
<p class="meta">{len(sessions)} session(s) · rubric {escape(history.rubric_id)}
 v{history.rubric_version} · scores 1-4, latest per round and dimension, with the trend
 ({ARROWS["up"]} rising, {ARROWS["flat"]} flat, {ARROWS["down"]} falling)</p>
<h2>Weakest cells</h2><ol id=weakest>{weakest or "<li>None below the top level.</li>"}</ol>
<h2>Round × dimension</h2>{grid}
<h2>Each dimension over time</h2><p class="legend">{legend}</p>{charts}
<h2>Sessions</h2>
<table id=sessions><tr><th>#</th><th>started</th><th>session</th><th>overall by round</th>
<th>grading</th><th>report</th></tr>{"".join(session_rows)}</table>{skipped}
</body></html>
"""
