"""Builders for grading tests: timed sessions from plain text (pure logic, no audio)."""

from __future__ import annotations

from interviewer.session.models import Session, Turn, Word


def timed_session(
    lines: list[tuple[str, str]],
    round: str = "coding",
    wpm: float = 140.0,
    pauses: dict[int, tuple[int, float]] | None = None,
    acts: dict[int, str] | None = None,
    complete: bool = True,
) -> Session:
    """A session whose candidate words are evenly timed at ``wpm``.

    ``pauses`` maps a turn index to (word index, seconds): a silence inserted before that word.
    ``acts`` maps interviewer turn indexes to an act (default ``ask``).
    """
    pauses = pauses or {}
    acts = acts or {}
    turns: list[Turn] = []
    clock = 0.0
    per_word = 60.0 / wpm
    for index, (speaker, text) in enumerate(lines):
        start = clock
        words: list[Word] = []
        if speaker == "candidate":
            for i, token in enumerate(text.split()):
                if index in pauses and pauses[index][0] == i:
                    clock += pauses[index][1]
                words.append(
                    Word(word=" " + token, start=round_(clock), end=round_(clock + per_word * 0.9))
                )
                clock += per_word
        else:
            clock += len(text.split()) * 60.0 / 160.0
        turns.append(
            Turn(
                index=index,
                speaker=speaker,
                text=text,
                start=round_(start),
                end=round_(clock),
                words=words,
                round=round,
                act=(acts.get(index, "ask") if speaker == "interviewer" else None),
                audio=f"turn-{index:03d}-{speaker}.wav",
            )
        )
        clock += 0.5
    return Session(id="test-session", rounds=[round], turns=turns, complete=complete)


def round_(x: float) -> float:
    return round(x, 3)
