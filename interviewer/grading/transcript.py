"""Read what the grader grades: a session folder, a session.json, a JSON list of turns, or a
plain-text transcript with ``Interviewer:`` / ``Candidate:`` labels (so transcripts from
elsewhere can be graded too). Everything becomes a :class:`Session`.

Plain-text turns have no times; they are marked ``meta["untimed"] = True`` and their evidence
carries no start/end. A line may start with a ``[mm:ss]`` stamp to give the turn a start time.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, ValidationError

from ..catalog.rounds import normalise_round
from ..errors import SessionError, TranscriptFormatError
from ..session.models import InterviewerAct, Session, Turn, clock, migrate
from ..session.store import SESSION_FILE, load_session
from ..speech_acts import speaking_time_s, word_count

log = logging.getLogger(__name__)

EXPECTED_FORMAT = (
    "one turn per line, starting with a speaker label, e.g.\n"
    "    Interviewer: How would you design a feed ranking system?\n"
    "    Candidate: How many users do we expect, and what latency budget do we have?\n"
    "optionally a first line '# round: ml_system_design', a start time such as 01:23 in "
    "square brackets before a label, and the interviewer's act after it, as practice prints "
    "it: 'Interviewer (probe #1): ...'"
)

_ACTS = frozenset(get_args(InterviewerAct))
_INTERVIEWER_LABELS = {"interviewer", "int", "q", "question", "i"}
_CANDIDATE_LABELS = {"candidate", "cand", "a", "answer", "me", "c"}
_LABEL_RE = re.compile(
    r"^\s*(?:\[(?P<stamp>\d{1,2}:\d{2}(?::\d{2})?)\]\s*)?"
    r"(?P<label>[A-Za-z][A-Za-z ]{0,20}?)\s*(?:\((?P<note>[^)]*)\))?\s*:\s*(?P<text>.*)$"
)
_ROUND_RE = re.compile(r"^\s*#?\s*round\s*[:=]\s*(?P<round>[a-z_ ]+)\s*$", re.IGNORECASE)
# Interviewer lines that ask "why": used to find answers given under probing in transcripts
# that were not recorded by us (recorded sessions carry the act).
_PROBE_RE = re.compile(
    r"\b(why|how come|are you sure|what makes you|how (do|did|would) you know|justify"
    r"|what would happen"
    r"|what if|what happens (if|when)|can you explain why|what's the reason|what is the reason)\b",
    re.IGNORECASE,
)


def _speaker(label: str) -> str | None:
    key = label.strip().lower()
    if key in _INTERVIEWER_LABELS:
        return "interviewer"
    if key in _CANDIDATE_LABELS:
        return "candidate"
    return None


def _seconds(stamp: str) -> float:
    parts = [int(p) for p in stamp.split(":")]
    total = 0
    for part in parts:
        total = total * 60 + part
    return float(total)


def infer_act(text: str, is_first: bool) -> str:
    """Best guess of an interviewer line's act, for transcripts recorded elsewhere."""
    if _PROBE_RE.search(text) and not is_first:
        return "probe"
    if is_first and "?" not in text and word_count(text) < 25:
        return "greet"
    return "ask"


def _finish_times(turns: list[Turn]) -> None:
    """Give stamped plain-text turns an end: the next turn's start, else a speaking-rate guess."""
    for i, turn in enumerate(turns):
        if turn.meta.get("untimed"):
            continue
        nxt = next((t.start for t in turns[i + 1 :] if not t.meta.get("untimed")), None)
        guess = turn.start + max(1.0, speaking_time_s(turn.text))
        turn.end = min(guess, nxt) if nxt is not None and nxt > turn.start else guess


def parse_text_transcript(
    text: str, source: str = "transcript", round: str | None = None
) -> Session:
    """Plain text with speaker labels into a Session (see :data:`EXPECTED_FORMAT`)."""
    turns: list[Turn] = []
    file_round: str | None = None
    unlabelled: list[str] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        round_match = _ROUND_RE.match(line)
        if round_match and not turns:
            file_round = normalise_round(round_match.group("round"))
            continue
        if line.lstrip().startswith("#"):
            continue
        match = _LABEL_RE.match(line)
        speaker = _speaker(match.group("label")) if match else None
        if match and speaker:
            stamp = match.group("stamp")
            start = _seconds(stamp) if stamp else 0.0
            meta: dict[str, Any] = {"line": line_no}
            if not stamp:
                meta["untimed"] = True
            note = (match.group("note") or "").split()
            # As practice prints it: "Interviewer (probe #1)"; else inferred below.
            stated = note[0].lower() if note and note[0].lower() in _ACTS else None
            turns.append(
                Turn(
                    index=len(turns),
                    speaker=speaker,
                    text=match.group("text").strip(),  # type: ignore[arg-type]
                    start=start,
                    end=start,
                    meta=meta,
                    source="text",
                    act=stated if speaker == "interviewer" else None,  # type: ignore[arg-type]
                )
            )
        elif turns:
            turns[-1].text = f"{turns[-1].text} {line.strip()}".strip()
        else:
            unlabelled.append(line.strip())
    if not turns:
        raise TranscriptFormatError(
            f"{source}: no 'Interviewer:' or 'Candidate:' speaker labels found",
            hint=EXPECTED_FORMAT,
        )
    if not any(t.speaker == "candidate" for t in turns):
        raise TranscriptFormatError(
            f"{source}: there are no 'Candidate:' turns to grade", hint=EXPECTED_FORMAT
        )
    if unlabelled:
        log.warning(
            "%s: ignored %d line(s) before the first speaker label", source, len(unlabelled)
        )
    _finish_times(turns)
    chosen = round or file_round
    seen_interviewer = False
    for turn in turns:
        turn.round = chosen
        if turn.speaker == "interviewer":
            turn.act = turn.act or infer_act(turn.text, is_first=not seen_interviewer)  # type: ignore[assignment]
            seen_interviewer = True
    return Session(
        id=Path(source).stem or "transcript",
        rounds=[chosen] if chosen else [],
        turns=turns,
        complete=True,
    )


