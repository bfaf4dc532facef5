"""Keep the interviewer's next 'why' a step ahead of the candidate, in the open.

A probe takes the embedded model seconds to write (about 20 tokens at 8-10 tokens/s on a
2-core laptop), longer than anyone should wait after an answer. So it is written while the
candidate is still speaking, from the words heard so far, and written again as the answer
grows; when the turn ends, the policy keeps the newest draft whose words survive: the probe
still names the whole answer's own words and passes every check the answer puts it to.

    words so far (every incremental pass) ──► draft a probe, when enough new words came
                                               (else warm the prompt with them)
    pause after finished-sounding words   ──► draft from exactly these words
    turn ends ──► take(final words): the finished drafts of a prefix of the final words
                  (waiting for the one in flight only when none is finished)
              ──► policy.decide(..., drafted=...) reads the whole answer in every gate and
                  uses a draft only for a 'why'

One background thread does it all, so drafts never compete with each other, and each one
steps aside between tokens, and between slices of its prompt read, while a transcription
pass runs (machine/foreground.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from ...exit_guard import stop_at_exit
from ...llm.base import ChatMessage, GenerationCancelled, LLMBackend, Prefill
from ...machine.foreground import SPEECH_FIRST, Foreground
from ...speech_acts import words as normalise_words
from ..policy.decide import InterviewerPolicy, QuestionState, content_words
from ..policy.decisions import ProbeDraft

log = logging.getLogger(__name__)

_DRAFT_TIMEOUT_S = 60.0  # a draft that takes longer than this is abandoned, not awaited
# A draft needs something to ask about, and a new one is only worth its seconds of CPU once
# the answer has said something new: a clause's worth of content words.
MIN_DRAFT_CONTENT_WORDS = 4
NEW_CONTENT_WORDS_PER_DRAFT = 4
# Whisper revises words of a partial transcript when it hears more: a draft is from the same
# answer when this share of its words is found, in order, at the final transcript's start
# (give or take a few words).
SURVIVING_SHARE = 0.8
TENTATIVE_WORDS = 4
# When the turn ends with no draft finished, the one in flight is awaited only if it was
# drafted from this share of the answer; else the reply is written for the whole answer now.
COVERS_SHARE = 0.7


class WithdrawableBackend:
    """A view of the backend for a request that may be withdrawn: it refuses new requests
    once ``withdrawn`` is set and stops a generation in flight between tokens (raising
    GenerationCancelled). A draft's view also pauses between tokens while speech-to-text
    runs (``foreground``); the reply to a finished turn, which is on the reply's path, does
    not."""

    cancellable = False  # withdrawn through its event, not by its callers
    prefill = None  # the withdrawable request is the request itself
    choice_probabilities = None

    def __init__(
        self,
        inner: LLMBackend,
        withdrawn: threading.Event,
        foreground: Foreground | None = None,
        on_request: Callable[[], None] | None = None,
    ):
        """``on_request`` is told as each request starts: the model is writing, so the
        reply will be a while (the runner says its acknowledgement then)."""
        self._inner = inner
        self._withdrawn = withdrawn
        self._foreground = foreground
        self._on_request = on_request
        self.yielded_s = 0.0  # time spent stepping aside for speech-to-text
        self.name = inner.name
        self.model = inner.model

    def _should_stop(self) -> bool:
        if self._foreground is not None:
            waited = time.perf_counter()
            self._foreground.wait_for_foreground()
            self.yielded_s += time.perf_counter() - waited
        return self._withdrawn.is_set()

    def complete(self, messages: list[ChatMessage], **kwargs: Any) -> Any:
        if self._should_stop():
            raise GenerationCancelled("the request was withdrawn")
        if self._on_request is not None:
            self._on_request()
        started = time.perf_counter()
        if self._inner.cancellable:
            done = self._inner.complete(messages, should_stop=self._should_stop, **kwargs)
        else:
            done = self._inner.complete(messages, **kwargs)
        log.debug(
            "withdrawable request %.2f s (stepped aside %.2f s): prompt %s tokens in %s s, "
            "%s generated",
            time.perf_counter() - started,
            self.yielded_s,
            getattr(done, "prompt_tokens", None),
            getattr(done, "prompt_seconds", None),
            getattr(done, "completion_tokens", None),
        )
        return done

    def stream(self, messages: list[ChatMessage], **kwargs: Any) -> Any:
        if self._on_request is not None:
            self._on_request()
        return self._inner.stream(messages, **kwargs)


@dataclass
class Draft:
    """A probe written from the words heard up to some moment of the answer."""

    text: str
    cancelled: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    probe: ProbeDraft | None = None

    @property
    def words(self) -> list[str]:
        return normalise_words(self.text)

    def precedes(self, final_words: list[str]) -> bool:
        """Drafted from the start of these words: the transcript has since grown, and may
        have revised words it had only just heard (each pass re-hears the uncommitted
        seconds), so most of the draft's words, in order, is enough."""
        mine = self.words
        if not mine:
            return False
        start = final_words[: len(mine) + TENTATIVE_WORDS]
        matched = SequenceMatcher(None, mine, start, autojunk=False).get_matching_blocks()
        return sum(block.size for block in matched) >= SURVIVING_SHARE * len(mine)

    def covers(self, final_words: list[str]) -> bool:
        """Drafted from most of the answer: worth waiting for at the end of the turn."""
        return self.precedes(final_words) and len(self.words) >= COVERS_SHARE * len(final_words)


