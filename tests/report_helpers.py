"""A real recorded session for report/replay tests: espeak-ng speech, faster-whisper words.

Built once per test process (about 10 s on two cores) and copied into each test's tmp_path.
"""

from __future__ import annotations

import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import soundfile as sf
from audio_helpers import synth_wav

from interviewer.session.models import Session, Turn, Word
from interviewer.session.store import SessionWriter

SCRIPT: list[tuple[str, str, str]] = [
    (
        "interviewer",
        "ask",
        "Write a function that finds two numbers in a list that add up to a target.",
    ),
    (
        "candidate",
        "",
        "Can I assume the list fits in memory? Are the values integers? "
        "I will use a hash map because a lookup is constant time. "
        "That gives linear time and linear space.",
    ),
    ("interviewer", "probe", "Why is a hash map lookup constant time?"),
    (
        "candidate",
        "",
        "I am not sure about the worst case, but I would reason that hashing "
        "spreads the keys evenly, so each bucket stays small.",
    ),
]
GAP_S = 0.4


@lru_cache(maxsize=1)
def _build() -> Path:
    from interviewer.speech.stt import load_transcriber

    root = Path(tempfile.mkdtemp(prefix="interviewer-report-session-"))
    writer = SessionWriter(root / "recorded", Session(id="recorded", rounds=["coding"]))
    clock = 0.0
    for index, (speaker, act, text) in enumerate(SCRIPT):
        wav = synth_wav(text, writer.audio_path(index, speaker), speed_wpm=150)
        duration = sf.info(str(wav)).duration
        words: list[Word] = []
        spoken = text
        if speaker == "candidate":
            result = load_transcriber().transcribe(wav)
            words = [
                Word(
                    word=w.word,
                    start=round(clock + w.start, 3),
                    end=round(clock + w.end, 3),
                    probability=w.probability,
                )
                for w in result.words
            ]
            spoken = result.text
        writer.add_turn(
            Turn(
                index=index,
                speaker=speaker,
                text=spoken,
                start=round(clock, 3),
                end=round(clock + duration, 3),
                audio=wav.name,
                words=words,
                round="coding",
                act=act or None,
                source="microphone" if speaker == "candidate" else None,
            )
        )
        clock += duration + GAP_S
    writer.finish()
    return writer.folder


def recorded_session(tmp_path: Path) -> Path:
    """A private copy of the recorded session folder."""
    target = tmp_path / "recorded"
    shutil.copytree(_build(), target)
    return target


# --- a tiny Chrome DevTools Protocol client (stdlib only) -----------------------------------
# Enough of RFC 6455 to drive one page: text frames, client-side masking, no fragmentation.


class CDPPage:
    """One browser tab driven over the DevTools websocket."""

    def __init__(self, ws_url: str, timeout_s: float = 30.0) -> None:
        import base64
        import os as _os
        import socket
        from urllib.parse import urlparse

        url = urlparse(ws_url)
        self._sock = socket.create_connection((url.hostname, url.port), timeout=timeout_s)
        key = base64.b64encode(_os.urandom(16)).decode()
        self._sock.sendall(
            f"GET {url.path} HTTP/1.1\r\nHost: {url.hostname}:{url.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = self._sock.recv(4096)
            if not chunk:
                raise ConnectionError("DevTools closed the websocket handshake")
            reply += chunk
        if b" 101 " not in reply.split(b"\r\n", 1)[0]:
            raise ConnectionError(reply.decode(errors="replace"))
        self._buffer = reply.split(b"\r\n\r\n", 1)[1]
        self._next_id = 0

    def _recv_exact(self, n: int) -> bytes:
        while len(self._buffer) < n:
            chunk = self._sock.recv(65536)
            if not chunk:
                raise ConnectionError("DevTools closed the websocket")
            self._buffer += chunk
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    def _send(self, text: str) -> None:
        import os as _os
        import struct

        payload = text.encode()
        header = bytearray([0x81])
        if len(payload) < 126:
            header.append(0x80 | len(payload))
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        mask = _os.urandom(4)
        self._sock.sendall(
            bytes(header) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        )

    def _recv(self) -> str:
        import struct

        first, second = self._recv_exact(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack(">H", self._recv_exact(2))[0]
        elif length == 127:
            length = struct.unpack(">Q", self._recv_exact(8))[0]
        payload = self._recv_exact(length)
        return payload.decode(errors="replace") if first & 0x0F == 1 else ""

    def call(self, method: str, **params: object) -> dict:
        import json

        self._next_id += 1
        self._send(json.dumps({"id": self._next_id, "method": method, "params": params}))
        while True:
            text = self._recv()
            if not text:
                continue
            message = json.loads(text)
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str) -> object:
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        self._sock.close()


# --- a headless Chromium tab on a page, for page checks ---------------------------------------

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def wait_for(predicate, what: str, timeout_s: float = 20.0):
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class HeadlessPage:
    """``with HeadlessPage(page_path, profile) as page:`` a loaded tab, closed afterwards.

    Skips the test when chromium is not installed."""

    def __init__(
        self, path: Path, profile: Path, window: str = "1000,2400", extra_flags: tuple = ()
    ) -> None:
        self.path = path
        self.profile = profile
        self.window = window
        self.extra_flags = list(extra_flags)

    def __enter__(self) -> CDPPage:
        import json
        import subprocess
        import urllib.request

        import pytest

        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if exe is None:
            pytest.skip("chromium is not installed (apt-get install chromium)")
        self.browser = subprocess.Popen(
            [
                exe,
                *CHROMIUM_FLAGS,
                *self.extra_flags,
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=0",
                f"--window-size={self.window}",
                self.path.resolve().as_uri(),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            port_file = self.profile / "DevToolsActivePort"
            port = int(
                wait_for(
                    lambda: port_file.is_file() and port_file.read_text().split()[0:1],
                    "DevToolsActivePort",
                )[0]
            )
            targets = wait_for(
                lambda: [
                    t
                    for t in json.load(
                        urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5)
                    )
                    if t.get("type") == "page"
                ],
                "the page target",
            )
            self.page = CDPPage(targets[0]["webSocketDebuggerUrl"])
            wait_for(lambda: self.page.evaluate("document.readyState") == "complete", "page load")
        except BaseException:
            self.browser.terminate()
            self.browser.wait(timeout=30)
            raise
        return self.page

    def __exit__(self, *exc: object) -> None:
        self.page.close()
        self.browser.terminate()
        self.browser.wait(timeout=30)
