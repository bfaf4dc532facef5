"""Per-dimension scoring: detector hits -> a level 1-4 (or not observed) with cited evidence.

Levels count *distinct* behaviours (topics asked about, trade-off axes, STAR parts), never
raw word counts, so padding an answer cannot raise a score. A dimension scores 1 only when
the candidate had the chance (said at least ``min_words`` words in rounds it applies to) and
the behaviour was missing; the 1 then cites the answer in which it was missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..session.models import Session, Turn
from ..speech_acts import SPEAKING_WORDS_PER_S, word_count
from . import evidence as ev
from .scorecard import DeliveryStats, Evidence
from .sentences import Sentence, quote_span, time_span

if TYPE_CHECKING:  # the rubric validates scorer names against SCORERS: no runtime import back
    from .rubric import Dimension

MAX_EVIDENCE = 4


@dataclass
class Context:
    """What every scorer sees: the sentences of the rounds the dimension applies to."""

    session: Session
    sentences: list[Sentence]
    stats: DeliveryStats
    silences: list[Evidence]
    turns: dict[int, Turn] = field(default_factory=dict)

    def cite(self, hit: ev.Hit) -> Evidence:
        s = hit.sentence
        lo, hi = quote_span(s, hit.start, hit.end)
        turn = self.turns[s.turn]
        start, end = time_span(turn, s.char_start + lo, s.char_start + hi)
        return Evidence(quote=s.text[lo:hi], turn=s.turn, start=start, end=end, kind=hit.kind)

    def cite_sentence(self, s: Sentence, kind: str) -> Evidence:
        return self.cite(ev.Hit(kind, s, 0, len(s.text)))

    def words(self) -> int:
        return sum(word_count(s.clean) for s in self.sentences if s.ignored is None)


@dataclass
class Verdict:
    score: int | None
    evidence: list[Evidence]
    rationale: str
    not_observed_reason: str | None = None


def _pick(ctx: Context, hits: list[ev.Hit], limit: int = MAX_EVIDENCE) -> list[Evidence]:
    """Up to ``limit`` quotes, one per distinct tag/kind first, in transcript order."""
    chosen: list[ev.Hit] = []
    seen: set[tuple[str, str]] = set()
    for hit in hits:
        if (hit.kind, hit.tag) not in seen:
            seen.add((hit.kind, hit.tag))
            chosen.append(hit)
    for hit in hits:
        if len(chosen) >= limit:
            break
        if hit not in chosen:
            chosen.append(hit)
    chosen = sorted(chosen[:limit], key=lambda h: (h.sentence.turn, h.sentence.char_start))
    out: list[Evidence] = []
    for hit in chosen:
        cited = ctx.cite(hit)
        if all(cited.quote != e.quote for e in out):
            out.append(cited)
    return out


def _missing(ctx: Context, what: str) -> Verdict:
    """Level 1: the behaviour was absent although the candidate answered at length."""
    first = next((s for s in ctx.sentences if s.ignored is None), None)
    quotes = [ctx.cite_sentence(first, "missing")] if first else []
    return Verdict(1, quotes, f"{what} in {ctx.words()} words of answers.")


def clarifying_questions(dim: Dimension, ctx: Context) -> Verdict:
    hits = ev.clarifying_questions(ctx.sentences)
    topics = sorted({h.tag for h in hits} - {"other"})
    if not hits:
        return _missing(ctx, "No clarifying question before solving")
    asked = len({(h.sentence.turn, h.sentence.char_start, h.group) for h in hits})
    if asked >= 3 and len(topics) >= dim.param("level4_topics", 3):
        score = 4
    elif asked >= 2 and len(topics) >= dim.param("level3_topics", 2):
        score = 3
    else:
        score = 2
    about = ", ".join(topics) if topics else "the problem, none on scale, latency, data or success"
    return Verdict(score, _pick(ctx, hits), f"{asked} clarifying question(s) about {about}.")


def thinking_aloud(dim: Dimension, ctx: Context) -> Verdict:
    hits = ev.thinking_markers(ctx.sentences)
    kinds = {h.kind for h in hits}
    others = kinds - {"reasoning"}
    if {"rejection", "assumption"} <= kinds and ({"options", "reasoning"} & kinds):
        score = 4
    elif ("reasoning" in kinds and others) or len(others) >= 2:
        score = 3
    elif kinds:
        score = 2
    else:
        missing = _missing(ctx, "No reasons, options or assumptions said out loud")
        return Verdict(1, missing.evidence + ctx.silences[:2], missing.rationale)
    rationale = f"Said aloud: {', '.join(sorted(kinds))}."
    if len(ctx.silences) >= 2:
        score -= 1
        rationale += f" {len(ctx.silences)} long unannounced silences lower it one level."
    return Verdict(score, _pick(ctx, hits) + ctx.silences[:2], rationale)


def honesty(dim: Dimension, ctx: Context) -> Verdict:
    hits = ev.honesty_markers(ctx.sentences)
    admits = [h for h in hits if h.kind.startswith("admission")]
    reasoned = [h for h in admits if h.kind == "admission_reasoned"]
    probed = [h for h in hits if h.kind == "absolute_probed"]
    other = [h for h in hits if h.kind == "absolute"]
    bluff = len(probed) + 0.5 * len(other)
    if not admits and bluff < 1:
        return Verdict(
            None,
            [],
            "",
            "No admission of uncertainty and no absolute claim under "
            "probing: the edge of the candidate's knowledge was not reached.",
        )
    if not admits:
        score = 1 if bluff >= 2 else 2
        rationale = (
            f"{len(probed)} absolute claim(s) under probing and {len(other)} "
            "elsewhere, no admission of uncertainty."
        )
        return Verdict(score, _pick(ctx, probed + other), rationale)
    if bluff >= 1:
        return Verdict(
            2,
            _pick(ctx, probed + other + admits),
            "Admits uncertainty once but also makes absolute claims under probing.",
        )
    if reasoned:
        return Verdict(
            4,
            _pick(ctx, reasoned + admits),
            "Admits the edge of their knowledge and reasons from what they know.",
        )
    return Verdict(
        3,
        _pick(ctx, admits),
        "Admits uncertainty without bluffing, but does not go on to reason from what they know.",
    )


def tradeoffs(dim: Dimension, ctx: Context) -> Verdict:
    hits = ev.tradeoffs(ctx.sentences)
    if not hits:
        return _missing(ctx, "No trade-off named")
    axes = sorted({h.tag for h in hits})
    volunteered = [h for h in hits if h.kind == "tradeoff"]
    if len(axes) >= dim.param("level4_pairs", 3):
        score = 4
    elif len(axes) >= dim.param("level3_pairs", 2):
        score = 3
    else:
        score = 2
    named = ", ".join(a.replace("_", " ") for a in axes)
    rationale = f"{len(axes)} distinct trade-off(s): {named}."
    if not volunteered and score > 2:
        score = 2
        rationale += " All of them only when asked about trade-offs."
    return Verdict(score, _pick(ctx, hits), rationale)


def metrics(dim: Dimension, ctx: Context) -> Verdict:
    hits = ev.metric_mentions(ctx.sentences)
    kinds = {h.kind for h in hits}
    if not hits:
        return _missing(ctx, "No metric named")
    both = {"offline_metric", "online_metric"} <= kinds
    if both and "misalignment" in kinds:
        score, why = 4, "Offline and online metrics, and the risk that they disagree."
    elif both or "misalignment" in kinds:
        score, why = 3, "Both offline and online metrics."
    else:
        which = "offline" if "offline_metric" in kinds else "online"
        score, why = 2, f"Only {which} metrics."
    return Verdict(score, _pick(ctx, hits), why)


def complexity(dim: Dimension, ctx: Context) -> Verdict:
    hits = ev.complexity_statements(ctx.sentences)
    if not hits:
        return _missing(ctx, "No time or space complexity stated")
    tags = {h.tag for h in hits}
    distinct_time = {h.sentence.text[h.start : h.end].lower() for h in hits if h.tag == "time"}
    justified = any(h.kind == "complexity_justified" for h in hits) or len(distinct_time) >= 2
    both = tags == {"time", "space"}
    score = (4 if justified else 3) if both else 2
    said = " and ".join(sorted(tags))
    rationale = f"States {said} complexity" + (
        ", with where it comes from." if justified and score == 4 else "."
    )
    return Verdict(score, _pick(ctx, hits), rationale)


def structure(dim: Dimension, ctx: Context) -> Verdict:
    hits = ev.star_parts(ctx.sentences)
    best: tuple[int, bool, int] = (0, False, -1)
    for thread in sorted({s.thread for s in ctx.sentences}):
        in_thread = [h for h in hits if h.sentence.thread == thread]
        parts = {h.kind for h in in_thread} - {"measured_result"}
        measured = any(h.kind == "measured_result" for h in in_thread)
        best = max(best, (len(parts), measured, thread))
    n_parts, measured, thread = best
    if n_parts == 0:
        return _missing(ctx, "No situation, task, action or result")
    chosen = [h for h in hits if h.sentence.thread == thread]
    parts = sorted({h.kind for h in chosen} - {"measured_result"})
    if n_parts >= 4 and measured:
        score = 4
    elif n_parts >= 3:
        score = 3
    else:
        score = 2 if n_parts == 2 else 1
    why = f"Best story covers {', '.join(parts)}" + (
        " with a measured result." if measured else "; no measured result."
    )
    return Verdict(score, _pick(ctx, chosen, limit=5), why)


def delivery(dim: Dimension, ctx: Context) -> Verdict:
    st = ctx.stats
    filler_hits = ev.fillers(ctx.sentences)
    penalty = 0
    notes: list[str] = []
    rate = st.fillers_per_min
    if rate is None and st.candidate_words:
        rate = len(filler_hits) / st.candidate_words * 60 * SPEAKING_WORDS_PER_S  # text only
    if rate is not None:
        bands = (
            dim.param("fillers_per_min_good", 2),
            dim.param("fillers_per_min_ok", 5),
            dim.param("fillers_per_min_weak", 10),
        )
        penalty += sum(rate >= b for b in bands)
        if rate >= dim.param("fillers_per_min_poor", 20):
            penalty += 2  # a filler every few words is enough on its own for the lowest level
        notes.append(f"{rate:.1f} fillers a minute" + ("" if st.timed else " (estimated)"))
    if st.words_per_min is not None:
        wpm = st.words_per_min
        if wpm < dim.param("wpm_very_low", 80) or wpm > dim.param("wpm_very_high", 200):
            penalty += 2
        elif wpm < dim.param("wpm_low", 110) or wpm > dim.param("wpm_high", 170):
            penalty += 1
        notes.append(f"{wpm:.0f} words a minute")
    if st.timed:
        penalty += min(3, st.long_silences)
        notes.append(f"{st.long_silences} long unannounced silence(s)")
    score = 4 if penalty == 0 else 3 if penalty <= 2 else 2 if penalty <= 4 else 1
    quotes = _pick(ctx, filler_hits, limit=3) + ctx.silences[:2]
    if not quotes:
        quotes = [ctx.cite_sentence(s, "fluent") for s in ctx.sentences[:1] if s.ignored is None]
    return Verdict(score, quotes, "; ".join(notes).capitalize() + ".")


# The one list of scorers: a rubric dimension names one of these keys (rubric.py checks it).
SCORERS: dict[str, Callable[[Dimension, Context], Verdict]] = {
    "clarifying_questions": clarifying_questions,
    "thinking_aloud": thinking_aloud,
    "honesty": honesty,
    "tradeoffs": tradeoffs,
    "metrics": metrics,
    "complexity": complexity,
    "structure": structure,
    "delivery": delivery,
}
