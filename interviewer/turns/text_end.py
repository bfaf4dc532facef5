"""Has the speaker finished? What the words so far mean, read by a small language model.

A word list reads only the last word ("and" is open, "budget" is finished), and on real
telephone conversations that is no better than silence alone at telling a pause inside a turn
from its end (docs/turn-taking.md). The bundled SmolLM2-135M reads the whole turn: its final
hidden state at the end of the words, with its own probability of ending the message there,
goes through a linear probe fitted on the pauses of real conversations
(``benchmarks/text_end_fit.py``, Switchboard). The probe is data (``text_end_probe.json``);
this module is its thin reader. The words are read as the transcripts it was fitted on are
written: lower case, no punctuation, no apostrophes ("dont", "im").

One forward pass per new words (the model's cache keeps the turn's prefix, so only the words
since the last pause are read): tens of milliseconds on two cores. When the model file is
missing the caller falls back to the word list (``load_text_end`` returns None and says so).
"""

from __future__ import annotations

import logging
import math
import re
import threading
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..llm.llama_log import quiet_llama_notes

log = logging.getLogger(__name__)

PROBE_PATH = Path(__file__).with_name("text_end_probe.json")
_END_TOKEN = "<|im_end|>"
_PROMPT_HEAD = "<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n"
MAX_WORDS = 240  # a longer turn is read from a window that moves on in steps of STEP_WORDS
STEP_WORDS = 80
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise(words: str) -> str:
    """The words as the probe's training transcripts write them: "Don't stop." -> "dont stop"."""
    lowered = words.lower().replace("'", "").replace("\u2019", "")
    return " ".join(_NOT_WORD.sub(" ", lowered).split())


def reading_window(words: list[str]) -> list[str]:
    """The words read: all of a turn up to MAX_WORDS, then its last MAX_WORDS or fewer, the
    start moving on in steps, so the model's cache is read afresh only every STEP_WORDS words."""
    if len(words) <= MAX_WORDS:
        return words
    start = (len(words) - MAX_WORDS + STEP_WORDS - 1) // STEP_WORDS * STEP_WORDS
    return words[start:]


class TextEndProbe(BaseModel):
    """The fitted probe (``text_end_probe.json``): standardised features, logistic weights."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model_file: str = Field(description="the GGUF whose hidden state the probe reads")
    system: str = Field(description="the system line of the prompt the words are read in")
    mean: list[float]
    scale: list[float]
    weights: list[float]
    bias: float
    logit_mean: float = Field(description="mean logit over the fitted pauses (for the waits)")
    logit_std: float = Field(gt=0, description="their standard deviation")
    fitted_on: str
    held_out: dict[str, float] = Field(default_factory=dict, description="figures at fitting")

    @model_validator(mode="after")
    def _one_length(self) -> TextEndProbe:
        if not len(self.mean) == len(self.scale) == len(self.weights) > 2:
            raise ValueError("mean, scale and weights must have one length, over 2")
        if min(self.scale) <= 0:
            raise ValueError("every scale must be positive")
        return self


def features(state: np.ndarray, end_logprob: float, n_words: int) -> np.ndarray:
    """The probe's input: the hidden state, the log-probability of ending the message there,
    and how many words the turn has so far (log)."""
    return np.concatenate([state.astype(np.float64), [end_logprob, math.log1p(n_words)]])


class TextEndReader:
    """SmolLM2 reads the words; gives the probe's features. Thread-safe; keeps its cache."""

    def __init__(self, model_path: Path, system: str, n_threads: int = 1) -> None:
        import llama_cpp

        self._llama_cpp = llama_cpp
        self.llama = llama_cpp.Llama(
            str(model_path), n_ctx=2048, n_threads=n_threads, n_batch=512, verbose=False
        )
        llama_cpp.llama_set_embeddings(self.llama.ctx, True)
        (self._end,) = self.llama.tokenize(_END_TOKEN.encode(), add_bos=False, special=True)
        self.head = _PROMPT_HEAD.format(system=system)
        self._lock = threading.Lock()

    def features(self, words: str) -> np.ndarray:
        said = normalise(words).split()
        tokens = self.llama.tokenize(
            (self.head + " ".join(reading_window(said))).encode(), add_bos=False, special=True
        )
        with self._lock:
            cached = self.llama.input_ids[: self.llama.n_tokens].tolist()
            same = self.llama.longest_token_prefix(cached, tokens)
            self.llama.n_tokens = min(same, len(tokens) - 1)  # read at least the last token
            with quiet_llama_notes():
                self.llama.eval(tokens[self.llama.n_tokens :])
            llama_cpp = self._llama_cpp
            state = np.ctypeslib.as_array(
                llama_cpp.llama_get_embeddings_ith(self.llama.ctx, -1), shape=(self.llama.n_embd(),)
            ).copy()
            logits = np.ctypeslib.as_array(
                llama_cpp.llama_get_logits_ith(self.llama.ctx, -1), shape=(self.llama.n_vocab(),)
            ).astype(np.float64)
        top = logits.max()
        end_logprob = float(logits[self._end] - top - math.log(np.exp(logits - top).sum()))
        return features(state, end_logprob, len(said))


class TextEndModel:
    """P(the turn has ended | the words so far): the reader's features through the probe."""

    def __init__(self, reader: TextEndReader, probe: TextEndProbe) -> None:
        self.reader = reader
        self.probe = probe
        self._mean = np.asarray(probe.mean)
        self._scale = np.asarray(probe.scale)
        self._weights = np.asarray(probe.weights)
        self._last: tuple[str, float] | None = None

    def logit(self, words: str) -> float:
        if self._last is not None and self._last[0] == words:
            return self._last[1]
        x = (self.reader.features(words) - self._mean) / self._scale
        value = float(x @ self._weights + self.probe.bias)
        self._last = (words, value)
        return value

    def probability(self, words: str) -> float:
        return 1.0 / (1.0 + math.exp(-self.logit(words)))

    def standard_score(self, words: str) -> float:
        """The logit in standard units of the fitted pauses: positive sounds more finished
        than the typical pause, negative less (what the waits are set from)."""
        return (self.logit(words) - self.probe.logit_mean) / self.probe.logit_std


def read_probe(path: Path = PROBE_PATH) -> TextEndProbe:
    return TextEndProbe.model_validate_json(path.read_text(encoding="utf-8"))


def load_text_end(n_threads: int = 1, probe_path: Path = PROBE_PATH) -> TextEndModel | None:
    """The bundled reader and probe, or None (logged) when the model or the probe will not load."""
    from ..llm.gguf import smollm2_model_path

    try:
        probe = read_probe(probe_path)
        path = smollm2_model_path()
        if path.name != probe.model_file:
            raise ValueError(f"the probe was fitted on {probe.model_file}, not {path.name}")
        reader = TextEndReader(path, probe.system, n_threads)
        if len(probe.weights) != reader.llama.n_embd() + 2:
            raise ValueError(f"the probe reads {len(probe.weights)} features, not the model's")
        return TextEndModel(reader, probe)
    except Exception as exc:  # the model not installed, a corrupt probe file
        log.warning("cannot read the words' end of turn (%s); the word list decides", exc)
        return None
