#!/usr/bin/env bash
# Runs a Python check with the project's .venv, or exits 77 (CTest: skipped) with a message
# where there is none: `scripts/setup.sh --onnx` (which scripts/test.sh runs) makes it.
#
#   tests/export/venv_python.sh SOURCE_DIR tests/export/onnx_runtime_check.py ARGS...
set -euo pipefail
python="$1/.venv/bin/python"
shift
[ -x "$python" ] || { echo "skipping: $python is absent (scripts/setup.sh --onnx makes it)"; exit 77; }
exec "$python" "$@"
