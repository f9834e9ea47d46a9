#!/usr/bin/env bash
# Prints where `scripts/setup.sh --pretrained` places the pretrained checkpoint: bertq's cache
# folder for the hub name (data::model_cache_dir: $BERTQ_HOME or ~/.cache/bertq, then
# models/<org>--<name>/<revision>), i.e. where `bertq download model NAME` would put it.
# `--repo` prints the hub name instead (the one place the scripts write it; the C++ side has
# pipeline::kDemoModel).
set -euo pipefail
repo=sentence-transformers/all-MiniLM-L6-v2
[ "${1:-}" = --repo ] && { echo "$repo"; exit 0; }
echo "${BERTQ_HOME:-$HOME/.cache/bertq}/models/${repo//\//--}/main"
