"""`interviewer serve` keeps to its user: the token, the Origin, the Host, 127.0.0.1 only,
and no path from the browser to the file system unchecked. The real server, in a child
process, as a user starts it; no model loads until an interview starts, so these are fast."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from pathlib import Path

import httpx
import pytest
import websockets
from web_helpers import Server, serving

from interviewer.session.models import Session, Turn
from interviewer.session.store import SessionWriter
from interviewer.speech_acts import asks_to_run
from interviewer.speech_requests import read_request
from interviewer.turns.endpointing import TurnEndPolicy
from interviewer.web.phrases import load_buttons


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("recordings")
    writer = SessionWriter(root / "s1", Session(id="s1", rounds=["coding"]))
    audio = writer.audio_path(0, "candidate")
    audio.write_bytes(b"RIFF....WAVE")
    writer.add_turn(
        Turn(index=0, speaker="candidate", text="hello", start=0, end=1, audio=audio.name)
    )
    (root / "secret.txt").write_text("not for the browser")
    return root


@pytest.fixture(scope="module")
def server(recordings: Path):
    env = os.environ.copy() | {"INTERVIEWER_DATA_DIR": str(recordings.parent / "data")}
    with serving(recordings, env=env) as running:
        yield running


def test_the_page_needs_the_token(server: Server) -> None:
    assert httpx.get(server.url).status_code == 200
    assert "Practise an interview" in httpx.get(server.url).text
    for path in ("/", "/interview", "/sessions", "/static/interview.js", "/sessions/s1"):
        assert httpx.get(server.base + path).status_code == 401, path
        assert httpx.get(f"{server.base}{path}?token=wrong").status_code == 403, path
        assert httpx.get(server.at(path)).status_code == 200, path
    # The header works as well as the query; a POST without the token starts nothing.
    assert httpx.get(server.base + "/", headers={"X-Interviewer-Token": server.token}).is_success
    assert httpx.post(server.base + "/start", data={"round": "coding"}).status_code == 401


def test_a_foreign_host_is_refused(server: Server) -> None:
    """A DNS-rebinding page reaches 127.0.0.1 under another name: refused even with the
    token (which it would not have anyway)."""
    reply = httpx.get(server.url, headers={"Host": f"evil.example:{server.port}"})
    assert reply.status_code == 403


def _ws_status(url: str, origin: str | None) -> int | str:
    async def attempt() -> int | str:
        try:
            async with websockets.connect(url, origin=origin, open_timeout=10) as ws:
                first = json.loads(await asyncio.wait_for(ws.recv(), 10))
                return first["type"]
        except websockets.InvalidStatus as exc:
            return exc.response.status_code

    return asyncio.run(attempt())


def test_websocket_needs_the_token_and_our_origin(server: Server) -> None:
    own = f"http://127.0.0.1:{server.port}"
    assert _ws_status(server.ws(), own) == "snapshot"
    assert _ws_status(server.ws(), "http://evil.example") == 403
    assert _ws_status(server.ws(), f"http://127.0.0.1:{server.port + 1}") == 403
    assert _ws_status(server.ws(), None) == 403  # no Origin: not a page of ours
    assert _ws_status(server.ws(token=""), own) == 403
    assert _ws_status(server.ws(token="wrong"), own) == 403


def _listening_addresses(port: int) -> list[str]:
    """Local addresses of listening sockets on ``port`` (/proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.is_file():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == "0A":  # LISTEN
                found.append(address)
    return found


def test_listens_on_loopback_only(server: Server) -> None:
    if not Path("/proc/net/tcp").is_file():
        pytest.skip("no /proc/net/tcp on this system")
    assert _listening_addresses(server.port) == ["0100007F"]  # 127.0.0.1, nothing else
    outward = _outward_address()
    if outward is not None:
        with pytest.raises(OSError):
            socket.create_connection((outward, server.port), timeout=3).close()


def _outward_address() -> str | None:
    """This machine's address on its default route (no packet is sent), if it has one."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


def test_no_path_reaches_the_file_system_unchecked(server: Server, recordings: Path) -> None:
    audio = server.at("/sessions/s1/audio/turn-000-candidate.wav")
    assert httpx.get(audio).status_code == 200
    for path in (
        "/sessions/s1/audio/session.json",  # in the folder, but no turn's recording
        "/sessions/s1/audio/..%2Fsecret.txt",
        "/sessions/..%2F..%2Fetc/audio/passwd",
        "/sessions/nope",
        "/static/..%2F..%2Fweb%2Fapp.py",
        "/static/%2Fetc%2Fpasswd",
    ):
        reply = httpx.get(server.at(path))
        assert reply.status_code == 404, (path, reply.status_code)
        assert "not for the browser" not in reply.text


def test_each_button_sends_a_phrase_the_policy_reads() -> None:
    buttons = load_buttons()
    for button in buttons.buttons:
        if button.request:
            assert read_request(button.say).kind == button.request, button
        if button.done:
            assert TurnEndPolicy().classify(button.say) == "done", button
    assert asks_to_run(buttons.run_tests)


def test_port_in_use_is_a_clear_error(server: Server, recordings: Path) -> None:
    from cli_helpers import run_cli

    proc = run_cli("serve", "--no-browser", "--port", str(server.port), timeout=120)
    assert proc.returncode == 2
    assert f"cannot listen on 127.0.0.1:{server.port}" in proc.stderr


def test_local_audio_without_a_microphone_is_a_clear_error(tmp_path: Path) -> None:
    from audio_helpers import no_mic_env
    from cli_helpers import run_cli

    proc = run_cli("serve", "--no-browser", "--local-audio", env=no_mic_env(tmp_path), timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "no microphone" in proc.stderr and "Traceback" not in proc.stderr


def test_the_pages_after_a_session(server: Server) -> None:
    """Session list, scorecard, replay, progress and plan: the same templates as the files."""
    for path, heading in (
        ("/sessions", "<h1>Sessions</h1>"),
        ("/sessions/s1", "<h1>Interview report</h1>"),
        ("/sessions/s1/replay", "<h1>Replay</h1>"),
        ("/progress", "<h1>Interview progress</h1>"),
        ("/plan", "<h1>Study plan</h1>"),
    ):
        reply = httpx.get(server.at(path))
        assert reply.status_code == 200, path
        assert heading in reply.text, path
    # The replay's recordings are this server's URLs, with this launch's token.
    replay = httpx.get(server.at("/sessions/s1/replay")).text
    assert f"/sessions/s1/audio/turn-000-candidate.wav?token={server.token}" in replay
