"""One answer from two recordings: the candidate's turn, reopened when they went on.

The microphone stayed open between the two recordings: the pause it heard between them goes
between them, so the audio is what was said, end to end, and the second's word times move by
the first's length and the pause's.
"""

from __future__ import annotations

import numpy as np

from ...audio.io import SAMPLE_RATE
from ...speech.stt import Transcription
from .sources import CandidateAnswer


def join_answers(
    first: CandidateAnswer, rest: CandidateAnswer, pause: np.ndarray | None = None
) -> CandidateAnswer:
    """``first``, the ``pause`` heard between them, then ``rest``, as one answer; the
    listener and the ending are ``rest``'s."""
    parts = [] if first.samples is None else [first.samples]
    first_s = sum(p.size for p in parts) / SAMPLE_RATE
    if parts and pause is not None:
        parts.append(pause)
    offset_s = sum(p.size for p in parts) / SAMPLE_RATE
    joined_pauses = first.joined_pauses_s
    if parts:
        joined_pauses += ((round(first_s, 3), round(offset_s, 3)),)
    samples = np.concatenate(parts) if parts else None
    if rest.samples is not None:
        samples = rest.samples if samples is None else np.concatenate([samples, rest.samples])
    transcription = None
    if first.transcription is not None and rest.transcription is not None:
        transcription = join_transcriptions(first.transcription, rest.transcription, offset_s)
    text = " ".join(t for t in (first.text, rest.text) if t) or None
    timings = dict(first.timings) | {
        k: v for k, v in rest.timings.items() if k != "speech_end_s" and v is not None
    }
    speech_end = rest.timings.get("speech_end_s")
    if speech_end is not None:
        timings["speech_end_s"] = round(offset_s + float(speech_end), 3)
    return CandidateAnswer(
        source=rest.source,
        samples=samples,
        text=text,
        origin=first.origin,
        ended_by=rest.ended_by,
        error=first.error or rest.error,
        transcription=transcription,
        timings=timings,
        joined_pauses_s=joined_pauses,
        after=rest.after,
    )


def join_transcriptions(
    first: Transcription, rest: Transcription, offset_s: float
) -> Transcription:
    moved = [
        w.model_copy(update={"start": w.start + offset_s, "end": w.end + offset_s})
        for w in rest.words
    ]
    return Transcription(
        text=" ".join(t for t in (first.text.strip(), rest.text.strip()) if t),
        duration=offset_s + rest.duration,
        words=[*first.words, *moved],
        language=first.language,
        seconds=first.seconds + rest.seconds,
    )
