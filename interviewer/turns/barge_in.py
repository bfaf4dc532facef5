"""When the candidate's voice after their turn means "I'm not done": a pure policy over frames.

After a turn ends the microphone stays open. Speech that lasts longer than a backchannel
reopens the turn: before the interviewer's reply is heard, the reply is dropped; while it
plays, it stops. A backchannel ("uh-huh", "yeah", "right") does not: on the Switchboard dev
timings (`../shared/data/turn-taking/`), 978 backchannel utterances of up to three words
last 0.35 s at the median and 0.46 s at the 75th percentile, so half a second of speech in
one burst is the line (the 10% that run longer, such as "oh I see", still stop the reply).
Waiting that long to fall silent would talk over the candidate for half a second, so the
reply is *held* at the burst's first frame (silent, its place kept): a backchannel, or the
echo, lets it go on from a little before where it was held (:func:`resume_hop`: its
quietest moment shortly before, the gap before the interrupted word most often); speech
beyond the line stops it for good.

Halting speech ("so - the - the thing is") comes in bursts shorter than the line, with
pauses longer than a burst's bridge between them: counted burst by burst, it would let the
reply go on after every one. So speech adds up across bursts less than ``join_s`` apart. On
the same timings, of 829 backchannels 4 (0.5%) are followed within 1.0 s by a second one
that brings the two past half a second (10, 1.2%, within 1.5 s): a pair of backchannels
that close is rare, and a stop there costs less than talking over someone who hesitates.

The interviewer's own voice reaches the microphone too, unless the candidate wears
headphones. The :class:`EchoGate` counts a frame as the candidate's only when the
microphone is louder than the echo expected from what is being played: the echo path's
gain (the coupling) is learned while the interviewer speaks, as a high percentile of
(microphone level - played level) over loud frames of the line, so it follows the room,
the speakers and headphones without a setting. It learns only from frames it does not
count as the candidate's, and never while the candidate is talking (in a burst, or less than
``join_s`` after one: the pauses of halting speech under the line are theirs, not the echo),
starting from the cautious assumption that the echo is as loud as the line itself. Until it
has measured the echo, a candidate quieter than the line cannot be told from it: so a line
that begins while they are talking waits, silent, for them to go on or fall quiet
(interview/live/after_turn.py).

Another voice (someone across the room, a television) is speech to the VAD at any level.
Once the candidate's own level is known (their last turn's, from its VAD), a frame far under
it (``crosstalk_margin_db``, as in audio/vad.py) does not begin a burst: it neither reopens
the turn nor holds the reply. Inside a burst begun by the candidate, their soft syllables
count as before.

Levels are in dBFS; durations are counted in audio, never the wall clock.
"""

from __future__ import annotations

from collections import deque
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from ..audio.vad import CROSSTALK_MARGIN_DB, another_voice

BargeInEvent = Literal["quiet", "onset", "speech", "backchannel", "barge_in"]

LOUD_REFERENCE_DBFS = -40.0  # played frames louder than this teach the gate the echo path
SILENT_DBFS = -100.0
# A voice is one unbroken run across gaps shorter than this: a prompt answer after a line
# leaves a longer one after the line's echo (interview/live/after_turn.py, settle).
VOICE_GAP_S = 0.1


class BargeInConfig(BaseModel):
    """How much of the candidate's voice reopens their turn, and how echo is told apart."""

    min_speech_s: float = Field(
        0.5, gt=0, description="speech in one burst beyond which it is more than a backchannel"
    )
    bridge_s: float = Field(0.25, ge=0, description="a gap this short does not end a burst")
    join_s: float = Field(
        1.0,
        ge=0,
        description="bursts less than this apart add up their speech: halting speech is not "
        "a string of backchannels",
    )
    echo_bridge_s: float = Field(
        0.6,
        ge=0,
        description="voice the gate gives to the echo does not end a burst before this: the "
        "candidate may be under the line's loud syllables",
    )
    speech_prob: float = Field(0.5, ge=0, le=1, description="VAD probability that is speech")
    margin_db: float = Field(6.0, ge=0, description="the candidate must beat the echo by this")
    echo_lag_s: float = Field(0.3, ge=0, description="echo arrives up to this long after play")
    initial_coupling_db: float = Field(
        0.0, description="the echo path assumed until it is measured: as loud as what is played"
    )
    coupling_percentile: float = Field(80.0, ge=0, le=100)
    min_coupling_frames: int = Field(12, ge=1, description="loud frames before trusting it")
    onset_gain: float = Field(
        0.0,
        ge=0,
        le=1,
        description="the reply's level while a burst cannot yet be told from a backchannel: "
        "0 holds it (silent, resumed a little before where it was held), above 0 ducks it",
    )
    resume_rewind_s: float = Field(
        0.4, ge=0, description="a held reply goes on from its quietest moment this far back"
    )
    preroll_s: float = Field(
        0.5, ge=0, description="audio before the burst's onset handed to the reopened turn"
    )
    crosstalk_margin_db: float | None = Field(
        CROSSTALK_MARGIN_DB,
        gt=0,
        description="a voice this far under the candidate's own level begins no burst: "
        "another voice in the room; None: any voice does",
    )


