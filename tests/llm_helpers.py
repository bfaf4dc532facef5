"""Real LLM resources for tests, built once per test session.

- ``qwen_model_path()`` / ``smollm2_model_path()``: the two bundled GGUF files. The Qwen one is
  assembled into the *real* user cache (or ``$INTERVIEWER_TEST_MODEL_CACHE``), deliberately not
  into a per-test temp dir, so the 1.1 GB assembly happens once per machine.
- ``embedded_backend("qwen" | "smollm2")``: a loaded :class:`EmbeddedBackend` (2 threads).
- ``llama_server(model_path)``: a context manager that runs ``python -m llama_cpp.server`` on a
  free loopback port and yields its OpenAI base URL (``http://127.0.0.1:PORT/v1``).

Use the fixtures below by importing their names into a test module, e.g.
``from llm_helpers import qwen_backend`` (pytest puts ``tests/`` on sys.path).
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from platformdirs import user_cache_dir

from interviewer.llm.embedded import EmbeddedBackend
from interviewer.llm.gguf import QWEN_CODER_1_5B, assemble_split_model
from interviewer.llm.gguf import smollm2_model_path as _smollm2_model_path

TEST_THREADS = 2
SERVER_START_TIMEOUT_S = 120.0


def model_cache_dir() -> Path:
    """Shared across test runs; independent of any fixture that redirects INTERVIEWER_*_DIR."""
    return Path(os.environ.get("INTERVIEWER_TEST_MODEL_CACHE") or user_cache_dir("interviewer"))


@functools.lru_cache(maxsize=1)
def qwen_model_path() -> Path:
    return assemble_split_model(QWEN_CODER_1_5B, cache_dir=model_cache_dir())


def smollm2_model_path() -> Path:
    return _smollm2_model_path()


@functools.lru_cache(maxsize=2)
def embedded_backend(which: Literal["qwen", "smollm2"]) -> EmbeddedBackend:
    path = qwen_model_path() if which == "qwen" else smollm2_model_path()
    return EmbeddedBackend(path, n_ctx=4096, n_threads=TEST_THREADS, seed=1234)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LlamaServer:
    """A running ``llama_cpp.server`` subprocess (see :func:`llama_server`)."""

    def __init__(self, process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
        self.process = process
        self.base_url = base_url
        self.log_path = log_path

    def log_tail(self, n_chars: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n_chars:]
        except OSError:
            return ""

    def kill(self) -> None:
        """Kill it hard, like a crash, and wait until the port is closed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@contextlib.contextmanager
def llama_server(model_path: Path, *, n_ctx: int = 4096) -> Iterator[LlamaServer]:
    """Start llama-cpp-python's OpenAI-compatible server on loopback; stop it afterwards."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    log_dir = Path(tempfile.mkdtemp(prefix="llama-server-"))
    log_path = log_dir / "server.log"
    cmd = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model_path),
        "--host", "127.0.0.1", "--port", str(port),
        "--n_threads", str(TEST_THREADS), "--n_threads_batch", str(TEST_THREADS),
        "--n_ctx", str(n_ctx),
        "--verbose", "False",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    server = LlamaServer(process, base_url, log_path)
    try:
        _wait_until_ready(server)
        yield server
    finally:
        server.stop()


def _wait_until_ready(server: LlamaServer) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited early:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.base_url + "/models", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"llama_cpp.server did not start in time:\n{server.log_tail()}")


# ---- pytest fixtures (import the names you use into your test module) ----


@pytest.fixture(scope="session")
def qwen_backend() -> EmbeddedBackend:
    return embedded_backend("qwen")


@pytest.fixture(scope="session")
def smollm2_backend() -> EmbeddedBackend:
    return embedded_backend("smollm2")


@pytest.fixture(scope="session")
def smollm2_server() -> Iterator[LlamaServer]:
    """One SmolLM2 server shared by a session's plumbing tests (do not kill it)."""
    with llama_server(smollm2_model_path()) as server:
        yield server


@pytest.fixture(scope="session")
def qwen_server() -> Iterator[LlamaServer]:
    """The default model behind a loopback server (slower to start: 1.1 GB)."""
    with llama_server(qwen_model_path()) as server:
        yield server