class _LooseTurn(BaseModel):
    model_config = ConfigDict(extra="allow")

    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    round: str | None = None
    act: str | None = None


def parse_json_transcript(raw: Any, source: str, round: str | None = None) -> Session:
    """A session.json, ``{"turns": [...]}`` or a bare list of ``{speaker, text}`` objects."""
    if isinstance(raw, dict) and "id" in raw and "turns" in raw:
        try:
            return Session.model_validate(migrate(raw))
        except ValidationError as exc:
            raise SessionError(f"{source} is not a valid session file: {exc}") from exc
    items = raw.get("turns") if isinstance(raw, dict) else raw
    if not isinstance(items, list) or not items:
        raise TranscriptFormatError(
            f"{source}: expected a session.json, or a list of turns with 'speaker' and 'text'",
            hint='e.g. [{"speaker": "interviewer", "text": "..."}, '
            '{"speaker": "candidate", "text": "..."}]',
        )
    lines: list[str] = []
    for i, item in enumerate(items):
        try:
            loose = _LooseTurn.model_validate(item)
        except ValidationError as exc:
            raise TranscriptFormatError(f"{source}: turn {i} needs 'speaker' and 'text'") from exc
        label = (
            "Interviewer"
            if _speaker(loose.speaker) == "interviewer"
            else ("Candidate" if _speaker(loose.speaker) == "candidate" else None)
        )
        if label is None:
            raise TranscriptFormatError(
                f"{source}: turn {i} has unknown speaker {loose.speaker!r}",
                hint="use 'interviewer' or 'candidate'",
            )
        stamp = ""
        if loose.start is not None:
            stamp = f"[{clock(loose.start)}] "
        lines.append(f"{stamp}{label}: {' '.join(loose.text.split())}")
    session = parse_text_transcript("\n".join(lines), source, round=round)
    for turn, item in zip(session.turns, items, strict=True):
        loose = _LooseTurn.model_validate(item)
        if loose.start is not None:
            turn.start = loose.start
            turn.end = loose.end if loose.end is not None else turn.end
        if loose.act and turn.speaker == "interviewer":
            turn.act = loose.act  # type: ignore[assignment]
        if loose.round and not round:
            turn.round = normalise_round(loose.round)
    return session


def read_target(target: str | Path, round: str | None = None) -> tuple[Session, Path | None]:
    """What ``interviewer grade TARGET`` accepts; returns the session and its folder, if any."""
    path = Path(target)
    round = normalise_round(round)
    if not path.exists():
        # A session id under recordings/, or "last", as `report` and `replay` accept.
        from ..paths import recordings_dir
        from ..session.store import SessionStore

        try:
            path = SessionStore(recordings_dir()).resolve(str(target))
        except SessionError:
            raise SessionError(
                f"{target}: no such session, folder or transcript file",
                hint="give a session id, 'last', a session folder, a .txt "
                "transcript or a .json file",
            ) from None
    if path.is_dir():
        return load_session(path), path
    if not path.is_file():
        raise SessionError(
            f"{target}: no such session folder or transcript file",
            hint="give a session folder, a .txt transcript or a .json file",
        )
    if path.name == SESSION_FILE:
        return load_session(path), path.parent
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TranscriptFormatError(f"cannot read {path}: {exc}", hint=EXPECTED_FORMAT) from exc
    if not text.strip():
        raise TranscriptFormatError(f"{path} is empty", hint=EXPECTED_FORMAT)
    stripped = text.lstrip()
    if path.suffix.lower() == ".json" or stripped.startswith(("{", "[")):
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            if path.suffix.lower() == ".json":
                raise TranscriptFormatError(f"{path} is not valid JSON: {exc}") from exc
        else:
            return parse_json_transcript(raw, str(path), round=round), None
    return parse_text_transcript(text, str(path), round=round), None
