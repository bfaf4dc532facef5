"""`interviewer serve` started as a user starts it (a child process), for the web tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from shared_data import REPO_ROOT

URL_LINE = re.compile(r"http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_\-]+)")


@dataclass
class Server:
    url: str
    port: int
    token: str
    process: subprocess.Popen
    output: list[str]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def at(self, path: str) -> str:
        return f"{self.base}{path}?token={self.token}"

    def ws(self, token: str | None = None) -> str:
        query = f"?token={token if token is not None else self.token}" if token != "" else ""
        return f"ws://127.0.0.1:{self.port}/ws{query}"


@contextmanager
def serving(
    recordings: Path, *args: str, env: dict[str, str] | None = None, timeout_s: float = 60
) -> Iterator[Server]:
    """Start ``interviewer serve --no-browser ARGS``; stop it afterwards."""
    environment = (env or os.environ.copy()) | {"INTERVIEWER_RECORDINGS_DIR": str(recordings)}
    process = subprocess.Popen(
        [sys.executable, "-m", "interviewer", "serve", "--no-browser", *args],
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + timeout_s
        found = None
        seen = []
        while found is None and time.monotonic() < deadline:
            line = process.stdout.readline()  # type: ignore[union-attr]
            if not line:
                break
            seen.append(line)
            found = URL_LINE.search(line)
        if found is None:
            raise AssertionError("serve printed no URL:\n" + "".join(seen))
        url = found.group(0)
        token = parse_qs(urlparse(url).query)["token"][0]
        # Keep reading what it prints (a full pipe would stop the server); kept for messages.
        threading.Thread(
            target=lambda: seen.extend(iter(process.stdout.readline, "")),  # type: ignore[union-attr]
            daemon=True,
        ).start()
        yield Server(url, int(found.group(1)), token, process, seen)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()  # type: ignore[union-attr]


def start_interview(
    page, server: Server, round_type: str, question: str | None = None, depth: int = 1
) -> None:
    """Start an interview from the home page's form, as a user does (Playwright page)."""
    page.goto(server.url)
    page.select_option("#round", round_type)
    if question:
        page.select_option("#question", question)
    page.fill("input[name=depth]", str(depth))
    page.click("#start button[type=submit]")
    page.wait_for_url("**/interview?**")
