"""What the server's routes share (the token, the sessions' store, the interview in
progress) and how they show a page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from starlette.responses import HTMLResponse

from ..interview.practice import PracticeOptions
from ..session.store import SessionStore
from ..templates import environment
from .channel import PageChannel
from .live import LiveInterview
from .security import TOKEN_PARAM


class WebState:
    """What the routes share: the token, the sessions' root, the interview in progress."""

    def __init__(
        self, token: str, port: int, recordings: Path, base: PracticeOptions, local_audio: bool
    ) -> None:
        self.token = token
        self.port = port
        self.store = SessionStore(recordings)
        self.base = base
        self.local_audio = local_audio
        self.channel = PageChannel()
        self.live: LiveInterview | None = None

    def url(self, path: str, **params: object) -> str:
        query = urlencode({TOKEN_PARAM: self.token, **params})
        return f"{path}?{query}"

    def session_folder(self, session_id: str) -> Path | None:
        """The folder of a session the store lists under exactly this name, else None."""
        for folder in self.store.folders():
            if folder.name == session_id:
                return folder
        return None


def page(state: WebState, name: str, status: int = 200, **context: object) -> HTMLResponse:
    """A template of interviewer/templates as a page of this server (links carry the token)."""
    template = environment().get_template(name)
    html = template.render(app=True, url=state.url, **context)
    return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})
