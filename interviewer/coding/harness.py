"""Runs hidden tests on a candidate's file; executed as ``python -I -B harness.py`` by sandbox.py.

Standard library only, and no import from the interviewer package: it runs inside the
sandbox, in a temporary folder, under resource limits. It reads one JSON request from stdin
(the tests' source, the solution's file name, the limits), then reports JSON lines on the
descriptor it names (``report_fd``): ``{"start"}``, ``{"problem"}`` when the file cannot be
tested at all, ``{"begin"}`` and ``{"case"}`` per test, then ``{"done"}``.
Expected values never leave this process.

Guards, from the inside (the outside ones are rlimits, a new process group and namespaces):
an audit hook refuses writes and deletions outside the folder, new processes and sockets; a
CPU-time timer ends each test after ``case_timeout_s`` (CPU, not wall time: a busy machine
must not fail a correct test); print() stops after ``output_limit_bytes``.
"""

from __future__ import annotations

import errno
import inspect
import json
import math
import os
import signal
import sys

MAX_INPUT_CHARS = 120
MAX_DETAIL_CHARS = 160


class CaseTimeout(BaseException):
    """A test ran past its time limit (BaseException: ``except Exception`` cannot swallow it)."""


class OutputFlood(BaseException):
    """The code printed more than the output limit."""


def report(channel, kind: str, payload) -> None:
    channel.write(json.dumps({kind: payload}) + "\n")
    channel.flush()


def short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def show(value) -> str:
    try:
        return short(repr(value), MAX_DETAIL_CHARS)
    except BaseException:  # a broken __repr__ must not break the harness
        return f"<{type(value).__name__}>"


def plain(value):
    """Lists for tuples and arrays, floats for numeric scalars: what comparing needs."""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    try:
        return float(value) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        return value


def same(actual, expected, tol: float) -> bool:
    if isinstance(expected, float) or (isinstance(actual, float) and isinstance(expected, int)):
        if not isinstance(actual, (int, float)) or isinstance(actual, bool):
            return False
        if math.isnan(expected):
            return math.isnan(actual)
        return math.isclose(actual, expected, rel_tol=tol, abs_tol=tol)
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(same(a, e, tol) for a, e in zip(actual, expected, strict=False))
        )
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == expected.keys()
            and all(same(actual[k], expected[k], tol) for k in expected)
        )
    return type(actual) is type(expected) and actual == expected


