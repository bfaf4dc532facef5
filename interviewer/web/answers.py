"""The page as an answer source: its microphone stream goes through the same recorder,
endpointing and live transcription as a sound card's (``interview/pipeline.py``), and a
typed line or a button's phrase answers the turn instead.

    page frames ─► PageInbox ─► BrowserRecorder.frames ─► microphone_answers (live or whole)
    typed text  ─► PageInbox ─► TypedAnswer ─► CandidateAnswer(source="text"), with a
                   listener over the reply: speech over it begins the next turn
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from ..audio.capture import CapturedTurn, FrameInfo, MicrophoneRecorder
from ..interview.answers.sources import TEXT_SENT, AnswerContext, CandidateAnswer
from ..interview.live.after_turn import AfterTurnListener
from ..interview.pipeline import microphone_answers
from ..machine.speed import StreamingPlan
from ..session.models import AnswerSourceKind
from ..speech.stt import Transcriber
from .inbox import PageInbox

log = logging.getLogger(__name__)

ORIGIN = "browser"


class TypedAnswer(Exception):  # noqa: N818 (a signal, not an error)
    """The candidate typed (or pressed a button) instead of speaking."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class StopInterview(Exception):  # noqa: N818
    """The candidate ended the interview from the page."""


class BrowserRecorder(MicrophoneRecorder):
    """A MicrophoneRecorder whose frames come from the page, not from a sound card. Each
    turn is a recording of its own on the page (PageInbox.open_turn), so it opens its own."""

    continuous_stream = False

    def __init__(self, inbox: PageInbox, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.inbox = inbox
        self._spoken = False  # the turn being recorded has confirmed speech

    def check_input(self) -> None:
        """Nothing to check here: the page asks for the microphone (getUserMedia)."""

    def record_turn(
        self,
        on_frame: Callable[[FrameInfo], None] | None = None,
        words_provider: Callable[[], str | None] | None = None,
        **kwargs: Any,
    ) -> CapturedTurn:
        """As a sound card's, noting whether the candidate has spoken in this turn yet."""
        self._spoken = False

        def heard(info: FrameInfo) -> None:
            self._spoken = self._spoken or info.speech_s > 0
            if on_frame is not None:
                on_frame(info)

        return super().record_turn(heard, words_provider, **kwargs)

    def frames(self, buffer_s: float = 0.0) -> Iterator[np.ndarray]:
        self.inbox.open_turn()
        self._spoken = False
        try:
            while True:
                kind, item = self.inbox.take()
                if kind == "audio":
                    yield item  # type: ignore[misc]
                elif not self.inbox.is_answering:
                    # The listener after a turn reads this stream: typed text (the Run
                    # button's phrase) or a stop is the next answer's, never lost here.
                    if kind != "finish":
                        self.inbox.keep_for_the_answer(kind, item)
                    if kind == "stop":
                        return
                elif kind == "text" and self._spoken:
                    # Run tests pressed (or a line typed) while they are talking: the turn
                    # ends as spoken so far and the text is the next one; the words stay.
                    self.inbox.keep_for_the_answer(kind, item)
                    self.inbox.turn.ended_by_text = True
                    return
                elif kind == "text":
                    raise TypedAnswer(str(item))
                elif kind == "stop":
                    raise StopInterview
                else:  # "finish": the turn ends here, as spoken so far
                    return
        finally:
            self.inbox.close_turn()


class BrowserAnswers:
    """Answers from the page (see the module docstring)."""

    kind: AnswerSourceKind = "microphone"

    def __init__(
        self,
        inbox: PageInbox,
        transcriber: Transcriber,
        *,
        streaming: bool = True,
        endpoint: Mapping[str, float | int] | None = None,
        plan: StreamingPlan | None = None,
        on_frame: Callable | None = None,
        on_words: Callable[[str], None] | None = None,
        on_turn: Callable[[AnswerContext], None] | None = None,
    ) -> None:
        self.inbox = inbox
        self.on_turn = on_turn
        self.source = microphone_answers(
            transcriber,
            streaming=streaming,
            endpoint=endpoint,
            recorder_type=functools.partial(BrowserRecorder, inbox),  # type: ignore[arg-type]
            on_frame=on_frame,
            plan=plan,
            on_words=on_words,
        )
        self.live = self.source.live

    def next_answer(self, context: AnswerContext) -> CandidateAnswer | None:
        if self.on_turn is not None:
            self.on_turn(context)
        self.inbox.answers_on_this_thread()
        try:
            answer = self.source.next_answer(context)
        except TypedAnswer as typed:
            return CandidateAnswer(
                source="text", text=typed.text.strip(), origin=ORIGIN, after=self._listen()
            )
        except StopInterview:
            return None
        if answer is None:
            return None
        answer.origin = ORIGIN
        if self.inbox.turn.finished_by_button:
            answer.ended_by = "done_button"
        elif self.inbox.turn.ended_by_text:
            answer.ended_by = TEXT_SENT
        return answer

    def _listen(self) -> AfterTurnListener | None:
        """After a typed turn (a line, the Run tests button): the microphone is heard over the
        reply, so speech over it stops it and begins the next turn (interview/live/
        after_turn.py). None when the page's microphone is off: nothing to hear."""
        if not self.inbox.microphone_live():
            return None
        return self.source.microphone.after_typed()