@dataclass
class PreparerStats:
    prefills: int = 0
    drafts: int = 0  # drafts finished with a usable probe
    drafts_cancelled: int = 0
    drafts_unusable: int = 0  # finished, but the model's probe failed validation

    def summary(self) -> dict[str, int] | None:
        """For the reply's meta in the session: what drafting did during this answer."""
        counts = {
            "usable": self.drafts,
            "unusable": self.drafts_unusable,
            "cancelled": self.drafts_cancelled,
        }
        return counts if any(counts.values()) else None


class ReplyPreparer:
    """Drafts (and, between drafts, prompt warming) on one background thread.

    ``words_so_far``, ``paused`` and ``resumed`` are called from the capture side and never
    block; ``take`` and ``close`` from the runner once the turn is over.
    """

    def __init__(
        self,
        policy: InterviewerPolicy,
        state: QuestionState,
        *,
        prefill: Prefill | None = None,
        foreground: Foreground = SPEECH_FIRST,
    ) -> None:
        self._policy = policy
        self._state = state
        self._prefill = prefill
        self._foreground = foreground
        self.stats = PreparerStats()
        self._cond = threading.Condition()
        self._latest: str | None = None  # the words to draft from (or warm the prompt with)
        self._at_pause = False  # the latest words were reported at a finished-sounding pause
        self._drafts: list[Draft] = []  # every draft started, oldest first
        self._running: Draft | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="reply-preparer", daemon=True)
        self._thread.start()
        stop_at_exit(self)

    # -- the capture side ------------------------------------------------------------------

    def words_so_far(self, text: str) -> None:
        """The candidate is talking: draft from their words, or warm the LLM with them."""
        with self._cond:
            if not self._closed:
                self._latest, self._at_pause = text, False
                self._cond.notify_all()

    def warm(self) -> None:
        """Read the prompt before any words (the question is being asked), so the answer's
        first words are all the model has to read when they come."""
        self.words_so_far("")

    def paused(self, text: str) -> None:
        """A pause after words that sound finished: draft from exactly these words next.

        The pause is reported once its words are transcribed, which is about when the turn
        ends. A draft in flight from most of these words is left to finish: it is then the
        quickest reply there is. One from less of them is cancelled now, as the end of the
        turn would cancel it (``take``), so the draft from these words starts at once
        instead of after it."""
        with self._cond:
            if self._closed:
                return
            self._latest, self._at_pause = text, True
            running = self._running
            self._cond.notify_all()
        if running is not None and not running.covers(normalise_words(text)):
            self._cancel(running)

    def resumed(self) -> None:
        """The candidate spoke again. Drafts so far stay: their words are still the start of
        the answer, and the final check decides whether they still hold."""

    # -- the runner side -------------------------------------------------------------------

    def take(self, final_text: str) -> list[ProbeDraft]:
        """The probes drafted from a start of the final words, oldest first. When none has
        finished, the draft in flight (if it drafts from such a start) is awaited; any other
        work in flight is cancelled."""
        final_words = normalise_words(final_text)
        with self._cond:
            self._closed = True  # no new drafts or warming: the reply has the model now
            self._latest = None
            running = self._running
            self._cond.notify_all()
        ready = [d for d in self._drafts if d.done.is_set() and d.probe and d.precedes(final_words)]
        log.debug(
            "turn ended: %d drafts (%s), in flight: %s; final %r",
            len(self._drafts),
            "; ".join(f"{d.text!r} -> {d.probe and d.probe.question!r}" for d in self._drafts),
            running.text if running is not None and not running.done.is_set() else None,
            final_text,
        )
        if running is not None and not running.done.is_set():
            if not ready and running.covers(final_words):
                if running.done.wait(_DRAFT_TIMEOUT_S) and running.probe is not None:
                    ready.append(running)
            else:
                self._cancel(running)
        return [d.probe for d in ready if d.probe is not None]

    def close(self, timeout_s: float | None = None) -> None:
        """Cancel what is not taken and wait for the thread (it may hold the model)."""
        with self._cond:
            self._closed = True
            self._latest = None
            running = self._running
            self._cond.notify_all()
        if running is not None:
            self._cancel(running)
        self._thread.join(timeout_s)

    # -- the worker ------------------------------------------------------------------------

    def _cancel(self, draft: Draft) -> None:
        if not draft.cancelled.is_set() and not draft.done.is_set():
            draft.cancelled.set()
            self.stats.drafts_cancelled += 1

    def _worth_drafting(self, text: str, at_pause: bool) -> bool:
        said = content_words(text)
        if len(said) < MIN_DRAFT_CONTENT_WORDS:
            return False
        last = self._drafts[-1] if self._drafts else None
        if last is None:
            return True
        if last.words == normalise_words(text):
            return False
        if at_pause:
            return True
        return len(said) - len(content_words(last.text)) >= NEW_CONTENT_WORDS_PER_DRAFT

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._closed or self._latest is not None)
                if self._closed:
                    return
                text, at_pause = self._latest, self._at_pause
                self._latest = None
                draft = None
                if text is not None and self._worth_drafting(text, at_pause):
                    draft = Draft(text=text)
                    self._drafts.append(draft)
                    self._running = draft
            # Steps of model work, each waiting for speech-to-text (machine/foreground.py).
            with self._foreground.background():
                if draft is not None:
                    self._make(draft)
                elif text is not None and self._prefill is not None:
                    self._warm(text)
            if draft is not None:
                with self._cond:
                    self._running = None

    def _warm(self, partial: str) -> None:
        assert self._prefill is not None
        started = time.perf_counter()
        try:
            # Read in slices, stepping aside for speech-to-text before each (llm/embedded.py).
            self._prefill(
                self._policy.messages_for(self._state, partial),
                pause=self._foreground.wait_for_foreground,
            )
            log.debug("warmed in %.2f s with %r", time.perf_counter() - started, partial)
            self.stats.prefills += 1
        except Exception as exc:  # a failed prefill only costs speed, never the turn
            log.info("prefill skipped: %s", exc)

    def _make(self, draft: Draft) -> None:
        policy = self._policy.with_backend(
            WithdrawableBackend(self._policy.backend, draft.cancelled, self._foreground)
        )
        started = time.perf_counter()
        log.debug("drafting from %r", draft.text)
        try:
            draft.probe = policy.draft_probe(self._state, draft.text)
            log.debug(
                "drafted in %.2f s from %r: %r",
                time.perf_counter() - started,
                draft.text,
                draft.probe and draft.probe.question,
            )
            if draft.probe is None:
                self.stats.drafts_unusable += 1
            else:
                self.stats.drafts += 1
        except GenerationCancelled:
            log.debug("draft cancelled after %.2f s", time.perf_counter() - started)
        except Exception as exc:  # the runner decides again, and reports any real error
            log.info("draft failed (%s); the reply is decided after the turn", exc)
        finally:
            draft.done.set()
