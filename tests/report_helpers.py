"""A real recorded session for report/replay tests: espeak-ng speech, faster-whisper words.

Built once per test process (about 10 s on two cores) and copied into each test's tmp_path.
"""

from __future__ import annotations

import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import soundfile as sf
from audio_helpers import synth_wav

from interviewer.session.models import Session, Turn, Word
from interviewer.session.store import SessionWriter

SCRIPT: list[tuple[str, str, str]] = [
    ("interviewer", "ask", "Write a function that finds two numbers in a list that add up to a target."),
    ("candidate", "", "Can I assume the list fits in memory? Are the values integers? "
                      "I will use a hash map because a lookup is constant time. "
                      "That gives linear time and linear space."),
    ("interviewer", "probe", "Why is a hash map lookup constant time?"),
    ("candidate", "", "I am not sure about the worst case, but I would reason that hashing "
                      "spreads the keys evenly, so each bucket stays small."),
]
GAP_S = 0.4


@lru_cache(maxsize=1)
def _build() -> Path:
    from interviewer.speech.stt import load_transcriber

    root = Path(tempfile.mkdtemp(prefix="interviewer-report-session-"))
    writer = SessionWriter(root / "recorded", Session(id="recorded", rounds=["coding"]))
    clock = 0.0
    for index, (speaker, act, text) in enumerate(SCRIPT):
        wav = synth_wav(text, writer.audio_path(index, speaker), speed_wpm=150)
        duration = sf.info(str(wav)).duration
        words: list[Word] = []
        spoken = text
        if speaker == "candidate":
            result = load_transcriber().transcribe(wav)
            words = [Word(word=w.word, start=round(clock + w.start, 3), end=round(clock + w.end, 3),
                          probability=w.probability) for w in result.words]
            spoken = result.text
        writer.add_turn(Turn(index=index, speaker=speaker, text=spoken, start=round(clock, 3),
                             end=round(clock + duration, 3), audio=wav.name, words=words,
                             round="coding", act=act or None,
                             source="microphone" if speaker == "candidate" else None))
        clock += duration + GAP_S
    writer.finish()
    return writer.folder


def recorded_session(tmp_path: Path) -> Path:
    """A private copy of the recorded session folder."""
    target = tmp_path / "recorded"
    shutil.copytree(_build(), target)
    return target