class CappedWriter:
    """sys.stdout for the candidate's code: counts bytes, keeps none, stops a flood."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.written = 0

    def write(self, text: str) -> int:
        self.written += len(text)
        if self.written > self.limit:
            raise OutputFlood()
        return len(text)

    def flush(self) -> None:
        pass


def install_guard(folder: str) -> None:
    """Refuse, from now on, anything that reaches outside ``folder``."""
    folder = os.path.realpath(folder)
    blocked = {
        "subprocess.Popen": "start a process",
        "os.system": "start a process",
        "os.exec": "start a process",
        "os.posix_spawn": "start a process",
        "os.spawn": "start a process",
        "os.fork": "start a process",
        "os.forkpty": "start a process",
        "os.kill": "signal a process",
        "os.killpg": "signal a process",
        "socket.connect": "use the network",
        "socket.bind": "use the network",
        "socket.sendto": "use the network",
        "socket.getaddrinfo": "use the network",
        "ctypes.dlopen": "load a C library",
        "ctypes.addressof": "use ctypes",
        "sys.setprofile": "set a profiler",
        "os.chdir": "change directory",
    }
    path_events = {
        "os.remove": "delete",
        "os.rmdir": "delete",
        "shutil.rmtree": "delete",
        "os.rename": "rename",
        "os.truncate": "truncate",
        "os.chmod": "change",
        "os.chown": "change",
        "os.mkdir": "create",
        "os.symlink": "link",
        "os.link": "link",
        "os.utime": "touch",
    }
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    busy = []

    def inside(path) -> bool:
        if isinstance(path, int):
            return True  # an already open descriptor
        path = os.fsdecode(os.fspath(path))
        full = os.path.realpath(os.path.join(folder, path))
        return full == folder or full.startswith(folder + os.sep)

    def hook(event: str, args: tuple) -> None:
        if busy:
            return
        busy.append(1)
        try:
            if event in blocked:
                raise PermissionError(f"the sandbox does not let code {blocked[event]}")
            if event in path_events:
                paths = [a for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))]
                for path in paths[:1] if event != "os.rename" else paths:
                    if not inside(path):
                        raise PermissionError(
                            f"the sandbox does not let code {path_events[event]} "
                            f"{os.fsdecode(os.fspath(path))} outside its folder"
                        )
            elif event == "open" and args and args[0] is not None:
                path, mode, flags = (list(args) + [None, None])[:3]
                writes = (any(c in mode for c in "wax+") if isinstance(mode, str) else False) or (
                    isinstance(flags, int) and bool(flags & write_flags)
                )
                if writes and not inside(path):
                    raise PermissionError(
                        f"the sandbox does not let code write {path} outside its folder"
                    )
        finally:
            busy.pop()

    sys.addaudithook(hook)


def load_solution(path: str, namespace: dict) -> str | None:
    """Execute the candidate's file; the reason it cannot be tested, or None."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        return f"The file could not be read: {exc.strerror}."
    if b"\x00" in raw:
        return "The file is not Python source: it is binary."
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "The file is not Python source: it is not UTF-8 text."
    if not source.strip():
        return "The file is empty: there is no code to test yet."
    try:
        code = compile(source, "solution.py", "exec")
    except SyntaxError as exc:
        return f"The code does not parse: {exc.msg} on line {exc.lineno}."
    except ValueError as exc:
        return f"The code does not parse: {exc}."
    try:
        exec(code, namespace)
    except ImportError as exc:
        return f"Loading the code failed: {type(exc).__name__}: {exc}."
    except CaseTimeout:
        return "Loading the code did not finish within the time limit."
    except OutputFlood:
        return "Loading the code printed too much output."
    except MemoryError:
        return "Loading the code ran out of memory."
    except BaseException as exc:  # the candidate's code may raise anything, even SystemExit
        message = short(exc, 100)
        return f"Loading the code raised {type(exc).__name__}" + (
            f": {message}." if message else "."
        )
    return None


def check_entry(namespace: dict, entry: str, arity) -> str | None:
    target = namespace.get(entry)
    if target is None:
        defined = sorted(n for n, v in namespace.items() if callable(v) and not n.startswith("_"))
        found = f" (it defines {', '.join(defined[:4])})" if defined else ""
        return f"The code defines no {entry}{found}; the tests call {entry}."
    if not callable(target):
        return f"{entry} is not a function or class."
    if arity is None or inspect.isclass(target):
        return None
    try:
        inspect.signature(target).bind(*range(arity))
    except TypeError:
        return f"{entry} cannot be called with {arity} arguments, as the tests call it."
    except ValueError:
        return None
    return None


def input_text(case: dict, entry: str) -> str:
    if "input" in case:
        return short(case["input"], MAX_INPUT_CHARS)
    if "calls" in case:
        init = ", ".join(repr(a) for a in case.get("init", ()))
        steps = "; ".join(
            f"{name}({', '.join(repr(a) for a in args)})" for name, args in case["calls"]
        )
        return short(f"{entry}({init}) then {steps}", MAX_INPUT_CHARS)
    args = case.get("args", ())
    if callable(args):
        args = ()
    return short(f"{entry}({', '.join(repr(a) for a in args)})", MAX_INPUT_CHARS)


