#!/usr/bin/env bash
# The README's main command: installs what is missing (scripts/setup.sh), builds the bertq
# executable and runs the built-in offline demo (`bertq demo`): a synthetic sentiment corpus,
# a WordPiece vocabulary trained on it, a small BERT trained from scratch, then the whole
# pipeline (eval FP32, quantize, eval INT8, bench, report) and the FP32 vs INT8 table.
# Usage: scripts/demo.sh [bertq demo options, e.g. --out runs/demo --size tiny]
# Rerunning skips every completed stage.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh bertq
# libgomp's spinning workers (oneDNN, libtorch) slow everything down on a shared machine.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
# libtorch is much slower with the pthread OpenBLAS; prefer the OpenMP build when it is there.
openmp_blas=/usr/lib/x86_64-linux-gnu/openblas-openmp
[ -d "$openmp_blas" ] && export LD_LIBRARY_PATH="$openmp_blas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
args=("$@")
[[ " ${args[*]:-} " == *" --out "* ]] || args+=(--out runs/demo)
exec "${BUILD_DIR:-build}/src/cli/bertq" demo "${args[@]}"
