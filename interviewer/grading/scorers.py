"""Per-dimension scoring: detector hits -> a level 1-4 (or not observed) with cited evidence.

Levels count *distinct* behaviours (topics asked about, trade-off axes, STAR parts), never
raw word counts, so padding an answer cannot raise a score. A dimension scores 1 only when
the candidate had the chance (said at least ``min_words`` words in rounds it applies to) and
the behaviour was missing; the 1 then cites the answer in which it was missing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..catalog.rounds import probes_knowledge
from ..speech_acts import SPEAKING_WORDS_PER_S, is_question, words
from . import code_scorers
from . import evidence as ev
from .context import Context, Tunable
from .scorecard import Evidence
from .sentences import Sentence
from .substance import read_answers, stems, vocabulary

# A scorer reads a rubric dimension only through ``param`` (the Tunable protocol), so this
# module never imports the rubric, which imports SCORERS to check the names it is given.
Dimension = Tunable

MAX_EVIDENCE = 4


@dataclass
class Verdict:
    score: int | None
    evidence: list[Evidence]
    rationale: str
    not_observed_reason: str | None = None
    value: float | None = None  # the measurement behind ``score``, on its 1-4 scale


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


_BEGUN_WORDS = 3  # a statement this long begins the answer; "Right." or "Yeah, so." do not


def _answer_began(sentences: list[Sentence]) -> Sentence | None:
    """Where an answer began: its first statement (not one of their questions, which would
    read as the evidence for a claim, nor a bare "Right." before it)."""
    live = [s for s in sentences if s.ignored is None]
    return next(
        (s for s in live if not is_question(s.clean) and len(words(s.clean)) >= _BEGUN_WORDS),
        next((s for s in live if not is_question(s.clean)), live[0] if live else None),
    )


def _missing(ctx: Context, what: str) -> Verdict:
    """Level 1: the behaviour was absent although the candidate answered at length. The
    quote is where their answer began."""
    first = _answer_began(ctx.sentences)
    quotes = [ctx.cite_sentence(first, "missing")] if first else []
    quoted = " (where the answer began, quoted)" if quotes else ""
    return Verdict(1, quotes, f"{what} in {ctx.words()} words of answers{quoted}.")


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
    """Applies where knowledge was probed. In a behavioural story "I didn't know what to
    do" is part of the story, not the edge of the candidate's knowledge: there only answers
    to a follow-up ("how did you know ...?") count."""
    hits = [
        h
        for h in ev.honesty_markers(ctx.sentences)
        if probes_knowledge(h.sentence.round) or h.sentence.after_probe
    ]
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


def _maze_level(dim: Dimension, rate: float) -> int:
    bands = (
        dim.param("mazes_per_100_good", 2.0),
        dim.param("mazes_per_100_ok", 4.0),
        dim.param("mazes_per_100_weak", 7.0),
    )
    return 4 - sum(rate >= b for b in bands)


_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|i'll|me|my|myself)\b", re.IGNORECASE)


def structure(dim: Dimension, ctx: Context) -> Verdict:
    """How organised the stories are: told without mazes, and with the parts of a story.

    The level is the lower of two readings. Mazes (restarts, repetitions, discourse "like",
    hedges) per 100 words say whether the message was organised before it was spoken; the
    STAR parts cap it: no story parts at all cannot be above 2, nor can a vague story (no
    "I", no measured result), and one kind of part in the whole session not above 3; typed
    text is read by the best story's parts alone. (STAR parts alone ranked the MIT raters'
    StructuredAnswers at -0.30: a rambling story hits more of them, so they can only cap,
    never raise, the level.)
    """
    hits = ev.star_parts(ctx.sentences)
    best: tuple[int, bool, int] = (0, False, -1)
    for thread in sorted({s.thread for s in ctx.sentences}):
        in_thread = [h for h in hits if h.sentence.thread == thread]
        parts = {h.kind for h in in_thread} - {"measured_result"}
        measured = any(h.kind == "measured_result" for h in in_thread)
        best = max(best, (len(parts), measured, thread))
    n_parts, measured, thread = best
    maze_hits = ev.mazes(ctx.sentences)
    rate = 100 * len(maze_hits) / max(1, ctx.words())
    level = _maze_level(dim, rate)
    why = f"{rate:.1f} mazes (restarts, repeats, 'like', hedges) per 100 words"
    if n_parts == 0:
        missing = _missing(ctx, "No situation, task, action or result")
        return Verdict(
            min(level, 2),
            missing.evidence + _pick(ctx, maze_hits, 2),
            f"{why}; " + missing.rationale[0].lower() + missing.rationale[1:],
        )
    chosen = [h for h in hits if h.sentence.thread == thread]
    parts = sorted({h.kind for h in chosen} - {"measured_result"})
    # One kind of story part in the whole session caps a spoken answer at 3. Counting the
    # best story's parts instead fell on concise, fluent answers: on real speech the detector
    # misses parts ("we threw a bunch of events ... over seven-hundred people attend" read as
    # a situation only), and the other answers showed the rest. On the MIT interviews the
    # best-story cap ranked the raters' StructuredAnswers at 0.39 (odd/even halves 0.33 /
    # 0.49), the session's at 0.49 (0.39 / 0.61). Typed text and vague stories: below.
    session_kinds = {h.kind for h in hits}
    cap = 3 if len(session_kinds - {"measured_result"}) == 1 else 4
    # The story's substance: the candidate in it, and a result with evidence. A story told
    # with neither ("we looked at a lot of things ... eventually things were better") is
    # vague however fluently told: at most 2. (Asking for an action verb of the candidate's
    # own instead capped 17 of the 74 MIT interviews and ranked StructuredAnswers at 0.09.)
    own_action = any(_FIRST_PERSON.search(s.clean) for s in ctx.sentences if s.ignored is None)
    measured_any = "measured_result" in session_kinds
    if not own_action and not measured_any:
        cap = min(cap, 2)
    if not maze_hits and not ev.fillers(ctx.sentences):
        # Typed or read-out text has no mazes to read: the story parts alone set the level.
        cap = 4 if n_parts >= 4 and measured else 3 if n_parts >= 3 else 2 if n_parts == 2 else 1
    if n_parts >= 4 and measured:
        why += "; the best story covers all four parts with a measured result."
    else:
        why += f"; the best story covers {', '.join(parts)}" + (
            " with a measured result." if measured else "; no measured result."
        )
        if not own_action and not measured_any:
            why += " A story with no 'I' in it and no measured result is vague."
    return Verdict(
        min(level, cap), _pick(ctx, chosen, limit=4) + _pick(ctx, maze_hits, limit=2), why
    )


def band_value(measure: float, thresholds: tuple[float, float, float], *, rising: bool) -> float:
    """A measure read through three thresholds, as a level with its fraction kept.

    The level is 1 below the first threshold and one more for each threshold crossed
    (``rising``: more is better, as specificity), or 4 and one less for each (a filler rate).
    The value runs linearly through each band, half a level either side of the band's level
    at its thresholds (1.5, 2.5, 3.5), and reaches the scale's end (1.0 or 4.0) one
    neighbouring band's width past the outer thresholds, so it always lies within half a
    level of the level. Two speakers at level 3 with 2.1 and 4.9 um a minute are told apart:
    the bands alone tie them (on the shared MIT interviews, ranking by the delivery level
    agreed with the raters' NoFillers at 0.64, by the value at 0.68, the bare rate's own).
    """
    low, mid, high = thresholds
    xs = [low - (mid - low), low, mid, high, high + (high - mid)]
    ys = [1.0, 1.5, 2.5, 3.5, 4.0]
    return float(np.interp(measure, xs, ys if rising else ys[::-1]))


def delivery(dim: Dimension, ctx: Context) -> Verdict:
    """The filler rate sets the level (one band per threshold crossed); pace and long
    unannounced silences lower it. Fillers used to add penalty points that pace and
    silences shared, so most speakers landed on 3: on the MIT interviews that ranked the
    raters' NoFillers at 0.52, where the filler count per word alone reaches 0.68. Only
    hesitations (um, uh) count: "basically" or "like," are mazes (structure), and counting
    them here ranked NoFillers lower (0.63 against 0.65 with the same bands). The verdict
    keeps the rate's fraction of a level as its value (:func:`band_value`)."""
    st = ctx.stats
    filler_hits = ev.hesitations(ctx.sentences)
    level = 4
    value = 4.0
    penalty = 0
    notes: list[str] = []
    rate = None
    if st.timed and st.candidate_speaking_s:
        rate = len(filler_hits) / (st.candidate_speaking_s / 60)
    elif st.candidate_words:
        words_said = max(st.candidate_words, ctx.words())
        rate = len(filler_hits) / words_said * 60 * SPEAKING_WORDS_PER_S  # text only
    if rate is not None:
        bands = (
            dim.param("fillers_per_min_good", 2),
            dim.param("fillers_per_min_ok", 5),
            dim.param("fillers_per_min_weak", 10),
        )
        level -= sum(rate >= b for b in bands)
        value = band_value(rate, bands, rising=False)
        notes.append(f"{rate:.1f} um/uh a minute" + ("" if st.timed else " (estimated)"))
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
    lost = (penalty + 1) // 2
    score = max(1, level - lost)
    quotes = _pick(ctx, filler_hits, limit=3) + ctx.silences[:2]
    if not quotes:
        quotes = [ctx.cite_sentence(s, "fluent") for s in ctx.sentences[:1] if s.ignored is None]
    return Verdict(
        score, quotes, "; ".join(notes).capitalize() + ".", value=round(max(1.0, value - lost), 2)
    )


