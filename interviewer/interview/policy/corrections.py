"""A candidate's self-correction ("sorry, I meant gradient boosting, not a random forest").

The corrected words replace the ones taken back: the probe reads the answer as the candidate
meant it, and the grader skips the retracted span (``Turn.meta["retracted"]``). Pure text
work, so every case is a one-line test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

# The last of these in a turn splits it: before it, what is taken back; after it, the fix.
_MARKER = re.compile(
    r"(?:\bsorry\b[,.]?\s*)?(?:"
    r"\bi (?:meant|mean)(?: to say)?\b|\bi misspoke\b[,.]?(?:\s*i meant\b)?|\b(?:scratch"
    r"|strike) that\b"
    r"|\bcorrection\b:?|\blet me (?:correct|restate|rephrase) (?:myself|that|my answer)\b"
    r"|\bwhat i meant(?: to say)? was\b|\bi should have said\b|\bno,? wait\b"
    r"|\blet me take that back\b|\bignore what i (?:just )?said\b|\bmy (?:mistake|bad)\b"
    r"|\bslip of the tongue\b|\bwrong word\b|\bi got that backwards\b|\bthat was wrong\b"
    r"|\bsorry\b(?=,?\s+not\b))",
    re.IGNORECASE,
)
_NOT_Y = re.compile(r"^(?P<x>.+?),?\s+(?:not|instead of|rather than)\s+(?P<y>[^,.;]+)", re.I)
_NOT_Y_FIRST = re.compile(r"^not\s+(?P<y>[^,]+),\s*(?P<x>.+)$", re.I)
_SAID_MEANT = re.compile(r"\bi said (?P<y>.+?),?\s+(?:but\s+)?i meant (?P<x>.+)$", re.I)
_SUBJECT = re.compile(r"^(?:i|i'd|i'll|i'm|we|we'd|we'll|it|it's|they|there|let's|my|our)\b", re.I)
_STOP = frozenset("a an the to of in on for with and or is are was it that this i we".split())
# Words that stand in for each other: "sorry, I meant precision" replaces the metric said.
_SWAPPABLE = (
    "precision recall accuracy f1 auc log-loss rmse mae ndcg mrr calibration".split(),
    "hourly daily nightly weekly monthly yearly".split(),
    "milliseconds seconds minutes hours days weeks months".split(),
    "train training validation test holdout dev".split(),
    "batch streaming online offline real-time".split(),
    "classification regression ranking clustering".split(),
)


@dataclass
class Correction:
    """The answer as meant, and the char spans taken back (in this turn or the previous)."""

    corrected_text: str
    target: Literal["this", "previous"]
    retracted: list[tuple[int, int]] = field(default_factory=list)
    replacement: str = ""


def _clean(phrase: str) -> str:
    phrase = re.sub(r"^[\s,.:;-]+|[\s,.:;!?-]+$", "", phrase)
    phrase = re.sub(r"[,.]?\s*\bsorry\b[.!]?$", "", phrase, flags=re.I)
    return phrase.strip()


def _last_sentence_span(text: str) -> tuple[int, int]:
    body = text.rstrip()
    cut = max(body.rfind(". ", 0, len(body) - 1), body.rfind("? "), body.rfind("! "))
    start = cut + 2 if cut >= 0 else 0
    return start, len(body)


def _swapped_word(text: str, new: str) -> tuple[int, int] | None:
    """The span of a word in ``text`` of the same kind as one in ``new`` (recall -> precision)."""
    new_words = set(re.findall(r"[\w-]+", new.lower()))
    for group in _SWAPPABLE:
        if new_words & set(group):
            others = [w for w in group if w not in new_words]
            hits = [m for m in re.finditer(r"[\w-]+", text) if m.group(0).lower() in others]
            if hits:
                return hits[-1].span()
    return None


def _subject_sentence(text: str, new: str) -> tuple[int, int]:
    """The last sentence that opens like ``new`` ("I'd ..."), else the last sentence."""
    opener = new.split()[0].lower()
    spans = [m.span() for m in re.finditer(r"[^.!?]+[.!?]?", text) if m.group(0).strip()]
    for a, b in reversed(spans):
        chunk = text[a:b]
        lead = len(chunk) - len(chunk.lstrip())
        if chunk.strip().split()[0].lower() == opener:
            return a + lead, b
    return _last_sentence_span(text)


def _tail_span(text: str, new: str) -> tuple[int, int]:
    """The words at the end of ``text`` that ``new`` stands in for."""
    start, end = _last_sentence_span(text)
    body = text[start:end].rstrip(" .!?")
    end = start + len(body)
    clause_at = max(body.rfind(","), body.rfind(";"))
    clause_start = start + clause_at + 1 if clause_at >= 0 else start
    words = list(re.finditer(r"\S+", text[clause_start:end]))
    if not words:
        return end, end
    new_words = [w.lower() for w in re.findall(r"[\w'%-]+", new)]
    anchor = next((w for w in reversed(new_words) if w not in _STOP), None)
    said = [re.sub(r"[^\w'%-]", "", m.group(0)).lower() for m in words]
    if anchor is not None and anchor in said:
        # "150 milliseconds" -> "200 milliseconds": the run of words ending at the shared word.
        at = len(said) - 1 - said[::-1].index(anchor)
        first = at
        while first > 0 and at - first < len(new_words) - 1 and said[first - 1] not in _STOP:
            first -= 1
        return clause_start + words[first].start(), clause_start + words[at].end()
    n = min(len(words), max(1, len([w for w in new_words if w not in _STOP])))
    first = len(words) - n
    while first > 0 and said[first - 1] in ("a", "an", "the"):
        first -= 1
    return clause_start + words[first].start(), end


def correct(turn: str, previous: str | None) -> Correction | None:
    """Apply the correction in ``turn`` to itself (words before the marker) or to ``previous``."""
    markers = list(_MARKER.finditer(turn))
    if not markers:
        return None
    marker = markers[-1]
    before = turn[: marker.start()].rstrip(" ,;-")
    after = _clean(turn[marker.end() :])
    new, wrong = after, None
    said = _SAID_MEANT.search(turn)
    if said:
        new, wrong = _clean(said.group("x")), _clean(said.group("y"))
        before = turn[: said.start()].rstrip(" ,;-")
    elif (m := _NOT_Y_FIRST.match(after)) or (m := _NOT_Y.match(after)):
        new, wrong = _clean(m.group("x")), _clean(m.group("y"))
    if not new:
        return None
    content_before = [w for w in re.findall(r"[\w']+", before.lower()) if w not in _STOP]
    if len(content_before) >= 2:
        target: Literal["this", "previous"] = "this"
        text = before
    elif previous:
        target, text = "previous", previous
    else:
        return Correction(corrected_text=new, target="this", replacement=new)
    span: tuple[int, int] | None = None
    if wrong:
        found = re.search(re.escape(wrong), text, re.I)
        if found is None and wrong.lower().startswith(("a ", "an ", "the ")):
            found = re.search(re.escape(wrong.split(" ", 1)[1]), text, re.I)
        if found:
            span = found.span()
    if span is None:
        span = _swapped_word(text, new)
    if span is None:
        span = _subject_sentence(text, new) if _SUBJECT.match(new) else _tail_span(text, new)
    lead = re.match(r"(?:a|an|the)\s+", new, re.I)
    if lead and re.search(r"\b(?:a|an|the)\s*$", text[: span[0]], re.I):
        new = new[lead.end() :]  # "the 50 ms budget" into "for the 150 ms budget"
    taken = text[span[0] : span[1]]
    if taken[-1:] in (".", "!", "?") and not new.endswith((".", "!", "?")):
        new += taken[-1]
    corrected = text[: span[0]] + new + text[span[1] :]
    return Correction(corrected_text=corrected, target=target, retracted=[span], replacement=new)
