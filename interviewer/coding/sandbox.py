"""Run hidden tests on a candidate's file, in a separate and limited process.

    run_tests(solution_path, tests_source, limits) -> RunResult

The file is copied into a fresh temporary folder and tested by ``harness.py`` under
``python -I -B`` (no user site, no PYTHON* variables, no bytecode written), with:

- rlimits: CPU seconds, address space, file size (which also caps stdout and stderr, sent to
  files), open files, no core dumps, and processes where the kernel counts them;
- its own process group, killed whole at the wall-clock limit;
- no network, where ``unshare`` (or bubblewrap) works on this machine: detected once, by
  trying it, never assumed. bubblewrap also makes everything outside the folder read-only;
- inside, an audit hook that refuses writes and deletions outside the folder, new processes
  and sockets, a timer per test, and a cap on print().

This is a guard against accidents in a practice tool run by the candidate on their own code
(an infinite loop, a 10 GB list, ``shutil.rmtree`` on the wrong path), not a jail for hostile
code: without bubblewrap, code that works around the audit hook on purpose is not stopped.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

from .models import CaseResult, RunResult

log = logging.getLogger(__name__)

HARNESS = Path(__file__).with_name("harness.py")
SOLUTION_NAME = "solution.py"
# The report channel stays small (one short JSON line per test); more is a harness fault.
MAX_REPORT_BYTES = 1_000_000


class SandboxLimits(BaseModel):
    """The limits of one run. Defaults are sized for interview tasks: each reference solution
    passes its tests in well under a second (see tests/test_coding_tasks.py)."""

    wall_s: float = Field(default=10.0, gt=0, description="the whole run, then the group is killed")
    case_timeout_s: float = Field(
        default=2.0, gt=0, description="CPU seconds for one test (a sleep is left to wall_s)"
    )
    cpu_s: int = Field(default=8, gt=0, description="RLIMIT_CPU")
    memory_mb: int = Field(default=1024, gt=64, description="RLIMIT_AS, address space")
    file_size_mb: int = Field(default=1, gt=0, description="RLIMIT_FSIZE: files, stdout, stderr")
    open_files: int = Field(default=64, gt=8, description="RLIMIT_NOFILE")
    extra_processes: int = Field(
        default=32, ge=0, description="RLIMIT_NPROC above the user's current tasks"
    )
    output_limit_bytes: int = Field(default=65_536, gt=0, description="print() inside tests")

    def describe(self) -> str:
        return (
            f"wall {self.wall_s:g} s, CPU {self.case_timeout_s:g} s per test and {self.cpu_s} s "
            "in all, "
            f"memory {self.memory_mb} MB, files {self.file_size_mb} MB, "
            f"output {self.output_limit_bytes // 1024} KB"
        )


# Tried in order; the first that runs `true` on this machine wraps every run.
_BWRAP = [
    "bwrap",
    "--unshare-all",
    "--die-with-parent",
    "--ro-bind",
    "/",
    "/",
    "--dev",
    "/dev",
    "--proc",
    "/proc",
    "--tmpfs",
    "/tmp",
]
_UNSHARE_CHOICES = [
    ["unshare", "--net", "--pid", "--fork", "--kill-child"],
    ["unshare", "--map-root-user", "--net", "--pid", "--fork", "--kill-child"],
    ["unshare", "--map-root-user", "--net"],
    ["unshare", "--net"],
]


def _works(prefix: list[str]) -> bool:
    if shutil.which(prefix[0]) is None:
        return False
    try:
        done = subprocess.run([*prefix, "true"], capture_output=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


@lru_cache(maxsize=1)
def isolation() -> tuple[str, tuple[str, ...]]:
    """(name, command prefix) of the network isolation that works here; ('none', ()) if none."""
    if os.environ.get("INTERVIEWER_SANDBOX_ISOLATION") == "none":
        return "none", ()
    if _works([*_BWRAP, "--chdir", "/"]):
        return "bubblewrap", tuple(_BWRAP)
    for prefix in _UNSHARE_CHOICES:
        if _works(prefix):
            return " ".join(prefix), tuple(prefix)
    log.info("no working unshare or bubblewrap: runs keep the network")
    return "none", ()


def _count_user_tasks() -> int:
    """This user's processes and threads now: RLIMIT_NPROC counts both, for the whole user."""
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(entry / "task"))
            except OSError:
                continue
    return count


def _limit_child(limits: SandboxLimits, nproc: int):
    """The preexec function: rlimits in the child, before it executes anything."""

    def apply() -> None:
        mb = 1024 * 1024
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 1))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mb, limits.memory_mb * mb))
        size = limits.file_size_mb * mb
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        # Counted per user, and not enforced for root: the audit hook refuses fork too.
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))

    return apply


def _read_all(fd: int, sink: bytearray) -> None:
    with os.fdopen(fd, "rb") as fh:
        while chunk := fh.read(65536):
            if len(sink) < MAX_REPORT_BYTES:
                sink.extend(chunk)


