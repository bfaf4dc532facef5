"""Listening after the turn: backchannels, going on, and the interviewer's own voice.

Real espeak-ng speech, the real Silero VAD, the real listener thread over a stream of frames
(the device path is tested in test_barge_in_device.py). Frames are paced to real time by the
listener, as after a real turn; nothing here asserts a duration of the wall clock.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from audio_helpers import silence, synth_samples, to_int16
from barge_in_helpers import FRAME, GOING_ON, REPLY, frames_of, mic_over

from interviewer.audio.io import SAMPLE_RATE
from interviewer.audio.playback import PlaybackHandle, play_blocks
from interviewer.audio.vad import VoiceActivityDetector
from interviewer.interview.live.after_turn import AfterTurnListener
from interviewer.turns.barge_in import BargeInConfig, BargeInDetector, EchoGate


def listen_to(samples: np.ndarray, **kwargs) -> AfterTurnListener:
    listener = AfterTurnListener(iter(frames_of(samples)), **kwargs)
    listener._thread.join(timeout=120)
    return listener


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    tmp = tmp_path_factory.mktemp("speech")
    return {
        # Backchannels as quick as people say them (espeak-ng spells out "mm-hm").
        "yeah": synth_samples("yeah.", tmp, voice="en-gb"),
        "uh-huh": synth_samples("uh-huh.", tmp, speed_wpm=200),
        "okay": synth_samples("okay.", tmp, speed_wpm=180),
        "going_on": synth_samples(GOING_ON, tmp, voice="en-gb"),
    }


def test_detector_counts_one_burst_across_short_gaps() -> None:
    config = BargeInConfig()
    detector = BargeInDetector(config)
    step = FRAME / SAMPLE_RATE
    events = [detector.push(step, 0.9, -30.0) for _ in range(5)]
    events += [detector.push(step, 0.1, -60.0) for _ in range(3)]  # 96 ms: bridged
    assert events[0] == "onset" and "backchannel" not in events
    while (event := detector.push(step, 0.9, -30.0)) != "barge_in":
        assert event == "speech"
    assert detector.burst_speech_s >= config.min_speech_s
    assert detector.bursts == 1


def test_halting_speech_adds_up_across_bursts_but_spaced_backchannels_do_not() -> None:
    """Phrases of 0.3 s with 0.4 s pauses (longer than a burst's bridge): the first lets the
    line go on, the second stops it, and the reopened turn starts at the first phrase.
    The same phrases 1.5 s apart are backchannels, each of them."""
    config = BargeInConfig()
    step = FRAME / SAMPLE_RATE

    def phrases(gap_s: float) -> tuple[BargeInDetector, list[str]]:
        detector = BargeInDetector(config)
        events = [detector.push(step, 0.1, -60.0) for _ in range(10)]  # 0.32 s quiet
        for _ in range(3):
            events += [detector.push(step, 0.9, -30.0) for _ in range(10)]  # 0.32 s speech
            events += [detector.push(step, 0.1, -60.0) for _ in range(round(gap_s / step))]
        return detector, events

    halting, events = phrases(0.4)
    assert events.count("backchannel") == 1 and "barge_in" in events
    assert events.index("backchannel") < events.index("barge_in")
    assert halting.joined_start_s == pytest.approx(10 * step)  # the first phrase's start
    second_phrase_s = (10 + 10 + round(0.4 / step)) * step
    assert halting.burst_start_s == pytest.approx(second_phrase_s)

    spaced, events = phrases(1.5)
    assert events.count("backchannel") == 3 and "barge_in" not in events


def test_a_burst_lasts_through_the_lines_loud_syllables_but_not_forever() -> None:
    step = FRAME / SAMPLE_RATE
    detector = BargeInDetector(BargeInConfig())
    for _ in range(4):
        detector.gate.observe(-30.0, -20.0)  # an echo path of -10 dB, measured
    for _ in range(BargeInConfig().min_coupling_frames):
        detector.gate.observe(-30.0, -20.0)
    assert detector.push(step, 0.9, -15.0, -20.0) == "onset"  # louder than any echo
    # Voice the gate gives to the echo (the line is loud here): the burst holds ...
    events = [detector.push(step, 0.9, -28.0, -20.0) for _ in range(15)]  # 0.48 s
    assert set(events) == {"speech"}
    # ... but not past echo_bridge_s without the candidate.
    events = [detector.push(step, 0.9, -28.0, -20.0) for _ in range(6)]
    assert events[-1] == "quiet" and "backchannel" in events


def test_a_voice_far_under_the_candidates_own_begins_no_burst() -> None:
    """Someone else in the room, 30 dB under the candidate: no onset, so no hold and no
    reopening; the candidate (10 dB under their loudest) begins one, and inside it their
    softest syllables still count."""
    step = FRAME / SAMPLE_RATE
    detector = BargeInDetector(BargeInConfig())
    detector.gate.heard_speaker(-20.0)
    events = [detector.push(step, 0.9, -50.0) for _ in range(30)]  # a second of another voice
    assert set(events) == {"quiet"} and detector.bursts == 0
    assert detector.push(step, 0.9, -30.0) == "onset"
    assert detector.push(step, 0.9, -50.0) == "speech"
    detector.gate.heard_speaker(None)  # a silent turn keeps the level already heard
    assert detector.gate.speaker_dbfs == -20.0
    unknown = BargeInDetector(BargeInConfig())  # before the candidate has been heard: any voice
    assert unknown.push(step, 0.9, -50.0) == "onset"


def test_another_voice_after_the_turn_does_not_reopen_it(speech) -> None:
    """The same words going on, at the candidate's level and 30 dB under it, after a turn in
    which the VAD measured that level."""
    vad = VoiceActivityDetector()
    vad.process(speech["going_on"])
    gate = EchoGate()
    gate.heard_speaker(vad.own_level_dbfs())
    for gain_db, reopens in ((0.0, True), (-30.0, False)):
        went_on = speech["going_on"] * np.float32(10 ** (gain_db / 20))
        said = np.concatenate([silence(1.0, -70), went_on, silence(0.5, -70)])
        listener = listen_to(said, gate=gate)
        assert listener.reopened.is_set() is reopens, gain_db


def test_short_backchannels_do_not_reopen_the_turn(speech) -> None:
    for word in ("yeah", "uh-huh", "okay"):
        said = np.concatenate([silence(0.3, -60), speech[word], silence(0.8, -60)])
        listener = listen_to(said)
        assert listener.detector.bursts >= 1, word  # it was heard ...
        assert not listener.reopened.is_set(), word  # ... and let pass


def test_going_on_reopens_and_hands_back_every_frame(speech) -> None:
    said = np.concatenate([silence(2.0, -60), speech["going_on"], silence(0.5, -60)])
    listener = listen_to(said)
    assert listener.reopened.is_set()
    assert 1.8 <= listener.onset_audio_s <= 2.2
    handed = np.concatenate(list(listener.handoff()))
    # The reopened turn starts half a second before the candidate went on; the pause before
    # that is kept aside (it goes between the two parts of the answer): nothing is lost.
    assert listener.skipped.size / SAMPLE_RATE == pytest.approx(
        listener.onset_audio_s - 0.5, abs=FRAME / SAMPLE_RATE
    )
    whole = np.concatenate([to_int16(listener.skipped), handed])
    np.testing.assert_array_equal(whole, to_int16(said))


def _playing(handle: PlaybackHandle) -> threading.Thread:
    """play_interruptible's own loop, paced to real time, with no device to write to."""
    return threading.Thread(target=play_blocks, args=(handle, lambda block: None), daemon=True)


class EchoingMicrophone:
    """The microphone: ``mic`` plus what the device was given (held and resumed as it was),
    80 ms late, made as the listener reads it (it paces itself to real time). ``behind_s``:
    the listener starts that late, as when the capture thread was busy as the turn ended
    (the end-of-turn models read the last pause) and the first frames were queued.
    ``heard_until`` is the stream's own clock, as the recorder keeps it."""

    def __init__(self, handle: PlaybackHandle, mic: np.ndarray, gain_db: float, behind_s: float):
        self.handle, self.mic, self.behind_s = handle, mic, behind_s
        self.gain = 10 ** (gain_db / 20)
        self.heard_until: float | None = None

    def frames(self):
        first = time.perf_counter() - self.behind_s  # when the stream's first frame began
        for at in range(0, self.mic.size, FRAME):
            frame = self.mic[at : at + FRAME].copy()
            if self.handle.started_at is not None:
                since_s = first + at / SAMPLE_RATE - self.handle.started_at - 0.08
                frame += self.handle.output(since_s, frame.size, SAMPLE_RATE) * self.gain
            self.heard_until = first + (at + frame.size) / SAMPLE_RATE
            yield to_int16(frame)


def _listen_while_playing(
    mic: np.ndarray, reply: PlaybackHandle, echo_db: float | None, behind_s: float = 0.0
):
    frames, clock = iter(frames_of(mic)), None
    if echo_db is not None:
        stream = EchoingMicrophone(reply, mic, echo_db, behind_s)
        frames, clock = stream.frames(), lambda: stream.heard_until
    listener = AfterTurnListener(frames, heard_until=clock)
    listener.voice_started(reply)
    playing = _playing(reply)
    playing.start()
    listener._thread.join(timeout=120)
    playing.join(timeout=120)
    return listener


@pytest.fixture(scope="module")
def reply(tmp_path_factory) -> tuple[np.ndarray, int]:
    """The interviewer's line as played (22,050 Hz, as espeak-ng writes it)."""
    from audio_helpers import synth_wav
    from soundfile import read

    wav = synth_wav(REPLY, tmp_path_factory.mktemp("reply") / "reply.wav")
    return read(str(wav), dtype="float32")


def _mic(reply, speech: np.ndarray | None = None, at_s: float = 1.5) -> np.ndarray:
    """Room noise as long as the line and half a second, with ``speech`` from ``at_s``."""
    played, rate = reply
    return mic_over(played.size / rate, speech, at_s)


@pytest.mark.parametrize("gain_db", [-3.0, -12.0])
def test_the_interviewers_own_voice_at_the_microphone_does_not_stop_it(
    reply, gain_db: float
) -> None:
    handle = PlaybackHandle(*reply)
    listener = _listen_while_playing(_mic(reply), handle, gain_db)
    assert not listener.reopened.is_set()
    assert not handle.stop_requested.is_set()
    assert handle.position == handle.samples.size  # held or not, it was said to its end
    # The gate learned the echo path (coupling near the loopback's gain, never below it).
    assert listener.detector.gate.coupling_db == pytest.approx(gain_db, abs=6.0)


def test_a_listener_that_starts_behind_its_stream_still_knows_the_echo(reply) -> None:
    """The frames queued while the turn ended are timed by the stream's clock, not by when
    they were read: read late, the line's first 0.3 s seemed to play into a silent room, the
    gate learned an echo 10-15 dB too quiet, and the echo itself then held and stopped the
    line (a looping device test, 2026-12-07)."""
    handle = PlaybackHandle(*reply)
    listener = _listen_while_playing(_mic(reply), handle, -6.0, behind_s=0.3)
    assert not listener.reopened.is_set()
    assert not handle.stop_requested.is_set() and not handle.holds
    assert listener.detector.gate.coupling_db == pytest.approx(-6.0, abs=6.0)


def test_the_candidate_over_the_echo_stops_it(reply, speech) -> None:
    handle = PlaybackHandle(*reply)
    listener = _listen_while_playing(_mic(reply, speech["going_on"]), handle, -12.0)
    assert listener.reopened.is_set()
    assert handle.stop_requested.is_set()
    assert listener.onset_audio_s >= 1.3  # the candidate's burst, not the echo before it
    assert handle.position < handle.samples.size  # the reply did not play to its end
    # It fell silent at the burst's onset, half a second of speech before the stop.
    held, resumed = handle.holds[-1]
    assert resumed is None and held < handle.stopped_at


def test_a_backchannel_holds_the_line_which_goes_on_from_a_little_before(reply, speech) -> None:
    handle = PlaybackHandle(*reply)
    listener = _listen_while_playing(_mic(reply, speech["yeah"]), handle, None)
    assert not listener.reopened.is_set()
    assert handle.position == handle.samples.size  # said to its end ...
    ((held, resumed),) = handle.holds  # ... after one hold, at the "yeah"
    assert resumed is not None and resumed > held
    # Said again from a little before where it was held (the gap before the word, mostly).
    assert 0 < handle.rewound <= BargeInConfig().resume_rewind_s * handle.sample_rate


def test_the_echo_gate_is_open_when_nothing_plays() -> None:
    gate = EchoGate()
    assert gate.candidate(-50.0, None)
    assert not gate.candidate(-20.0, -20.0)  # unmeasured: echo assumed as loud as the line


def _play_after(handle: PlaybackHandle, listener: AfterTurnListener, delay_s: float):
    """The line starts ``delay_s`` after the listener began hearing (its reply was that slow),
    and the listener is told when it ends, as the voice tells it (interview/voice.py)."""

    def play() -> None:
        time.sleep(delay_s)
        listener.voice_started(handle)
        play_blocks(handle, lambda block: None)
        listener.voice_ended()

    thread = threading.Thread(target=play, daemon=True)
    thread.start()
    return thread


def _quieter_than(line: np.ndarray, speech: np.ndarray, db: float) -> np.ndarray:
    """``speech`` scaled to ``db`` below the line's level (a quiet microphone)."""
    return speech * 10 ** (-db / 20) * (np.std(line) / np.std(speech))


GOES_ON_AFTER_S = 0.1  # into the line: before its echo path can have been measured


@pytest.mark.parametrize("goes_on", [True, False])
def test_a_line_that_starts_while_the_candidate_is_talking_waits_for_them(
    reply, speech, goes_on: bool
) -> None:
    """They say "yeah" as the reply starts, and go on a moment into it, quieter than the
    line, before the echo path has been measured. The line waits at its start (a person who
    starts to speak over someone stops), so their voice is not taken for its echo: they are
    heard and the turn reopens; when they say no more, the line goes on and is said whole."""
    played, rate = reply
    yeah = _quieter_than(played, speech["yeah"], 6.0)
    mic = mic_over(played.size / rate + 1.0, yeah, 0.2)
    line_at_s = 0.2 + yeah.size / SAMPLE_RATE + 0.3
    if goes_on:
        going_on = _quieter_than(played, speech["going_on"], 6.0)
        at = int((line_at_s + GOES_ON_AFTER_S) * SAMPLE_RATE)
        mic[at : at + going_on.size] += going_on[: mic.size - at]
    handle = PlaybackHandle(played, rate)
    listener = AfterTurnListener(iter(frames_of(mic)))
    playing = _play_after(handle, listener, line_at_s)
    listener._thread.join(timeout=120)
    playing.join(timeout=120)
    assert listener.reopened.is_set() is goes_on
    if goes_on:
        assert handle.stop_requested.is_set() and handle.position < handle.samples.size
        # Silent within 300 ms of their going on, not after a second of talking over them.
        held = handle.holds[0][0] - handle.started_at
        assert held <= GOES_ON_AFTER_S + 0.3, held
    else:
        assert handle.position == handle.samples.size  # it waited, then was said whole
        ((held, resumed),) = handle.holds  # from its first sample, until they were quiet
        assert held - handle.started_at < 0.1 and resumed is not None and resumed > held


@pytest.fixture(scope="module")
def short_line(tmp_path_factory) -> tuple[np.ndarray, int]:
    """A line over before a burst under it can be told from its echo ("Go on.")."""
    from audio_helpers import synth_wav
    from soundfile import read

    wav = synth_wav("Go on.", tmp_path_factory.mktemp("short") / "short.wav")
    return read(str(wav), dtype="float32")


LINE_AT_S = 1.0  # after the turn ended


def _line_then_settle(
    line, speech: np.ndarray, at_s: float, *, close: bool = True, mic: list | None = None
) -> tuple[AfterTurnListener, bool]:
    """The line starts ``LINE_AT_S`` after the turn ended; ``speech``, as loud as the line,
    from ``at_s`` after the line starts; the line plays to its end, then the runner settles.
    ``mic`` receives the microphone's samples."""
    played, rate = line
    line_at_s = LINE_AT_S
    loud = speech * (np.std(played) / np.std(speech))
    heard = mic_over(line_at_s + played.size / rate + 3.0, loud, line_at_s + at_s)
    if mic is not None:
        mic.append(heard)
    mic = heard
    handle = PlaybackHandle(played, rate)
    listener = AfterTurnListener(iter(frames_of(mic)))
    _play_after(handle, listener, line_at_s).join(timeout=120)
    assert not handle.stop_requested.is_set() or listener.reopened.is_set()
    went_on = listener.settle()
    if close:
        listener.close()
    return listener, went_on


def test_going_on_under_a_short_line_is_heard_when_it_ends(short_line, speech) -> None:
    """They go on 0.2 s into a short line, before its echo path is measured: their voice,
    no louder than the line, cannot be told from its echo while it plays. When the line
    ends, the runner waits for that burst rather than taking the turn as over (which would
    lose what they said). Known limit: a pause of theirs just as the line ends (0.1 s into
    it, this sentence's comma falls there) makes what follows an answer to the line."""
    listener, went_on = _line_then_settle(short_line, speech["going_on"], 0.2)
    assert went_on and listener.reopened.is_set()
    assert listener.onset_audio_s >= 1.0  # the burst under the line, not before it


def test_an_answer_begun_after_the_line_is_the_next_turn(short_line, speech) -> None:
    """They start 0.6 s after the line ended: an answer to it, for the next turn to record,
    not the last answer going on."""
    played, rate = short_line
    listener, went_on = _line_then_settle(short_line, speech["going_on"], played.size / rate + 0.6)
    assert not went_on and not listener.reopened.is_set()


def test_the_answer_to_the_line_is_recorded_from_the_same_stream(short_line, speech) -> None:
    """They answer 0.6 s after the line ended: the next turn takes the stream over from
    half a second before their voice began (never from before the line's end), and every
    frame after that point reaches it, those this listener heard and the live ones."""
    played, rate = short_line
    line_s = played.size / rate
    heard: list[np.ndarray] = []
    listener, went_on = _line_then_settle(
        short_line, speech["going_on"], line_s + 0.6, close=False, mic=heard
    )
    assert not went_on
    carried = np.concatenate(list(listener.carry_on()))
    whole = to_int16(heard[0])
    start = whole.size - carried.size
    np.testing.assert_array_equal(carried, whole[start:])  # contiguous to the stream's end
    voice_at_s = LINE_AT_S + line_s + 0.6
    assert start / SAMPLE_RATE <= voice_at_s - 0.2  # their first syllable is in it
    assert start / SAMPLE_RATE >= LINE_AT_S + line_s - 0.1  # the line's time is not


def test_after_a_typed_turn_speech_over_the_line_stops_it_and_begins_the_next(
    reply, speech
) -> None:
    """On the page, Run tests pressed, then the candidate talked over the result ("The
    touching case failed ..."): nothing listened, the line played on and their first words
    were lost. Now the line stops as for a barge-in, but the typed turn is not reopened:
    what they say is the next turn, handed over from half a second before their voice."""
    handle = PlaybackHandle(*reply)
    mic = _mic(reply, speech["going_on"])
    listener = AfterTurnListener(iter(frames_of(mic)), after_typed=True)
    listener.voice_started(handle)
    playing = _playing(handle)
    playing.start()
    listener._thread.join(timeout=120)
    playing.join(timeout=120)
    assert listener.next_turn_began.is_set() and not listener.reopened.is_set()
    assert listener.line_stopped and handle.stop_requested.is_set()
    assert handle.position < handle.samples.size  # not said to its end over them
    carried = np.concatenate(list(listener.carry_on()))
    whole = to_int16(mic)
    start = whole.size - carried.size
    np.testing.assert_array_equal(carried, whole[start:])  # every frame from there on
    assert 1.5 - 0.7 <= start / SAMPLE_RATE <= 1.5 - 0.2  # their first syllable is in it


def test_after_a_typed_turn_a_backchannel_lets_the_line_go_on(reply, speech) -> None:
    handle = PlaybackHandle(*reply)
    listener = AfterTurnListener(iter(frames_of(_mic(reply, speech["yeah"]))), after_typed=True)
    listener.voice_started(handle)
    playing = _playing(handle)
    playing.start()
    listener._thread.join(timeout=120)
    playing.join(timeout=120)
    assert not listener.line_stopped
    assert handle.position == handle.samples.size
