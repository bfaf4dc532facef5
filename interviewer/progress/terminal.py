"""The progress table for the terminal: a row per (round, dimension), a column per session."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from .history import History
from .trends import Cell, weakest_cells

MAX_SESSIONS_SHOWN = 8
_ARROW_STYLE = {"up": "green", "down": "red", "flat": "yellow", "new": "dim"}


def render_progress(history: History, cells: list[Cell]) -> Table:
    sessions = history.sessions()[-MAX_SESSIONS_SHOWN:]
    regraded = {r.session_id for r in history.results if r.status == "regraded"}
    weak = {(c.round, c.dimension) for c in weakest_cells(cells)}
    table = Table(
        title=f"Progress ({history.rubric_id} rubric v{history.rubric_version})",
        caption="↑ rising · → flat · ↓ falling · red: the weakest cells"
        + (" · † regraded with the current rubric" if regraded else ""),
    )
    table.add_column("round")
    table.add_column("dimension")
    for sid, _, started in sessions:
        mark = "†" if sid in regraded else ""
        table.add_column(f"{started:%m-%d}\n{sid[-6:]}{mark}", justify="center")
    table.add_column("trend", justify="center")
    table.add_column("latest", justify="center")
    previous_round = None
    for cell in cells:
        by_session = {p.session_id: p.score for p in cell.points}
        style = "bold red" if (cell.round, cell.dimension) in weak else ""
        table.add_row(
            cell.round if cell.round != previous_round else "",
            Text(cell.name, style=style),
            *[str(by_session.get(sid, "")) for sid, _, _ in sessions],
            Text(cell.arrow, style=_ARROW_STYLE[cell.trend]),
            Text(f"{cell.latest}/4", style=style),
            end_section=False,
        )
        previous_round = cell.round
    return table
