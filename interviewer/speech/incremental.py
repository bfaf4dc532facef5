"""Incremental speech to text: transcribe a growing answer while the candidate speaks.

Whisper cannot stream, so a background worker re-runs it on the *uncommitted* part of the
answer whenever ``min_step_s`` of new audio has arrived (or a pause has just started):

    audio   |======== committed ========|----- window of this pass -----|
                                        ^ commit_sample                 ^ buffer end
    words    w1 w2 ... wk (stable)      | wk+1 ... (end > end - margin: tentative)

Whisper revises its last words when it hears more, so only words that end more than
``stable_margin_s`` before the buffer end are committed. The commit point then moves to the
quietest instant between the last committed word and the next one (never inside a word), and
the next pass starts there with the committed text as context. Every cut costs Whisper
context, so the window is cut at thinking pauses, or at sentence ends once it is settled;
``max_window_s`` bounds the work of one pass, whatever the answer's length.

When the candidate stops, :meth:`IncrementalTranscriber.finish` transcribes only the tail
after the commit point, or nothing at all when the pass kicked at the start of the final pause
already covered every voiced sample.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..audio.io import to_float32
from ..audio.vad import rms_dbfs
from ..errors import AudioError, InterviewerError
from ..exit_guard import stop_at_exit
from ..machine.foreground import SPEECH_FIRST, Foreground
from .stt import (
    FILLER_PROMPT,
    MAX_PROMPT_WORDS,
    TranscribedWord,
    Transcriber,
    Transcription,
    collapse_repetition_loops,
)

if TYPE_CHECKING:
    from ..audio.capture import FrameInfo

log = logging.getLogger(__name__)

_VOICE_DBFS = -42.0  # feed()-only callers: a frame louder than this counts as voice
# on_frame callers: a frame the capture's VAD scores at least this likely is voice. This is
# the VAD's entry threshold, not its hysteresis: the VAD keeps "speaking" for a few hundred
# ms after the last word, and a voice end that late would start one more pass over silence.
_VOICE_PROB = 0.5
_PAUSE_KICK_S = 0.15  # silence after speech that triggers a pass (words fresh for the policy)
_STEP_HOLD_S = 0.05  # a step pass starts only while the voice is still going
# A pass must hear this far past the last voice to have the last word whole: only such a
# pass counts as caught up, stops the pause kick, and is reused by finish().
_FINAL_PAD_S = 0.1
_CONTEXT_WORDS = 50  # committed words given to Whisper as the prompt's tail
_CUT_SEARCH_S = 0.08  # how far into the neighbouring words the quiet cut point may fall
_ENERGY_WINDOW_S = 0.02
# Every cut costs Whisper some context, so cut rarely: at a thinking pause, or at a sentence
# end or short pause once the window has grown past this fraction of ``max_window_s``.
_LONG_PAUSE_S = 1.0
_PAUSE_GAP_S = 0.3
_SETTLED_FRACTION = 0.5
_QUIET_BELOW_SPEECH_DB = 25.0  # a cut point this far below the speech level is between words


@dataclass
class IncrementalStats:
    """What the worker did, for tests and benchmarks (audio seconds, not wall time)."""

    passes: int = 0
    transcribed_audio_s: float = 0.0  # summed over background passes
    max_window_s: float = 0.0  # the longest window one pass transcribed
    finish_audio_s: float = 0.0  # audio finish() itself transcribed (the tail)
    finish_reused_pass: bool = False  # finish() reused the pause pass instead of transcribing
    failed_passes: int = 0
    cuts_s: list[float] = field(default_factory=list)  # where the commit point moved to
    pass_wall_s: list[float] = field(default_factory=list)  # how long each pass took


def join_words(words: list[TranscribedWord]) -> str:
    """Words back into text; Whisper's "-tower" or "'s" pieces attach to the word before."""
    out = ""
    for w in words:
        piece = w.word.strip()
        if not piece:
            continue
        glue = out and not piece.startswith(("-", "'", ",", ".", "?", "!", ";", ":"))
        out += (" " if glue else "") + piece
    return out


