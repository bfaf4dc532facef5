"""`interviewer replay`: hear a session again, the transcript following along."""

from __future__ import annotations

import typer

from ..errors import AudioError
from ..paths import recordings_dir
from ..report.code_view import code_events, describe, version_diff
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
    code = code_events(loaded)
    shown_code = [e for e in code if turns and e.time < turns[0].start]

    def show_code_until(moment: float) -> None:
        for event in code:
            if event.time <= moment and event not in shown_code:
                shown_code.append(event)
                console.print(
                    f"[magenta]{describe(event, loaded, folder)}[/]", highlight=False, markup=True
                )
                if event.version is not None:
                    for line in version_diff(loaded, folder, event.version)[2:]:
                        style = "green" if line[:1] == "+" else "red" if line[:1] == "-" else "dim"
                        console.print(line, style=style, highlight=False, markup=False)

    for item in turns:
        show_code_until(item.start)
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
    show_code_until(float("inf"))