def _from_code(ctx: Context, found: code_scorers.CodeVerdict) -> Verdict:
    if found.missing:
        return _missing(ctx, found.missing)
    return Verdict(found.score, found.evidence, found.rationale, found.not_observed_reason)


def correctness(dim: Dimension, ctx: Context) -> Verdict:
    """The hidden tests: passing at the end, and on the first run (code_scorers.py)."""
    return _from_code(ctx, code_scorers.correctness(ctx))


def testing(dim: Dimension, ctx: Context) -> Verdict:
    """An example walked through, edge cases named, before the first run (code_scorers.py)."""
    return _from_code(ctx, code_scorers.testing(ctx))


def complexity_as_written(dim: Dimension, ctx: Context) -> Verdict:
    """The complexity stated, capped where the code as run is quadratic and they said less."""
    return code_scorers.cap_complexity(complexity(dim, ctx), ctx)


MISSED_SHOWN = 3


def _short(point: str) -> str:
    """A strong point's first clause, lower-cased: "uses a min-heap of size k"."""
    head = re.split(r",| such as | e\.g\.| \(", point, maxsplit=1)[0].strip()
    return head[0].lower() + head[1:]


def _specificity(dim: Dimension, ctx: Context) -> Verdict:
    """Questions outside the bank have no strong points: how specific the answers are.

    Guiraud's index (distinct words / sqrt(words)) over all the answers: specific stories
    name more different things than generic ones. It ranks the MIT raters' Overall at 0.33
    alone; its bands are round numbers, not fitted. Needs enough words to mean anything.
    """
    tokens = [w for s in ctx.sentences if s.ignored is None for w in words(s.clean)]
    if len(tokens) < dim.param("specificity_min_words", 150):
        return Verdict(
            None,
            [],
            "",
            "The question is not in the question bank, so there are no strong points to read "
            "the answer against, and there are too few words to judge how specific it is.",
        )
    index = len(set(tokens)) / len(tokens) ** 0.5
    bands = (
        dim.param("specificity_low", 8.5),
        dim.param("specificity_mid", 9.5),
        dim.param("specificity_high", 10.5),
    )
    score = 1 + sum(index >= b for b in bands)
    return Verdict(
        score,
        [],
        f"Not a question from the bank: judged by how specific the answers are, {index:.1f} "
        "distinct words per square root of words (Guiraud's index), not by strong points.",
        value=round(band_value(index, bands, rising=True), 2),
    )


