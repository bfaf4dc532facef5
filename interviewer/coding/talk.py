"""What a candidate's words say about their code: a request to run it, an example walked
through, edge cases named. Pure functions, shared by the interviewer (coach.py) and the
grader (grading/code_scorers.py), so both read a sentence the same way.
"""

from __future__ import annotations

import re

# "/run" typed, or "run the tests", "let me run it", "can I run my code", "run the solution".
_RUN = re.compile(
    r"^\s*/run\b|\b(?:run|execute|rerun|re-run)\s+(?:the\s+|my\s+|these\s+|your\s+)?"
    r"(?:hidden\s+)?(?:tests?|code|it|solution|function|file)\b",
    re.IGNORECASE,
)
# Walking through an input by hand: "for example", "if the input is", "let's trace".
_EXAMPLE = re.compile(
    r"\b(?:for example|for instance|e\.g\.|let'?s (?:say|trace|try|walk)|say we have"
    r"|if the inputs? (?:is|are|were)|walk(?:ing)? through|trace (?:it|through)|dry run"
    r"|take the (?:input|list|example))\b"
    r"|\[[-\d.,\s]+\]",  # a literal list such as [1, 0, 1]
    re.IGNORECASE,
)
# Named edge cases: each pattern is one distinct case, so naming the same twice counts once.
EDGE_CASES: dict[str, re.Pattern[str]] = {
    "empty input": re.compile(r"\bempty\b|\bno (?:elements|items|values|points|input)\b", re.I),
    "edge cases": re.compile(r"\bedge[- ]cases?\b|\bcorner[- ]cases?\b", re.I),
    "zero / division": re.compile(r"\bdivi(?:de|sion) by zero\b|\bzero denominator", re.I),
    "single element": re.compile(r"\b(?:single|one) (?:element|item|value|node|point)\b", re.I),
    "duplicates / ties": re.compile(r"\bduplicates?\b|\bties?\b|\btied\b|\brepeated\b", re.I),
    "negative values": re.compile(r"\bnegative (?:numbers?|values?|logits?)\b", re.I),
    "mismatched lengths": re.compile(r"\bdiffer(?:ent)? lengths?\b|\blength mismatch\b", re.I),
    "large input": re.compile(r"\b(?:large|huge|big) (?:inputs?|values?|logits?|numbers?)\b", re.I),
    "no positives": re.compile(
        r"\bno (?:positives?|relevant|solution|pair)\b|\ball zeros?\b", re.I
    ),
    "invalid input": re.compile(r"\binvalid (?:input|index|target)\b|\bout of range\b", re.I),
}


def asks_to_run(text: str) -> bool:
    return bool(_RUN.search(text))


def example_spans(text: str) -> list[tuple[int, int]]:
    """Where the candidate walks through a concrete input."""
    return [m.span() for m in _EXAMPLE.finditer(text)]


def edge_cases(text: str) -> dict[str, tuple[int, int]]:
    """Distinct edge cases named in the text, each with the span of its first mention."""
    found = {}
    for name, pattern in EDGE_CASES.items():
        match = pattern.search(text)
        if match:
            found[name] = match.span()
    return found


def talks_about_testing(text: str) -> bool:
    return bool(example_spans(text) or edge_cases(text))
