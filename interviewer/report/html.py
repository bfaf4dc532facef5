"""The self-contained HTML report: scorecard, anchors, clickable evidence, charts, transcript.

One file, no network: CSS, SVG and a few lines of script are inline. Audio is referenced by a
path relative to the report (so the page works from the session folder, or wherever ``-o``
puts it) or, with ``embed_audio``, carried inside the page as data URIs. Clicking a quote
plays that turn's recording from the moment the quote starts. Opening the page with
``#selftest`` clicks the first quote and writes the player's position into ``#selftest``,
which is how the headless-browser test checks the seek.
"""

from __future__ import annotations

import base64
import mimetypes
import os
from html import escape
from pathlib import Path

from ..catalog.personas import round_titles
from ..grading.rubric import Rubric
from ..grading.scorecard import Evidence, Scorecard
from ..session.models import Session, Turn
from . import charts
from .code_view import code_section
from .common import clock, stars

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:0 auto;max-width:860px;
padding:16px 20px 96px;color:#111827;line-height:1.45}
h1{font-size:1.5em;margin:.2em 0}h2{margin-top:1.6em;border-bottom:1px solid #e5e7eb}
.meta{color:#6b7280}.overall{font-size:1.2em;font-weight:600}
.dim{border:1px solid #e5e7eb;border-radius:8px;padding:10px 14px;margin:12px 0}
.dim h3{margin:0;display:flex;justify-content:space-between;gap:12px}
.lvl{font-weight:600;white-space:nowrap}.l1{color:#b91c1c}.l2{color:#b45309}.l3,.l4{color:#15803d}
.na{color:#6b7280;font-weight:400}
.anchors{margin:6px 0 4px;padding-left:20px;color:#4b5563;font-size:.92em}
.anchors li.here{color:#111827;font-weight:600}
button.quote{display:block;text-align:left;font:inherit;font-style:italic;background:#eff6ff;
border:0;border-left:3px solid #2563eb;border-radius:4px;padding:4px 8px;margin:6px 0;
cursor:pointer;width:100%}button.quote:hover{background:#dbeafe}
button.quote .t{font-style:normal;color:#1d4ed8;margin-right:6px}
.turn{margin:8px 0;padding:4px 8px;border-radius:6px}.turn.candidate{background:#f8fafc}
.turn.active{outline:2px solid #2563eb}.who{font-weight:600}.ts{color:#6b7280;cursor:pointer}
.w{cursor:pointer}.w:hover{background:#fef3c7}.w.now{background:#fde68a}
.chart{max-width:100%;margin:6px 0 16px;background:#fff}
#dock{position:fixed;left:0;right:0;bottom:0;background:#f9fafb;border-top:1px solid #e5e7eb;
padding:8px 20px;display:flex;gap:12px;align-items:center}#dock audio{flex:1}
.note{color:#92400e}figure{margin:0 0 8px}figcaption{margin-top:8px}
"""

_SCRIPT = """
const player=document.getElementById('player');const nowLabel=document.getElementById('now');
let activeTurn=null;
function seek(src,offset,turn){
  if(activeTurn)activeTurn.classList.remove('active');
  activeTurn=document.getElementById('turn-'+turn);
  if(activeTurn){activeTurn.classList.add('active');}
  if(!src){if(activeTurn)activeTurn.scrollIntoView({block:'center'});return;}
  const go=()=>{player.currentTime=offset;const p=player.play();if(p)p.catch(()=>{});};
  nowLabel.textContent='turn '+turn+' from '+offset.toFixed(1)+' s';
  if(player.getAttribute('src')!==src){player.setAttribute('src',src);player.load();}
  if(player.readyState>=1){go();}else{player.addEventListener('loadedmetadata',go,{once:true});}
}
document.addEventListener('click',ev=>{
  const el=ev.target.closest('[data-turn]');if(!el)return;
  seek(el.dataset.audio||'',parseFloat(el.dataset.offset||'0'),el.dataset.turn);
});
if(location.hash==='#selftest'){window.addEventListener('load',()=>{
  const all=[...document.querySelectorAll('button.quote[data-audio]')];
  const q=all.find(b=>parseFloat(b.dataset.offset)>0.5)||all[0];
  const out=document.getElementById('selftest');
  if(!q){out.textContent='{"error":"no quote with audio"}';return;}
  const report=(how)=>{out.textContent=JSON.stringify({how:how,src:player.getAttribute('src'),
    currentTime:player.currentTime,expected:parseFloat(q.dataset.offset),turn:q.dataset.turn,
    readyState:player.readyState,duration:player.duration});};
  const expected=parseFloat(q.dataset.offset);
  const check=(ev)=>{if(Math.abs(player.currentTime-expected)<0.05)report(ev.type);};
  player.addEventListener('seeking',check);player.addEventListener('seeked',check);
  player.addEventListener('error',()=>{out.textContent=JSON.stringify({error:'media error '+
    (player.error&&player.error.code)});},{once:true});
  q.click();
});}
"""


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


def _seek_attrs(turn: Turn | None, start: float | None, links: AudioLinks) -> str:
    if turn is None:
        return ""
    src = links.src(turn)
    offset = max(0.0, (start if start is not None else turn.start) - turn.start)
    attrs = f' data-turn="{turn.index}" data-offset="{offset:.2f}"'
    if src:
        attrs += f' data-audio="{escape(src)}"'
    return attrs


def _quote(ev: Evidence, turns: dict[int, Turn], links: AudioLinks) -> str:
    when = f'<span class="t">{clock(ev.start)}</span>' if ev.start is not None else ""
    return (
        f'<button class="quote" type="button"{_seek_attrs(turns.get(ev.turn), ev.start, links)}'
        f">{when}“{escape(ev.quote)}”</button>"
    )


def _dimension(
    card: Scorecard, rubric: Rubric | None, dim_id: str, turns: dict[int, Turn], links: AudioLinks
) -> str:
    dim = card.dimensions[dim_id]
    if dim.score is None:
        level = '<span class="lvl na">not observed</span>'
        body = f"<p class=na>{escape(dim.not_observed_reason or '')}</p>"
    else:
        level = (
            f'<span class="lvl l{dim.score}">{stars(dim.score)} {dim.score}/4 '
            f"{escape(dim.level_name or '')}</span>"
        )
        body = f"<p>{escape(dim.rationale)}</p>"
    anchors = ""
    if rubric is not None:
        try:
            spec = rubric.dimension(dim_id)
        except KeyError:
            spec = None
        if spec is not None:
            items = "".join(
                f'<li value="{n}"{" class=here" if n == dim.score else ""}>{escape(text)}</li>'
                for n, text in sorted(spec.anchors.items())
            )
            anchors = f'<ol class="anchors">{items}</ol>'
    quotes = "".join(_quote(ev, turns, links) for ev in dim.evidence)
    return (
        f'<section class="dim" id="dim-{escape(dim_id)}"><h3><span>{escape(dim.name)}</span>'
        f"{level}</h3>{body}{quotes}{anchors}</section>"
    )


def _transcript(session: Session, links: AudioLinks) -> str:
    rows = []
    for turn in session.turns:
        timed = not turn.meta.get("untimed")
        stamp = (
            (f'<span class="ts"{_seek_attrs(turn, turn.start, links)}>{clock(turn.start)}</span> ')
            if timed
            else ""
        )
        if turn.words and timed:
            text = " ".join(
                f'<span class="w"{_seek_attrs(turn, w.start, links)}>'
                f"{escape(w.word.strip())}</span>"
                for w in turn.words
            )
        else:
            text = escape(turn.text) if turn.text else "<em>(no speech)</em>"
        who = "Interviewer" if turn.speaker == "interviewer" else "You"
        act = f" <span class=meta>({escape(turn.act)})</span>" if turn.act else ""
        rows.append(
            f'<div class="turn {turn.speaker}" id="turn-{turn.index}">{stamp}'
            f'<span class="who">{who}</span>{act}: {text}</div>'
        )
    return "".join(rows)


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
    turns = {t.index: t for t in session.turns}
    overall = (
        f"{card.overall:.1f}/4 · {escape(card.overall_level_name or '')}"
        if card.overall is not None
        else "not enough evidence for an overall score"
    )
    dims = "".join(_dimension(card, rubric, d, turns, links) for d in card.dimensions)
    practise = (
        "".join(
            f"<li><b>{escape(p.name)}</b> ({p.score}/4): {escape(p.advice)}"
            f"<br><span class=meta>Next level: {escape(p.next_level)}</span></li>"
            for p in card.practise_next
        )
        or "<li>Nothing below the top level: keep it up.</li>"
    )
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in card.notes)
    if card.narrative:
        notes += f"<p><em>{escape(card.narrative)}</em></p>"
    st = card.stats
    figures = [f"{st.candidate_words} words spoken"]
    if st.words_per_min is not None:
        figures.append(f"{st.words_per_min:.0f} words/min")
    if st.fillers_per_min is not None:
        figures.append(f"{st.fillers_per_min:.1f} fillers/min")
    if st.timed:
        figures.append(f"{st.long_silences} long unannounced silence(s)")
    chart_html = "".join(
        f'<figure><figcaption class="meta">{caption}</figcaption>{svg}</figure>'
        for caption, svg in (
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
        if svg
    )
    first_src = next((s for s in (links.src(t) for t in session.turns) if s), "")
    src_attr = f' src="{escape(first_src)}"' if first_src else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Interview report — {escape(session.id)}</title><style>{_CSS}</style></head>
<body>
<h1>Interview report</h1>
<p class="meta">Session {escape(session.id)} · {session.started_at:%Y-%m-%d %H:%M}
 · {escape(", ".join(round_titles(card.rounds)) or "round unknown")}
 · {clock(session.duration)} · rubric {escape(card.rubric_id)} v{card.rubric_version}</p>
<p class="overall">Overall: {overall}</p>{notes}
<h2>What to practise next</h2><ol>{practise}</ol>
<h2>Scorecard</h2><p class="meta">Click a quote to hear it.</p>{dims}
<h2>How it sounded</h2><p class="meta">{escape(" · ".join(figures))}</p>{chart_html}
{code_section(session, folder)}
<h2>Transcript</h2>{_transcript(session, links)}
<pre id="selftest" hidden></pre>
<div id="dock"><audio id="player" controls preload="metadata"{src_attr}></audio>
<span id="now" class="meta"></span></div>
<script>{_SCRIPT}</script>
</body></html>
"""
