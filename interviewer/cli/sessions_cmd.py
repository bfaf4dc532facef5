"""`interviewer sessions`: list recorded sessions."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from ..paths import recordings_dir
from ..session.store import SessionStore
from .app import app, console


@app.command()
def sessions(
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list."),
    out: Path = typer.Option(None, "--dir", help="Where sessions live (default: recordings/)."),
) -> None:
    """List recorded sessions, newest last."""
    store = SessionStore(out or recordings_dir())
    rows = []
    for folder, session in store.list():
        if isinstance(session, Exception):
            rows.append({"id": folder.name, "path": str(folder), "error": str(session)})
            continue
        rows.append(
            {
                "id": session.id,
                "path": str(folder),
                "started_at": session.started_at.isoformat(),
                "rounds": session.rounds,
                "turns": len(session.turns),
                "duration_s": round(session.duration, 1),
                "complete": session.complete,
            }
        )
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    if not rows:
        console.print(f"no sessions in {store.root}", highlight=False)
        return
    table = Table("id", "started", "rounds", "turns", "length", "status")
    for row in rows:
        if "error" in row:
            table.add_row(row["id"], "", "", "", "", "[red]unreadable[/]")
            continue
        status = "complete" if row["complete"] else "[yellow]incomplete[/]"
        table.add_row(
            row["id"],
            row["started_at"][:19].replace("T", " "),
            ", ".join(row["rounds"]),
            str(row["turns"]),
            f"{row['duration_s'] / 60:.1f} min",
            status,
        )
    console.print(table)
