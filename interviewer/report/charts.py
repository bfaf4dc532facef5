"""Inline SVG charts for the HTML report: pace, fillers, talk ratio, silences.

Plain SVG strings built here, no JavaScript chart library, so the report works offline and
from a file:// URL. Each function returns "" when there is nothing to draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..grading.scorecard import Scorecard
from ..session.models import Session
from ..speech_acts import FILLER
from .common import clock

WIDTH = 640
HEIGHT = 180
PAD = 36
CANDIDATE = "#2563eb"
INTERVIEWER = "#9ca3af"
WARN = "#dc2626"
GOOD_BAND = "#dcfce7"


@dataclass(frozen=True)
class TurnPace:
    index: int
    mid_s: float
    words_per_min: float
    fillers: int


def turn_paces(session: Session) -> list[TurnPace]:
    """Words a minute per candidate turn, from its word timestamps (turns of 5+ words)."""
    out: list[TurnPace] = []
    for turn in session.candidate_turns():
        if len(turn.words) < 5:
            continue
        span = turn.words[-1].end - turn.words[0].start
        if span <= 0:
            continue
        out.append(
            TurnPace(
                turn.index,
                (turn.words[0].start + turn.words[-1].end) / 2,
                len(turn.words) / span * 60,
                len(FILLER.findall(turn.text)),
            )
        )
    return out


def _svg(body: str, title: str, height: int = HEIGHT) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _axis(y_max: float, unit: str, x_label: str) -> str:
    plot_h = HEIGHT - 2 * PAD
    parts = [
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - 8}" y2="{HEIGHT - PAD}" '
        f'stroke="#6b7280"/>',
        f'<line x1="{PAD}" y1="{PAD / 2}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#6b7280"/>',
    ]
    for frac in (0.0, 0.5, 1.0):
        y = HEIGHT - PAD - frac * plot_h
        parts.append(
            f'<text x="{PAD - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">'
            f"{y_max * frac:.0f}</text>"
        )
    parts.append(f'<text x="{PAD}" y="12" font-size="10">{escape(unit)}</text>')
    parts.append(
        f'<text x="{WIDTH - 8}" y="{HEIGHT - 6}" text-anchor="end" font-size="10">'
        f"{escape(x_label)}</text>"
    )
    return "".join(parts)


def pace_chart(session: Session, wpm_low: float = 110, wpm_high: float = 170) -> str:
    """Candidate words a minute over session time, with the conversational band shaded."""
    paces = turn_paces(session)
    if not paces:
        return ""
    t_max = max(session.duration, max(p.mid_s for p in paces), 1.0)
    y_max = max(220.0, max(p.words_per_min for p in paces) * 1.1)
    plot_w, plot_h = WIDTH - PAD - 16, HEIGHT - 2 * PAD

    def xy(t: float, v: float) -> tuple[float, float]:
        return PAD + t / t_max * plot_w, HEIGHT - PAD - v / y_max * plot_h

    band_top, band_bottom = xy(0, wpm_high)[1], xy(0, wpm_low)[1]
    body = [
        f'<rect x="{PAD}" y="{band_top:.1f}" width="{plot_w}" '
        f'height="{band_bottom - band_top:.1f}" fill="{GOOD_BAND}"/>',
        _axis(y_max, "words/min", "session time"),
    ]
    points = [xy(p.mid_s, p.words_per_min) for p in paces]
    body.append(
        '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(
            CANDIDATE, " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        )
    )
    for p, (x, y) in zip(paces, points, strict=True):
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{CANDIDATE}">'
            f"<title>turn {p.index} at {clock(p.mid_s)}: {p.words_per_min:.0f} "
            f"words/min</title></circle>"
        )
    return _svg("".join(body), "Pace: candidate words per minute over the session")


def fillers_chart(session: Session) -> str:
    """Filler words per candidate turn (per minute where the turn is timed)."""
    turns = [t for t in session.candidate_turns() if t.text.strip()]
    if not turns:
        return ""
    counts = [len(FILLER.findall(t.text)) for t in turns]
    y_max = max(4.0, max(counts) * 1.2)
    plot_w, plot_h = WIDTH - PAD - 16, HEIGHT - 2 * PAD
    bar_w = plot_w / len(turns)
    body = [_axis(y_max, "fillers", "candidate turn")]
    for i, (turn, n) in enumerate(zip(turns, counts, strict=True)):
        h = n / y_max * plot_h
        x = PAD + i * bar_w + bar_w * 0.15
        body.append(
            f'<rect x="{x:.1f}" y="{HEIGHT - PAD - h:.1f}" width="{bar_w * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{WARN if n >= 3 else CANDIDATE}">'
            f"<title>turn {turn.index}: {n} filler(s)</title></rect>"
        )
        if len(turns) <= 30:
            body.append(
                f'<text x="{x + bar_w * 0.35:.1f}" y="{HEIGHT - PAD + 12}" '
                f'text-anchor="middle" font-size="9">{turn.index}</text>'
            )
    return _svg("".join(body), "Filler words per candidate turn")


def talk_ratio_chart(card: Scorecard) -> str:
    """One stacked bar: candidate vs interviewer share of speaking time (words if untimed)."""
    st = card.stats
    if st.timed and st.candidate_speaking_s and st.interviewer_speaking_s is not None:
        cand, inter, unit = st.candidate_speaking_s, st.interviewer_speaking_s, "speaking time"
    else:
        cand, inter, unit = float(st.candidate_words), float(st.interviewer_words), "words"
    total = cand + inter
    if total <= 0:
        return ""
    share = cand / total
    w = WIDTH - 2 * PAD
    body = (
        f'<rect x="{PAD}" y="20" width="{w * share:.1f}" height="28" fill="{CANDIDATE}"/>'
        f'<rect x="{PAD + w * share:.1f}" y="20" width="{w * (1 - share):.1f}" height="28" '
        f'fill="{INTERVIEWER}"/>'
        f'<text x="{PAD}" y="66" font-size="12">candidate {share:.0%}</text>'
        f'<text x="{WIDTH - PAD}" y="66" font-size="12" text-anchor="end">interviewer '
        f"{1 - share:.0%} ({escape(unit)})</text>"
    )
    return _svg(body, f"Talk ratio by {unit}", height=76)


def timeline_chart(session: Session, card: Scorecard) -> str:
    """Who spoke when, and where the long unannounced silences fell."""
    timed = [t for t in session.turns if t.end > t.start and not t.meta.get("untimed")]
    if not timed:
        return ""
    t_max = max(t.end for t in timed)
    w = WIDTH - 2 * PAD
    body = []
    for turn in timed:
        x = PAD + turn.start / t_max * w
        width = max(1.0, (turn.end - turn.start) / t_max * w)
        y = 14 if turn.speaker == "interviewer" else 40
        colour = INTERVIEWER if turn.speaker == "interviewer" else CANDIDATE
        body.append(
            f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="20" fill="{colour}">'
            f"<title>{turn.speaker} {clock(turn.start)}–{clock(turn.end)}</title></rect>"
        )
    silences = [
        e
        for d in card.dimensions.values()
        for e in d.evidence
        if e.kind == "long_silence" and e.start is not None and e.end is not None
    ]
    seen: set[tuple[float | None, float | None]] = set()
    for e in silences:
        if (e.start, e.end) in seen or e.start is None or e.end is None:
            continue
        seen.add((e.start, e.end))
        x = PAD + e.start / t_max * w
        width = max(2.0, (e.end - e.start) / t_max * w)
        body.append(
            f'<rect x="{x:.1f}" y="36" width="{width:.1f}" height="28" fill="{WARN}">'
            f"<title>{e.end - e.start:.1f} s unannounced silence at "
            f"{clock(e.start)}</title></rect>"
        )
    body.append(
        f'<text x="{PAD - 4}" y="28" font-size="10" text-anchor="end">int.</text>'
        f'<text x="{PAD - 4}" y="54" font-size="10" text-anchor="end">you</text>'
        f'<text x="{PAD}" y="80" font-size="10">0:00</text>'
        f'<text x="{WIDTH - PAD}" y="80" font-size="10" text-anchor="end">'
        f"{clock(t_max)}</text>"
    )
    return _svg("".join(body), "Timeline: turns and long silences (red)", height=86)