def substance(dim: Dimension, ctx: Context) -> Verdict:
    """Strong points made (each with its quote), contradicted facts, answers off the question."""
    readings = [r for r in read_answers(ctx.sentences) if r.level is not None]
    if not readings:
        return _specificity(dim, ctx)
    quotes: list[Evidence] = []
    parts: list[str] = []
    for r in readings:
        title = r.question.title if r.question else "the question"
        parts.append(f"{title}: {r.reason}")
        quotes += [
            ctx.cite(ev.Hit(f"strong point: {m.point}", m.sentence, *m.evidence_span()))
            for m in r.made
        ]
        quotes += [
            ctx.cite_sentence(c.sentence, f"contradicts: {c.fact}") for c in r.contradictions
        ]
        if r.off_topic:
            # The sentences that belong to the other question most plainly.
            rival = vocabulary(r.off_topic)
            live = [s for s in r.sentences if s.ignored is None]
            shown = sorted(live, key=lambda s: -len(stems(s.clean) & rival))[:2]
            quotes += [ctx.cite_sentence(s, "off the question") for s in shown]
        elif r.level == 1 and r.dont_know:
            quotes += [ctx.cite_sentence(s, "I don't know") for s in r.dont_know[:2]]
        elif not r.made and (began := _answer_began(r.sentences)) is not None:
            # No point made: the score still cites their words, where the answer began.
            quotes.append(ctx.cite_sentence(began, "no strong point made"))
            parts[-1] += " (where the answer began, quoted)"
        if r.missed and r.question and not r.off_topic:
            shown = [_short(p) for p in r.missed[:MISSED_SHOWN]]
            more = len(r.missed) - len(shown)
            parts[-1] += "; not made: " + "; ".join(shown) + (f" (and {more} more)" if more else "")
    levels = [r.level for r in readings if r.level is not None]
    mean = sum(levels) / len(levels)
    score = max(1, min(4, math.floor(mean + 0.5)))
    return Verdict(score, quotes, ". ".join(parts) + ".", value=round(mean, 2))


