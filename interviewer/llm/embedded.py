"""The default backend: a GGUF model run in-process by llama.cpp (no network, no key).

One ``Llama`` per (model file, context size, threads) lives for the whole process, because
loading costs seconds and because its KV cache is the main speed trick of a conversation:
``Llama.generate`` compares the new prompt's tokens with the tokens already evaluated
(``_input_ids``) and only evaluates the differing suffix. A chat whose history only grows
therefore pays for the new turn, not the whole transcript. Nothing here calls ``reset()``;
that is left to :meth:`EmbeddedBackend.forget_cache` for benchmarks that want cold figures.

Structured output: a JSON schema is compiled once (cached per schema) into a llama.cpp
grammar, so the model can only emit JSON of that shape. Callers still validate it.

Background work (a draft, a prompt warmed while the candidate speaks) must step aside for the
speech-to-text pass the end of the turn waits for (machine/foreground.py). Between tokens it
can; a prompt read, one native call over hundreds of tokens, could not, and held both cores
for seconds while that pass ran beside it. Such requests pass ``pause``: their prompt is read
in slices of :data:`PROMPT_SLICE_TOKENS`, and ``pause`` runs before each (it may wait, or
raise GenerationCancelled to stop). Inside a background step a slice (or a token) is also cut
short when a pass starts: llama.cpp's abort callback reads the step's preempt byte
(machine/foreground.py), the read stops at its next graph node, and the slice is read again
once ``pause`` lets it go on.
"""

from __future__ import annotations

import ctypes
import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import LLMError, LLMUnavailableError
from ..machine.foreground import preempt_flag_address
from .base import ChatMessage, Completion, GenerationCancelled, Pause
from .gguf import check_gguf_file
from .llama_log import quiet_llama_notes

logger = logging.getLogger(__name__)

# Tokens read per native call when a request may pause: 16 cost about 5% of the prompt speed
# of one call (Qwen2.5-Coder-1.5B, 2 cores, 289 tokens: 46 tok/s against 48; 8 tokens: 28),
# and bound a pause's wait to one slice, about 0.3 s there.
PROMPT_SLICE_TOKENS = 16


@functools.cache
def _pausable_llama() -> type:
    """``llama_cpp.Llama`` whose prompt reads call ``pause`` between slices when it is set
    (``Llama.generate`` reads every prompt and every sampled token through ``eval``)."""
    import llama_cpp
    from llama_cpp import Llama

    class PausableLlama(Llama):
        pause: Pause | None = None
        preempted = 0  # slices (or tokens) cut short by a pass and read again

        def eval(self, tokens: Sequence[int]) -> None:
            pause = self.pause
            if pause is None:
                return super().eval(tokens)
            for start in range(0, len(tokens), PROMPT_SLICE_TOKENS):
                while True:
                    pause()
                    flag = preempt_flag_address() if _abort_if_set() is not None else None
                    self._stop_when(flag)
                    try:
                        if flag is None:
                            super().eval(tokens[start : start + PROMPT_SLICE_TOKENS])
                        else:
                            with quiet_llama_notes():  # its note when the slice is stopped
                                super().eval(tokens[start : start + PROMPT_SLICE_TOKENS])
                        break
                    except RuntimeError as exc:
                        # llama_decode returns 2 when the abort callback stopped it; eval()
                        # counts no token of the slice, and drops their cache on the next read.
                        if flag is None or "returned 2" not in str(exc):
                            raise
                        self.preempted += 1
                    finally:
                        self._stop_when(None)
            return None

        def _stop_when(self, flag: int | None) -> None:
            """Have llama.cpp stop its computation once the byte at ``flag`` is non-zero."""
            callback = _abort_if_set() if flag is not None else _no_abort()
            llama_cpp.llama_set_abort_callback(self._ctx.ctx, callback, flag)

    return PausableLlama


