"""`interviewer serve`: the interview, code pad, scorecard and history in a local web page."""

from __future__ import annotations

from pathlib import Path

import typer

from ..catalog.rounds import DEFAULT_ROUND
from .app import app, console
from .practice_cmd import (
    _BACKEND,
    _BASE_URL,
    _DEPTH,
    _END_SILENCE,
    _MODEL,
    _NO_STREAMING,
    _OUT,
    _PERSONA,
    _SEED,
    _STT,
    _options,
)


@app.command()
def serve(
    port: int = typer.Option(0, "--port", help="Port on 127.0.0.1 (default: a free one)."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Only print the page's URL."),
    local_audio: bool = typer.Option(
        False,
        "--local-audio",
        help="Use this machine's microphone and speakers; the page shows the rest.",
    ),
    persona: str | None = _PERSONA,
    depth: int = _DEPTH,
    out: Path | None = _OUT,
    backend: str = _BACKEND,
    model: str | None = _MODEL,
    base_url: str | None = _BASE_URL,
    stt_model: str = _STT,
    seed: int | None = _SEED,
    end_silence_ms: int | None = _END_SILENCE,
    no_streaming: bool = _NO_STREAMING,
) -> None:
    """Practise in the browser: a page on 127.0.0.1 with a per-launch token in its URL."""
    from ..web.server import make_server

    options = _options(
        [DEFAULT_ROUND],
        persona=persona,
        questions=1,
        depth=depth,
        answers=None,
        text=False,
        simulate=False,
        simulate_as="strong",
        no_voice=False,
        out=out,
        backend=backend,
        model=model,
        base_url=base_url,
        stt_model=stt_model,
        seed=seed,
        end_silence_ms=end_silence_ms,
        no_streaming=no_streaming,
    )
    options = options.model_copy(update={"answers": "microphone" if local_audio else "browser"})
    if local_audio:
        from ..audio.capture import require_input

        require_input()
    served = make_server(options, port=port, local_audio=local_audio)
    console.print(f"interviewer is at [bold]{served.url}[/]", highlight=False, soft_wrap=True)
    console.print("(only on this machine; the token in the URL is new at every launch)")
    if not no_browser:
        import webbrowser

        webbrowser.open(served.url)
    served.run()