class EchoGate:
    """Is this frame louder than the interviewer's echo would be? Learns the echo path."""

    def __init__(self, config: BargeInConfig | None = None) -> None:
        self.config = config or BargeInConfig()
        self._differences: deque[float] = deque(maxlen=400)  # about 13 s of loud frames
        self.speaker_dbfs: float | None = None  # the candidate's own level, once heard

    def heard_speaker(self, level_dbfs: float | None) -> None:
        """The candidate's level in the turn just recorded (kept when that turn had none)."""
        if level_dbfs is not None:
            self.speaker_dbfs = level_dbfs

    def another_voice(self, mic_dbfs: float) -> bool:
        """Far under the candidate's own level: not them (module doc)."""
        return another_voice(mic_dbfs, self.speaker_dbfs, self.config.crosstalk_margin_db)

    @property
    def coupling_db(self) -> float:
        if len(self._differences) < self.config.min_coupling_frames:
            return self.config.initial_coupling_db
        return float(np.percentile(self._differences, self.config.coupling_percentile))

    def observe(self, mic_dbfs: float, reference_dbfs: float) -> None:
        if reference_dbfs > LOUD_REFERENCE_DBFS:
            self._differences.append(mic_dbfs - reference_dbfs)

    def candidate(self, mic_dbfs: float, reference_dbfs: float | None) -> bool:
        """True when the frame cannot be the echo alone (always, when nothing plays)."""
        if reference_dbfs is None or reference_dbfs <= SILENT_DBFS:
            return True
        return mic_dbfs >= reference_dbfs + self.coupling_db + self.config.margin_db


class BargeInDetector:
    """Bursts of the candidate's speech, frame by frame: ``onset`` at a burst's first frame,
    ``backchannel`` when a burst ends short, ``barge_in`` once the speech of the burst and of
    the bursts just before it (less than ``join_s`` apart) is long enough (once)."""

    def __init__(self, config: BargeInConfig | None = None, gate: EchoGate | None = None):
        self.config = config or BargeInConfig()
        self.gate = gate or EchoGate(self.config)
        self.burst_speech_s = 0.0
        self.carried_speech_s = 0.0  # of the bursts joined to this one (less than join_s apart)
        self.burst_start_s: float | None = None  # audio time of the burst's first frame
        self.joined_start_s: float | None = None  # of the first burst whose speech is counted
        self.bursts = 0  # bursts begun, barge-in or not
        self.fired = False
        self._gap_s = 0.0  # since the burst's last frame of the candidate's
        self._unvoiced_s = 0.0  # of it, without any voice at all
        self._since_burst_s = 0.0  # since the last burst's last frame of the candidate's
        self._elapsed_s = 0.0
        self.unvoiced_s = 0.0  # since the last voiced frame, the candidate's or the echo's
        # Audio time at which the voice now heard (the candidate's or the echo's) began: one
        # unbroken run across gaps shorter than VOICE_GAP_S; None in a longer gap.
        self.voice_start_s: float | None = None

    @property
    def in_burst(self) -> bool:
        return self.burst_start_s is not None

    @property
    def talking(self) -> bool:
        """In a burst, or less than ``join_s`` after one: speech that may be going on."""
        return self.in_burst or (self.bursts > 0 and self._since_burst_s < self.config.join_s)

    def push(
        self,
        duration_s: float,
        speech_prob: float,
        mic_dbfs: float,
        reference_dbfs: float | None = None,
    ) -> BargeInEvent:
        """One frame: its VAD probability, its level, and the played level it may echo."""
        start_s = self._elapsed_s
        self._elapsed_s += duration_s
        if self.fired:
            return "barge_in"
        voiced = speech_prob >= self.config.speech_prob
        self.unvoiced_s = 0.0 if voiced else self.unvoiced_s + duration_s
        if voiced and self.voice_start_s is None:
            self.voice_start_s = start_s
        elif self.unvoiced_s >= VOICE_GAP_S:
            self.voice_start_s = None
        candidate = voiced and self.gate.candidate(mic_dbfs, reference_dbfs)
        if candidate and not self.in_burst and self.gate.another_voice(mic_dbfs):
            candidate = False  # someone else in the room, not the candidate going on
        if reference_dbfs is not None and not candidate and not self.talking:
            # Only what cannot be the candidate teaches the gate the echo path: a reply
            # talked over, or the pauses of halting speech under it, must not teach it that
            # the candidate's voice is echo.
            self.gate.observe(mic_dbfs, reference_dbfs)
        if candidate:
            self._gap_s = 0.0
            self._unvoiced_s = 0.0
            self.burst_speech_s += duration_s
            onset = self.burst_start_s is None
            if onset:
                self.burst_start_s = start_s
                self.bursts += 1
                if self.bursts == 1 or self._since_burst_s >= self.config.join_s:
                    self.carried_speech_s = 0.0  # too long after the last burst to join it
                    self.joined_start_s = start_s
            if self.carried_speech_s + self.burst_speech_s >= self.config.min_speech_s:
                self.fired = True
                return "barge_in"
            return "onset" if onset else "speech"
        if self.burst_start_s is None:
            self._since_burst_s += duration_s
            return "quiet"
        self._gap_s += duration_s
        if not voiced:
            self._unvoiced_s += duration_s
        if self._unvoiced_s < self.config.bridge_s and self._gap_s < self.config.echo_bridge_s:
            return "speech"
        self.burst_start_s = None
        self._since_burst_s = self._gap_s
        self.carried_speech_s += self.burst_speech_s
        self.burst_speech_s = 0.0
        self._gap_s = 0.0
        self._unvoiced_s = 0.0
        return "backchannel"


def resume_hop(levels_dbfs: np.ndarray) -> int:
    """Where a held line goes on, given the levels of its last hops before the hold: the
    latest of the quietest (a gap between words, or the closure before a consonant), so the
    interrupted word is heard again from its start rather than from its middle."""
    if levels_dbfs.size == 0:
        return 0
    return int(levels_dbfs.size - 1 - np.argmin(levels_dbfs[::-1]))
