#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs the whole test suite with CTest.
# Tests that need ../shared (golden outputs, IMDB) skip with a message where it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
# The pretrained checkpoint and the reference stack (transformers) for the exactness tests;
# ONNX Runtime and Optimum for the ONNX export's; PySpark and Java for bertq.spark's (python/tests/test_spark.py).
scripts/setup.sh --pretrained --reference --onnx --spark
scripts/build.sh
ref="${BUILD_DIR:-build}/pretrained-reference"
if [ ! -f "$ref/forward.safetensors" ]; then
  .venv/bin/python scripts/reference/pretrained_reference.py "$(scripts/pretrained-dir.sh)" "$ref"
fi
# Random-weight models of the other architectures with transformers' float64 outputs.
arch="${BUILD_DIR:-build}/arch-reference"
if [ ! -f "$arch/xlm-roberta/forward.safetensors" ] ||
   [ scripts/reference/arch_reference.py -nt "$arch/xlm-roberta/forward.safetensors" ]; then
  .venv/bin/python scripts/reference/arch_reference.py "$arch"
fi
# Tokenizers trained on IMDB (../shared) and Hugging Face tokenizers' encodings of them: a
# byte-level BPE (RoBERTa kind) and Unigram ones (XLM-RoBERTa kind). Without ../shared (a user's
# machine) they are not made and their golden tests skip with a message.
shared="${BERTQ_SHARED:-../shared}"
if [ -f "$shared/data/imdb/train.jsonl.gz" ] && [ -f "$shared/golden/tokenizer/unicode.jsonl.gz" ]; then
  bpe="${BUILD_DIR:-build}/tokenizer-reference/bpe"
  if [ ! -f "$bpe/hand.jsonl" ] || [ scripts/reference/bpe_reference.py -nt "$bpe/hand.jsonl" ]; then
    BERTQ_SHARED="$shared" .venv/bin/python scripts/reference/bpe_reference.py "$bpe"
  fi
  unigram="${BUILD_DIR:-build}/tokenizer-reference/unigram"
  if [ ! -f "$unigram/prepend_first/pair.jsonl" ] ||
     [ scripts/reference/unigram_reference.py -nt "$unigram/prepend_first/pair.jsonl" ]; then
    BERTQ_SHARED="$shared" .venv/bin/python scripts/reference/unigram_reference.py "$unigram"
  fi
else
  echo "test.sh: $shared/data/imdb or its golden tokenizer cases absent: the BPE / Unigram" \
       "tokenizer references are not made (their tests skip)" >&2
fi
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)" ${CTEST_ARGS:-}
