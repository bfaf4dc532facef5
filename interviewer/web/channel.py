"""Between the interview thread and the pages: events out (lines, turns, words, levels,
status), and what the page hears (playback acknowledgements) back.

Every event also updates a snapshot (the transcript so far and the turn in progress), sent
first to a page that connects, so a page that lost its WebSocket picks the session up where
it is: nothing lives only in the socket. The turns themselves are in session.json, written
by the runner after every turn.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..session.models import Turn
from .inbox import PageInbox
from .page_line import PageLine

if TYPE_CHECKING:
    from ..interview.live.after_turn import AfterTurnListener

log = logging.getLogger(__name__)

# A line is waited for until the page has played it, or this long past its duration (a page
# that never says so, e.g. a tab in the background).
PLAYBACK_GRACE_S = 4.0
LEVEL_EVERY_N_FRAMES = 3  # ~10 level updates a second (frames are 32 ms)


@dataclass
class LineLatency:
    """One interviewer line that followed a spoken answer: when the answer's speech ended
    and when the line's first audio started, on the server's clock and on the page's."""

    line: int
    server_speech_end_s: float | None = None  # perf_counter: the speech end's frame arrived
    server_first_sample_s: float | None = None  # perf_counter: the line was synthesised
    page_frame_seq: int | None = None  # the page frame that held the speech end
    page_frame_after: int = 0  # samples after the speech end in that frame
    page_latency_ms: float | None = None  # page clock: speech end to the line's audio start

    @property
    def server_latency_ms(self) -> float | None:
        if self.server_speech_end_s is None or self.server_first_sample_s is None:
            return None
        return (self.server_first_sample_s - self.server_speech_end_s) * 1000


@dataclass
class Snapshot:
    """What a (re)connecting page needs to show the session as it is."""

    state: str = "idle"  # idle, loading, running, finished, failed
    session_id: str | None = None
    status: str = ""
    turns: list[dict] = field(default_factory=list)
    listening: dict | None = None  # the turn being answered (round, question, time box)
    code: dict | None = None  # the code pad's question and text
    last_run: dict | None = None
    error: str | None = None


