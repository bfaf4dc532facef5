"""The Starlette application of `interviewer serve`: pages from the shared templates, one
WebSocket for the interview in progress, and files of recorded sessions, all behind
``security.TokenGuard``.

Paths from the browser never reach the file system as given: a session id must be one of
the store's folder names, an audio file one that the session's turns name, a static file
one of the package's own.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..catalog.personas import load_catalog
from ..catalog.rounds import normalise_round
from ..errors import InterviewerError
from ..interview.practice import PracticeOptions
from .live import LiveInterview
from .phrases import load_buttons
from .security import TokenGuard
from .state import WebState, page

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
HEADER_BYTES = 8  # each audio frame from the page: float64 frame number, then int16 PCM
MAX_FRAME_SAMPLES = 4096


def create_app(state: WebState) -> Starlette:
    from . import pages

    async def home(request: Request) -> Response:
        catalog = load_catalog()
        return page(
            state,
            "home.html",
            banks=[catalog.bank(r) for r in catalog.banks],
            personas=sorted(catalog.personas.values(), key=lambda p: p.id),
            running=state.live is not None and state.live.running,
            sessions=pages.session_rows(state.store)[:5],
        )

    async def start(request: Request) -> Response:
        # The start form is urlencoded (no file uploads): read it without a multipart parser.
        body = (await request.body())[:10_000].decode("utf-8", errors="replace")
        form = {k: v[0] for k, v in parse_qs(body).items()}
        if state.live is not None and state.live.running:
            return RedirectResponse(state.url("/interview"), status_code=303)
        try:
            options = options_from_form(state.base, form)
        except (InterviewerError, ValueError) as exc:
            message = getattr(exc, "message", str(exc))
            return page(state, "error.html", message=message)
        state.live = LiveInterview(state.channel, options, state.local_audio)
        state.live.start()
        return RedirectResponse(state.url("/interview"), status_code=303)

    async def interview(request: Request) -> Response:
        return page(
            state,
            "interview.html",
            token=state.token,
            buttons=load_buttons(),
            local_audio=state.local_audio,
        )

    async def socket(websocket: WebSocket) -> None:
        await websocket.accept()
        out = state.channel.attach(asyncio.get_running_loop())

        async def send_loop() -> None:
            while True:
                event, binary = await out.get()
                await websocket.send_text(json.dumps(event))
                if binary is not None:
                    await websocket.send_bytes(binary)

        sender = asyncio.create_task(send_loop())
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                if message.get("bytes") is not None:
                    receive_audio(state, message["bytes"])
                elif message.get("text") is not None:
                    receive_event(state, message["text"])
        except WebSocketDisconnect:
            pass
        finally:
            sender.cancel()
            state.channel.detach(out)

    routes = [
        Route("/", home),
        Route("/start", start, methods=["POST"]),
        Route("/interview", interview),
        WebSocketRoute("/ws", socket),
        *pages.routes(state),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(TokenGuard, token=state.token, port=state.port)],
    )


def receive_audio(state: WebState, data: bytes) -> None:
    """One frame of 16 kHz int16 PCM from the page's AudioWorklet, after its number."""
    if len(data) <= HEADER_BYTES or (len(data) - HEADER_BYTES) % 2:
        return
    seq = int(np.frombuffer(data[:HEADER_BYTES], dtype="<f8")[0])
    pcm = np.frombuffer(data[HEADER_BYTES:], dtype="<i2")
    if pcm.size > MAX_FRAME_SAMPLES:
        return
    state.channel.inbox.push_audio(pcm.copy(), seq)


def receive_event(state: WebState, text: str) -> None:
    """What the page says: a typed answer or a button, code, playback (started, held,
    heard: to the end, or stopped at ``played_s``), stop."""
    try:
        event = json.loads(text)
    except json.JSONDecodeError:
        return
    if not isinstance(event, dict):
        return
    kind = event.get("type")
    inbox = state.channel.inbox
    if kind == "text" and isinstance(event.get("text"), str) and event["text"].strip():
        inbox.push_text(event["text"][:2000])
    elif kind == "done":
        inbox.finish()
    elif kind == "stop" and state.live is not None:
        state.live.stop()
    elif kind == "code" and state.live is not None:
        qid, code = event.get("question_id"), event.get("text")
        if isinstance(qid, str) and isinstance(code, str):
            state.live.save_code(qid, code)
    elif kind == "started" and isinstance(event.get("line"), int):
        latency = event.get("latency_ms")
        state.channel.heard_start(
            event["line"], latency if isinstance(latency, (int, float)) else None
        )
    elif kind == "held" and isinstance(event.get("line"), int):
        at = event.get("at_s")
        if isinstance(at, (int, float)):
            state.channel.held(event["line"], float(at))
    elif kind == "heard" and isinstance(event.get("line"), int):
        played = event.get("played_s")  # present when the line was stopped
        state.channel.heard(
            event["line"], float(played) if isinstance(played, (int, float)) else None
        )


def options_from_form(base: PracticeOptions, form: dict) -> PracticeOptions:
    """The start form's choices on top of the server's options (validated)."""
    update: dict = {"answers": base.answers}
    if form.get("round"):
        update["rounds"] = [normalise_round(str(form["round"]))]
    if form.get("persona"):
        update["persona"] = str(form["persona"])
    update["question_id"] = str(form["question"]) if form.get("question") else None
    if form.get("depth"):
        update["max_depth"] = int(str(form["depth"]))
    return PracticeOptions.model_validate(
        base.model_dump(exclude={"llm"}) | update | {"llm": base.llm}
    )
