"""A crash in native code (the LLM, speech recognition, audio) says where it happened."""

from __future__ import annotations

import subprocess
import sys

from shared_data import REPO_ROOT

CRASH_IN_A_COMMAND = """
import ctypes
import interviewer.cli as cli

def crash():
    ctypes.string_at(0)  # reads address 0: a segmentation fault, as a native bug would

cli.run = crash
cli.main()
"""


def test_a_segmentation_fault_prints_the_python_stack():
    proc = subprocess.run(
        [sys.executable, "-c", CRASH_IN_A_COMMAND],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "Segmentation fault" in proc.stderr, proc.stderr
    assert "in crash" in proc.stderr, proc.stderr