def _death(returncode: int, killed_at_wall: bool, limits: SandboxLimits) -> str:
    """One sentence for a run that stopped before reporting its end."""
    if killed_at_wall:
        return f"The run did not finish within {limits.wall_s:g} seconds and was stopped."
    signum = -returncode if returncode < 0 else returncode - 128 if returncode > 128 else 0
    if signum == signal.SIGXCPU:
        return f"The run used more than {limits.cpu_s} seconds of CPU and was stopped."
    if signum == signal.SIGXFSZ:
        return (
            f"The code wrote more than {limits.file_size_mb} MB of output or files and was stopped."
        )
    if signum in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT):
        return "The run crashed, probably out of memory, and was stopped."
    return f"The run stopped unexpectedly (exit status {returncode})."


def _result(lines: list[dict], *, stopped: str | None, timed_out: bool) -> RunResult:
    """Compose the harness's report lines; ``stopped`` says why it never reported its end."""
    result = RunResult()
    begun: dict | None = None
    for line in lines:
        if "start" in line:
            result.total = int(line["start"]["total"])
        elif "problem" in line:
            result.problem = str(line["problem"])
        elif "begin" in line:
            begun = line["begin"]
        elif "case" in line:
            result.cases.append(CaseResult.model_validate(line["case"]))
            begun = None
    if result.problem is not None or (stopped and result.total == 0):
        result.problem = result.problem or stopped
        result.cases = []
        result.timed_out = timed_out
        return result
    if stopped:
        if begun is not None:
            status = "timed_out" if timed_out else "error"
            result.cases.append(CaseResult(**begun, status=status, detail=stopped))
        for number in range(len(result.cases) + 1, result.total + 1):
            result.cases.append(CaseResult(name=f"test {number}", input="", status="not_run"))
    for case in result.cases:
        if case.status == "passed":
            result.passed += 1
        elif case.status == "failed":
            result.failed += 1
        else:
            result.errors += 1
    result.timed_out = timed_out or any(c.status == "timed_out" for c in result.cases)
    first = next((c for c in result.cases if c.status != "passed"), None)
    if first is not None:
        result.first_failing_input = first.input or None
        result.first_failure = first.detail or stopped
    return result


def run_tests(solution: Path, tests_source: str, limits: SandboxLimits | None = None) -> RunResult:
    """Run the hidden tests on ``solution`` as it is now; never raises for bad code."""
    limits = limits or SandboxLimits()
    started = time.perf_counter()
    name, prefix = isolation()
    if not solution.is_file():
        return RunResult(problem=f"There is no file at {solution}.", isolation=name)
    with tempfile.TemporaryDirectory(prefix="interviewer-run-") as tmp:
        folder = Path(tmp)
        shutil.copyfile(solution, folder / SOLUTION_NAME)
        shutil.copyfile(HARNESS, folder / "harness.py")
        read_fd, write_fd = os.pipe()
        request = {
            "report_fd": write_fd,
            "tests": tests_source,
            "solution": SOLUTION_NAME,
            "case_timeout_s": limits.case_timeout_s,
            "output_limit_bytes": limits.output_limit_bytes,
        }
        command = [sys.executable, "-I", "-B", "harness.py"]
        if prefix and prefix[0] == "bwrap":
            command = [*prefix, "--bind", str(folder), str(folder), "--chdir", str(folder)] + [
                *command
            ]
        elif prefix:
            command = [*prefix, *command]
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(folder),
            "LANG": "C.UTF-8",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
        report = bytearray()
        nproc = _count_user_tasks() + limits.extra_processes
        killed_at_wall = False
        with (
            open(folder / "stdout.txt", "wb") as out,
            open(folder / "stderr.txt", "wb") as err,
        ):
            try:
                proc = subprocess.Popen(
                    command,
                    cwd=folder,
                    env=env,
                    stdin=subprocess.PIPE,
                    stdout=out,
                    stderr=err,
                    pass_fds=(write_fd,),
                    start_new_session=True,  # its own process group, killed whole
                    preexec_fn=_limit_child(limits, nproc),
                )
            finally:
                os.close(write_fd)  # the child holds its own copy
            reader = threading.Thread(target=_read_all, args=(read_fd, report), daemon=True)
            reader.start()
            try:
                assert proc.stdin is not None
                proc.stdin.write(json.dumps(request).encode("utf-8"))
                proc.stdin.close()
            except (BrokenPipeError, OSError):
                pass
            try:
                proc.wait(timeout=limits.wall_s)
            except subprocess.TimeoutExpired:
                killed_at_wall = True
            _kill_group(proc.pid)
            proc.wait()
            reader.join(timeout=2)
        lines = []
        for raw in report.decode("utf-8", "replace").splitlines():
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                continue
        done = any("done" in line for line in lines)
        stopped = None if done else _death(proc.returncode, killed_at_wall, limits)
        signum = -proc.returncode if proc.returncode < 0 else proc.returncode - 128
        timed_out = not done and (killed_at_wall or signum == signal.SIGXCPU)
        if stopped and not lines:
            tail = (folder / "stderr.txt").read_text("utf-8", "replace")[-300:]
            log.info("sandbox run stopped before reporting: %s", tail)
        result = _result(lines, stopped=stopped, timed_out=timed_out)
    result.isolation = name
    result.duration_s = round(time.perf_counter() - started, 3)
    return result


def _kill_group(pid: int) -> None:
    """SIGKILL the run's whole process group (whatever it started is in it too)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
