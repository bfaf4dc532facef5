"""The Markdown report: the same content as the HTML page, for notes, issues and diffs."""

from __future__ import annotations

from ..catalog.personas import round_titles
from ..grading.rubric import Rubric
from ..grading.scorecard import Scorecard
from ..session.models import Session
from .common import clock, stars


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def build_markdown(session: Session, card: Scorecard, rubric: Rubric | None = None) -> str:
    lines = [f"# Interview report — {session.id}", ""]
    rounds = ", ".join(round_titles(card.rounds)) or "round unknown"
    lines.append(
        f"{session.started_at:%Y-%m-%d %H:%M} · {rounds}"
        f" · {clock(session.duration)} · rubric {card.rubric_id} v{card.rubric_version}"
    )
    lines.append("")
    if card.overall is not None:
        lines.append(f"**Overall: {card.overall:.1f}/4 ({card.overall_level_name})**")
    else:
        lines.append("**Overall: not enough evidence for an overall score**")
    lines += [f"> {note}" for note in card.notes]
    if card.narrative:
        lines += ["", card.narrative]
    lines += ["", "## What to practise next", ""]
    for i, item in enumerate(card.practise_next, 1):
        lines.append(f"{i}. **{item.name}** ({item.score}/4): {item.advice}  ")
        lines.append(f"   _Next level:_ {item.next_level}")
    if not card.practise_next:
        lines.append("Nothing below the top level: keep it up.")
    lines += ["", "## Scorecard", "", "| Dimension | Level | Why |", "| --- | --- | --- |"]
    for dim in card.dimensions.values():
        level = (
            "not observed"
            if dim.score is None
            else f"{stars(dim.score)} {dim.score} {dim.level_name}"
        )
        why = dim.rationale if dim.score is not None else (dim.not_observed_reason or "")
        lines.append(f"| {_cell(dim.name)} | {level} | {_cell(why)} |")
    for dim in card.dimensions.values():
        if dim.score is None:
            continue
        lines += ["", f"### {dim.name}: {dim.score}/4", "", dim.rationale, ""]
        for ev in dim.evidence:
            when = f"[{clock(ev.start)}] " if ev.start is not None else ""
            lines.append(f"- {when}turn {ev.turn}: “{ev.quote}”")
        if rubric is not None:
            try:
                anchors = rubric.dimension(dim.id).anchors
            except KeyError:
                anchors = {}
            lines.append("")
            for n, text in sorted(anchors.items()):
                mark = "**" if n == dim.score else ""
                lines.append(f"{n}. {mark}{text}{mark}")
    st = card.stats
    lines += ["", "## How it sounded", ""]
    lines.append(f"- words spoken: {st.candidate_words}")
    if st.words_per_min is not None:
        lines.append(f"- pace: {st.words_per_min:.0f} words/min")
    if st.fillers_per_min is not None:
        lines.append(f"- fillers: {st.filler_count} ({st.fillers_per_min:.1f}/min)")
    if st.timed:
        lines.append(f"- long unannounced silences: {st.long_silences}")
    if st.candidate_speaking_s and st.interviewer_speaking_s is not None:
        total = st.candidate_speaking_s + st.interviewer_speaking_s
        lines.append(f"- talk ratio: you {st.candidate_speaking_s / total:.0%} of speaking time")
    lines += ["", "## Transcript", ""]
    for turn in session.turns:
        who = "Interviewer" if turn.speaker == "interviewer" else "You"
        stamp = "" if turn.meta.get("untimed") else f"`{clock(turn.start)}` "
        lines.append(f"{stamp}**{who}:** {turn.text or '_(no speech)_'}  ")
    return "\n".join(lines) + "\n"
