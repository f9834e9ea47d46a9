#!/usr/bin/env bash
# bench/startup: what starting a bertq process costs, for one or more bertq binaries side by
# side (interleaved, REPEATS rounds): `bertq --version`, `bertq predict` of one text with an
# INT8 model folder, `bertq serve` of that folder until it listens (wall time, peak RSS), whether
# the serving process maps libtorch (/proc/PID/maps), and `bertq train --help` (a command handed
# to the trainer). Prints a Markdown table of medians and writes it as JSON + Markdown.
#
#   bench/startup/run.sh                                       # build/src/cli/bertq
#   BERTQ="/old/build/src/cli/bertq build/src/cli/bertq" bench/startup/run.sh   # before / after
#
# Environment: BERTQ (binaries, space-separated; default build/src/cli/bertq), MODEL (an INT8
# model folder; default: bert-base shape, random weights, made with the first binary's `init`
# and `quantize`, tokenizer from BERTQ_SHARED/data/bert-base-uncased), TEXT, REPEATS (5),
# OUT_DIR (bench/startup/results), BERTQ_SHARED (../shared).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
read -r -a BINARIES <<<"${BERTQ:-$ROOT/build/src/cli/bertq}"
SHARED=${BERTQ_SHARED:-$ROOT/../shared}
TEXT=${TEXT:-"A quiet, moving film with one great performance."}
REPEATS=${REPEATS:-5}
OUT_DIR=${OUT_DIR:-$ROOT/bench/startup/results}

die() { echo "bench/startup: $*" >&2; exit 1; }
for b in "${BINARIES[@]}"; do
  [ -x "$b" ] || die "$b not found: build it (scripts/build.sh bertq) or set BERTQ"
done

WORK=$(mktemp -d /tmp/bertq_bench_startup.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
if [ -z "${MODEL:-}" ]; then
  [ -d "$SHARED/data/bert-base-uncased" ] || die "$SHARED/data/bert-base-uncased not found: set MODEL"
  echo "bench/startup: making a bert-base INT8 folder (bertq init + quantize)" >&2
  "${BINARIES[0]}" init --out "$WORK/fp32" --seed 1 \
    --copy-tokenizer-from "$SHARED/data/bert-base-uncased" >/dev/null
  "${BINARIES[0]}" quantize --model "$WORK/fp32" --out "$WORK/int8" >/dev/null
  rm -rf "$WORK/fp32"
  MODEL=$WORK/int8
  MODEL_DESC="bert-base shape, random weights, INT8 (bertq quantize, dynamic)"
else
  MODEL_DESC=$MODEL
fi

mkdir -p "$OUT_DIR"
JSON=$OUT_DIR/startup_$(date -u +%Y%m%dT%H%M%SZ).json
python3 "$ROOT/bench/startup/measure.py" --model "$MODEL" --model-desc "$MODEL_DESC" \
  --text "$TEXT" --repeats "$REPEATS" --json "$JSON" "${BINARIES[@]}" | tee "${JSON%.json}.md"
