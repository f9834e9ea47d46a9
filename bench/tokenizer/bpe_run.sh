#!/usr/bin/env bash
# Byte-level BPE tokenizer throughput, bertq against Hugging Face tokenizers (Python binding),
# over the IMDB train texts, with the BPE that scripts/reference/bpe_reference.py trains:
#   bertq encode() loop (1 thread) and encode_batch (all threads) via bench_tokenizer;
#   HF Tokenizer.encode() loop and encode_batch with RAYON_NUM_THREADS=1, and encode_batch with
#   all threads (hf_tokenizers_bench.py).
# Prints a Markdown table and writes JSON.
#   bench/tokenizer/bpe_run.sh [OUT_JSON]      (default build/bench/tokenizer_bpe.json)
# Environment: REPEATS (default 3), BERTQ_SHARED (default ../shared).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-build/bench/tokenizer_bpe.json}
SHARED=$(realpath "${BERTQ_SHARED:-../shared}")
REPEATS=${REPEATS:-3}
DATA="$SHARED/data/imdb/train.jsonl.gz"
BPE=build/tokenizer-reference/bpe
[ -f "$DATA" ] || { echo "bpe_run.sh: $DATA not found" >&2; exit 3; }
if [ ! -f "$BPE/fast/tokenizer.json" ]; then
  .venv/bin/python scripts/reference/bpe_reference.py "$BPE"
fi
if [ -f build/build.ninja ]; then cmake build >/dev/null; fi
scripts/build.sh bench_tokenizer >/dev/null
mkdir -p build/bench
HF=bench/tokenizer/hf_tokenizers_bench.py
RAYON_NUM_THREADS=1 .venv/bin/python $HF "$BPE/fast/tokenizer.json" "$DATA" "$REPEATS" loop \
  > build/bench/tokenizer_bpe_hf_loop.json
RAYON_NUM_THREADS=1 .venv/bin/python $HF "$BPE/fast/tokenizer.json" "$DATA" "$REPEATS" batch \
  > build/bench/tokenizer_bpe_hf_batch1.json
.venv/bin/python $HF "$BPE/fast/tokenizer.json" "$DATA" "$REPEATS" batch \
  > build/bench/tokenizer_bpe_hf_batch.json
build/bench/tokenizer/bench_tokenizer --tokenizer "$BPE/fast" --data "$DATA" --repeats "$REPEATS" \
  --out "$OUT" --reference build/bench/tokenizer_bpe_hf_loop.json \
  --reference build/bench/tokenizer_bpe_hf_batch1.json \
  --reference build/bench/tokenizer_bpe_hf_batch.json
