#!/usr/bin/env bash
# Both INT8 activation ranges on one fine-tuned model, on the same test reviews (issue 26):
# `bertq quantize --activation-range 127|255 --eval imdb:test` writes each folder and its
# fidelity report (accuracy FP32 / INT8, agreement with FP32) on the same stratified sample;
# then `bertq bench` times the two folders side by side. Results: RUN/range-*/
# quantization_report.json, RUN/bench.json, and the table this prints.
#
#   docs/results/activation-range/run.sh MODEL RUN [EVAL_SAMPLES] [MAX_LENGTH]
#   # MODEL: a fine-tuned FP32 folder, e.g. the README's RUN256/best, or the demo's
#   # runs/demo/train/best (scripts/demo.sh)
set -euo pipefail
model=$1 run=$2 samples=${3:-2000} len=${4:-256}
bertq=${BERTQ:-$(cd "$(dirname "$0")/../../.." && pwd)/build/src/cli/bertq}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
if [ -z "${BERTQ_IMDB_DIR:-}" ] && [ -f "$(dirname "$0")/../../../../shared/data/imdb/test.jsonl.gz" ]; then
  export BERTQ_IMDB_DIR=$(cd "$(dirname "$0")/../../../../shared/data/imdb" && pwd)
fi
mkdir -p "$run"
"$bertq" info | tee "$run/info.txt"
for q in 127 255; do
  out="$run/range-$q"
  [ -f "$out/quantization_report.json" ] ||
    "$bertq" quantize --model "$model" --out "$out" --activation-range "$q" --eval imdb:test \
      --eval-samples "$samples" --max-length "$len" --force
done
# Speed of the two folders side by side (synthetic 128-token sequences, batch 1 and 8).
[ -f "$run/bench.json" ] ||
  "$bertq" bench --model "$run/range-127" --model "$run/range-255" --name q127 --name q255 \
    --seq-len 128 --batch-size 1,8 --out "$run/bench.json" | tee "$run/bench.txt"
python3 - "$run" <<'PY'
import json, sys
run = sys.argv[1]
print(f"| range | reviews | FP32 accuracy | INT8 accuracy | agreement | max relative logit error |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for q in (127, 255):
    f = json.load(open(f"{run}/range-{q}/quantization_report.json"))["fidelity"]
    print(f"| {q} | {f['n']} | {f['accuracy_fp32_pct']:.2f}% | {f['accuracy_int8_pct']:.2f}% | "
          f"{f['agreement_pct']:.2f}% | {f['logit_rel_err_max']:.3g} |")
PY