@functools.cache
def _abort_if_set() -> Any:
    """An abort callback with no Python in it: libc's ``strlen`` of the preempt byte (a C
    string of length 1 once set, else empty), which is true exactly when it is set. ggml's
    compute thread calls it after every graph node; a Python callback there would wait for
    the GIL each time, behind the very Whisper pass it is meant to make room for. None where
    the C library cannot be opened so: every step then runs to its end, as before."""
    import llama_cpp

    try:
        strlen = ctypes.cast(ctypes.CDLL(None).strlen, ctypes.c_void_p).value
    except (OSError, TypeError, AttributeError) as exc:
        logger.info("background reads cannot be stopped mid-slice here (%s)", exc)
        return None
    return llama_cpp.ggml_abort_callback(strlen)


@functools.cache
def _no_abort() -> Any:
    import llama_cpp

    return ctypes.cast(None, llama_cpp.ggml_abort_callback)


@dataclass
class _LoadedModel:
    llama: Any  # llama_cpp.Llama; typed loosely so importing this module stays cheap
    lock: threading.Lock  # a Llama is not thread-safe; stream() holds it while iterating


@functools.lru_cache(maxsize=2)
def _load(path: str, n_ctx: int, n_threads: int, seed: int | None) -> _LoadedModel:
    """Load a model once per process (the two bundled models can be resident together)."""
    try:
        llama_class = _pausable_llama()
    except ImportError as exc:
        raise LLMUnavailableError(
            "the embedded backend needs llama-cpp-python, which is not installed",
            hint="pip install llama-cpp-python, or use --backend openai with a server",
        ) from exc
    check_gguf_file(Path(path))
    kwargs: dict[str, Any] = {}
    if seed is not None:
        kwargs["seed"] = seed
    started = time.perf_counter()
    try:
        llama = llama_class(
            model_path=path,
            n_ctx=n_ctx,
            n_threads=n_threads,
            n_threads_batch=n_threads,  # llama-cpp defaults this to every core
            verbose=False,  # also silences llama.cpp's C-level logging below errors
            **kwargs,
        )
    except (ValueError, RuntimeError, OSError) as exc:
        raise LLMUnavailableError(
            f"could not load the model {path}: {exc}",
            hint="the file may be corrupt or not a llama.cpp model; delete it to have the "
            "bundled model re-assembled, or pass another --model",
        ) from exc
    logger.info("loaded %s in %.1f s", Path(path).name, time.perf_counter() - started)
    return _LoadedModel(llama=llama, lock=threading.Lock())


@functools.lru_cache(maxsize=32)
def _grammar_for(schema_json: str) -> Any | None:
    """Compile a JSON schema to a llama.cpp grammar once; ``None`` when it cannot be."""
    from llama_cpp import LlamaGrammar

    try:
        return LlamaGrammar.from_json_schema(schema_json, verbose=False)
    except Exception as exc:  # the converter raises bare Exceptions for unsupported schema
        logger.warning("JSON schema not compilable to a grammar (%s); using plain JSON", exc)
        return None


