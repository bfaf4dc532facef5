"""`interviewer practice` (one round) and `interviewer loop` (rounds back to back)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.live import Live
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

from ..catalog.rounds import (
    DEFAULT_LOOP,
    DEFAULT_ROUND,
    normalise_round,
    parse_round_list,
    round_list,
)
from ..interview.answers.simulated import LEVELS
from ..interview.practice import AnswerMode, PracticeOptions, run_practice
from ..llm.settings import LLMSettings
from ..session.models import Turn
from .app import MODEL_OPTION, app, console, err_console


class MicMeter:
    """A live level meter while the microphone records, so the user knows it is listening."""

    def __init__(self) -> None:
        from ..audio.meter import LevelMeter

        self.meter = LevelMeter()
        self.live: Live | None = None

    def on_frame(self, info) -> None:
        if self.live is None:
            self.live = Live(self.meter, console=console, refresh_per_second=12, transient=True)
            self.live.start()
        self.meter.update(info)

    def stop(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None


class ConsoleObserver:
    """Prints each turn as it is recorded; the status line shows what the machine is doing."""

    def __init__(self, meter: MicMeter) -> None:
        self.meter = meter

    def turn_recorded(self, turn: Turn) -> None:
        self.meter.stop()
        if turn.speaker == "interviewer":
            depth = f" #{turn.depth}" if turn.depth else ""
            label = f"[bold cyan]Interviewer[/] [dim]({turn.act}{depth})[/]"
        else:
            label = "[bold green]You[/]"
        text = turn.text or "[dim](silence)[/]"
        console.print(f"{label} [dim]{turn.start:6.1f}s[/]  {text}", highlight=False)
        if turn.meta.get("error"):
            err_console.print(f"[yellow]warning:[/] {turn.meta['error']}", highlight=False)

    def turn_withdrawn(self, index: int) -> None:
        self.meter.stop()
        console.print("[dim]… (the interviewer's last line is taken back: you went on)[/]")

    def status(self, message: str) -> None:
        self.meter.stop()
        console.print(f"[dim]… {message}[/]", highlight=False)


def _answer_mode(
    answers: Path | None, text: bool, simulate: bool, simulate_as: str = "strong"
) -> AnswerMode:
    chosen = [
        name
        for name, on in (("--answers", answers), ("--text", text), ("--simulate", simulate))
        if on
    ]
    if len(chosen) > 1:
        raise typer.BadParameter(f"choose one of {', '.join(chosen)}")
    if simulate_as not in LEVELS:
        raise typer.BadParameter(f"--as {simulate_as}: choose {' or '.join(LEVELS)}")
    if simulate_as != "strong" and not simulate:
        raise typer.BadParameter("--as chooses the simulated candidate: add --simulate")
    if answers:
        return "files"
    if text:
        return "text"
    return "simulated" if simulate else "microphone"


def _run(options: PracticeOptions) -> None:
    progress = Progress(
        TextColumn("assembling the bundled model"),
        BarColumn(),
        DownloadColumn(),
        console=err_console,
        transient=True,
    )
    task = None

    def on_progress(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            progress.start()
            task = progress.add_task("gguf", total=total)
        progress.update(task, completed=done)
        if done >= total:
            progress.stop()

    folder: list[Path] = []
    meter = MicMeter()
    try:
        run_practice(
            options,
            ConsoleObserver(meter),
            on_frame=meter.on_frame,
            on_session=folder.append,
            progress=on_progress,
        )
    finally:
        meter.stop()
        progress.stop()
        if folder:
            console.print(f"session saved: [bold]{folder[0]}[/]", highlight=False)
    _print_scorecard(folder[0])


def _print_scorecard(folder: Path) -> None:
    """Grade the finished session (offline, evidence-based), save and show the scorecard."""
    from ..grading import grade_target
    from ..report.terminal import render_scorecard

    scorecard, _ = grade_target(folder)
    console.print(render_scorecard(scorecard))
    console.print(
        f"full report: interviewer report {folder} -o report.html   "
        f"replay: interviewer replay {folder}",
        highlight=False,
    )


def _options(
    rounds: list[str],
    *,
    persona: str | None,
    questions: int,
    depth: int,
    answers: Path | None,
    text: bool,
    simulate: bool,
    simulate_as: str,
    no_voice: bool,
    out: Path | None,
    backend: str,
    model: str | None,
    base_url: str | None,
    stt_model: str,
    seed: int | None,
    end_silence_ms: int | None,
    no_streaming: bool,
    question: str | None = None,
    round_minutes: float | None = None,
    break_s: float = 0.0,
    code: Path | None = None,
    editor: bool = False,
) -> PracticeOptions:
    """PracticeOptions from the options ``practice`` and ``loop`` share, passed by keyword:
    a renamed option is an undefined name where the command calls this, found before it runs
    (``question``, ``code`` and ``editor`` are practice's only; ``round_minutes`` and
    ``break_s`` are loop's)."""
    return PracticeOptions(
        rounds=rounds,  # type: ignore[arg-type]  # normalised by the registry
        persona=persona,
        question_id=question,
        questions_per_round=questions,
        max_depth=depth,
        answers=_answer_mode(answers, text, simulate, simulate_as),
        answers_dir=answers,
        simulate_as=simulate_as,  # type: ignore[arg-type]  # checked by _answer_mode
        voice=not no_voice,
        out_dir=out,
        stt_model=stt_model,
        round_minutes=round_minutes,
        break_s=break_s,
        seed=seed,
        code_file=code,
        editor=editor,
        streaming=not no_streaming,
        endpoint={} if end_silence_ms is None else {"end_silence_ms": end_silence_ms},
        llm=LLMSettings(
            backend=backend,  # type: ignore[arg-type]  # validated by LLMSettings
            model=model,
            base_url=base_url or None,
        ),
    )


_ANSWERS = typer.Option(
    None,
    "--answers",
    help="Answer from audio files in this folder, one per turn, in name order.",
    file_okay=False,
)
_TEXT = typer.Option(False, "--text", help="Type answers (one line each) instead of speaking.")
_SIMULATE = typer.Option(
    False,
    "--simulate",
    help="A simulated candidate answers the question asked, through text to speech.",
)
_SIMULATE_AS = typer.Option(
    "strong", "--as", help="With --simulate: the strong or the weak candidate's answers."
)
_NO_VOICE = typer.Option(
    False, "--no-voice", help="Print the interviewer's lines instead of speaking them."
)
_OUT = typer.Option(None, "--out", help="Folder for the session (default: recordings/).")
_BACKEND = typer.Option(
    "embedded",
    "--backend",
    help="embedded (local, default) or openai (any OpenAI-compatible server).",
)
_MODEL = MODEL_OPTION
_BASE_URL = typer.Option(
    None, "--base-url", help="OpenAI-compatible server URL (default $OPENAI_BASE_URL)."
)
_STT = typer.Option(
    "bundled",
    "--stt-model",
    help="Speech model: bundled (tiny.en), a folder, or a name like base.en.",
)
_PERSONA = typer.Option(None, "--persona", help="Persona id (see `interviewer personas`).")
_DEPTH = typer.Option(3, "--depth", help="How many 'why' follow-ups per question, at most.")
_SEED = typer.Option(None, "--seed", help="Pick questions reproducibly.")
_END_SILENCE = typer.Option(
    None,
    "--end-silence-ms",
    help="Microphone: silence that ends a finished-sounding answer (default 600; 800 "
    "with --no-streaming).",
)
_NO_STREAMING = typer.Option(
    False,
    "--no-streaming",
    help="Microphone: transcribe after each answer instead of while you speak.",
)


@app.command()
def practice(
    round_type: str = typer.Option(
        DEFAULT_ROUND,
        "--round",
        "-r",
        help=f"One of: {round_list()}.",
    ),
    persona: str = _PERSONA,
    question: str = typer.Option(
        None, "--question", help="A question id (see `interviewer personas`)."
    ),
    questions: int = typer.Option(1, "--questions", "-n", help="How many questions in the round."),
    depth: int = _DEPTH,
    answers: Path = _ANSWERS,
    text: bool = _TEXT,
    simulate: bool = _SIMULATE,
    simulate_as: str = _SIMULATE_AS,
    no_voice: bool = _NO_VOICE,
    out: Path = _OUT,
    backend: str = _BACKEND,
    model: str = _MODEL,
    base_url: str = _BASE_URL,
    stt_model: str = _STT,
    seed: int = _SEED,
    end_silence_ms: int = _END_SILENCE,
    no_streaming: bool = _NO_STREAMING,
    next_session: bool = typer.Option(
        False,
        "--next",
        help="Run the session your study plan says is next (see `interviewer plan`).",
    ),
    code: Path = typer.Option(
        None,
        "--code",
        help="Coding: your own solution file, run and versioned (default: a starter in the "
        "session folder's code/solution.py).",
        dir_okay=False,
    ),
    editor: bool = typer.Option(
        False, "--editor", help="Coding: open the code file in $EDITOR when the question starts."
    ),
) -> None:
    """Run one interview round, recorded into a session, then print the scorecard."""
    rounds: list[str] = [normalise_round(round_type)]  # type: ignore[list-item]
    round_minutes: float | None = None
    if next_session:
        rounds, question, round_minutes = _planned(out)
    _run(
        _options(
            rounds,
            round_minutes=round_minutes,
            persona=persona,
            question=question,
            code=code,
            editor=editor,
            questions=questions,
            depth=depth,
            answers=answers,
            text=text,
            simulate=simulate,
            simulate_as=simulate_as,
            no_voice=no_voice,
            out=out,
            backend=backend,
            model=model,
            base_url=base_url,
            stt_model=stt_model,
            seed=seed,
            end_silence_ms=end_silence_ms,
            no_streaming=no_streaming,
        )
    )


def _planned(out: Path | None) -> tuple[list[str], str | None, float | None]:
    """The plan's next session: (rounds, question id, round time box), said out loud first."""
    from ..paths import recordings_dir
    from ..study import plan_next
    from ..study.guide import load_guide

    found = plan_next(out or recordings_dir())
    entry = found.entry
    console.print(
        f"[bold]Plan, {entry.day:%a %d %b}:[/] "
        + (f"{entry.rounds[0]}" if entry.kind == "practice" else "a full mock loop"),
        highlight=False,
    )
    if entry.focus:
        console.print(f"[dim]{entry.focus}[/]", highlight=False)
    if entry.kind == "loop":
        return list(entry.rounds), None, load_guide().round_minutes
    if found.question_id:
        why = "not asked before" if found.unseen else "asked least often"
        if found.topics:
            why += f"; touches the job's {', '.join(found.topics)}"
        console.print(
            f"question: {found.question_title} ({found.question_id}; {why})", highlight=False
        )
    if found.focus_dimensions:
        console.print(f"your lowest here: {', '.join(found.focus_dimensions)}", highlight=False)
    return list(entry.rounds), found.question_id, None


@app.command()
def loop(
    rounds: str = typer.Option(
        ",".join(DEFAULT_LOOP),
        "--rounds",
        help=f"Comma-separated rounds, in order, from: {round_list()}.",
    ),
    round_minutes: float = typer.Option(15.0, "--round-minutes", help="Time box per round."),
    break_s: float = typer.Option(0.0, "--break-s", help="Pause between rounds, in seconds."),
    questions: int = typer.Option(1, "--questions", "-n", help="Questions per round."),
    persona: str = _PERSONA,
    depth: int = _DEPTH,
    answers: Path = _ANSWERS,
    text: bool = _TEXT,
    simulate: bool = _SIMULATE,
    simulate_as: str = _SIMULATE_AS,
    no_voice: bool = _NO_VOICE,
    out: Path = _OUT,
    backend: str = _BACKEND,
    model: str = _MODEL,
    base_url: str = _BASE_URL,
    stt_model: str = _STT,
    seed: int = _SEED,
    end_silence_ms: int = _END_SILENCE,
    no_streaming: bool = _NO_STREAMING,
) -> None:
    """Run a full loop of rounds back to back into one session."""
    _run(
        _options(
            list(parse_round_list(rounds)),
            round_minutes=round_minutes,
            break_s=break_s,
            persona=persona,
            questions=questions,
            depth=depth,
            answers=answers,
            text=text,
            simulate=simulate,
            simulate_as=simulate_as,
            no_voice=no_voice,
            out=out,
            backend=backend,
            model=model,
            base_url=base_url,
            stt_model=stt_model,
            seed=seed,
            end_silence_ms=end_silence_ms,
            no_streaming=no_streaming,
        )
    )
