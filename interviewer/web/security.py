"""Keep the server to the user who started it, on this machine.

- It listens on 127.0.0.1 only (``serve.py``).
- A random token, new at every launch, is in the URL it prints; every HTTP request and every
  WebSocket without it is refused: 401 when there is none, 403 when it is wrong.
- A request whose Host is not this server (a DNS-rebinding page) is refused (403), and so is
  a WebSocket upgrade whose Origin is not this server's own page: another site open in the
  same browser must not reach the microphone stream or the sessions.
- The token travels in the URL (``?token=``) or the ``X-Interviewer-Token`` header, never in a
  cookie: cookies are shared by every port of 127.0.0.1.
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

TOKEN_PARAM = "token"
TOKEN_HEADER = "x-interviewer-token"
LOOPBACK = "127.0.0.1"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def allowed_hosts(port: int) -> set[str]:
    return {f"{LOOPBACK}:{port}", f"localhost:{port}"}


def allowed_origins(port: int) -> set[str]:
    return {f"http://{host}" for host in allowed_hosts(port)}


class TokenGuard:
    """ASGI middleware: the checks above, before any route runs."""

    def __init__(self, app: ASGIApp, token: str, port: int) -> None:
        self.app = app
        self.token = token
        self.port = port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        status = self._refusal(scope, headers)
        if status is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await receive()  # the connect event; closing before accepting answers 403
            await send({"type": "websocket.close", "code": 1008})
        else:
            body = b"unauthorized" if status == 401 else b"forbidden"
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(b"content-type", b"text/plain"), (b"cache-control", b"no-store")],
                }
            )
            await send({"type": "http.response.body", "body": body})

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> int | None:
        if headers.get("host", "") not in allowed_hosts(self.port):
            return 403
        if scope["type"] == "websocket" and headers.get("origin") not in allowed_origins(self.port):
            return 403
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = (query.get(TOKEN_PARAM) or [headers.get(TOKEN_HEADER, "")])[0]
        if not given:
            return 401
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            return 403
        return None
