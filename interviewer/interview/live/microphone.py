"""Live answers with latency hidden in the open: while the candidate talks, their words are
transcribed incrementally; the listener (the runner's ReplyPreparer) drafts the next probe from
them as the answer grows, and again at a pause that sounds like the end, so when the turn ends
the probe is often already written.

    microphone frames ─► IncrementalTranscriber ─► words so far ─► TurnEndPolicy (when to stop)
           │                       │                     └──────► listener.words_so_far (draft)
           │                       └─► pause + fresh, finished-sounding words ─► listener.paused
           └─► VoiceEndPolicy: at each pause, the end-of-turn model hears the voice and
               SmolLM2 reads the words' meaning (the words' thinking waits and done phrases
               still rule; without the models, the word list and silence)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from ...machine.speed import StreamingPlan
from ...session.models import AnswerSourceKind
from ...speech.incremental import IncrementalTranscriber
from ...speech.stt import Transcriber
from ...turns.endpointing import AwaitFreshWords, EndPolicy, TurnEndPolicy
from ...turns.thinking import thinking_policy
from ...turns.voice_end import TurnModel, VoiceEndPolicy, WordsModel
from ..answers.sources import AnswerContext, AnswerListener, CandidateAnswer
from .after_turn import ListeningMicrophone

log = logging.getLogger(__name__)


class PauseWatcher:
    """Tells the listener when a pause follows fresh words that sound finished, and when the
    candidate speaks again after it. Runs on the capture thread, once per frame."""

    def __init__(
        self,
        listener: AnswerListener,
        incremental: IncrementalTranscriber,
        policy: TurnEndPolicy,
    ) -> None:
        self.listener = listener
        self.incremental = incremental
        self.policy = policy
        self._reported: str | None = None  # words reported to paused(), until speech resumes

    def on_frame(self, info) -> None:
        if info.speech_s <= 0:
            return
        if info.silence_s <= 0:
            if self._reported is not None:
                self._reported = None
                self.listener.resumed()
            return
        if not self.incremental.caught_up():
            return
        words = self.incremental.words_so_far()
        if not words.strip() or words == self._reported:
            return
        if self.policy.classify(words) != "unfinished":
            self._reported = words
            self.listener.paused(words)


class LiveMicrophoneAnswers:
    """Microphone answers, transcribed while spoken; the turn ends on silence *and* words."""

    kind: AnswerSourceKind = "microphone"
    live = True  # reports words while the candidate talks (AnswerContext.listener)
    turn_model: TurnModel | None = None  # the end-of-turn voice model, when there is one
    words_model: WordsModel | None = None  # the reader of the words' end of turn, likewise

    def __init__(
        self,
        recorder,
        transcriber: Transcriber,
        on_frame: Callable | None = None,
        plan: StreamingPlan | None = None,
        turn_model: TurnModel | None = None,
        on_words: Callable[[str], None] | None = None,
        words_model: WordsModel | None = None,
    ) -> None:
        """``plan``: how much background work to do while the candidate speaks, from the
        machine's measured speed (interviewer/machine); the defaults when None.
        ``turn_model``: the end-of-turn voice model (audio/smart_turn.py); None ends turns on
        words and silence alone. ``words_model``: the reader of the words' meaning
        (turns/text_end.py); None reads only their last word. ``on_words``: the words so
        far, for a front end's live transcript."""
        recorder.check_input()
        self.recorder = recorder
        self.transcriber = transcriber
        self.on_frame = on_frame
        self.on_words = on_words
        self.plan = plan or StreamingPlan()
        self.microphone = ListeningMicrophone(recorder)
        self.turn_model = turn_model
        self.words_model = words_model

    def _words_callback(self, listener: AnswerListener | None) -> Callable[[str], None] | None:
        """The words so far go to the reply preparer and to the front end, where present."""
        targets = [
            f for f in (listener.words_so_far if listener else None, self.on_words) if f is not None
        ]
        if len(targets) < 2:
            return targets[0] if targets else None

        def both(text: str) -> None:
            for target in targets:
                target(text)

        return both

    def next_answer(self, context: AnswerContext) -> CandidateAnswer | None:
        # The words go to the reply preparer only where the plan leaves the LLM room to work
        # while the candidate speaks; elsewhere the probe is written after the answer.
        listener = context.listener if self.plan.llm_while_speaking else None
        if listener is not None:
            # The probe prompt before the first words: read while the question was asked
            # (runner), so quick then; after another line (a fact, a hint) it reads it again.
            listener.words_so_far("")
        incremental = IncrementalTranscriber(
            self.transcriber,
            context.stt_prompt,
            min_step_s=self.plan.incremental_step_s,
            max_window_s=self.plan.incremental_window_s,
            on_words=self._words_callback(listener),
        )
        words_policy = TurnEndPolicy(self.recorder.endpoint)
        end_policy: EndPolicy = words_policy
        if context.patience_s:
            # They asked for time to think: a longer wait for speech, and no end on a murmur.
            words_policy = thinking_policy(self.recorder.endpoint, context.patience_s)
            end_policy = words_policy
        elif self.turn_model is not None or self.words_model is not None:
            end_policy = VoiceEndPolicy(words_policy, self.turn_model, meaning=self.words_model)
        watcher = (
            PauseWatcher(listener, incremental, words_policy) if listener is not None else None
        )

        def on_frame(info) -> None:
            incremental.on_frame(info)
            if watcher is not None:
                watcher.on_frame(info)
            if self.on_frame is not None:
                self.on_frame(info)

        # Judge the words only once the transcript has caught up with the speech.
        policy = AwaitFreshWords(end_policy, incremental.caught_up)
        try:
            captured, after = self.microphone.record(
                context.resume,
                context.follows,
                on_frame=on_frame,
                words_provider=incremental.words_so_far,
                policy=policy,
            )
            ended = time.perf_counter()
            transcription = incremental.finish()
        finally:
            incremental.close()
        return CandidateAnswer(
            source="microphone",
            samples=captured.samples,
            ended_by=captured.ended_by,
            transcription=transcription,
            after=after,
            timings={
                "final_stt_s": round(time.perf_counter() - ended, 3),
                "final_stt_audio_s": incremental.stats.finish_audio_s,
                "speech_end_s": captured.speech_end_s,
                "stt_passes": incremental.stats.passes,
                "stt_last_pass_s": (
                    round(incremental.stats.pass_wall_s[-1], 3)
                    if incremental.stats.pass_wall_s
                    else None
                ),
            },
        )
