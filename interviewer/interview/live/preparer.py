"""Keep the interviewer's reply a step ahead of the candidate, in the open.

While the candidate talks, one background thread warms the LLM with their words so far (its
KV cache then holds the answer, and the reply evaluates only the last few tokens). When they
pause and the fresh words sound finished, it drafts the reply itself, on a copy of the
question's state, before the end-of-turn silence has even run out:

    words so far ──► prefill (latest wins)
    pause, words sound finished ──► draft = policy.decide(copy of state, words)
    candidate speaks again ──► draft cancelled (generation stops between tokens)
    turn ends ──► final words == draft's words ? adopt the draft : decide as usual

A draft is only adopted when the final transcript has exactly the words it was drafted from,
so the interviewer never answers something the candidate did not finish saying.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ...llm.base import ChatMessage, GenerationCancelled, LLMBackend, Prefill
from ...speech_acts import words as normalise_words
from ..policy.decide import InterviewerPolicy, QuestionState
from ..policy.decisions import InterviewerDecision

log = logging.getLogger(__name__)

_DRAFT_TIMEOUT_S = 60.0  # a draft that takes longer than this is abandoned, not awaited


def snapshot(state: QuestionState) -> QuestionState:
    """A copy decide() may update without touching the original (its lists are copied)."""
    return replace(
        state,
        revealed_topics=list(state.revealed_topics),
        history=list(state.history),
    )


class _CancellableBackend:
    """The draft's view of the backend: refuses new requests once the draft is cancelled,
    and (where the backend can) stops a generation in flight between tokens."""

    cancellable = False  # cancelled through the draft's event, not by its callers
    prefill = None  # a draft is the request itself

    def __init__(self, inner: LLMBackend, cancelled: threading.Event) -> None:
        self._inner = inner
        self._cancelled = cancelled
        self.name = inner.name
        self.model = inner.model

    def complete(self, messages: list[ChatMessage], **kwargs: Any) -> Any:
        if self._cancelled.is_set():
            raise GenerationCancelled("the draft was cancelled")
        if self._inner.cancellable:
            return self._inner.complete(messages, should_stop=self._cancelled.is_set, **kwargs)
        return self._inner.complete(messages, **kwargs)

    def stream(self, messages: list[ChatMessage], **kwargs: Any) -> Any:
        return self._inner.stream(messages, **kwargs)


@dataclass
class Draft:
    """A reply decided from the words heard at a pause."""

    text: str
    state: QuestionState
    cancelled: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    decision: InterviewerDecision | None = None

    @property
    def words(self) -> list[str]:
        return normalise_words(self.text)

    def adopt(self, final_text: str) -> tuple[QuestionState, InterviewerDecision]:
        """The state and decision to go on with, the history ending on the final transcript
        (the same words as the draft's, maybe other punctuation: the session's text)."""
        assert self.decision is not None, "only a finished draft is adopted"
        history = [*self.state.history[:-1], ("candidate", final_text)]
        return replace(self.state, history=history), self.decision


@dataclass
class PreparerStats:
    prefills: int = 0
    drafts: int = 0
    drafts_cancelled: int = 0


class ReplyPreparer:
    """Prefill and draft on one thread, so they never compete with each other for the CPU.

    ``words_so_far`` and ``paused`` are called from the capture side and never block;
    ``take`` and ``close`` from the runner once the turn is over.
    """

    def __init__(
        self,
        policy: InterviewerPolicy,
        state: QuestionState,
        now: Callable[[], float],
        *,
        prefill: Prefill | None = None,
    ) -> None:
        self._policy = policy
        self._state = state
        self._now = now
        self._prefill = prefill
        self.stats = PreparerStats()
        self._cond = threading.Condition()
        self._partial: str | None = "" if prefill is not None else None  # warm the prompt
        self._pending: Draft | None = None
        self._draft: Draft | None = None  # the latest draft asked for (pending, running, done)
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="reply-preparer", daemon=True)
        self._thread.start()

    # -- the capture side ------------------------------------------------------------------

    def words_so_far(self, text: str) -> None:
        """The candidate is talking: warm the LLM with their words (latest wins)."""
        if self._prefill is None:
            return
        with self._cond:
            if not self._closed:
                self._partial = text
                self._cond.notify_all()

    def paused(self, text: str) -> None:
        """A pause after words that sound finished: draft the reply to exactly these words."""
        with self._cond:
            if self._closed or (self._draft and self._draft.words == normalise_words(text)):
                return
            self._cancel_locked()
            draft = Draft(text=text, state=snapshot(self._state))
            self._draft = self._pending = draft
            self._cond.notify_all()

    def resumed(self) -> None:
        """The candidate spoke again: whatever was drafted answers an unfinished turn."""
        with self._cond:
            self._cancel_locked()

    # -- the runner side -------------------------------------------------------------------

    def take(self, final_text: str) -> Draft | None:
        """The draft for the turn's final words, waiting for it if it is still running;
        None (and any draft cancelled) when the candidate said something else."""
        with self._cond:
            draft = self._draft
            if draft is None or draft.cancelled.is_set():
                return None
            if draft.words != normalise_words(final_text):
                self._cancel_locked()
                return None
        if not draft.done.wait(_DRAFT_TIMEOUT_S) or draft.decision is None:
            draft.cancelled.set()
            return None
        return draft

    def close(self) -> None:
        """Cancel what is not taken and wait for the thread (it may hold the model)."""
        with self._cond:
            self._closed = True
            self._partial = None
            self._pending = None
            self._cond.notify_all()
        self._thread.join()

    # -- the worker ------------------------------------------------------------------------

    def _cancel_locked(self) -> None:
        if self._draft is not None and not self._draft.cancelled.is_set():
            self._draft.cancelled.set()
            self.stats.drafts_cancelled += 1
        self._draft = self._pending = None

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(
                    lambda: self._closed or self._pending is not None or self._partial is not None
                )
                if self._closed:
                    return
                draft, self._pending = self._pending, None
                partial = None
                if draft is None:
                    partial, self._partial = self._partial, None
            if draft is not None:
                self._make(draft)
            elif partial is not None:
                self._warm(partial)

    def _warm(self, partial: str) -> None:
        assert self._prefill is not None
        try:
            self._prefill(self._policy.messages_for(self._state, partial))
            self.stats.prefills += 1
        except Exception as exc:  # a failed prefill only costs speed, never the turn
            log.info("prefill skipped: %s", exc)

    def _make(self, draft: Draft) -> None:
        policy = self._policy.with_backend(
            _CancellableBackend(self._policy.backend, draft.cancelled)
        )
        try:
            draft.state.history.append(("candidate", draft.text))
            draft.decision = policy.decide(draft.state, draft.text, self._now())
            self.stats.drafts += 1
        except GenerationCancelled:
            log.debug("draft cancelled: the candidate went on")
        except Exception as exc:  # the runner decides again, and reports any real error
            log.info("draft failed (%s); the reply is decided after the turn", exc)
        finally:
            draft.done.set()
