#!/usr/bin/env bash
# The test suite: real models, real speech, a virtual microphone. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m pytest "$@"
