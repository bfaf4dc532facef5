"""`interviewer personas`: list interviewer personas and the questions of each round."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ..catalog.personas import Catalog, load_catalog
from ..catalog.rounds import ROUND_TYPES, normalise_round, round_list
from ..coding.tasks import task_ids
from .app import app, console


def _catalog_summary(
    catalog: Catalog, rounds: list[str], with_code: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """What the command shows, as plain data (the --json output)."""
    personas = [
        {
            "id": p.id,
            "name": p.name,
            "tone": p.tone,
            "voice": p.voice.id,
            "rounds": list(p.rounds),
        }
        for p in catalog.personas.values()
        if any(r in p.rounds for r in rounds)
    ]
    banks = []
    for round_name in rounds:
        bank = catalog.bank(round_name)
        banks.append(
            {
                "round": bank.round,
                "title": bank.title,
                "description": bank.description,
                "personas": [p.id for p in catalog.personas.values() if round_name in p.rounds],
                "questions": [
                    {
                        "id": q.id,
                        "title": q.title,
                        "time_box_s": q.time_box_s,
                        "code": q.id in with_code,  # starter, hidden tests (docs/coding.md)
                    }
                    for q in bank.questions
                ],
            }
        )
    return {"personas": personas, "rounds": banks}


@app.command()
def personas(
    round: Annotated[
        str | None,
        typer.Option("--round", "-r", help=f"Only this round: {round_list()}."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir", help="A personas folder to check and list (default: the shipped one)."
        ),
    ] = None,
) -> None:
    """List interviewer personas and, per round, the questions they can ask."""
    catalog = load_catalog(directory)
    rounds: list[str] = list(ROUND_TYPES)
    if round is not None:
        rounds = [normalise_round(round)]  # type: ignore[list-item]  # unknown: lists the rounds
    code_root = directory / "questions" / "code" if directory is not None else None
    summary = _catalog_summary(catalog, rounds, frozenset(task_ids(code_root)))
    if as_json:
        print(json.dumps(summary, indent=2))
        return

    table = Table(title="Personas", title_justify="left")
    for column in ("id", "name", "tone", "voice", "rounds"):
        table.add_column(column)
    for p in summary["personas"]:
        table.add_row(p["id"], p["name"], p["tone"], p["voice"], ", ".join(p["rounds"]))
    console.print(table)

    for bank in summary["rounds"]:
        table = Table(
            title=f"{bank['title']} ({bank['round']}) — personas: {', '.join(bank['personas'])}",
            title_justify="left",
        )
        table.add_column("question id", no_wrap=True)
        table.add_column("title")
        table.add_column("time box", justify="right")
        for q in bank["questions"]:
            title = q["title"] + (" (runs code)" if q["code"] else "")
            table.add_row(q["id"], title, f"{q['time_box_s'] / 60:g} min")
        console.print(table)