class PageChannel:
    """Thread-safe publish to every connected page; acknowledgements from them."""

    def __init__(self) -> None:
        self.inbox = PageInbox()
        self.snapshot = Snapshot()
        self.latencies: list[LineLatency] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._clients: set[asyncio.Queue] = set()
        self._lock = threading.Lock()
        self._heard: dict[int, threading.Event] = {}
        self._playing: dict[int, PageLine] = {}  # lines sent, until heard or given up
        self._lines = 0
        self._frames = 0
        self._pending_latency: LineLatency | None = None

    # --- pages ------------------------------------------------------------------------------

    def attach(self, loop: asyncio.AbstractEventLoop) -> asyncio.Queue:
        """A page connected: its queue of outgoing messages, starting with the snapshot."""
        self._loop = loop
        out: asyncio.Queue = asyncio.Queue()
        with self._lock:
            out.put_nowait(({"type": "snapshot", **self._snapshot_dict()}, None))
            self._clients.add(out)
        return out

    def detach(self, out: asyncio.Queue) -> None:
        with self._lock:
            self._clients.discard(out)

    @property
    def connected(self) -> int:
        return len(self._clients)

    def publish(self, event: dict, binary: bytes | None = None) -> None:
        """Send to every page (from any thread)."""
        loop = self._loop
        if loop is None:
            return
        with self._lock:
            clients = list(self._clients)
        for out in clients:
            try:
                loop.call_soon_threadsafe(out.put_nowait, (event, binary))
            except RuntimeError:  # the server has stopped: nobody to tell
                return

    def _snapshot_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self.snapshot)

    # --- the interview's side ---------------------------------------------------------------

    def set_state(self, state: str, **fields: Any) -> None:
        self.snapshot.state = state
        for key, value in fields.items():
            setattr(self.snapshot, key, value)
        self.publish({"type": "state", "state": state, **fields})

    def status(self, message: str) -> None:
        self.snapshot.status = message
        self.publish({"type": "status", "text": message})

    def listening(self, info: dict) -> None:
        self.snapshot.listening = info
        self.publish({"type": "listen", **info})

    def words(self, text: str) -> None:
        self.publish({"type": "words", "text": text})

    def level(self, info: Any) -> None:
        self._frames += 1
        if self._frames % LEVEL_EVERY_N_FRAMES == 0:
            self.publish(
                {
                    "type": "level",
                    "dbfs": round(float(info.rms_dbfs), 1),
                    "speech": round(float(info.speech_prob), 2),
                }
            )

    def code_edited(self, text: str) -> None:
        """The pad's newest text, for a page that reconnects."""
        with self._lock:
            if self.snapshot.code is not None:
                self.snapshot.code = self.snapshot.code | {"text": text}

    def code(self, question_id: str, text: str, path: Path) -> None:
        with self._lock:
            self.snapshot.code = {"question_id": question_id, "text": text, "file": path.name}
        self.publish({"type": "code", **self.snapshot.code})

    def run_result(self, result: dict) -> None:
        self.snapshot.last_run = result
        self.publish({"type": "run", **result})

    def turn(self, turn: Turn) -> None:
        item = {
            "index": turn.index,
            "speaker": turn.speaker,
            "text": turn.text,
            "act": turn.act,
            "start": turn.start,
            "source": turn.source,
        }
        with self._lock:  # a page attaching copies the snapshot under the same lock
            turns = self.snapshot.turns
            # A reopened answer comes again under its index (the candidate went on): it
            # replaces the part shown before.
            same = [i for i, t in enumerate(turns) if t["index"] == turn.index]
            if same:
                turns[same[0]] = item
            else:
                turns.append(item)
            if turn.speaker == "candidate":
                self.snapshot.listening = None
        self.publish({"type": "turn", **item})

    def turn_withdrawn(self, index: int) -> None:
        """A turn taken back (an acknowledgement the candidate went on over): off the page."""
        with self._lock:
            turns = self.snapshot.turns
            turns[:] = [t for t in turns if t["index"] != index]
        self.publish({"type": "turn_withdrawn", "index": index})

    def answer_ended(self, speech_end_sample: int | None) -> None:
        """A spoken answer was taken: note where its speech ended, for the next line's
        latency (server clock: the frame's arrival; page clock: the page's frame number)."""
        pending = LineLatency(line=-1)
        if speech_end_sample is not None:
            found = self.inbox.turn.arrival_of(speech_end_sample)
            if found is not None:
                pending.server_speech_end_s, pending.page_frame_seq, pending.page_frame_after = (
                    found
                )
        self._pending_latency = pending if pending.server_speech_end_s is not None else None

    # --- lines: played in the page ------------------------------------------------------------

    def say(
        self,
        path: Path | None,
        text: str,
        duration: float,
        listener: AfterTurnListener | None = None,
    ) -> None:
        """Send one line (text and WAV) to the pages; wait until one has played it, or
        stopped it. With ``listener`` (the candidate's microphone, open after their turn)
        the line is held, resumed and stopped in the page as the listener decides
        (page_line.py); the page's microphone is echo-cancelled by the browser, so the
        listener takes every voiced frame for the candidate's."""
        with self._lock:
            self._lines += 1
            line = self._lines
            heard = self._heard[line] = threading.Event()
        latency, self._pending_latency = self._pending_latency, None
        event: dict = {"type": "say", "line": line, "text": text, "duration": round(duration, 3)}
        if latency is not None:
            latency.line = line
            latency.server_first_sample_s = time.perf_counter()
            self.latencies.append(latency)
            event["after_frame"] = {
                "seq": latency.page_frame_seq,
                "after": latency.page_frame_after,
            }
        audio = path.read_bytes() if path is not None and path.is_file() else None
        event["audio"] = audio is not None
        playing = _page_line(line, audio, self.publish) if audio is not None else None
        with self._lock:
            if playing is not None:
                self._playing[line] = playing
        self.publish(event, audio)
        if listener is not None and playing is not None:
            listener.voice_started(playing, echo_cancelled=True)  # type: ignore[arg-type]
        try:
            if self.connected:
                # Held time does not count against the wait: a held line ends that much later.
                sent = time.perf_counter()
                while not heard.wait(0.05):
                    held_s = playing.holding_s if playing is not None else 0.0
                    if time.perf_counter() - sent > duration + PLAYBACK_GRACE_S + held_s:
                        break
            else:
                time.sleep(duration)  # nobody is listening: the line takes its time all the same
        finally:
            if listener is not None and playing is not None:
                listener.voice_ended()
            with self._lock:
                self._heard.pop(line, None)
                self._playing.pop(line, None)

    def heard_start(self, line: int, page_latency_ms: float | None) -> None:
        """A page started playing ``line``; from the end of the answer's speech to now, on
        the page's own clock, when it could tell."""
        with self._lock:
            playing = self._playing.get(line)
        if playing is not None:
            playing.page_started()
        if page_latency_ms is None:
            return
        for item in self.latencies:
            if item.line == line and item.page_latency_ms is None:
                item.page_latency_ms = round(float(page_latency_ms), 1)

    def held(self, line: int, at_s: float) -> None:
        """A page paused ``line`` at ``at_s`` of it (after a "hold")."""
        with self._lock:
            playing = self._playing.get(line)
        if playing is not None:
            playing.page_held(at_s)

    def heard(self, line: int, played_s: float | None = None) -> None:
        """A page finished playing ``line``: to its end, or stopped at ``played_s``."""
        with self._lock:
            event = self._heard.get(line)
            playing = self._playing.get(line)
        if playing is not None:
            playing.page_finished(played_s)
        if event is not None:
            event.set()


def _page_line(line: int, wav: bytes, publish: Callable[[dict], None]) -> PageLine | None:
    """The line's samples, for the listener's resume point; None if the WAV cannot be read
    (the page is then sent it as before, and it plays to its end)."""
    import io

    import soundfile as sf

    try:
        samples, rate = sf.read(io.BytesIO(wav), dtype="float32", always_2d=True)
    except (sf.SoundFileError, RuntimeError) as exc:
        log.warning("cannot read line %d's audio: %s", line, exc)
        return None
    return PageLine(line, samples.mean(axis=1), rate, publish)


class PageObserver:
    """The runner's observer (interview/runner.py): every turn and status to the pages."""

    def __init__(self, channel: PageChannel, on_turn: Callable[[Turn], None] | None = None):
        self.channel = channel
        self.on_turn = on_turn

    def turn_recorded(self, turn: Turn) -> None:
        self.channel.turn(turn)
        if self.on_turn is not None:
            self.on_turn(turn)

    def turn_withdrawn(self, index: int) -> None:
        self.channel.turn_withdrawn(index)

    def status(self, message: str) -> None:
        self.channel.status(message)
