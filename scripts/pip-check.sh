#!/usr/bin/env bash
# Installs the Python package as a user does, `pip install .` into a new virtual environment
# (scikit-build-core builds the extension from source, with pybind11 and scikit-build-core from
# PyPI), then classifies one text with it. scripts/check-fresh.sh runs it after scripts/test.sh.
#
#   scripts/pip-check.sh          # a tiny random model: the built `bertq init` with the
#                                 # pretrained checkpoint's tokenizer (after scripts/test.sh)
#   scripts/pip-check.sh MODEL    # a model folder or a hub name in bertq's cache
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/v"
"$tmp/v/bin/pip" install -q .
model=${1:-}
if [ -z "$model" ]; then
  model=$tmp/tiny
  "${BUILD_DIR:-build}/src/cli/bertq" init --out "$model" --layers 2 --hidden 64 --heads 2 \
    --copy-tokenizer-from "$(scripts/pretrained-dir.sh)" >/dev/null
fi
[ -e "$model" ] && model=$(realpath "$model")
cd "$tmp"  # import the installed package, not python/bertq
"$tmp/v/bin/python" -c 'import sys, bertq; print(bertq.Classifier(sys.argv[1]).predict("a wonderful film"))' "$model"
