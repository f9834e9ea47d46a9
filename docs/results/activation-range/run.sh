#!/usr/bin/env bash
# Both INT8 activation ranges on one fine-tuned model, on the same test reviews (issue 26):
# `bertq quantize --activation-range 127|255` writes each folder; `bertq eval` runs the FP32
# model once and each INT8 folder on the same reviews (the model's config.json recipe, or
# MAX_LENGTH), keeping per-review predictions; the table gives accuracy, agreement with FP32 and
# the relative logit error per review (||INT8 - FP32|| / ||FP32||, as the quantizer's fidelity
# report; its max comes from reviews whose FP32 logits are near 0); then `bertq bench` times the
# two folders side by side. Every step is skipped when its output exists, so a cut run
# continues, and an evaluation made elsewhere with the same command and recipe (e.g. the
# reproduction's eval-fp32.json + pred-fp32.jsonl) can be placed in RUN and reused.
# Results: RUN/range-*/, RUN/eval-{fp32,127,255}.json, RUN/pred-*.jsonl, RUN/bench.json,
# RUN/table.md.
#
#   docs/results/activation-range/run.sh MODEL RUN [SAMPLES] [MAX_LENGTH]
#   # MODEL: a fine-tuned FP32 folder, e.g. the reproduction's RUN/run256/best, or the demo's
#   # RUN/model-fp32 (scripts/demo.sh); SAMPLES: a stratified subset (0 or absent: all 25,000)
set -euo pipefail
model=$1 run=$2 samples=${3:-0} len=${4:-}
bertq=${BERTQ:-$(cd "$(dirname "$0")/../../.." && pwd)/build/src/cli/bertq}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
if [ -z "${BERTQ_IMDB_DIR:-}" ] && [ -f "$(dirname "$0")/../../../../shared/data/imdb/test.jsonl.gz" ]; then
  export BERTQ_IMDB_DIR=$(cd "$(dirname "$0")/../../../../shared/data/imdb" && pwd)
fi
mkdir -p "$run"
"$bertq" info | tee "$run/info.txt"
recipe=(--data imdb:test --json)
[ "$samples" = 0 ] || recipe+=(--limit "$samples" --seed 1)
[ -z "$len" ] || recipe+=(--max-length "$len")
evaluate() {  # evaluate NAME FOLDER
  [ -f "$run/eval-$1.json" ] && return
  echo "run.sh: eval $1" >&2
  "$bertq" eval --model "$2" "${recipe[@]}" --predictions "$run/pred-$1.jsonl" \
    >"$run/eval-$1.json.tmp"
  mv "$run/eval-$1.json.tmp" "$run/eval-$1.json"
}
evaluate fp32 "$model"
for q in 127 255; do
  [ -f "$run/range-$q/config.json" ] ||
    "$bertq" quantize --model "$model" --out "$run/range-$q" --activation-range "$q" --force
  evaluate "$q" "$run/range-$q"
done
# Speed of the two folders side by side (synthetic 128-token sequences, batch 1 and 8).
[ -f "$run/bench.json" ] ||
  "$bertq" bench --model "$run/range-127" --model "$run/range-255" --name q127 --name q255 \
    --seq-len 128 --batch-size 1,8 --out "$run/bench.json" | tee "$run/bench.txt"
python3 - "$run" "$(dirname "$0")/.." <<'PY' | tee "$run/table.md"
import json, sys
run = sys.argv[1]
sys.path.insert(0, sys.argv[2])
from predictions import compare
acc = lambda name: json.load(open(f"{run}/eval-{name}.json"))["metrics"]["accuracy"]
print("| range | reviews | FP32 accuracy | INT8 accuracy | agreement | relative logit error: "
      "mean | max |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for q in ("127", "255"):
    c = compare(f"{run}/pred-fp32.jsonl", f"{run}/pred-{q}.jsonl")
    print(f"| {q} | {c['n']:,} | {100 * acc('fp32'):.2f}% | {100 * acc(q):.2f}% | "
          f"{c['agreement_pct']:.2f}% | {c['rel_err_mean']:.4f} | {c['rel_err_max']:.3g} |")
PY
