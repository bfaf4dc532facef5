"""The sandbox from a copy of the repository under /tmp, run by an interpreter whose virtual
environment lives under /tmp too (issue 22): bubblewrap gives each run an empty /tmp, which
hid that interpreter, and every run "stopped unexpectedly". Real subprocesses, no fakes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from coding_helpers import TASK
from shared_data import REPO_ROOT

from interviewer.coding import sandbox

pytestmark = [pytest.mark.slow]

SCRATCH = Path("/tmp")
# A module only the /tmp environment's site-packages holds: the candidate's code imports it.
MARKER = "tmp_venv_only"

_RUN_FROM_CLONE = r"""
import json, sys
from pathlib import Path
from interviewer.coding import sandbox
from interviewer.coding.tasks import find_task

task = find_task("cd-precision-recall")
out = {"sandbox": sandbox.__file__, "prefix": sys.prefix, "isolation": sandbox.isolation()[0]}
for name, path in json.loads(sys.argv[1]).items():
    out[name] = sandbox.run_tests(Path(path), task.tests_source()).model_dump()
print(json.dumps(out))
"""


def copy_working_tree(target: Path) -> None:
    """The repository's files as they are now (tracked and new, uncommitted edits included)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:  # not a git checkout: copy the folder
        skip = shutil.ignore_patterns(".venv", ".git", "__pycache__", "recordings")
        shutil.copytree(REPO_ROOT, target, ignore=skip)
        return
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = REPO_ROOT / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def venv_under(clone: Path) -> Path:
    """A virtual environment in the clone, as install.sh makes one: its own site-packages
    under /tmp, seeing this environment's packages through a .pth file."""
    venv = clone / ".venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)],
        check=True,
        capture_output=True,
    )
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # This interpreter's packages, wherever they come from (its own .pth files included).
    ours = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
    (Path(purelib) / "outer_env.pth").write_text("".join(p + "\n" for p in ours))
    (Path(purelib) / f"{MARKER}.py").write_text(TASK.reference.read_text())
    return python


@pytest.fixture(scope="module")
def clone_run() -> dict:
    """One process of the clone's interpreter runs the sandbox on two files in the clone."""
    root = Path(tempfile.mkdtemp(prefix="interviewer-clone-", dir=SCRATCH))
    try:
        clone = root / "interviewer"
        copy_working_tree(clone)
        python = venv_under(clone)
        files = clone / "recordings" / "code"
        files.mkdir(parents=True)
        (files / "reference.py").write_text(TASK.reference.read_text())
        (files / "imports.py").write_text(f"from {MARKER} import precision_recall\n")
        paths = {name: str(files / f"{name}.py") for name in ("reference", "imports")}
        done = subprocess.run(
            [str(python), "-c", _RUN_FROM_CLONE, json.dumps(paths)],
            cwd=clone,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(clone)}
            | {k: v for k, v in os.environ.items() if k == "INTERVIEWER_SANDBOX_ISOLATION"},
            capture_output=True,
            text=True,
            timeout=600,  # a guard against a hang only
        )
        assert done.returncode == 0, done.stderr[-3000:]
        out = json.loads(done.stdout.strip().splitlines()[-1])
        out["clone"] = str(clone)
        return out
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_the_clone_and_its_interpreter_live_under_tmp(clone_run):
    assert Path(clone_run["sandbox"]).is_relative_to(clone_run["clone"])
    assert Path(clone_run["prefix"]).is_relative_to(SCRATCH)


def test_the_reference_passes_from_a_clone_under_tmp_with_the_same_isolation(clone_run):
    result = clone_run["reference"]
    said = (result["problem"], result.get("sandbox_error"), result["first_failure"])
    assert result["total"] >= 8 and result["passed"] == result["total"], said
    assert result.get("sandbox_error") is None, said
    # Not by giving up the isolation: the same as this interpreter's, outside the clone.
    assert clone_run["isolation"] == sandbox.isolation()[0]


def test_code_importing_from_the_environment_under_tmp_sees_it(clone_run):
    result = clone_run["imports"]
    assert result["problem"] is None, (result["problem"], result.get("sandbox_error"))
    assert result["passed"] == result["total"] > 0


def test_interpreter_folders_under_tmp_are_bound_back_into_the_fresh_tmp(monkeypatch):
    venv = "/tmp/some-clone/.venv"
    monkeypatch.setattr(sandbox.sys, "prefix", venv)
    monkeypatch.setattr(sandbox.sys, "exec_prefix", venv)
    monkeypatch.setattr(sandbox.sys, "executable", venv + "/bin/python")
    prefix = sandbox.bwrap_prefix()
    tmpfs = prefix.index("--tmpfs")
    bound = prefix.index(venv)
    assert prefix[tmpfs + 1] == "/tmp" and bound > tmpfs  # bound after, so on top of it
    assert prefix[bound - 1 : bound + 2] == ["--ro-bind", venv, venv]
    assert prefix.count(venv) == 2  # its bin/ folder is inside: bound once, with it
