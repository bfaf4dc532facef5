"""Which CPU instructions llama.cpp is compiled with, chosen so the library runs on this machine.

ggml's default build (``GGML_NATIVE=ON``) compiles with ``-march=native`` and, on a CPU that
advertises AMX, its AMX matrix kernels. Some virtual machines advertise AMX but refuse it to
processes, and the first generation then dies with SIGILL. So the install builds portably:
``GGML_NATIVE=OFF`` and each instruction set switched on only when ``/proc/cpuinfo`` lists it,
AMX never. ``INTERVIEWER_LLAMA_NATIVE=1`` opts back into the native build.

This file runs with the standard library only: ``install.sh`` executes it before the package
(or anything else) is installed, to print the ``CMAKE_ARGS`` for llama-cpp-python.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

NATIVE_ENV = "INTERVIEWER_LLAMA_NATIVE"
"""Set to 1 to build llama.cpp for this exact CPU (``-march=native``, AMX included)."""

# ggml option -> the /proc/cpuinfo flags that must all be present. AVX-512 only where the CPU
# has it; the AMX options (GGML_AMX_TILE/INT8/BF16) are deliberately absent.
GGML_OPTIONS: dict[str, tuple[str, ...]] = {
    "GGML_SSE42": ("sse4_2",),
    "GGML_AVX": ("avx",),
    "GGML_AVX2": ("avx2",),
    "GGML_FMA": ("fma",),
    "GGML_F16C": ("f16c",),
    "GGML_BMI2": ("bmi2",),
    "GGML_AVX_VNNI": ("avx_vnni",),
    "GGML_AVX512": ("avx512f", "avx512cd", "avx512vl", "avx512dq", "avx512bw"),
    "GGML_AVX512_VBMI": ("avx512f", "avx512vbmi"),
    "GGML_AVX512_VNNI": ("avx512f", "avx512_vnni"),
    "GGML_AVX512_BF16": ("avx512f", "avx512_bf16"),
}

AMX_INSTRUCTIONS = ("tilezero", "tileloadd", "tdpbssd", "tdpbf16ps", "ldtilecfg")
"""Mnemonics that only AMX kernels contain; the install test looks for them in libggml-cpu."""


def cpu_flags(cpuinfo: str) -> set[str]:
    """The flags of the first processor listed in a ``/proc/cpuinfo`` text."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return set(value.split())
    return set()


def cmake_args(flags: set[str], *, native: bool = False) -> str:
    """The ``CMAKE_ARGS`` that build llama.cpp for a CPU with these flags."""
    if native:
        return "-DGGML_NATIVE=ON"
    parts = ["-DGGML_NATIVE=OFF"]
    for option, needed in GGML_OPTIONS.items():
        state = "ON" if all(flag in flags for flag in needed) else "OFF"
        parts.append(f"-D{option}={state}")
    return " ".join(parts)


def wants_native() -> bool:
    """True when the user opted into the native build."""
    return os.environ.get(NATIVE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def this_machine_cmake_args() -> str:
    """The ``CMAKE_ARGS`` for this machine (portable unless the user opted into native)."""
    if wants_native():
        return cmake_args(set(), native=True)
    if platform.machine().lower() not in {"x86_64", "amd64"}:
        return "-DGGML_NATIVE=OFF"  # ggml's own defaults are safe off x86
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    return cmake_args(cpu_flags(text))


def rebuild_command() -> str:
    """The command that rebuilds the library for this machine (shown when the model crashes)."""
    return "./install.sh --rebuild-llama --no-demo"


if __name__ == "__main__":
    sys.stdout.write(this_machine_cmake_args() + "\n")
