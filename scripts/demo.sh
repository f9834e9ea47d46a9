#!/usr/bin/env bash
# The README's main command: installs what is missing (scripts/setup.sh --pretrained: the
# Debian packages and the pretrained sentence-transformers/all-MiniLM-L6-v2, offline), builds
# the bertq executable and runs the built-in offline demo (`bertq demo`): fine-tune the
# pretrained model on the real IMDB reviews where they are on the machine (../shared/data/imdb,
# $BERTQ_IMDB_DIR, or a dataset downloaded into the cache), else on the built-in synthetic
# corpus; then the whole pipeline (eval FP32, quantize, eval INT8, bench, report) and the FP32
# vs INT8 table, with the data it used.
# Usage: scripts/demo.sh [bertq demo options, e.g. --out runs/demo, --model scratch]
# Rerunning skips every completed stage.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --pretrained
scripts/build.sh bertq
# libgomp's spinning workers (oneDNN, libtorch) slow everything down on a shared machine.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
# libtorch is much slower with the pthread OpenBLAS; prefer the OpenMP build when it is there.
openmp_blas=/usr/lib/x86_64-linux-gnu/openblas-openmp
[ -d "$openmp_blas" ] && export LD_LIBRARY_PATH="$openmp_blas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# The real reviews where this machine has them beside the checkout (as in CI).
if [ -z "${BERTQ_IMDB_DIR:-}" ] && [ -f ../shared/data/imdb/train.jsonl.gz ]; then
  export BERTQ_IMDB_DIR=$(cd ../shared/data/imdb && pwd)
fi
args=("$@")
[[ " ${args[*]:-} " == *" --out "* ]] || args+=(--out runs/demo)
exec "${BUILD_DIR:-build}/src/cli/bertq" demo "${args[@]}"