class EmbeddedBackend:
    """llama.cpp in-process. ``complete`` and ``stream`` share one model and its KV cache."""

    name = "embedded"
    cancellable = True  # complete(should_stop=...) stops between tokens

    def __init__(
        self,
        model_path: Path | str,
        *,
        n_ctx: int = 4096,
        n_threads: int = 2,
        seed: int | None = None,
    ) -> None:
        self.model_path = Path(model_path)
        self.model = self.model_path.name
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.seed = seed
        self._loaded = _load(str(self.model_path), n_ctx, n_threads, seed)
        self.last_completion: Completion | None = None
        """Figures of the last finished ``stream()`` (text, tokens, timings)."""

    def complete(
        self,
        messages: list[ChatMessage],
        *,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int = 256,
        temperature: float = 0.2,
        stop: list[str] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Completion:
        """The whole reply. ``should_stop`` is polled between tokens: once it returns True,
        generation stops, the model is free for the next call and GenerationCancelled is
        raised (the KV cache keeps what was evaluated; a later prompt reuses its prefix). It is
        also polled between slices of the prompt read, so a waiting ``should_stop`` (a draft
        stepping aside for speech-to-text) pauses the read too."""
        pause = None if should_stop is None else _pause_polling(should_stop)
        tokens = self._generate(messages, json_schema, max_tokens, temperature, stop, pause)
        try:
            while True:
                try:
                    next(tokens)
                except StopIteration as finished:
                    # The generator's own return value: another thread's request cannot
                    # have replaced it, as it could replace last_completion.
                    completion: Completion = finished.value
                    return completion
                if should_stop is not None and should_stop():
                    raise GenerationCancelled("the request was withdrawn")
        finally:
            tokens.close()  # release the model now, not when the traceback is collected

    def stream(
        self,
        messages: list[ChatMessage],
        *,
        max_tokens: int = 256,
        temperature: float = 0.2,
    ) -> Iterator[str]:
        return self._generate(messages, None, max_tokens, temperature, None)

    def prefill(self, messages: list[ChatMessage], *, pause: Pause | None = None) -> int:
        """Evaluate ``messages`` into the KV cache now, while the candidate is still talking.

        Call it with the conversation so far (the candidate's partial answer as the last user
        message); the reply, asked for when they stop, then evaluates only the words that came
        after. Returns the number of prompt tokens now cached. ``pause`` runs between slices of
        the read (module doc).
        """
        llama = self._loaded.llama
        with self._loaded.lock:
            llama.pause = pause
            try:
                self._one_token(messages)
            finally:
                llama.pause = None
            return int(llama.n_tokens)

    def _one_token(self, messages: list[ChatMessage], **kwargs: Any) -> None:
        """Evaluate the prompt and sample one token (call with the model's lock held).

        One sampled token is the cheapest way through the chat template; it is never
        evaluated, so the cache holds exactly the prompt. ``kwargs`` go to llama.cpp (a
        logits processor that reads the next token's distribution)."""
        try:
            self._loaded.llama.create_chat_completion(
                messages=[m.model_dump() for m in messages],
                max_tokens=1,
                temperature=0.0,
                **kwargs,
            )
        except ValueError as exc:
            raise LLMError(
                f"the embedded model refused the request: {exc}",
                hint=f"shorten the conversation or raise n_ctx (now {self.n_ctx})",
            ) from exc

    def choice_probabilities(
        self, messages: list[ChatMessage], choices: Sequence[str]
    ) -> list[float]:
        """How likely the reply is to start with each of ``choices`` (one token each),
        renormalised over them: a grade read as a distribution over "0".."4" ranks answers
        more finely than the one digit a sampler would pick. One forward pass over the
        prompt; a prompt that shares its start with the last one reuses the KV cache."""
        with self._loaded.lock:
            return self._choices_locked(messages, choices)

    def _choices_locked(self, messages: list[ChatMessage], choices: Sequence[str]) -> list[float]:
        llama = self._loaded.llama
        ids: list[int] = []
        for choice in choices:
            tokens = llama.tokenize(choice.encode("utf-8"), add_bos=False, special=False)
            if len(tokens) != 1:
                raise ValueError(f"{choice!r} is not a single token of {self.model}")
            ids.append(tokens[0])
        seen: list[np.ndarray] = []

        def capture(_input_ids: np.ndarray, logits: np.ndarray) -> np.ndarray:
            seen.append(np.asarray(logits[ids], dtype=np.float64))  # indexed by token id
            return logits

        from llama_cpp import LogitsProcessorList

        self._one_token(messages, logits_processor=LogitsProcessorList([capture]))
        if not seen:
            raise LLMError("the embedded model evaluated no token for the choices")
        logits = seen[0]
        weights = np.exp(logits - logits.max())
        return [float(w) for w in weights / weights.sum()]

    def prompt_state(
        self, messages: list[ChatMessage], choices: Sequence[str]
    ) -> tuple[list[float], np.ndarray]:
        """:meth:`choice_probabilities` and, from the same forward pass, the model's final
        hidden state (after the output norm, the vector the logits are read from) at the
        prompt's last token: what a linear probe of the model reads
        (``benchmarks/answer_probe.py``). llama.cpp is asked for embeddings only for this
        call: with them on it keeps every token's output, about an eighth slower."""
        import llama_cpp

        llama = self._loaded.llama
        with self._loaded.lock, quiet_llama_notes():
            llama_cpp.llama_set_embeddings(llama.ctx, True)
            if llama.n_tokens > 0:
                # A prompt cached whole is sampled from its kept logits, with no decode and
                # so no state: forget its last token, which is then read again.
                llama.n_tokens -= 1
            try:
                probabilities = self._choices_locked(messages, choices)
                pointer = llama_cpp.llama_get_embeddings_ith(llama.ctx, -1)
                if not pointer:
                    raise LLMError("the embedded model showed no hidden state for the prompt")
                state = np.ctypeslib.as_array(pointer, shape=(llama.n_embd(),)).copy()
            finally:
                llama_cpp.llama_set_embeddings(llama.ctx, False)
        return probabilities, state

    def forget_cache(self) -> None:
        """Drop the KV cache so the next call evaluates its whole prompt (cold benchmarks)."""
        with self._loaded.lock:
            self._loaded.llama.reset()

    def count_tokens(self, text: str) -> int:
        return len(self._loaded.llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _generate(
        self,
        messages: list[ChatMessage],
        json_schema: dict[str, Any] | None,
        max_tokens: int,
        temperature: float,
        stop: list[str] | None,
        pause: Pause | None = None,
    ) -> Generator[str, None, Completion]:
        """Stream deltas; return (and record as :attr:`last_completion`, under the model's
        lock) the finished reply's figures. ``pause`` runs between slices of every read."""
        kwargs: dict[str, Any] = {}
        if stop:
            kwargs["stop"] = stop
        if json_schema is not None:
            # Key order is kept: the grammar makes the model write properties in the schema's
            # order, and callers rely on it (sorting would reorder them alphabetically).
            grammar = _grammar_for(json.dumps(json_schema))
            if grammar is not None:
                kwargs["grammar"] = grammar
            else:
                kwargs["response_format"] = {"type": "json_object"}
        if self.seed is not None:
            kwargs["seed"] = self.seed
        llama = self._loaded.llama
        with self._loaded.lock:
            started = time.perf_counter()
            llama.pause = pause
            try:
                chunks = llama.create_chat_completion(
                    messages=[m.model_dump() for m in messages],
                    max_tokens=max_tokens,
                    temperature=temperature,
                    stream=True,
                    **kwargs,
                )
                text_parts: list[str] = []
                first_s: float | None = None
                prompt_tokens = 0
                for chunk in chunks:
                    if first_s is None:
                        # The first chunk arrives once the first token is sampled: the whole
                        # prompt is in the KV cache now, so n_tokens is its exact length.
                        first_s = time.perf_counter() - started
                        prompt_tokens = int(llama.n_tokens)
                    delta = chunk["choices"][0]["delta"].get("content")
                    if delta:
                        text_parts.append(delta)
                        yield delta
            except ValueError as exc:  # e.g. "Requested tokens (…) exceed context window"
                raise LLMError(
                    f"the embedded model refused the request: {exc}",
                    hint=f"shorten the conversation or raise n_ctx (now {self.n_ctx})",
                ) from exc
            finally:
                llama.pause = None
            text = "".join(text_parts)
            seconds = time.perf_counter() - started
            completion = Completion(
                text=text,
                prompt_tokens=prompt_tokens,
                completion_tokens=self.count_tokens(text) if text else 0,
                seconds=seconds,
                prompt_seconds=first_s,
            )
            self.last_completion = completion
        logger.debug(
            "embedded: %d prompt + %d completion tokens in %.2f s (first token %.2f s)",
            prompt_tokens,
            completion.completion_tokens,
            seconds,
            first_s or 0.0,
        )
        return completion


def _pause_polling(should_stop: Callable[[], bool]) -> Pause:
    """A pause that runs ``should_stop`` (which may wait) and stops the read once it is True."""

    def pause() -> None:
        if should_stop():
            raise GenerationCancelled("the request was withdrawn")

    return pause
