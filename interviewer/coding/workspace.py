"""The candidate's code file during a session: where it lives, every saved version, and the
runs of the hidden tests on it.

Layout inside the session folder::

    code/solution.py            the starter, written for the candidate to edit (unless --code)
    code/versions/v001.py ...   every saved version, as it was, in order

A watcher thread polls the file's modification time and, when it changed, its sha256
(half a second apart: an editor's save is seen before the candidate can say "run it"). It
only copies files and notes versions; the runner's thread moves them into the session, so
session.json has one writer.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from .complexity import nested_loops_over_same
from .models import CodeRun, CodeVersion
from .sandbox import SandboxLimits, run_tests
from .tasks import CodingTask

log = logging.getLogger(__name__)

CODE_DIR = "code"
VERSIONS_DIR = "versions"
POLL_S = 0.5


def sha256_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class CodeWorkspace:
    """One coding question's file, its versions and its runs."""

    def __init__(
        self,
        session_folder: Path,
        task: CodingTask,
        clock: Callable[[], float],
        *,
        source: Path | None = None,
        limits: SandboxLimits | None = None,
        first_version_index: int = 0,
    ) -> None:
        self.session_folder = session_folder
        self.task = task
        self.clock = clock
        self.limits = limits or SandboxLimits()
        code_dir = session_folder / CODE_DIR
        code_dir.mkdir(parents=True, exist_ok=True)
        if source is None:
            name = "solution.py" if first_version_index == 0 else f"{task.question_id}.py"
            source = code_dir / name
            if not source.exists():
                shutil.copyfile(task.starter, source)
        self.path = source
        self.starter_sha = sha256_of(task.starter)
        self.versions: list[CodeVersion] = []
        self.runs: list[CodeRun] = []
        self._next_index = first_version_index
        self._pending: list[CodeVersion] = []
        self._lock = threading.Lock()
        self._mtime: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- versions ---------------------------------------------------------------------------

    def snapshot(self) -> CodeVersion | None:
        """Record the file as a new version if it changed since the last one."""
        with self._lock:
            try:
                mtime = self.path.stat().st_mtime
            except OSError:
                return None
            if mtime == self._mtime:
                return None
            self._mtime = mtime
            sha = sha256_of(self.path)
            if sha is None or (self.versions and self.versions[-1].sha256 == sha):
                return None
            self._next_index += 1
            relative = Path(CODE_DIR) / VERSIONS_DIR / f"v{self._next_index:03d}.py"
            target = self.session_folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                data = self.path.read_bytes()
            except OSError:
                return None
            target.write_bytes(data)
            version = CodeVersion(
                index=self._next_index,
                time=round(self.clock(), 3),
                sha256=hashlib.sha256(data).hexdigest(),
                file=relative.as_posix(),
                lines=data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1),
                question_id=self.task.question_id,
            )
            self.versions.append(version)
            self._pending.append(version)
            return version

    def take_new_versions(self) -> list[CodeVersion]:
        """Versions seen since the last call (for the session file)."""
        with self._lock:
            pending, self._pending = self._pending, []
        return pending

    def edited(self) -> bool:
        """Whether the candidate has saved anything other than the untouched starter."""
        return any(v.sha256 != self.starter_sha for v in self.versions)

    @staticmethod
    def _text(path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def current_code(self) -> str:
        if not self.versions:
            return ""
        path = self.session_folder / self.versions[-1].file
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    # --- watching ---------------------------------------------------------------------------

    def start_watching(self) -> None:
        self.snapshot()
        self._thread = threading.Thread(target=self._watch, name="code-watcher", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(POLL_S):
            try:
                self.snapshot()
            except Exception:  # never let the watcher take the interview down
                log.exception("watching %s failed", self.path)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    # --- runs -------------------------------------------------------------------------------

    def run(self, trigger: str = "candidate") -> CodeRun:
        """Run the hidden tests on the file as it is now."""
        self.snapshot()
        now = round(self.clock(), 3)
        sha = sha256_of(self.path) or ""
        result = run_tests(self.path, self.task.tests_source(), self.limits)
        version = next((v for v in reversed(self.versions) if v.sha256 == sha), None)
        run = CodeRun.from_result(
            result,
            time=now,
            question_id=self.task.question_id,
            sha256=sha,
            version=version.index if version else None,
            trigger=trigger,  # type: ignore[arg-type]
            nested_loops_over=nested_loops_over_same(self._text(self.path)),
        )
        self.runs.append(run)
        log.info("code run %s: %s (%.2f s)", trigger, run.sentence, result.duration_s)
        return run

    def last_run_is_current(self) -> bool:
        return bool(
            self.runs and self.versions and self.runs[-1].sha256 == self.versions[-1].sha256
        )
