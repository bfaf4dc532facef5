"""A short acknowledgement while a slow follow-up is written, from the candidate's own words.

A person who needs a moment to think of the next question says something first ("Right, the
two tower model."). The runner says one only when the reply has not come after a short
wait (``RunConfig.acknowledge_after_s``), so quick replies come bare; it names what the
candidate chose or the last of the question's terms they named, in a template from
``personas/lines/acknowledgements.yaml`` never used twice in a row. With nothing of theirs
to name, nothing is said: a fixed phrase before every reply sounds like a machine.
"""

from __future__ import annotations

import logging
import zlib
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .. import paths, speech_acts
from ..errors import ConfigError
from .policy.decide import content_words

log = logging.getLogger(__name__)
# A choice that starts with one of these points at something said elsewhere: not a name.
_POINTERS = frozenset("it this that these those them something anything everything one".split())
_NAME_ENDS = frozenset("for to so because like such e.g. or and with which that as during".split())
# Endings a term and the candidate's word may differ by ("ranking", "ranker", "rankers"),
# longest first; what is left must keep _STEM_MIN letters. Not "ed": "Okay, ranked." names
# nothing.
_INFLECTIONS = ("ations", "ation", "ings", "ers", "ing", "er", "es", "s", "e")
_STEM_MIN = 4


def stem(word: str) -> str:
    """The word without one inflection: "ranker" and "ranking" both read "rank"."""
    for ending in _INFLECTIONS:
        if word.endswith(ending) and len(word) - len(ending) >= _STEM_MIN:
            return word[: -len(ending)]
    return word


class AcknowledgementLines(BaseModel):
    model_config = ConfigDict(extra="forbid")

    templates: list[str] = Field(min_length=2)
    max_phrase_words: int = Field(4, ge=1, le=8)


def lines_file() -> Path:
    return paths.personas_dir() / "lines" / "acknowledgements.yaml"


@lru_cache(maxsize=4)
def load_lines(path: Path) -> AcknowledgementLines:
    try:
        return AcknowledgementLines.model_validate(yaml.safe_load(path.read_text()))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def named_phrase(answer: str, terms: list[str], max_words: int) -> str:
    """What the candidate chose ("I'd use X"), else the last of the question's terms they
    said, in their words: at most ``max_words`` words, without a dangling "and" or "the".
    Fillers are read past ("I would, um, add dropout" chose dropout), and a term matches
    the candidate's inflection of it ("ranker" for the term "ranking")."""
    answer = speech_acts.strip_fillers(answer)[0]
    for choice in reversed(list(speech_acts.CHOICE.finditer(answer))):
        words = choice.group(2).split()
        if words and words[0].lower() in _POINTERS:
            continue  # "I would build it in two stages": "it in two stages" names nothing
        # The name ends where its example, alternative or purpose begins ("regularisation for
        # example, weight decay"); a name longer than the line allows would be cut mid-name.
        ends = [i for i, w in enumerate(words) if w.lower().strip(",;:") in _NAME_ENDS]
        words = words[: ends[0]] if ends else words
        if len(words) > max_words:
            continue
        while words and not content_words(words[-1]):
            words.pop()
        if content_words(" ".join(words)):
            return " ".join(words).strip(",;: ")
    said = speech_acts.words(answer)
    stems = [stem(w) for w in said]
    best: tuple[int, list[str]] = (-1, [])
    for term in terms:
        wanted = [stem(w) for w in speech_acts.words(term)]
        if not wanted or len(wanted) > max_words:
            continue
        for i in range(len(said) - len(wanted), -1, -1):
            if stems[i : i + len(wanted)] == wanted:
                if i > best[0]:
                    best = (i, said[i : i + len(wanted)])
                break
    return " ".join(best[1])


class Acknowledger:
    """Picks the line; remembers its last template so two in a row differ."""

    def __init__(self, lines: AcknowledgementLines) -> None:
        self.lines = lines
        self._last: int | None = None

    @classmethod
    def shipped(cls) -> Acknowledger | None:
        """From the personas folder's lines, or None (no acknowledgements) without them."""
        path = lines_file()
        if not path.exists():
            log.info("no %s: replies come without acknowledgements", path)
            return None
        return cls(load_lines(path))

    def line_for(self, answer: str, terms: list[str]) -> str | None:
        """The line for this answer (``terms``: the question's vocabulary), or None."""
        phrase = named_phrase(answer, terms, self.lines.max_phrase_words)
        if not phrase:
            return None
        count = len(self.lines.templates)
        pick = zlib.crc32(answer.encode()) % count
        if pick == self._last:
            pick = (pick + 1) % count
        self._last = pick
        template = self.lines.templates[pick]
        return template.format(phrase=phrase, Phrase=phrase[:1].upper() + phrase[1:])
