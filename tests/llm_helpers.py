"""Real LLM resources for tests, built once per test session.

- ``qwen_model_path()`` / ``smollm2_model_path()``: the two bundled GGUF files. The Qwen one is
  assembled into the *real* user cache (or ``$INTERVIEWER_TEST_MODEL_CACHE``), deliberately not
  into a per-test temp dir, so the 1.1 GB assembly happens once per machine.
- ``embedded_backend("qwen" | "smollm2")``: a loaded :class:`EmbeddedBackend` (2 threads).
- ``llama_server(model_path)``: a context manager that runs ``python -m llama_cpp.server`` on a
  free loopback port and yields a :class:`LlamaServer` (``.base_url`` is
  ``http://127.0.0.1:PORT/v1``; ``.kill()`` simulates a crash).
- ``shared_llama_server("smollm2" | "qwen")``: one such server per test process.

Plain cached functions rather than fixtures, so a test module wraps them in its own
fixture (``@pytest.fixture def qwen(): return embedded_backend("qwen")``) without ruff's
F811 on imported fixture names. ``import llm_helpers`` works because pytest puts ``tests/``
on sys.path (there is no tests/__init__.py).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import shutil
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

from interviewer import paths
from interviewer.llm.embedded import EmbeddedBackend
from interviewer.llm.gguf import QWEN_CODER_1_5B, assemble_split_model
from interviewer.llm.gguf import smollm2_model_path as _smollm2_model_path

TEST_THREADS = 2
# How long a test waits for a real server to start (it fails at once if the server exits)
# and for its reply: guards against a hang only. The backend's own reply timeout (60 s) is a
# user's setting; a loaded test machine may take longer, which says nothing about the code.
SERVER_START_TIMEOUT_S = 900.0
SERVER_REPLY_TIMEOUT_S = 900.0


def model_cache_dir() -> Path:
    """The cache the CLI uses too (INTERVIEWER_CACHE_DIR or the user cache), so the 1.1 GB
    model is assembled once per machine; INTERVIEWER_TEST_MODEL_CACHE overrides it for tests."""
    override = os.environ.get("INTERVIEWER_TEST_MODEL_CACHE")
    return Path(override) if override else paths.cache_dir()


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
        shutil.rmtree(log_dir, ignore_errors=True)


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


@functools.lru_cache(maxsize=2)
def shared_llama_server(which: Literal["qwen", "smollm2"] = "smollm2") -> LlamaServer:
    """One server per model per test process, stopped at exit. Tests must not kill it
    (start a private one with :func:`llama_server` for that)."""
    path = qwen_model_path() if which == "qwen" else smollm2_model_path()
    context = llama_server(path)
    server = context.__enter__()
    atexit.register(context.__exit__, None, None, None)
    return server
