"""Run hidden tests on a candidate's file, in a separate and limited process.

    run_tests(solution_path, tests_source, limits) -> RunResult

The file is copied into a fresh temporary folder and tested by ``harness.py`` under
``python -I -B`` (no user site, no PYTHON* variables, no bytecode written), with:

- rlimits: CPU seconds, address space, file size (which also caps stdout and stderr, sent to
  files), open files, no core dumps, and processes where the kernel counts them;
- its own process group, killed whole at the wall-clock limit;
- no network, where ``unshare`` (or bubblewrap) works on this machine: detected once, by
  running this interpreter under it exactly as a run does, never assumed. bubblewrap also
  makes everything outside the folder read-only, and gives the run an empty /tmp (with this
  interpreter's folders bound back in when they live under /tmp);
- inside, an audit hook that refuses writes and deletions outside the folder, new processes
  and sockets, a timer per test, and a cap on print().

This is a guard against accidents in a practice tool run by the candidate on their own code
(an infinite loop, a 10 GB list, ``shutil.rmtree`` on the wrong path), not a jail for hostile
code: without bubblewrap, code that works around the audit hook on purpose is not stopped.

A run that fails before the candidate's code is loaded (the sandbox cannot start Python) is
reported as that, with what to do (``RunResult.sandbox_error``), never as the code failing.
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
# What the candidate hears when the sandbox itself fails; the details go to sandbox_error.
SANDBOX_FAILED = (
    "The tests could not run: the sandbox that runs them failed on this machine before your "
    "code was loaded. That is a setup problem, not your code."
)
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


# Tried in order; the first that runs this interpreter (as a real run does) wraps every run.
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
]
# A fresh, empty /tmp inside: other programs' temporary files stay out of sight.
_SCRATCH = Path("/tmp")
_UNSHARE_CHOICES = [
    ["unshare", "--net", "--pid", "--fork", "--kill-child"],
    ["unshare", "--map-root-user", "--net", "--pid", "--fork", "--kill-child"],
    ["unshare", "--map-root-user", "--net"],
    ["unshare", "--net"],
]
# What to do when no sandbox can start Python here (said once, in the log and the session).
_SANDBOX_HINT = (
    "check that bubblewrap (or unshare) can run {exe} on this machine, or set "
    "INTERVIEWER_SANDBOX_ISOLATION=none to run the hidden tests without isolation"
)


def interpreter_paths() -> list[Path]:
    """The folders this interpreter needs to start and import from: its virtual
    environment, the installation it was made from, the executable's folder (as invoked and
    resolved) and the site-packages (where a task's NumPy comes from)."""
    import site

    found = [
        sys.prefix,
        sys.exec_prefix,
        sys.base_prefix,
        sys.base_exec_prefix,
        os.path.dirname(sys.executable),
        *site.getsitepackages(),
    ]
    out: list[Path] = []
    for path in found:
        # Both the path as written and where its symbolic links lead: either may lie under
        # the scratch folder, and the process inside follows the links.
        for form in (os.path.abspath(path), os.path.realpath(path)):
            if Path(form) not in out:
                out.append(Path(form))
    return out


def _shown_inside(scratch: Path, paths: list[Path]) -> list[Path]:
    """The outermost of ``paths`` that the fresh ``scratch`` would hide, to bind back."""
    inside = sorted({p for p in paths if p != scratch and p.is_relative_to(scratch)})
    return [p for p in inside if not any(p != q and p.is_relative_to(q) for q in inside)]


def bwrap_prefix() -> list[str]:
    """bubblewrap's arguments: the root read-only, a fresh /tmp, and this interpreter's
    folders bound back into it when they live there (a clone or a virtual environment under
    /tmp: without them Python itself is hidden and no run starts)."""
    prefix = list(_BWRAP)
    paths = interpreter_paths()
    if _SCRATCH in paths:
        return prefix  # the interpreter lives in /tmp itself: keep /tmp as it is (read-only)
    prefix += ["--tmpfs", str(_SCRATCH)]
    for path in _shown_inside(_SCRATCH, paths):
        prefix += ["--ro-bind", str(path), str(path)]
    return prefix


def _command(prefix: tuple[str, ...] | list[str], folder: Path, args: list[str]) -> list[str]:
    """This interpreter running ``args`` in ``folder``, inside the isolation ``prefix``."""
    command = [sys.executable, "-I", "-B", *args]
    if prefix and prefix[0] == "bwrap":
        return [*prefix, "--bind", str(folder), str(folder), "--chdir", str(folder), *command]
    return [*prefix, *command]


def _environment(folder: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def _probe(prefix: list[str]) -> str | None:
    """Run what a real run runs (this interpreter, under this prefix, in a fresh folder bound
    in, with the run's limits), with a program that does nothing: None when it works, else
    why not. A generous timeout: a busy machine must not cost the isolation."""
    if shutil.which(prefix[0]) is None:
        return f"{prefix[0]} is not installed"
    with tempfile.TemporaryDirectory(prefix="interviewer-probe-") as tmp:
        folder = Path(tmp)
        nproc = _count_user_tasks() + SandboxLimits().extra_processes
        try:
            done = subprocess.run(
                _command(prefix, folder, ["-c", "pass"]),
                cwd=folder,
                env=_environment(folder),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=60,
                preexec_fn=_limit_child(SandboxLimits(), nproc),
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return str(exc)
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip()[-300:]
        return said or f"exit status {done.returncode}"
    return None


@lru_cache(maxsize=1)
def isolation() -> tuple[str, tuple[str, ...]]:
    """(name, command prefix) of the network isolation that works here; ('none', ()) if none."""
    if os.environ.get("INTERVIEWER_SANDBOX_ISOLATION") == "none":
        return "none", ()
    for name, prefix in [("bubblewrap", bwrap_prefix())] + [
        (" ".join(p), p) for p in _UNSHARE_CHOICES
    ]:
        why = _probe(prefix)
        if why is None:
            return name, tuple(prefix)
        log.info("sandbox: %s cannot run %s here (%s)", name, sys.executable, why)
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
        command = _command(prefix, folder, ["harness.py"])
        env = _environment(folder)
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
            except (OSError, subprocess.SubprocessError) as exc:
                os.close(read_fd)
                return _sandbox_failed(name, f"cannot start {command[0]}: {exc}", started)
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
        if not lines:
            # The harness reports its start before it loads the candidate's file: a run that
            # never reported anything failed in the sandbox or in starting Python.
            said = (folder / "stderr.txt").read_text("utf-8", "replace").strip()[-300:]
            if not said:
                said = (
                    f"Python had not started within {limits.wall_s:g} s"
                    if killed_at_wall
                    else f"exit status {proc.returncode}, nothing on stderr"
                )
            return _sandbox_failed(name, said, started)
        result = _result(lines, stopped=stopped, timed_out=timed_out)
    result.isolation = name
    result.duration_s = round(time.perf_counter() - started, 3)
    return result


def _sandbox_failed(name: str, why: str, started: float) -> RunResult:
    """A run that failed before the candidate's code was loaded: the machine's fault, said
    as such (to the candidate, the log and the session), never as a failure of the code."""
    detail = f"the sandbox ({name}) could not run the tests: {' '.join(why.split())}"
    hint = _SANDBOX_HINT.format(exe=sys.executable)
    log.warning("%s; %s", detail, hint)
    return RunResult(
        problem=SANDBOX_FAILED,
        sandbox_error=f"{detail}. To fix it: {hint}.",
        isolation=name,
        duration_s=round(time.perf_counter() - started, 3),
    )


def _kill_group(pid: int) -> None:
    """SIGKILL the run's whole process group (whatever it started is in it too)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
