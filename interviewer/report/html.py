"""The self-contained HTML report: scorecard, anchors, clickable evidence, charts, transcript.

One file, no network: CSS, SVG and a few lines of script are inline. Audio is referenced by a
path relative to the report (so the page works from the session folder, or wherever ``-o``
puts it) or, with ``embed_audio``, carried inside the page as data URIs. Clicking a quote
plays that turn's recording from the moment the quote starts. Opening the page with
``#selftest`` clicks the first quote and writes the player's position into ``#selftest``,
which is how the headless-browser test checks the seek.

The page is the ``report.html`` template (interviewer/templates, autoescaped); this module
only gathers what it shows. ``interviewer serve`` shows the same template.
"""

from __future__ import annotations

import base64
import mimetypes
import os
from pathlib import Path
from typing import Any

from ..catalog.personas import round_titles
from ..grading.rubric import Rubric
from ..grading.scorecard import Evidence, Scorecard
from ..session.models import Session, Turn
from ..templates import Markup, render
from . import charts
from .code_view import code_view
from .common import clock, stars


class AudioLinks:
    """Where the page finds each turn's recording: a relative path or an embedded data URI."""

    def __init__(self, folder: Path | None, out_dir: Path, embed: bool) -> None:
        self.folder, self.out_dir, self.embed = folder, out_dir, embed
        self._cache: dict[str, str | None] = {}

    def src(self, turn: Turn) -> str | None:
        if self.folder is None or not turn.audio:
            return None
        if turn.audio not in self._cache:
            path = self.folder / turn.audio
            if not path.is_file():
                self._cache[turn.audio] = None
            elif self.embed:
                mime = mimetypes.guess_type(path.name)[0] or "audio/wav"
                data = base64.b64encode(path.read_bytes()).decode("ascii")
                self._cache[turn.audio] = f"data:{mime};base64,{data}"
            else:
                rel = os.path.relpath(path.resolve(), self.out_dir.resolve())
                self._cache[turn.audio] = Path(rel).as_posix()
        return self._cache[turn.audio]


def seek_of(turn: Turn | None, start: float | None, links: AudioLinks) -> dict | None:
    """Where a click plays from: the turn, the offset into its recording, the recording."""
    if turn is None:
        return None
    offset = max(0.0, (start if start is not None else turn.start) - turn.start)
    return {"turn": turn.index, "offset": offset, "audio": links.src(turn)}


def _quote(ev: Evidence, turns: dict[int, Turn], links: AudioLinks) -> dict:
    return {
        "when": clock(ev.start) if ev.start is not None else "",
        "quote": ev.quote,
        "seek": seek_of(turns.get(ev.turn), ev.start, links),
    }


def _dimension(
    card: Scorecard, rubric: Rubric | None, dim_id: str, turns: dict[int, Turn], links: AudioLinks
) -> dict:
    dim = card.dimensions[dim_id]
    anchors = []
    if rubric is not None:
        try:
            spec = rubric.dimension(dim_id)
        except KeyError:
            spec = None
        if spec is not None:
            anchors = [
                {"n": n, "text": text, "here": n == dim.score}
                for n, text in sorted(spec.anchors.items())
            ]
    return {
        "id": dim_id,
        "name": dim.name,
        "score": dim.score,
        "stars": stars(dim.score),
        "level_name": dim.level_name or "",
        "rationale": dim.rationale,
        "not_observed_reason": dim.not_observed_reason or "",
        "quotes": [_quote(ev, turns, links) for ev in dim.evidence],
        "anchors": anchors,
    }


def transcript_rows(session: Session, links: AudioLinks) -> list[dict]:
    """Each turn with its clickable words (timed turns) or its text."""
    rows = []
    for turn in session.turns:
        timed = not turn.meta.get("untimed")
        rows.append(
            {
                "index": turn.index,
                "speaker": turn.speaker,
                "who": "Interviewer" if turn.speaker == "interviewer" else "You",
                "act": turn.act,
                "stamp": clock(turn.start) if timed else "",
                "seek": seek_of(turn, turn.start, links),
                "words": [
                    {"text": w.word.strip(), "seek": seek_of(turn, w.start, links)}
                    for w in turn.words
                ]
                if timed
                else [],
                "text": turn.text,
            }
        )
    return rows


def scorecard_view(
    session: Session, card: Scorecard, rubric: Rubric | None, links: AudioLinks
) -> dict[str, Any]:
    """What the scorecard part of a page shows (the report and the server's pages)."""
    turns = {t.index: t for t in session.turns}
    overall = (
        f"{card.overall:.1f}/4 · {card.overall_level_name or ''}"
        if card.overall is not None
        else "not enough evidence for an overall score"
    )
    return {
        "overall": overall,
        "notes": card.notes,
        "narrative": card.narrative,
        "practise": card.practise_next,
        "dimensions": [_dimension(card, rubric, d, turns, links) for d in card.dimensions],
    }


def report_view(
    session: Session,
    card: Scorecard,
    rubric: Rubric | None,
    folder: Path | None,
    links: AudioLinks,
) -> dict[str, Any]:
    """Everything ``report.html`` shows."""
    st = card.stats
    figures = [f"{st.candidate_words} words spoken"]
    if st.words_per_min is not None:
        figures.append(f"{st.words_per_min:.0f} words/min")
    if st.fillers_per_min is not None:
        figures.append(f"{st.fillers_per_min:.1f} fillers/min")
    if st.timed:
        figures.append(f"{st.long_silences} long unannounced silence(s)")
    drawn = (
        (
            "Pace: your words per minute, turn by turn (green: conversational)",
            charts.pace_chart(session),
        ),
        ("Filler words per answer", charts.fillers_chart(session)),
        ("Talk ratio", charts.talk_ratio_chart(card)),
        (
            "Timeline: who spoke when; red marks a long unannounced silence",
            charts.timeline_chart(session, card),
        ),
    )
    return scorecard_view(session, card, rubric, links) | {
        "session_id": session.id,
        "started": f"{session.started_at:%Y-%m-%d %H:%M}",
        "rounds": ", ".join(round_titles(card.rounds)) or "round unknown",
        "duration": clock(session.duration),
        "rubric_id": card.rubric_id,
        "rubric_version": card.rubric_version,
        "figures": " · ".join(figures),
        # The charts are SVG drawn by charts.py, which escapes every text it puts in.
        "charts": [{"caption": c, "svg": Markup(svg)} for c, svg in drawn if svg],
        "code": code_view(session, folder),
        "turns": transcript_rows(session, links),
        "first_audio": next((s for s in (links.src(t) for t in session.turns) if s), ""),
    }


def build_html(
    session: Session,
    card: Scorecard,
    rubric: Rubric | None = None,
    folder: Path | None = None,
    out_dir: Path | None = None,
    embed_audio: bool = False,
) -> str:
    """The whole report page as one string."""
    links = AudioLinks(folder, out_dir or folder or Path.cwd(), embed_audio)
    return render("report.html", r=report_view(session, card, rubric, folder, links))