class IncrementalTranscriber:
    """Transcribes a growing answer on a background thread while the candidate speaks.

    Feed it frames (``feed`` or, from the capture loop, ``on_frame``); read ``words_so_far``
    (or take ``on_words``) for the end-of-turn policy and the LLM prefill; call ``finish``
    when the turn ends.
    Use one instance per turn.

    Passes run when a pause starts (so the words are fresh when the end-of-turn policy reads
    them) and every ``min_step_s`` of new speech in between. Each pass holds the CPU for a
    few hundred ms; a pass still running when the candidate stops delays the one that hears
    their last words, so the step is kept long.
    """

    def __init__(
        self,
        transcriber: Transcriber,
        prompt: str | None = None,
        *,
        min_step_s: float = 2.0,
        stable_margin_s: float = 1.5,
        max_window_s: float = 12.0,
        sample_rate: int = 16000,
        on_words: Callable[[str], None] | None = None,
        foreground: Foreground = SPEECH_FIRST,
    ) -> None:
        """``on_words`` gets every pass's whole transcript so far (committed and tentative),
        e.g. to warm an LLM with it. Passes run in ``foreground`` (background LLM work steps
        aside meanwhile)."""
        if sample_rate != 16000:
            raise ValueError(f"Whisper transcribes 16 kHz audio, got {sample_rate} Hz")
        if min_step_s <= 0 or stable_margin_s < 0:
            raise ValueError("min_step_s must be > 0 and stable_margin_s >= 0")
        self._transcriber = transcriber
        self._prompt = prompt if prompt is not None else FILLER_PROMPT
        self.sample_rate = sample_rate
        self._step = int(min_step_s * sample_rate)
        self._margin = int(stable_margin_s * sample_rate)
        self._max_window_s = max_window_s
        self._kick_after = int(_PAUSE_KICK_S * sample_rate)
        self._pad = int(_FINAL_PAD_S * sample_rate)
        self._hold = int(_STEP_HOLD_S * sample_rate)
        self._on_words = on_words
        self._foreground = foreground
        self.stats = IncrementalStats()

        self._cond = threading.Condition()
        self._audio = np.zeros(30 * sample_rate, dtype=np.float32)
        self._total = 0  # samples fed
        self._commit = 0  # first sample not covered by committed words
        self._committed: list[TranscribedWord] = []  # times relative to the turn's start
        self._tentative: list[TranscribedWord] = []
        self._pass_end = 0  # buffer end seen by the last pass (failed ones included)
        self._running_end = 0  # buffer end the pass in flight will have heard
        self._heard = 0  # buffer end seen by the last pass that produced ``_tentative``
        self._voice_end = 0  # end of the last voiced audio
        self._vad_seen = False  # on_frame gave us the capture VAD: trust it over energy
        self._kick = False
        self._busy = False
        self._stopping = False
        self._broken = False  # the worker died: finish() transcribes everything uncommitted
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="incremental-stt", daemon=True)
        self._thread.start()
        stop_at_exit(self)

    # -- input (capture thread) ------------------------------------------------------------

    def feed(self, frame: np.ndarray) -> None:
        """Append one frame (int16 or float32, 16 kHz). Cheap; never waits for the model."""
        data = to_float32(frame)
        voiced = None if self._vad_seen else rms_dbfs(data) > _VOICE_DBFS
        self._append(data, voiced)

    def on_frame(self, info: FrameInfo) -> None:
        """``record_turn(on_frame=...)``: feed the frame, using the capture's VAD for pauses."""
        self._vad_seen = True
        data = to_float32(info.frame)
        with self._cond:
            self._append_locked(data, None)
            if info.speech_s > 0 and info.speech_prob >= _VOICE_PROB:
                self._voice_end = self._total
            self._maybe_kick_locked()

    def _append(self, data: np.ndarray, voiced: bool | None) -> None:
        with self._cond:
            self._append_locked(data, voiced)
            self._maybe_kick_locked()

    def _append_locked(self, data: np.ndarray, voiced: bool | None) -> None:
        if self._closed:
            raise RuntimeError("IncrementalTranscriber is finished; start a new one per turn")
        end = self._total + data.size
        if end > self._audio.size:
            grown = np.zeros(max(end, 2 * self._audio.size), dtype=np.float32)
            grown[: self._total] = self._audio[: self._total]
            self._audio = grown
        self._audio[self._total : end] = data
        self._total = end
        if voiced:
            self._voice_end = end
        if self._due_locked():
            self._cond.notify_all()

    def _maybe_kick_locked(self) -> None:
        """A pause just started after words no pass has heard: transcribe them now."""
        unheard = self._voice_end + self._pad > max(self._pass_end, self._running_end)
        if unheard and self._total - self._voice_end >= self._kick_after and not self._kick:
            self._kick = True
        # Whatever changed (audio, the voice end, a kick) may have made a pass due: wake the
        # worker here, after every update, so no change goes unnoticed.
        if self._due_locked():
            self._cond.notify_all()

    # -- output (any thread) ---------------------------------------------------------------

    def words_so_far(self) -> str:
        """Committed plus tentative words: what the end-of-turn policy reads."""
        with self._cond:
            return join_words(self._committed + self._tentative)

    def caught_up(self) -> bool:
        """True once a finished pass has heard every voiced sample so far: the words the
        end-of-turn policy reads then include the last thing said before the pause."""
        with self._cond:
            return self._broken or self._pass_end >= self._voice_end + self._pad

    def wait_idle(self, timeout_s: float | None = None) -> bool:
        """Block until no pass is running or due; False on timeout. For tests and benchmarks:
        calling it after every frame makes the passes deterministic (a model that keeps up)."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._broken or self._stopping or not (self._busy or self._due_locked()),
                timeout_s,
            )

    # -- the worker ------------------------------------------------------------------------

    def _due_locked(self) -> bool:
        if self._total <= self._pass_end or self._broken:
            return False
        if self._kick:
            return True
        # Only new voice is worth a pass: a pass over silence would still be running when
        # the turn ends, and the candidate would wait for it. Nor is a step taken as soon as
        # the voice stops: that may be the end, and then the pause's own pass (kicked a
        # moment later, hearing the last word whole) must not queue behind it.
        return (
            self._voice_end > self._pass_end
            and self._total - self._pass_end >= self._step
            and self._total - self._voice_end < self._hold
        )

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stopping or self._due_locked())
                if self._stopping:
                    return
            # Passes due back to back (a pause kicked while a step pass runs) share one
            # foreground stretch. Released between them, the background's next step (a slice
            # of a prompt read: 0.6-0.7 s in the live pipeline here) ran first and held up
            # the pass the end of the turn waits for (benchmarks/latency.py, instrumented).
            with self._foreground.running():
                while True:
                    outcome, words = self._one_pass()
                    if outcome != "again" or words is not None:
                        break
            if words is not None and self._on_words is not None:
                # Outside the stretch: the callback may start background work.
                try:
                    self._on_words(words)
                except Exception:
                    log.exception("on_words callback failed")
            if outcome == "stop":
                return

    def _one_pass(self) -> tuple[str, str | None]:
        """Run the pass that is due: "again" when another is due at once, "idle" when none
        is, "stop" when the worker must end; and the words for ``on_words``, if they go."""
        with self._cond:
            if self._stopping or not self._due_locked():
                return ("stop" if self._stopping else "idle"), None
            at_pause, self._busy, self._kick = self._kick, True, False
            start, end = self._commit, self._total
            self._running_end = end
            window, prompt = self._window_locked(start, end)
        pass_started = time.perf_counter()
        try:
            result = self._transcribe(window, prompt, start) if window.size else []
        except InterviewerError as exc:
            log.warning("incremental pass failed (%s); the tail will be retried", exc)
            with self._cond:
                self.stats.failed_passes += 1
                self._pass_end, self._busy = end, False
                self._cond.notify_all()
            return "idle", None
        except Exception:
            log.exception("incremental transcription stopped; finish() will catch up")
            with self._cond:
                self._broken, self._busy, self._heard = True, False, 0
                self._cond.notify_all()
            return "stop", None
        with self._cond:
            try:
                self.stats.passes += 1
                self.stats.pass_wall_s.append(round(time.perf_counter() - pass_started, 3))
                self.stats.transcribed_audio_s += window.size / self.sample_rate
                self.stats.max_window_s = max(
                    self.stats.max_window_s, window.size / self.sample_rate
                )
                self._apply_locked(result, start, end)
                # A pause has begun since: the pause's pass comes next, with fresher words.
                at_pause = at_pause or self._total - self._voice_end >= self._kick_after
            except Exception:
                # Never leave the worker "busy" behind a dead thread: finish() catches up.
                log.exception("incremental transcription stopped; finish() will catch up")
                self._broken, self._heard = True, 0
                return "stop", None
            finally:
                self._busy = False
                self._cond.notify_all()
            again = self._due_locked() and not self._stopping
        # At a pause the listener is about to act on these words (and may draft a reply
        # from them): warming the LLM now would only hold it up.
        words = self.words_so_far() if self._on_words is not None and not at_pause else None
        return ("again" if again else "idle"), words

    def _window_locked(self, start: int, end: int) -> tuple[np.ndarray, str]:
        """The audio after the commit point, and a prompt ending in the committed words.

        (Re-hearing a few seconds before the cut helps Whisper a little, but its word times
        in that overlap move by more than a word between passes: words came out twice.)
        """
        context = [w.word for w in self._committed[-_CONTEXT_WORDS:]]
        prompt = " ".join((self._prompt.split() + context)[-MAX_PROMPT_WORDS:])
        return self._audio[start:end].copy(), prompt

    def _transcribe(self, window: np.ndarray, prompt: str, start: int) -> list[TranscribedWord]:
        """Words of the window that begins at sample ``start``, in turn time."""
        offset = start / self.sample_rate
        with self._foreground.running():  # background drafts pause between steps meanwhile
            result = self._transcriber.transcribe(window, prompt=prompt)
        return [
            w.model_copy(
                update={"start": round(w.start + offset, 3), "end": round(w.end + offset, 3)}
            )
            for w in result.words
        ]

    def _apply_locked(self, words: list[TranscribedWord], start: int, end: int) -> None:
        """Commit the stable prefix of a pass, move the cut, keep the rest as tentative."""
        stable, cut = self._choose_cut(words, self._tentative, start, end)
        if not stable and not words and end - start > self._margin:
            cut = end - self._margin  # silence (or nothing Whisper can read): skip past it
        self._committed.extend(words[:stable])
        self._tentative = words[stable:]
        if cut > self._commit:
            self._commit = cut
            self.stats.cuts_s.append(round(cut / self.sample_rate, 3))
        self._pass_end = self._heard = end

    def _choose_cut(
        self, words: list[TranscribedWord], previous: list[TranscribedWord], start: int, end: int
    ) -> tuple[int, int]:
        """How many leading words to commit, and the sample to cut at (``start``: none).

        A word is stable when the previous pass said the same (Whisper agrees with itself
        once it has heard past a word) and it ends ``stable_margin_s`` before the buffer end.
        Every cut costs Whisper context, so cut at a thinking pause, or at a sentence end or
        short pause once the window is settled; only a window past ``max_window_s`` is cut
        between any two stable words. Whisper's word times are rough, so a cut must also be
        quiet in the audio itself.
        """
        sr = self.sample_rate
        end_s, limit_s = end / sr, (end - self._margin) / sr
        agreed = 0
        while (
            agreed < min(len(words), len(previous))
            and _norm(words[agreed].word) == _norm(previous[agreed].word)
            and words[agreed].end <= limit_s
        ):
            agreed += 1
        if not agreed:
            return 0, start
        window_s = (end - start) / sr
        settled = window_s >= self._max_window_s * _SETTLED_FRACTION
        loud_db = self._speech_level_db(start, end)
        for n in range(agreed, 0, -1):
            last = words[n - 1]
            after = words[n].start if n < len(words) else min(last.end + 0.3, limit_s)
            gap = (words[n].start if n < len(words) else end_s) - last.end
            sentence_end = last.word.rstrip().endswith((".", "?", "!"))
            if gap >= _LONG_PAUSE_S or (settled and (sentence_end or gap >= _PAUSE_GAP_S)):
                cut, level_db = self._quiet_point(last.start, last.end, after, start, end)
                if level_db <= loud_db - _QUIET_BELOW_SPEECH_DB:
                    return n, cut
        if window_s >= self._max_window_s:
            last = words[agreed - 1]
            after = words[agreed].start if agreed < len(words) else min(last.end + 0.3, limit_s)
            return agreed, self._quiet_point(last.start, last.end, after, start, end)[0]
        return 0, start

    def _speech_level_db(self, start: int, end: int) -> float:
        """How loud the speech in the window is (90th percentile of 20 ms frames)."""
        win = int(_ENERGY_WINDOW_S * self.sample_rate)
        count = (end - start) // win
        if count < 1:
            return -100.0
        frames = self._audio[start : start + count * win].reshape(count, win)
        rms = np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1))
        return 20.0 * float(np.log10(max(float(np.percentile(rms, 90)), 1e-5)))

    def _quiet_point(
        self, word_start: float, word_end: float, next_start: float, lo: int, hi: int
    ) -> tuple[int, float]:
        """The quietest sample between two words, and its level in dBFS."""
        sr = self.sample_rate
        win = int(_ENERGY_WINDOW_S * sr)
        first = max(lo, int((max(word_start + 0.05, word_end - _CUT_SEARCH_S)) * sr))
        last = min(hi, int((max(next_start, word_end) + _CUT_SEARCH_S) * sr))
        if last - first <= win:
            mid = max(lo, min(hi - 1, int(((word_end + next_start) / 2) * sr)))
            return mid, rms_dbfs(self._audio[max(0, mid - win // 2) : mid + win // 2])
        energy = np.convolve(
            np.square(self._audio[first:last], dtype=np.float64), np.ones(win), "valid"
        )
        at = int(np.argmin(energy))
        level = 10.0 * float(np.log10(max(float(energy[at]) / win, 1e-10)))
        return first + at + win // 2, level

    # -- the end of the turn ---------------------------------------------------------------

    def finish(self, timeout_s: float | None = None) -> Transcription:
        """Stop the worker and transcribe only the uncommitted tail; the whole turn's words.

        Word times are relative to the turn's start; ``seconds`` is the time finish() took
        (what the candidate waits for). Raises AudioError when the pass in flight outlasts
        ``timeout_s`` or the tail cannot be transcribed.
        """
        started = time.perf_counter()
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            raise AudioError(
                f"speech-to-text did not finish within {timeout_s} s",
                hint="the answer's audio is kept; transcribe it again from the recording",
            )
        with self._cond:
            self._closed = True
            sr = self.sample_rate
            total, start = self._total, self._commit
            # The pass kicked when the final pause began heard every voiced sample: its
            # tentative words are the tail's transcript, and the candidate waits for nothing.
            reuse = self._heard > 0 and self._heard >= self._voice_end + self._pad
            tail, prompt = self._window_locked(start, total)
            committed = list(self._committed)
            tentative = list(self._tentative)
        if reuse:
            tail_words = tentative
            self.stats.finish_reused_pass = True
        elif tail.size:
            tail_words = self._transcribe(tail, prompt, start)
            self.stats.finish_audio_s = round(tail.size / sr, 3)
        else:
            tail_words = []
        words = collapse_repetition_loops(committed + tail_words)
        with self._cond:
            self._committed, self._tentative = words, []
        return Transcription(
            text=join_words(words),
            duration=round(total / sr, 3),
            words=words,
            seconds=round(time.perf_counter() - started, 3),
        )

    def close(self, timeout_s: float | None = None) -> None:
        """Stop the worker without a final pass (the turn was abandoned)."""
        with self._cond:
            self._stopping = True
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout_s)

    def __enter__(self) -> IncrementalTranscriber:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _norm(word: str) -> str:
    return "".join(ch for ch in word.lower() if ch.isalnum() or ch == "'")
