"""Runs in a subprocess whose ALSA default device is a virtual microphone (and a sink): one
question of a real interview per scenario, through the real capture path, the real runner,
faster-whisper, the embedded model, espeak-ng and paced playback (test_barge_in_device.py).

The virtual microphone delivers its file at once; here it is handed out in real time, and as
a candidate waits for the interviewer to start speaking, the frames after ``hold_s`` are held
back (the microphone hears silence meanwhile) until the reply's voice starts (or, with
``voice_after_s``, until that long before it starts), then goes on with the file. With
``echo_db`` what the device was given (the reply, held and resumed as it was) is also mixed
into what the microphone hears, 80 ms late: the interviewer's own voice through speakers.

    python tests/barge_in_device_run.py OUT_DIR SCENARIOS_JSON   # prints one JSON line
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np

from interviewer.audio.capture import MicrophoneRecorder
from interviewer.audio.io import SAMPLE_RATE
from interviewer.catalog.personas import load_catalog
from interviewer.interview.pipeline import interview_runner, microphone_answers
from interviewer.interview.runner import RunConfig
from interviewer.interview.voice import InterviewerVoice
from interviewer.llm.factory import make_backend
from interviewer.llm.settings import LLMSettings
from interviewer.session.models import Session
from interviewer.speech.stt import load_transcriber
from interviewer.speech.tts import Speaker

QUESTION = "sd-recsys-video"
ECHO_DELAY_S = 0.08
ANSWER_AFTER_S = 0.15  # a prompt answer: people answer about 0.2 s after a question ends


class Stage:
    """What the microphone and the voice of one scenario share."""

    def __init__(
        self,
        hold_s: float,
        echo_db: float | None,
        release_on: str = "voice",
        voice_after_s: float = 0.0,
    ) -> None:
        self.hold_samples = int(hold_s * SAMPLE_RATE)
        self.echo_gain = None if echo_db is None else 10 ** (echo_db / 20)
        # "voice": the reply starts; "turn_end": the turn ends; "voice_end": ANSWER_AFTER_S
        # after the reply ended (an answer to it)
        self.release_on = release_on
        self.voice_after_s = voice_after_s  # the reply starts this long after the release
        self.release = threading.Event()
        self.handle = None
        self.lines: list[dict] = []


STAGE = Stage(0.0, None)


class HeldRecorder(MicrophoneRecorder):
    """The virtual microphone, in real time, holding the file back at ``hold_s``."""

    def frames(self, buffer_s: float = 60.0):
        silence = np.zeros(self.frame_samples, np.int16)
        self.clock = Clock()
        from_file = 0
        for frame in super().frames(buffer_s):
            if from_file >= STAGE.hold_samples:
                while not STAGE.release.is_set():
                    yield self._tick(silence)
            from_file += frame.size
            yield self._with_echo(self._tick(frame))

    def _tick(self, frame: np.ndarray) -> np.ndarray:
        """The frame at its moment in real time, which is also the stream's clock."""
        frame = self.clock.tick(frame)
        self.heard_until = self.clock.now_of_last
        return frame

    def record_turn(self, *args, **kwargs):
        turn = super().record_turn(*args, **kwargs)
        if STAGE.release_on == "turn_end":
            STAGE.release.set()
        return turn

    def _with_echo(self, frame: np.ndarray) -> np.ndarray:
        handle = STAGE.handle
        if STAGE.echo_gain is None or handle is None or handle.started_at is None:
            return frame
        # What the device was given ECHO_DELAY_S before this frame began (stream's clock).
        began = self.clock.now_of_last - frame.size / SAMPLE_RATE
        echo = handle.output(began - handle.started_at - ECHO_DELAY_S, frame.size, SAMPLE_RATE)
        mixed = frame.astype(np.float32) + echo * STAGE.echo_gain * 32768
        return np.clip(mixed, -32768, 32767).astype(np.int16)


class Clock:
    """Hands frames out in real time from the first one, like a live microphone."""

    def __init__(self) -> None:
        self.started: float | None = None
        self.sent = 0
        self.now_of_last = 0.0  # perf_counter at which the last frame was due

    def tick(self, frame: np.ndarray) -> np.ndarray:
        if self.started is None:
            self.started = time.perf_counter()
        self.sent += frame.size
        self.now_of_last = self.started + self.sent / SAMPLE_RATE
        wait = self.now_of_last - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        return frame