def run_case(target, case: dict, tol: float) -> tuple[str, str]:
    """(status, detail) for one case; detail says what the code did, never what was expected."""
    expect_raises = case.get("raises")
    try:
        if "calls" in case:
            obj = target(*case.get("init", ()))
            actual = [plain(getattr(obj, name)(*args)) for name, args in case["calls"]]
            if expect_raises:
                return "failed", f"returned {show(actual[-1])} on the last call"
            expected = case["expect"]
            ok = len(actual) == len(expected) and all(
                e is Ellipsis or same(a, plain(e), tol)
                for a, e in zip(actual, expected, strict=False)
            )
            if ok:
                return "passed", ""
            wrong = next(
                i
                for i, (a, e) in enumerate(zip(actual, expected, strict=False))
                if e is not Ellipsis and not same(a, plain(e), tol)
            )
            name = case["calls"][wrong][0]
            return "failed", f"call {wrong + 1} ({name}) returned {show(actual[wrong])}"
        args = case.get("args", ())
        if callable(args):
            args = args()
        actual = target(*args)
    except CaseTimeout:
        return "timed_out", "did not finish within the time limit"
    except OutputFlood:
        return "error", "printed too much output"
    except MemoryError:
        return "error", "ran out of memory"
    except RecursionError:
        return "error", "raised RecursionError: the recursion went too deep"
    except OSError as exc:
        if exc.errno == errno.EFBIG:  # RLIMIT_FSIZE: Python ignores SIGXFSZ, so it is an error
            return "error", "wrote too much output or too large a file"
        return "error", f"raised {type(exc).__name__}: {short(exc, 100)}"
    except BaseException as exc:
        if expect_raises and type(exc).__name__ == expect_raises:
            return "passed", ""
        message = short(exc, 100)
        return "error", f"raised {type(exc).__name__}" + (f": {message}" if message else "")
    if expect_raises:
        return "failed", f"returned {show(actual)}"
    check = case.get("check")
    if check is not None:
        problem = check(actual)
        return ("failed", problem) if problem else ("passed", "")
    if same(plain(actual), plain(case["expect"]), tol):
        return "passed", ""
    return "failed", f"returned {show(actual)}"


def main() -> int:
    request = json.loads(sys.stdin.read())
    sys.stdin.close()
    channel = os.fdopen(int(request["report_fd"]), "w", encoding="utf-8")
    folder = os.getcwd()
    tests: dict = {"__name__": "hidden_tests"}
    exec(compile(request["tests"], "tests.py", "exec"), tests)
    entry, arity = tests["ENTRY"], tests.get("ARITY")
    tol = float(tests.get("TOLERANCE", 1e-6))
    cases = list(tests["CASES"])
    report(channel, "start", {"total": len(cases)})
    case_timeout_s = float(request["case_timeout_s"])

    def on_alarm(signum, frame):
        raise CaseTimeout()

    signal.signal(signal.SIGPROF, on_alarm)
    sys.setrecursionlimit(3000)
    install_guard(folder)
    sys.stdout = sys.stderr = CappedWriter(int(request["output_limit_bytes"]))
    namespace: dict = {"__name__": "solution", "__file__": os.path.join(folder, "solution.py")}
    signal.setitimer(signal.ITIMER_PROF, case_timeout_s)
    try:
        problem = load_solution(request["solution"], namespace)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    problem = problem or check_entry(namespace, entry, arity)
    if problem:
        report(channel, "problem", problem)
        report(channel, "done", True)
        return 0
    target = namespace[entry]
    for number, case in enumerate(cases, start=1):
        text = input_text(case, entry)
        name = case.get("name", f"test {number}")
        # Said before running, so a run killed from outside still knows which test did it.
        report(channel, "begin", {"name": name, "input": text})
        signal.setitimer(signal.ITIMER_PROF, case_timeout_s)
        try:
            status, detail = run_case(target, case, tol)
        except (CaseTimeout, OutputFlood, MemoryError) as exc:  # raised outside the try
            status, detail = "error", type(exc).__name__
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        report(channel, "case", {"name": name, "input": text, "status": status, "detail": detail})
    report(channel, "done", True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
