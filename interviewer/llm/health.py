"""Prove the compiled llama.cpp library runs on this CPU, in a child process, before we trust it.

A llama.cpp build with instructions the CPU refuses (AMX on some virtual machines, or a wheel
built on another machine) does not fail to import: it dies with SIGILL at the first matrix
multiply, taking the interview and its unsaved state with it. So the first load of a model
file runs in a child process that generates a few tokens; a child killed by a signal becomes a
clear :class:`LLMUnavailableError` with the command that rebuilds the library. A success is
remembered (keyed by the library files, the model file and the CPU's flags), so later starts
skip the check.
"""

from __future__ import annotations

import hashlib
import json
import logging
import signal
import subprocess
import sys
from pathlib import Path

from .. import paths
from ..errors import LLMUnavailableError
from .cpu_build import rebuild_command

log = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 300.0
_STAMP_FILE = "llm-runs-here.json"

# Runs in the child: load the model and generate a few tokens from a prompt long enough to
# take llama.cpp's batched matrix paths (where the CPU-specific kernels live).
_CHILD = r"""
import sys
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=512, n_threads=int(sys.argv[2]),
            n_threads_batch=int(sys.argv[2]), verbose=False)
prompt = ("An interviewer asks a machine learning engineer how they would design a system "
          "that ranks videos for a home feed, and the engineer answers that")
out = llm.create_completion(prompt, max_tokens=4, temperature=0.0)
print(repr(out["choices"][0]["text"]))
"""


def _library_files() -> list[Path]:
    import importlib.util

    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or spec.origin is None:
        return []
    lib = Path(spec.origin).parent / "lib"
    return sorted(p for p in lib.glob("*.so*") if p.is_file())


def _cpu_flags_line() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.startswith("flags"):
                return line
    except OSError:
        pass
    return ""


def check_key(model_path: Path) -> str:
    """What a remembered success depends on: library files, the model file, the CPU."""
    digest = hashlib.sha256()
    for path in [*_library_files(), model_path]:
        stat = path.stat()
        digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    digest.update(_cpu_flags_line().encode())
    return digest.hexdigest()


def _stamp_path() -> Path:
    return paths.cache_dir() / _STAMP_FILE


def _known() -> list[str]:
    """The keys that passed the check; an unreadable stamp file just means none."""
    try:
        return list(json.loads(_stamp_path().read_text(encoding="utf-8")).get("ok", []))
    except (OSError, ValueError, AttributeError, TypeError):
        return []


def _remembered(key: str) -> bool:
    return key in _known()


def _remember(key: str) -> None:
    path = _stamp_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"ok": [*_known()[-7:], key]}), encoding="utf-8")


def signal_name(returncode: int) -> str:
    """``-4`` -> ``SIGILL``: how a child killed by a signal reports it."""
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def explain_crash(returncode: int, stderr: str) -> LLMUnavailableError:
    """The error a user reads when the model child died instead of generating."""
    if returncode < 0:
        name = signal_name(returncode)
        what = (
            "the compiled model library uses CPU instructions this machine refuses"
            if name in {"SIGILL", "SIGBUS", "SIGSEGV"}
            else "the model process was killed"
        )
        message = f"{what} (the model test process died with {name})"
    else:
        tail = stderr.strip().splitlines()[-1:] or ["no output"]
        message = f"the model test process failed (exit {returncode}): {tail[0]}"
    return LLMUnavailableError(
        message,
        hint=f"rebuild llama-cpp-python for this CPU with `{rebuild_command()}`, "
        "or use --backend openai with a server",
    )


def run_check(model_path: Path, n_threads: int, child_code: str = _CHILD) -> str:
    """Generate a few tokens in a child process; its text, or a clear error if it crashed."""
    try:
        proc = subprocess.run(
            [sys.executable, "-c", child_code, str(model_path), str(n_threads)],
            capture_output=True,
            text=True,
            timeout=CHECK_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise LLMUnavailableError(
            f"the model test process did not finish in {CHECK_TIMEOUT_S:.0f} s",
            hint="the machine may be overloaded; try again, or pass --model smollm2",
        ) from exc
    if proc.returncode != 0:
        raise explain_crash(proc.returncode, proc.stderr)
    return proc.stdout.strip()


def ensure_model_runs(model_path: Path, n_threads: int) -> None:
    """Run the child check once per (library, model, CPU); raise if the library cannot run."""
    key = check_key(model_path)
    if _remembered(key):
        return
    log.info("checking that %s runs on this CPU (once)", model_path.name)
    run_check(model_path, n_threads)
    _remember(key)


def remember_success(model_path: Path) -> None:
    """Record that this library, model and CPU passed the check."""
    _remember(check_key(model_path))