class StageVoice(InterviewerVoice):
    """Plays only the replies the microphone listens over (the greeting, the question and
    the wrap-up are saved, not played: they are not what is tested, and take time)."""

    def say(self, text, path, on_first_sample=None, listener=None):
        if listener is None:
            self.play = False
            try:
                return super().say(text, path, on_first_sample)
            finally:
                self.play = True
        return super().say(text, path, on_first_sample, listener=listener)

    def _play_over(self, path, listener):
        started = listener.voice_started

        def voice_started(handle) -> None:
            STAGE.handle = handle
            started(handle)
            if STAGE.release_on == "voice":
                STAGE.release.set()

        listener.voice_started = voice_started
        if STAGE.voice_after_s:  # the candidate is talking as the reply starts
            STAGE.release.set()
            time.sleep(STAGE.voice_after_s)
        played = super()._play_over(path, listener)
        if STAGE.release_on == "voice_end" and not STAGE.release.is_set():
            threading.Timer(ANSWER_AFTER_S, STAGE.release.set).start()
        handle = STAGE.handle
        STAGE.lines.append(
            {
                "played_s": played,
                "duration_s": handle.duration_s,
                "stopped": handle.stop_requested.is_set(),
                "stopped_at": handle.stopped_at,
                "stop_after_barge_in_s": (
                    handle.stopped_at - listener.barge_in_at
                    if handle.stopped_at and listener.barge_in_at
                    else None
                ),
                "started_at": handle.started_at,
                "echo_coupling_db": listener.detector.gate.coupling_db,
                "holds": handle.holds,
            }
        )
        STAGE.handle = None
        return played


class OneAnswer:
    """The microphone for ``answers`` answers (and their continuations); then no more. No
    scenario reopens a turn more than once: past ``MAX_REOPENINGS`` the echo is being taken
    for the candidate, and the run ends there (its assertions fail) instead of looping until
    the test's timeout."""

    MAX_REOPENINGS = 4

    def __init__(self, source, answers: int = 1) -> None:
        self.source = source
        self.kind = source.kind
        self.live = source.live
        self.answers = 0
        self.reopenings = 0
        self.limit = answers

    def next_answer(self, context):
        if context.resume is None:
            self.answers += 1
            if self.answers > self.limit:
                return None
        else:
            self.reopenings += 1
            if self.reopenings > self.MAX_REOPENINGS:
                context.resume.close()
                return None
        return self.source.next_answer(context)


def main(out_dir: str, scenarios_json: str) -> None:
    global STAGE
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger("interviewer.interview.live.after_turn").setLevel(logging.DEBUG)
    scenarios = json.loads(scenarios_json)
    transcriber = load_transcriber(None)
    # The bundled small model by default: the replies' content is not what is tested here,
    # and the bundled 1.5B takes many minutes per reply on a loaded 2-core machine.
    backend = make_backend(LLMSettings(model=os.environ.get("BARGE_IN_TEST_MODEL", "smollm2")))
    catalog = load_catalog()
    question = catalog.question(QUESTION)
    persona = catalog.persona_for_round(question.round)
    results = {}
    for scenario in scenarios:
        Path(scenario["mic"]).replace(scenario["mic_target"])
        STAGE = Stage(
            scenario["hold_s"],
            scenario.get("echo_db"),
            scenario["release_on"],
            scenario.get("voice_after_s", 0.0),
        )
        source = OneAnswer(
            microphone_answers(transcriber, streaming=True, recorder_type=HeldRecorder),
            scenario.get("answers", 1),
        )
        runner = interview_runner(
            Path(out_dir) / scenario["name"],
            Session(id=f"barge-in-{scenario['name']}", rounds=[question.round]),
            backend=backend,
            transcriber=transcriber,
            answers=source,
            voice=StageVoice(Speaker(voice=persona.voice.id, rate_wpm=persona.voice.rate_wpm)),
            config=RunConfig(max_depth=3),
        )
        runner.run_rounds([(persona, [question])])
        session = runner.writer.session
        results[scenario["name"]] = {
            "turns": [
                {"speaker": t.speaker, "act": t.act, "text": t.text, "meta": t.meta}
                for t in session.turns
            ],
            "lines": STAGE.lines,
        }
    print(json.dumps(results, default=str))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
