"""The cores this process may run on.

``os.cpu_count()`` counts the machine's cores, not the ones a process is allowed: under
``taskset -c 0`` (or a container's CPU set) it still says 2, and two llama.cpp threads then
fight over one core. Thread counts come from here instead.
"""

from __future__ import annotations

import os
from pathlib import Path


def usable_cpus() -> int:
    """Cores in this process's affinity mask (and within a cgroup v2 quota), at least 1."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        count = os.cpu_count() or 1
    quota = _cgroup_quota_cpus()
    if quota is not None:
        count = min(count, quota)
    return max(1, count)


def _cgroup_quota_cpus() -> int | None:
    """Whole cores granted by a cgroup v2 ``cpu.max`` quota, or None when unlimited."""
    try:
        text = Path("/sys/fs/cgroup/cpu.max").read_text().split()
    except OSError:
        return None
    if len(text) != 2 or text[0] == "max":
        return None
    try:
        quota, period = int(text[0]), int(text[1])
    except ValueError:
        return None
    return max(1, round(quota / period)) if period > 0 else None
