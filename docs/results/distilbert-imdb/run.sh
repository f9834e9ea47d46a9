#!/usr/bin/env bash
# A DistilBERT fine-tuned end to end on IMDB (issue 27): no pretrained DistilBERT is reachable
# offline, so a small one is initialised at random (`bertq init --arch distilbert`, the real
# bert-base-uncased WordPiece vocabulary from ../shared), trained on 8,000 IMDB train reviews
# (10% held out) at 128 tokens, then quantized (default INT8) with FP32 / INT8 accuracy and
# agreement on all 25,000 test reviews. Resumable: `bertq train ... --resume` continues a cut
# run; finished steps are skipped.
#
#   docs/results/distilbert-imdb/run.sh RUN
set -euo pipefail
run=$1
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
bertq=${BERTQ:-$repo/build/src/cli/bertq}
shared=$(cd "$repo/../shared" && pwd)
export BERTQ_IMDB_DIR=${BERTQ_IMDB_DIR:-$shared/data/imdb}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
mkdir -p "$run"
[ -f "$run/init/model.safetensors" ] ||
  "$bertq" init --arch distilbert --out "$run/init" --vocab "$shared/data/bert-base-uncased/vocab.txt" \
    --layers 2 --hidden 128 --heads 4 --intermediate 512 --max-position 256 --seed 1
[ -f "$run/run/best/model.safetensors" ] ||
  "$bertq" train --model "$run/init" --train "$BERTQ_IMDB_DIR/train.jsonl.gz" --limit 8000 \
    --validation-split 0.1 --out "$run/run" --epochs 1 --max-length 128 --truncation head+tail \
    --batch-size 32 --lr 5e-4 --warmup-ratio 0.1 --seed 1 --threads 2 \
    $([ -d "$run/run/checkpoint" ] && echo --resume)
[ -f "$run/int8/quantization_report.json" ] ||
  "$bertq" quantize --model "$run/run/best" --out "$run/int8" --eval imdb:test \
    --eval-samples 25000 --max-length 128 --force