def candidate_questions(dim: Dimension, ctx: Context) -> Verdict:
    """The questions the candidate asked when invited at the end: none, generic, the owner's."""
    from .candidate_questions import candidate_questions as asked
    from .candidate_questions import was_invited

    if not was_invited(ctx.session):
        return Verdict(None, [], "", "The round did not end with the candidate's questions.")
    owner, generic = asked(ctx.session)
    topics = sorted({e.kind for e in owner})
    if len(topics) >= dim.param("level4_topics", 2):
        score = 4
    elif topics:
        score = 3
    elif generic:
        score = 2
    else:
        return Verdict(1, [], "Invited to ask questions, the candidate asked none.")
    about = ", ".join(topics) if topics else "nothing the guide names"
    rationale = f"{len(owner) + len(generic)} question(s) for the interviewer; about {about}."
    return Verdict(score, (owner + generic)[:MAX_EVIDENCE], rationale)


# The one list of scorers: a rubric dimension names one of these keys (rubric.py checks it).
SCORERS: dict[str, Callable[[Dimension, Context], Verdict]] = {
    "candidate_questions": candidate_questions,
    "clarifying_questions": clarifying_questions,
    "thinking_aloud": thinking_aloud,
    "honesty": honesty,
    "tradeoffs": tradeoffs,
    "metrics": metrics,
    "complexity": complexity_as_written,
    "structure": structure,
    "delivery": delivery,
    "correctness": correctness,
    "testing": testing,
    "substance": substance,
}
