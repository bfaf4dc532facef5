"""The pages after a session: the session list, a session's scorecard (the report, with a
click on a quote playing it), its replay, progress and the study plan. Each is a template
of interviewer/templates, shown by the server instead of written to a file."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ..errors import InterviewerError
from ..report.html import AudioLinks
from ..session.models import Session, Turn
from ..session.store import SessionStore

if TYPE_CHECKING:
    from .state import WebState

log = logging.getLogger(__name__)


class ServedAudio(AudioLinks):
    """A turn's recording as this server's URL for it (token included)."""

    def __init__(self, state: WebState, session_id: str) -> None:
        super().__init__(None, None, False)  # type: ignore[arg-type]
        self.state = state
        self.session_id = session_id

    def src(self, turn: Turn) -> str | None:
        if not turn.audio:
            return None
        return self.state.url(f"/sessions/{self.session_id}/audio/{turn.audio}")


def session_rows(store: SessionStore) -> list[dict]:
    """Newest first: id, when, rounds, turns, complete, overall (when graded)."""
    from ..grading.grader import load_scorecard

    rows = []
    for folder, session in reversed(store.list()):
        if not isinstance(session, Session):
            rows.append({"id": folder.name, "error": session.message})
            continue
        try:
            card = load_scorecard(folder)
        except InterviewerError:
            card = None
        rows.append(
            {
                "id": folder.name,
                "started": f"{session.started_at:%Y-%m-%d %H:%M}",
                "rounds": ", ".join(session.rounds),
                "turns": len(session.turns),
                "complete": session.complete,
                "overall": card.overall if card is not None else None,
                "error": None,
            }
        )
    return rows


def routes(state: WebState) -> list[Route]:
    from .state import page

    def not_found(what: str) -> Response:
        return page(state, "error.html", message=f"no {what}", status=404)

    def load(session_id: str):
        folder = state.session_folder(session_id)
        if folder is None:
            return None, None
        from ..report.build import open_session

        session, _ = open_session(str(folder))
        return session, folder

    async def sessions(request: Request) -> Response:
        return page(state, "sessions.html", sessions=session_rows(state.store))

    async def scorecard(request: Request) -> Response:
        from ..grading.rubric import load_rubric
        from ..report.build import scorecard_for
        from ..report.html import report_view

        sid = request.path_params["sid"]
        session, folder = load(sid)
        if session is None:
            return not_found("such session")
        rubric = load_rubric()
        card = scorecard_for(session, folder, rubric)
        view = report_view(session, card, rubric, folder, ServedAudio(state, sid))
        return page(state, "report.html", r=view)

    async def replay(request: Request) -> Response:
        from ..report.html import transcript_rows

        sid = request.path_params["sid"]
        session, _ = load(sid)
        if session is None:
            return not_found("such session")
        links = ServedAudio(state, sid)
        return page(
            state,
            "replay.html",
            session=session,
            turns=transcript_rows(session, links),
            clips=[
                {"turn": t.index, "src": links.src(t), "who": t.speaker}
                for t in session.turns
                if t.audio
            ],
        )

    async def audio(request: Request) -> Response:
        sid, name = request.path_params["sid"], request.path_params["name"]
        folder = state.session_folder(sid)
        if folder is None:
            return Response("no such session", status_code=404)
        session, _ = load(sid)
        names = {t.audio for t in session.turns if t.audio} if session else set()
        path = folder / name
        if name not in names or not path.is_file():
            return Response("no such recording", status_code=404)
        return FileResponse(path, headers={"cache-control": "no-store"})

    async def progress(request: Request) -> Response:
        from ..progress.build import load_progress
        from ..progress.page import progress_view

        history, cells = load_progress(state.store.root)
        reports = {sid: state.url(f"/sessions/{sid}") for sid, _, _ in history.sessions()}
        return page(state, "progress.html", p=progress_view(history, cells, reports))

    async def plan(request: Request) -> Response:
        """The stored plan as `interviewer plan` shows it; the page only reads it."""
        from ..progress.build import load_progress
        from ..study import load_plan
        from ..study.planner import view_of

        try:
            stored = load_plan()
        except InterviewerError as exc:
            return page(state, "plan.html", plan={"error": exc.message})
        history, cells = load_progress(state.store.root)
        view = view_of(stored, history, cells)
        return page(state, "plan.html", plan={"error": None, "view": view})

    return [
        Route("/sessions", sessions),
        Route("/sessions/{sid}", scorecard),
        Route("/sessions/{sid}/replay", replay),
        Route("/sessions/{sid}/audio/{name}", audio),
        Route("/progress", progress),
        Route("/plan", plan),
    ]
