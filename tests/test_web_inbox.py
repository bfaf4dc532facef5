"""The page's frames and typed text on their way to the runner (web/inbox.py, answers.py):
frames count only while a turn is recorded, text waits for the next turn, the buttons' end
and stop reach the recorder. Logic only; the browser tests run it with real audio."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from interviewer.web.answers import BrowserRecorder, StopInterview, TypedAnswer
from interviewer.web.inbox import PageInbox

FRAME = np.zeros(512, np.int16)


def test_frames_count_only_while_a_turn_is_recorded() -> None:
    inbox = PageInbox()
    assert not inbox.push_audio(FRAME, seq=1)  # the interviewer is speaking: not an answer
    inbox.open_turn()
    assert inbox.push_audio(FRAME, seq=2) and inbox.push_audio(FRAME, seq=3)
    assert inbox.take(timeout=1)[0] == "audio"
    # Sample 700 is in the second frame (512..1024): its number and what followed it.
    found = inbox.turn.arrival_of(700)
    assert found is not None and found[1:] == (3, 1024 - 700)
    inbox.close_turn()
    assert not inbox.push_audio(FRAME, seq=4)


def test_text_typed_early_answers_the_next_turn_and_stale_frames_go() -> None:
    inbox = PageInbox()
    inbox.open_turn()
    inbox.push_audio(FRAME, seq=1)
    inbox.close_turn()
    inbox.push_text("Can you repeat the question?")  # pressed while the line is played
    recorder = BrowserRecorder(inbox)
    with pytest.raises(TypedAnswer) as typed:
        next(recorder.frames())
    assert typed.value.text == "Can you repeat the question?"


def test_the_recorder_yields_page_frames_until_done_or_stop() -> None:
    inbox = PageInbox()
    recorder = BrowserRecorder(inbox)
    recorder.check_input()  # no sound card needed: the page has the microphone
    frames = recorder.frames()

    def page() -> None:
        while not inbox.push_audio(FRAME + 7, seq=1):  # waits for the turn to open
            pass
        inbox.finish()

    sender = threading.Thread(target=page)
    sender.start()
    got = list(frames)
    sender.join()
    assert len(got) == 1 and got[0][0] == 7
    assert inbox.turn.finished_by_button
    inbox.stop()
    with pytest.raises(StopInterview):
        next(recorder.frames())


def test_text_or_a_stop_heard_after_a_turn_is_the_next_turns() -> None:
    """On the page by voice, a coding round: Run tests pressed just after a turn ended was
    lost ("stopped listening after the turn: Let me run the tests."), and the listener that
    hears the candidate go on died with it. The listener reads on; a candidate who goes on
    is heard to the end of that answer; the next turn takes the text first."""
    inbox = PageInbox()
    recorder = BrowserRecorder(inbox)
    inbox.answers_on_this_thread()  # this test's thread takes the answers
    stream = recorder.frames()
    listened: list[int] = []

    def listener() -> None:  # the after-turn listener's own thread reads the turn's stream
        for frame in stream:
            listened.append(int(frame[0]))
            if len(listened) == 2:
                return  # the candidate went on: the stream is handed back

    reader = threading.Thread(target=listener)
    reader.start()
    while not inbox.push_audio(FRAME + 1, seq=1):  # once the stream has opened its turn
        pass
    inbox.push_text("Let me run the tests.")
    inbox.push_audio(FRAME + 2, seq=2)
    reader.join(timeout=5)
    assert not reader.is_alive() and listened == [1, 2]  # on past the text
    inbox.push_audio(FRAME + 3, seq=3)
    inbox.finish()
    assert [int(f[0]) for f in stream] == [3]  # the answer they went on with, to its end
    inbox.stop()
    with pytest.raises(TypedAnswer) as typed:  # the next turn takes the text first
        next(recorder.frames())
    assert typed.value.text == "Let me run the tests."
    with pytest.raises(StopInterview):
        next(recorder.frames())


def test_a_stop_heard_after_a_turn_ends_the_listening_and_the_interview() -> None:
    inbox = PageInbox()
    recorder = BrowserRecorder(inbox)
    inbox.answers_on_this_thread()
    stream = recorder.frames()
    listened: list[int] = []
    reader = threading.Thread(target=lambda: listened.extend(int(f[0]) for f in stream))
    reader.start()
    while not inbox.push_audio(FRAME + 1, seq=1):
        pass
    inbox.stop()
    reader.join(timeout=5)
    assert not reader.is_alive() and listened == [1]
    with pytest.raises(StopInterview):
        next(recorder.frames())


def test_text_sent_while_they_speak_ends_the_turn_and_keeps_the_words(tmp_path) -> None:
    """Run tests pressed mid-sentence replaced the spoken turn with the button's phrase: the
    words said so far were lost. Now the turn ends as spoken, and the phrase is the next."""
    from audio_helpers import synth_samples

    speech = (synth_samples("So I sort by start and merge", tmp_path) * 32767).astype(np.int16)
    inbox = PageInbox()
    recorder = BrowserRecorder(inbox)

    def page() -> None:
        while not inbox.push_audio(speech[:512], seq=0):
            pass
        for i in range(512, speech.size - 512, 512):
            inbox.push_audio(speech[i : i + 512], seq=i)
        inbox.push_text("Let me run the tests.")  # mid-turn: no silence has ended it

    sender = threading.Thread(target=page)
    sender.start()
    turn = recorder.record_turn()
    sender.join()
    assert turn.speech_detected and inbox.turn.ended_by_text
    assert turn.samples.size >= speech.size - 1024  # every word they said is kept
    with pytest.raises(TypedAnswer) as typed:
        next(recorder.frames())
    assert typed.value.text == "Let me run the tests."


def test_a_typed_turn_is_listened_over_only_while_the_page_microphone_sends() -> None:
    """A candidate who types with the microphone off sends no frames: a listener over the
    reply would wait on the stream for ever, so none is started."""
    from interviewer.web.answers import BrowserAnswers

    inbox = PageInbox()
    answers = BrowserAnswers.__new__(BrowserAnswers)  # the source is not needed here
    answers.inbox = inbox
    assert not inbox.microphone_live()
    assert answers._listen() is None
    inbox.push_audio(FRAME, seq=1)  # between turns: dropped, but the microphone is on
    assert inbox.microphone_live()
    assert not inbox.microphone_live(within_s=0.0)
