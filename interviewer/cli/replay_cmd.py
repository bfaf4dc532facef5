"""`interviewer replay`: hear a session again, the transcript following along."""

from __future__ import annotations

import typer

from ..errors import AudioError
from ..paths import recordings_dir
from ..report.common import clock
from ..report.replay import Replayer, audio_output_available, turns_from
from ..session.store import SessionStore, load_session
from .app import app, console, err_console


@app.command()
def replay(
    session: str = typer.Argument("last", help="A session folder, a session id, or 'last'."),
    turn: int | None = typer.Option(None, "--turn", "-t", help="Start from this turn number."),
    text_only: bool = typer.Option(False, "--text-only", help="Print the transcript, no audio."),
) -> None:
    """Play a session's recordings turn by turn while the transcript follows along."""
    folder = SessionStore(recordings_dir()).resolve(session)
    loaded = load_session(folder)
    turns = turns_from(loaded, turn)
    audio = not text_only and audio_output_available()
    if not text_only and not audio:
        err_console.print("no audio output device: showing the transcript only", style="yellow")
    replayer = Replayer(folder, audio=audio)
    console.print(
        f"[bold]Session {loaded.id}[/] · {len(loaded.turns)} turns · {clock(loaded.duration)}",
        highlight=False,
    )
    for item in turns:
        who = "Interviewer" if item.speaker == "interviewer" else "Candidate"
        console.print(
            f"[dim]#{item.index} {clock(item.start)}[/] [bold]{who}:[/]", end=" ", highlight=False
        )
        try:
            replayer.play_turn(
                item, lambda text: console.print(text, end=" ", highlight=False, markup=False)
            )
        except AudioError as exc:
            console.print()
            err_console.print(f"{exc.message}: showing the transcript only", style="yellow")
            replayer.audio = False
            replayer.play_turn(
                item, lambda text: console.print(text, end=" ", highlight=False, markup=False)
            )
        console.print()
