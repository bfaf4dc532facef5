"""The self-contained progress page: the grid, a chart per dimension, links to each report.

Like the session report, one file with inline CSS and SVG, no script and no network, from
the ``progress.html`` template (which ``interviewer serve`` shows too). Each
chart plots one rubric dimension across sessions, one line per round. Links to the session
reports are relative to the page, so the page and the recordings folder can move together.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

from ..templates import Markup, render
from .history import History
from .trends import ARROWS, Cell, weakest_cells

WIDTH = 640
HEIGHT = 200
PAD = 40
ROUND_COLOURS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563"]


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


def progress_view(history: History, cells: list[Cell], reports: dict[str, str]) -> dict:
    """What ``progress.html`` shows; ``reports`` maps a session id to its report's link."""
    sessions = history.sessions()
    order = [sid for sid, _, _ in sessions]
    weak = {(c.round, c.dimension) for c in weakest_cells(cells)}
    rounds = history.rounds()
    dims = [d for d in history.dimensions if any(c.dimension == d for c in cells)]
    by_key = {(c.round, c.dimension): c for c in cells}
    grid = [
        {
            "round": r,
            "cells": [{"dim": d, "cell": by_key.get((r, d)), "weak": (r, d) in weak} for d in dims],
        }
        for r in rounds
    ]
    by_session: dict[str, list] = {}
    for res in history.results:
        by_session.setdefault(res.session_id, []).append(res)
    rows = []
    for i, (sid, _folder, started) in enumerate(sessions, start=1):
        results = by_session[sid]
        rows.append(
            {
                "n": i,
                "started": f"{started:%Y-%m-%d %H:%M}",
                "id": sid,
                "overall": " · ".join(
                    f"{r.round} {r.overall:.1f}" if r.overall is not None else r.round
                    for r in results
                ),
                "regraded_from": (
                    results[0].graded_with if results[0].status == "regraded" else None
                ),
                "cut_short": not results[0].complete,
                "report": reports.get(sid),
            }
        )
    return {
        "count": len(sessions),
        "rubric_id": history.rubric_id,
        "rubric_version": history.rubric_version,
        "arrows": ARROWS,
        "weakest": weakest_cells(cells),
        "dims": [{"id": d, "name": history.dimensions[d]} for d in dims],
        "grid": grid,
        "legend": [
            {"round": r, "colour": ROUND_COLOURS[_round_slot(r) % len(ROUND_COLOURS)]}
            for r in rounds
        ],
        "charts": [
            {
                "name": history.dimensions[d],
                "cells": [c for c in cells if c.dimension == d],
                # SVG drawn by dimension_chart, which escapes every text it puts in.
                "svg": Markup(
                    dimension_chart(
                        history.dimensions[d], d, [c for c in cells if c.dimension == d], order
                    )
                ),
            }
            for d in dims
        ],
        "sessions": rows,
        "skipped": history.skipped,
    }


def build_progress_html(
    history: History, cells: list[Cell], out_dir: Path, reports: dict[str, Path]
) -> str:
    """The whole page (the ``progress.html`` template). ``reports`` maps a session id to its
    report file, linked relative to ``out_dir``."""
    links = {sid: _href(path, out_dir) for sid, path in reports.items()}
    return render("progress.html", p=progress_view(history, cells, links))
