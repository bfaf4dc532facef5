"""The whole-answer transcript replaces the windowed live one in the session (real whisper);
a reopened answer's first recording never replaces the joined one (logic, a fake transcriber)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from audio_helpers import silence, synth_samples
from interview_helpers import AfterTheTurn, SaysAtOnce, runner_for

from interviewer.interview.answers.joined import join_answers
from interviewer.interview.answers.sources import CandidateAnswer
from interviewer.interview.live.retranscribe import AnswerRetranscriber
from interviewer.speech.stt import TranscribedWord, Transcription, load_transcriber


@pytest.mark.slow
def test_jobs_finish_in_order_and_a_bad_one_loses_nothing(tmp_path):
    retranscriber = AnswerRetranscriber(load_transcriber(None))
    speech = synth_samples("I would retrain the ranker every day.", tmp_path)
    retranscriber.submit(3, np.concatenate([silence(0.3), speech]), None)
    retranscriber.submit(5, np.zeros((2, 2, 2), dtype=np.float32), None)  # not audio
    retranscriber.submit(7, silence(1.0), None)
    done = retranscriber.collect(wait=True)
    retranscriber.close()
    assert [d.index for d in done] == [3, 7]
    assert "ranker" in done[0].transcription.text.lower()
    assert done[1].transcription.text == ""


# --- a reopened answer: the turn recorded again, longer (logic only: a fake transcriber) ---

FIRST_LIVE = "ask not what your country can do for you"
REST_LIVE = "and then I would check the calibration per segment"


class GatedTranscriber:
    """Writes a transcript named after the audio's length, so each recording's is known;
    ``hold`` keeps the first call from returning until released (a slow Whisper pass)."""

    def __init__(self, *, hold: bool = False) -> None:
        self.calls: list[int] = []
        self.started = threading.Event()
        self.returned = threading.Event()
        self.release = threading.Event()
        if not hold:
            self.release.set()

    def transcribe(self, samples, *, prompt=None) -> Transcription:
        self.calls.append(samples.size)
        self.started.set()
        self.release.wait(5)
        self.returned.set()
        return Transcription(text=f"whole {samples.size}", duration=samples.size / 16000, words=[])


def test_a_turn_submitted_again_drops_the_transcript_of_the_first_recording_in_hand():
    """The first part's whole-answer pass is running when the candidate's continuation is
    recorded: when it finishes (late), its transcript of the first part alone is dropped."""
    transcriber = GatedTranscriber(hold=True)
    retranscriber = AnswerRetranscriber(transcriber)
    retranscriber.submit(2, np.zeros(100, np.float32), None)
    assert transcriber.started.wait(5)
    retranscriber.submit(2, np.zeros(300, np.float32), None)  # reopened: both parts
    transcriber.release.set()
    done = retranscriber.collect(wait=True)
    retranscriber.close()
    assert [(d.index, d.transcription.text) for d in done] == [(2, "whole 300")]


def test_a_turn_submitted_again_drops_a_finished_or_waiting_transcript():
    transcriber = GatedTranscriber()
    retranscriber = AnswerRetranscriber(transcriber)
    retranscriber.submit(2, np.zeros(100, np.float32), None)  # done before the continuation
    assert transcriber.returned.wait(5)
    retranscriber.submit(2, np.zeros(300, np.float32), None)
    not_yet = threading.Event()  # the reply the candidate went on before never started
    retranscriber.submit(4, np.zeros(50, np.float32), None, not_before=not_yet)
    retranscriber.submit(4, np.zeros(70, np.float32), None)
    not_yet.set()  # the next line starts: only the newest recording of turn 4 is heard
    done = retranscriber.collect(wait=True)
    retranscriber.close()
    assert [(d.index, d.transcription.text) for d in done] == [(2, "whole 300"), (4, "whole 70")]
    assert 50 not in transcriber.calls  # superseded while waiting: never transcribed


def _live(text: str, samples: np.ndarray) -> CandidateAnswer:
    words = text.split()
    step = samples.size / 16000 / len(words)
    return CandidateAnswer(
        source="microphone",
        samples=samples,
        transcription=Transcription(
            text=text,
            duration=samples.size / 16000,
            words=[
                TranscribedWord(word=w, start=i * step, end=(i + 1) * step, probability=0.9)
                for i, w in enumerate(words)
            ],
        ),
    )


def test_a_reopened_answer_keeps_both_parts_when_the_first_parts_pass_ends_first(tmp_path):
    """As in the browser page: the first part's whole-answer pass starts with the reply and
    ends before the next line; the session must keep both parts' words at every step, and
    the live words of the joined answer."""
    transcriber = GatedTranscriber()
    runner = runner_for(tmp_path, transcriber=transcriber, voice=SaysAtOnce())
    runner._retranscriber = AnswerRetranscriber(transcriber)  # as run_rounds does for live
    first = _live(FIRST_LIVE, np.zeros(16000, np.float32))
    runner._record_answer(first, None, 0.0, None, round_type="behavioural")
    index = runner.writer.session.turns[-1].index
    went_on = AfterTheTurn(went_on=True, played_s=0.6, skipped=800)
    assert runner._say("Why that?", act="probe", round_type="behavioural", listener=went_on) is None
    assert transcriber.returned.wait(5)  # the first part's pass ran while the reply played
    joined = join_answers(first, _live(REST_LIVE, np.zeros(8000, np.float32)), went_on.skipped)
    runner._record_answer(joined, None, 0.0, None, round_type="behavioural", replaces=index)
    runner._say("What did you check?", act="probe", round_type="behavioural")
    # The next line has started: the joined answer's own pass may only begin now.
    assert runner.writer.turn(index).text == f"{FIRST_LIVE} {REST_LIVE}"
    runner._apply_retranscriptions(wait=True)
    runner._retranscriber.close()
    answer = runner.writer.turn(index)
    assert answer.text == "whole 24800"  # the joined recording's whole-answer transcript
    assert answer.meta["live_text"] == f"{FIRST_LIVE} {REST_LIVE}"
    assert answer.meta["reopened"] is True
    assert answer.meta["joined_pauses_s"] == [[1.0, 1.05]]  # the interviewer's time, kept
    assert 16000 in transcriber.calls and 24800 in transcriber.calls
