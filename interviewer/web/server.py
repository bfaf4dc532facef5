"""Start the server: a socket on 127.0.0.1 only (a free port unless one is asked for), a new
token, and uvicorn serving the app on that socket."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..interview.practice import PracticeOptions
from ..paths import recordings_dir
from .security import LOOPBACK, TOKEN_PARAM, new_token

MAX_MESSAGE_BYTES = 1 << 20  # a WebSocket message: an audio frame, a line of text, the code


@dataclass
class Served:
    url: str
    port: int
    server: object  # uvicorn.Server
    sock: socket.socket
    state: object  # app.WebState

    def run(self) -> None:
        """Serve until stopped (Ctrl-C, or ``server.should_exit``)."""
        self.server.run(sockets=[self.sock])  # type: ignore[attr-defined]


def bind_loopback(port: int = 0) -> socket.socket:
    """A listening TCP socket on 127.0.0.1 (never on every interface)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((LOOPBACK, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"cannot listen on {LOOPBACK}:{port}: {exc.strerror}",
            hint="choose another --port, or leave it out for a free one",
        ) from exc
    sock.listen(64)
    return sock


def make_server(
    options: PracticeOptions,
    *,
    port: int = 0,
    local_audio: bool = False,
    recordings: Path | None = None,
) -> Served:
    import uvicorn

    from .app import create_app
    from .state import WebState

    sock = bind_loopback(port)
    port = sock.getsockname()[1]
    token = new_token()
    state = WebState(
        token, port, recordings or options.out_dir or recordings_dir(), options, local_audio
    )
    config = uvicorn.Config(
        create_app(state),
        log_level="warning",
        ws="websockets-sansio",
        lifespan="off",
        ws_max_size=MAX_MESSAGE_BYTES,
    )
    server = uvicorn.Server(config)
    url = f"http://{LOOPBACK}:{port}/?{TOKEN_PARAM}={token}"
    return Served(url=url, port=port, server=server, sock=sock, state=state)
