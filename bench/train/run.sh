#!/usr/bin/env bash
# bench/train: training-step tokens/s of bertq's libtorch trainer (bench_train) and of the same
# step in PyTorch (torch_step.py over ../shared/peers/ref_bert.py), side by side, on a random
# bert-base-shaped classifier at sequence 128 and 256, fp32 and bf16 autocast.
#
#   bench/train/run.sh                      # bert-base, batch 8, 3 timed steps (~15 min on 2 cores)
#   BATCH=4 STEPS=2 bench/train/run.sh      # quicker
# Knobs: LAYERS HIDDEN HEADS INTER BATCH SEQS DTYPES STEPS WARMUP THREADS PY BUILD_DIR OUT.
# Both sides run against the OpenMP build of OpenBLAS (LD_LIBRARY_PATH, as peers/run_all.sh)
# with OMP_WAIT_POLICY=PASSIVE (spinning OpenMP threads collapse when the machine is shared).
# Writes OUT (default bench/train/results.json) and prints a table.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
OUT=${OUT:-bench/train/results.json}
PY=${PY:-/usr/bin/python3}
ARGS=(--layers "${LAYERS:-12}" --hidden "${HIDDEN:-768}" --heads "${HEADS:-12}" --inter "${INTER:-3072}"
      --batch "${BATCH:-8}" --seqs "${SEQS:-128,256}" --dtypes "${DTYPES:-fp32,bf16}"
      --steps "${STEPS:-3}" --warmup "${WARMUP:-1}" --threads "${THREADS:-$(nproc)}")
OMPLIB=/usr/lib/x86_64-linux-gnu/openblas-openmp
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
[ -d "$OMPLIB" ] && export LD_LIBRARY_PATH="$OMPLIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  || echo "WARNING: libopenblas0-openmp is not installed; both sides use the system libblas.so.3"
[ -x "$BUILD_DIR/bench/train/bench_train" ] || scripts/build.sh bench_train
TMP=$(mktemp)
trap 'rm -f "$TMP"' EXIT
echo "== bertq (libtorch C++)"; "$BUILD_DIR/bench/train/bench_train" "${ARGS[@]}" | tee -a "$TMP"
if "$PY" -c 'import torch' 2>/dev/null; then
  echo "== PyTorch (python)"; PEERS=${PEERS:-$(cd .. && pwd)/shared/peers} "$PY" bench/train/torch_step.py "${ARGS[@]}" | tee -a "$TMP"
else
  echo "WARNING: $PY cannot import torch (scripts/setup.sh --bench installs python3-torch): no PyTorch column"
fi
"$PY" - "$TMP" "$OUT" <<'PYEOF'
import json, sys
rows = [json.loads(l[7:]) for l in open(sys.argv[1]) if l.startswith("RESULT ")]
by = {}
for r in rows:
    by.setdefault((r["dtype"], r["seq"]), {})[r["impl"]] = r["tokens_per_s"]
print(f"\n{'dtype':6} {'seq':>5} {'bertq tok/s':>12} {'pytorch tok/s':>14} {'ratio':>7}")
for (dt, seq), v in sorted(by.items()):
    b, p = v.get("bertq-libtorch"), v.get("pytorch")
    ratio = f"{b / p:.2f}" if b and p else "-"
    print(f"{dt:6} {seq:>5} {b or '-':>12} {p or '-':>14} {ratio:>7}")
for seq in sorted({s for _, s in by}):
    f, h = by.get(("fp32", seq), {}).get("bertq-libtorch"), by.get(("bf16", seq), {}).get("bertq-libtorch")
    if f and h:
        print(f"bertq bf16 / fp32 at seq {seq}: {h / f:.2f}x")
json.dump({"results": rows}, open(sys.argv[2] + ".tmp", "w"), indent=1)
import os; os.replace(sys.argv[2] + ".tmp", sys.argv[2])
print(f"wrote {sys.argv[2]}")
PYEOF
