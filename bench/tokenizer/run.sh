#!/usr/bin/env bash
# Tokenizer throughput, ours and the reference side by side, over the IMDB train texts:
#   bertq (1 thread, all threads) via bench_tokenizer, and Hugging Face tokenizers (Rust, through
#   its Node binding, ../shared/peers/tokenizer_bench.mjs) with RAYON_NUM_THREADS=1 and all threads.
# Prints a Markdown table and writes JSON.
#   bench/tokenizer/run.sh [OUT_JSON]      (default build/bench/tokenizer.json)
# Environment: REPEATS (default 3), BERTQ_SHARED (default ../shared), PEERS_DIR (where the
# reference's npm packages are installed; default build/bench/peers_tokenizer), NO_REFERENCE=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-build/bench/tokenizer.json}
SHARED=$(realpath "${BERTQ_SHARED:-../shared}")
REPEATS=${REPEATS:-3}
PEERS_DIR=${PEERS_DIR:-build/bench/peers_tokenizer}
TOK="$SHARED/data/bert-base-uncased"
DATA="$SHARED/data/imdb/train.jsonl.gz"
[ -f "$DATA" ] || { echo "run.sh: $DATA not found" >&2; exit 3; }

if [ -f build/build.ninja ]; then cmake build >/dev/null; fi  # pick up new bench folders
scripts/build.sh bench_tokenizer >/dev/null
mkdir -p build/bench

refs=()
if [ -z "${NO_REFERENCE:-}" ] && command -v node >/dev/null && command -v npm >/dev/null; then
  if [ ! -d "$PEERS_DIR/node_modules/@anush008/tokenizers" ]; then
    mkdir -p "$PEERS_DIR"
    cp -r "$SHARED/peers/." "$PEERS_DIR/"
    chmod -R u+w "$PEERS_DIR"
    (cd "$PEERS_DIR" && npm install --no-audit --no-fund @anush008/tokenizers >/dev/null 2>&1) ||
      echo "run.sh: npm install @anush008/tokenizers failed; reference skipped" >&2
  fi
  if [ -d "$PEERS_DIR/node_modules/@anush008/tokenizers" ]; then
    (cd "$PEERS_DIR" && RAYON_NUM_THREADS=1 node tokenizer_bench.mjs "$TOK/tokenizer.json" "$DATA" "$REPEATS") \
      > build/bench/tokenizer_ref_1.json
    (cd "$PEERS_DIR" && node tokenizer_bench.mjs "$TOK/tokenizer.json" "$DATA" "$REPEATS") \
      > build/bench/tokenizer_ref_all.json
    refs=(--reference build/bench/tokenizer_ref_1.json --reference build/bench/tokenizer_ref_all.json)
  fi
else
  echo "run.sh: node/npm not found (or NO_REFERENCE set): reference skipped" >&2
fi

build/bench/tokenizer/bench_tokenizer --tokenizer "$TOK" --data "$DATA" --repeats "$REPEATS" \
  --out "$OUT" "${refs[@]}"
