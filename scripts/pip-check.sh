#!/usr/bin/env bash
# Installs the Python package as a user does, `pip install .` into a new virtual environment
# (scikit-build-core builds the extension from source, with pybind11 and scikit-build-core from
# PyPI), then classifies one text with it. scripts/check-fresh.sh runs it (its "pip" phase).
#
#   scripts/pip-check.sh          # the pretrained all-MiniLM-L6-v2 (setup.sh --pretrained; its
#                                 # classification head is initialised, so the label is random)
#   scripts/pip-check.sh MODEL    # a model folder or a hub name in bertq's cache
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scripts/setup.sh --pretrained >/dev/null  # the Debian libraries the build links, the checkpoint
python3 -m venv "$tmp/v"
"$tmp/v/bin/pip" install -q .
model=${1:-}
[ -n "$model" ] || model=$(scripts/pretrained-dir.sh)
[ -e "$model" ] && model=$(realpath "$model")
cd "$tmp"  # import the installed package, not python/bertq
"$tmp/v/bin/python" -c 'import sys, bertq; print(bertq.Classifier(sys.argv[1]).predict("a wonderful film"))' "$model"
