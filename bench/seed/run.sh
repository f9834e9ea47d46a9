#!/usr/bin/env bash
# The seed's Python flow and bertq side by side (issue 16): the same pretrained folder
# (scripts/pretrained-dir.sh), the same IMDB reviews, length and hyper-parameters (bertq train's
# defaults, except the length and epochs below that size the run for this machine).
#   seed:  transformers Trainer -> Optimum ONNX export -> Optimum dynamic INT8 (ORTQuantizer,
#          avx512_vnni config where the CPU has VNNI, else avx2) -> ORTModel evaluation
#   bertq: bertq train -> bertq quantize (default scheme) -> bertq eval
# then compare.py: latency / throughput / peak RSS of the four models, interleaved rounds.
# Creates bench/seed/.venv from requirements.txt (hash-pinned; PyPI's torch, CUDA wheels
# included). Needs bertq + bertq-train (scripts/build.sh) and `scripts/setup.sh --pretrained`.
# The defaults are the committed run's (bench/seed/results: ~30 minutes on the quiet 2-core VM,
# plus the venv's download).
# Usage: bench/seed/run.sh [STAGE...]   stages: venv data bertq seed compare (default: all, in
#        that order; results in bench/seed/results/)
# Knobs (environment): SEED_TRAIN SEED_TEST SEED_MAX_LENGTH SEED_EPOCHS SEED_THREADS
#   SEED_LR SEED_TRAIN_THREADS SEED_BENCH_REVIEWS SEED_ROUNDS SEED_PASSES SEED_CONDITIONS (a note for the table)
#   BERTQ_BIN_DIR BERTQ_IMDB_DIR SEED_WORK SEED_OUT
#   SEED_WHEELS (a folder of the pinned wheels, e.g. from `pip download -r requirements.txt`)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/bench/seed
venv=$here/.venv
work=${SEED_WORK:-$root/build/seed}
out=${SEED_OUT:-$here/results}
bin=${BERTQ_BIN_DIR:-$root/build/src/cli}
imdb=${BERTQ_IMDB_DIR:-$root/../shared/data/imdb}
model=$("$root/scripts/pretrained-dir.sh")
n_train=${SEED_TRAIN:-8000}
n_test=${SEED_TEST:-2000}
max_length=${SEED_MAX_LENGTH:-128}
epochs=${SEED_EPOCHS:-1}
threads=${SEED_THREADS:-2}                    # inference (eval, latency, throughput)
train_threads=${SEED_TRAIN_THREADS:-2}
# bertq train's defaults (bertq-train train --help), used on both sides, except the learning
# rate: 5e-5 as in the README's MiniLM recipe (the default 2e-5 barely moves in a short run).
batch=32 lr=${SEED_LR:-5e-5} warmup=0.1 decay=0.01 clip=1 seed=42

[ -f "$model/model.safetensors" ] || { echo "no $model: run scripts/setup.sh --pretrained" >&2; exit 1; }
[ -f "$imdb/train.jsonl.gz" ] || { echo "no IMDB in $imdb (set BERTQ_IMDB_DIR)" >&2; exit 1; }
need() { [ -x "$bin/$1" ] || { echo "no $bin/$1: scripts/build.sh (or set BERTQ_BIN_DIR)" >&2; exit 1; }; }

venv() {
  if ! cmp -s "$here/requirements.txt" "$venv/.installed-requirements.txt"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --require-hashes --no-deps \
      ${SEED_WHEELS:+--no-index --find-links "$SEED_WHEELS"} -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$venv/.installed-requirements.txt"
  fi
}
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
export OMP_NUM_THREADS=$threads
reviews=${SEED_BENCH_REVIEWS:-64}
# make_subset.py, timed.py and compare.py use the standard library only; the venv runs the seed.

data() {
  mkdir -p "$work/data"
  python3 "$here/make_subset.py" --imdb "$imdb" --out "$work/data" --train "$n_train" --test "$n_test"
  head -n "$reviews" "$work/data/test.jsonl" > "$work/data/bench.jsonl"
}

bertq() {  # train (no --eval: the process is the training), quantize; compare evaluates
  need bertq-train && need bertq
  rm -rf "$work/bertq-run"
  python3 "$here/timed.py" "$work/bertq-train-timing.json" "$work/bertq-train.log" -- \
    "$bin/bertq-train" train --model "$model" --train "$work/data/train.jsonl" \
    --out "$work/bertq-run" --max-length "$max_length" --epochs "$epochs" --batch-size $batch \
    --lr $lr --warmup-ratio $warmup --weight-decay $decay --max-grad-norm $clip --seed $seed \
    --threads "$train_threads"
  "$bin/bertq" quantize --model "$work/bertq-run/last" --out "$work/bertq-int8" --force
}

seed() {  # one process, as a seed user runs it
  python3 "$here/timed.py" "$work/seed-train-timing.json" "$work/seed-train.log" -- \
    "$venv/bin/python" "$here/seed_train.py" --model "$model" --data "$work/data" \
    --out "$work/seed-run" --max-length "$max_length" --epochs "$epochs" --batch-size $batch \
    --lr $lr --warmup-ratio $warmup --weight-decay $decay --max-grad-norm $clip --seed $seed \
    --train-threads "$train_threads" --threads "$threads"
}

compare() {
  need bertq
  mkdir -p "$out"
  python3 "$here/compare.py" --bertq "$bin/bertq" --seed-python "$venv/bin/python" \
    --work "$work" --data "$work/data" --bench-data "$work/data/bench.jsonl" \
    --bertq-run "$work/bertq-run" --bertq-fp32 "$work/bertq-run/last" \
    --bertq-int8 "$work/bertq-int8" --bertq-train-timing "$work/bertq-train-timing.json" \
    --seed-json "$work/seed-run/seed_train.json" \
    --seed-train-timing "$work/seed-train-timing.json" \
    --seed-tokenizer "$work/seed-run/fp32/tokenizer.json" --out "$out" \
    --max-length "$max_length" --threads "$threads" --batch-size $batch --reviews "$reviews" \
    --rounds "${SEED_ROUNDS:-3}" --passes "${SEED_PASSES:-1}" --epochs "$epochs" \
    --conditions "${SEED_CONDITIONS:-}"
  cp "$work/bertq-train.log" "$work/seed-train.log" "$work/bertq-train-timing.json" \
    "$work/seed-train-timing.json" "$work/seed-run/seed_train.json" "$out/"
  cp "$work/bertq-run/metrics.jsonl" "$out/bertq-train-metrics.jsonl"
}

stages=("$@")
[ $# -gt 0 ] || stages=(venv data bertq seed compare)
for stage in "${stages[@]}"; do
  case $stage in
    venv | data | bertq | seed | compare) "$stage" ;;
    *) echo "unknown stage $stage (venv data bertq seed compare)" >&2; exit 1 ;;
  esac
done
