"""The scorecard as a rich renderable, for `grade` and for the end of `practice`/`loop`."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..grading.scorecard import Scorecard
from .common import clock, stars


def render_scorecard(card: Scorecard, max_quotes: int = 2) -> RenderableType:
    """One table row per dimension: level, why, and the candidate's own words with times."""
    table = Table(
        title=f"Scorecard — session {card.session_id}",
        title_justify="left",
        show_lines=True,
        expand=True,
    )
    table.add_column("Dimension", style="bold", no_wrap=True)
    table.add_column("Level", no_wrap=True)
    table.add_column("Why, in your words")
    for dim in card.dimensions.values():
        if dim.score is None:
            level = Text("not observed", style="dim")
            why = Text(dim.not_observed_reason or "", style="dim")
        else:
            level = Text(
                f"{stars(dim.score)} {dim.score} {dim.level_name or ''}".strip(),
                style="green" if dim.score >= 3 else "yellow" if dim.score == 2 else "red",
            )
            why = Text(dim.rationale)
            for ev in dim.evidence[:max_quotes]:
                when = f"[{clock(ev.start)}] " if ev.start is not None else ""
                why.append(f"\n  {when}“{ev.quote}”", style="italic cyan")
        table.add_row(dim.name, level, why)
    parts: list[RenderableType] = [table]
    if card.overall is not None:
        parts.append(
            Text.from_markup(
                f"[bold]Overall:[/] {card.overall:.1f}/4 ({escape(card.overall_level_name or '')})"
            )
        )
    if card.narrative:
        parts.append(Text(card.narrative, style="italic"))
    if card.practise_next:
        lines = Text("Practise next:", style="bold")
        for item in card.practise_next:
            lines.append(f"\n • {item.name} ({item.score}/4): ", style="bold")
            lines.append(item.advice, style="")
        parts.append(lines)
    for note in card.notes:
        parts.append(Text(f"note: {note}", style="dim"))
    return Group(*parts)
