#!/usr/bin/env bash
# The README's all-MiniLM-L6-v2 IMDB result (91.8% FP32, run 2026-12-07) from a fresh clone,
# by one resumable command:
#   docs/results/minilm-imdb/reproduce.sh OUT          (rerun after an interruption: resumes)
# Stages (each skipped when its output exists; the two trainings continue with --resume):
#   1. split    bertq data split: IMDB train -> 22,500 training + 2,500 validation reviews
#               (the split `bertq train --validation-split 0.1 --seed 1` makes, to files, so
#               stage 3 holds out the same validation reviews)
#   2. run128   1 epoch at 128 tokens head+tail, lr 5e-5, batch 32 (~1 h 45 min on 2 cores)
#   3. run256   400 steps at 256 tokens head+tail from run128/best, lr 2e-5 (~1 h 30 min)
#   4. eval     FP32 on all 25,000 test reviews at 256 tokens head+tail (63 head tokens)
#   5. int8     bertq quantize (the default: dynamic, INT8 embeddings), then its eval
#   6. report   OUT/report.md: the table the README shows, with the CPU
# Needs: scripts/setup.sh --pretrained and scripts/build.sh (bertq and bertq-train), IMDB at
# ../shared/data/imdb or where `bertq download imdb` put it. THREADS (default 0: all CPUs).
# With BF16=1 the trainings run under bf16 autocast (CPUs with AVX512_BF16 / AMX; not measured
# here: this machine has AVX2 only).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
out=${1:?usage: reproduce.sh OUT}
mkdir -p "$out"
out=$(cd "$out" && pwd)
bertq=${BERTQ:-$root/build/src/cli/bertq}
threads=${THREADS:-0}
bf16=()
[ "${BF16:-0}" = 1 ] && bf16=(--bf16)
export OMP_WAIT_POLICY=PASSIVE
log() { echo "reproduce: $*" >&2; }
train_imdb=$root/../shared/data/imdb/train.jsonl.gz
[ -f "$train_imdb" ] || train_imdb=imdb:train
# imdb:test (stages 4-5) from ../shared where present, else from `bertq download imdb`'s cache.
if [ -z "${BERTQ_IMDB_DIR:-}" ] && [ -f "$root/../shared/data/imdb/test.jsonl.gz" ]; then
  export BERTQ_IMDB_DIR=$root/../shared/data/imdb
fi

if [ ! -f "$out/val2500.jsonl" ]; then
  log "1/6 split"
  "$bertq" data split "$train_imdb" --validation 0.1 --seed 1 --labels NEGATIVE POSITIVE \
    --train-out "$out/train22500.jsonl" --validation-out "$out/val2500.jsonl"
fi

train() {  # train NAME ARGS...: resumes a cut run, skips a finished one
  local name=$1
  shift
  if [ -f "$out/$name/last/config.json" ]; then return; fi
  local resume=()
  [ -d "$out/$name/checkpoint" ] && resume=(--resume)
  "$bertq" train --out "$out/$name" --threads "$threads" "${bf16[@]}" "$@" "${resume[@]}"
}
log "2/6 run128"
train run128 --model sentence-transformers/all-MiniLM-L6-v2 --train "$out/train22500.jsonl" \
  --eval "$out/val2500.jsonl" --epochs 1 --lr 5e-5 --batch-size 32 --max-length 128 \
  --truncation head+tail --warmup-ratio 0.1 --seed 1 --save-every 25
log "3/6 run256"
train run256 --model "$out/run128/best" --train "$out/train22500.jsonl" \
  --eval "$out/val2500.jsonl" --eval-limit 1000 --epochs 1 --max-steps 400 --lr 2e-5 \
  --batch-size 32 --max-length 256 --truncation head+tail --warmup-ratio 0.1 --seed 2 \
  --eval-every 100 --save-every 25

recipe=(--data imdb:test --max-length 256 --truncation head+tail --head-tokens 63
        --threads "$threads" --json)
if [ ! -f "$out/eval-fp32.json" ]; then
  log "4/6 eval FP32"
  "$bertq" eval --model "$out/run256/best" "${recipe[@]}" --predictions "$out/pred-fp32.jsonl" \
    >"$out/eval-fp32.json.tmp"
  mv "$out/eval-fp32.json.tmp" "$out/eval-fp32.json"
fi
if [ ! -f "$out/eval-int8.json" ]; then
  log "5/6 quantize + eval INT8"
  [ -f "$out/int8/config.json" ] || "$bertq" quantize --model "$out/run256/best" --out "$out/int8"
  "$bertq" eval --model "$out/int8" "${recipe[@]}" --predictions "$out/pred-int8.jsonl" \
    >"$out/eval-int8.json.tmp"
  mv "$out/eval-int8.json.tmp" "$out/eval-int8.json"
fi

log "6/6 report"
python3 - "$out" "$("$bertq" info | grep -E '^(cpu|isa):' | paste -sd ';' -)" \
  "$root/docs/results" <<'PY'
import json, os, sys
out, cpu = sys.argv[1], sys.argv[2].strip()
sys.path.insert(0, sys.argv[3])
from predictions import compare
def load(name):
    return json.load(open(os.path.join(out, name)))
fp32, int8 = load("eval-fp32.json"), load("eval-int8.json")
agree = compare(os.path.join(out, "pred-fp32.jsonl"), os.path.join(out, "pred-int8.jsonl"))
size = lambda d: os.path.getsize(os.path.join(out, d, "model.safetensors")) / 1e6
rows = [("FP32", fp32, size("run256/best"), "-"),
        ("INT8", int8, size("int8"), f"{agree['agreement_pct']:.2f}%")]
md = [f"# all-MiniLM-L6-v2 on IMDB, reproduced ({cpu})", "",
      "| model | test reviews | accuracy | macro-F1 | size | agreement with FP32 |",
      "| --- | ---: | ---: | ---: | ---: | ---: |"]
for name, r, mb, ag in rows:
    m = r["metrics"]
    md.append(f"| {name} | {m['examples']:,} | {100 * m['accuracy']:.2f}% | {m['macro_f1']:.4f} "
              f"| {mb:.1f} MB | {ag} |")
text = "\n".join(md) + "\n"
tmp = os.path.join(out, "report.md.tmp")
open(tmp, "w").write(text)
os.replace(tmp, os.path.join(out, "report.md"))
print(text, end="")
PY
