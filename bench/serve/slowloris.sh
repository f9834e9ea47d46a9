#!/usr/bin/env bash
# bench/serve/slowloris.sh: normal requests to `bertq serve` while 0, 70, 300 and 1000 slow
# (slowloris) connections are open (bench/serve/slowloris.py). Prints a Markdown table and
# writes JSON + Markdown to OUT_DIR. Same model and environment as bench/serve/run.sh (MODEL,
# SHAPE, MAX_LENGTH, BERTQ_SHARED, ...); SLOW ("0 70 300 1000"), REQUESTS (200).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BERTQ=${BERTQ:-$ROOT/build/src/cli/bertq}
SHARED=${BERTQ_SHARED:-$ROOT/../shared}
MAX_LENGTH=${MAX_LENGTH:-128}
SLOW=${SLOW:-0 70 300 1000}
REQUESTS=${REQUESTS:-200}
OUT_DIR=${OUT_DIR:-$ROOT/bench/serve/results}
SHAPE=${SHAPE:-small}
# shellcheck source=bench/serve/lib.sh
source "$ROOT/bench/serve/lib.sh"
check_tools
make_work bench_slowloris
make_model
python3 "$ROOT/bench/serve/make_bodies.py" "$REVIEWS" 100 "$MAX_LENGTH" "$WORK/bodies.jsonl"
start_server --max-connections-per-client 4096 --max-connections 8192
CPU=$("$BERTQ" info | sed -n 's/^cpu: *//p' | head -1)
rows=()
for n in $SLOW; do
  echo "bench/serve/slowloris: $n slow connections, $REQUESTS requests" >&2
  rows+=("$(python3 "$ROOT/bench/serve/slowloris.py" "$URL" "$n" "$REQUESTS" "$WORK/bodies.jsonl")")
done
mkdir -p "$OUT_DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
printf '%s\n' "${rows[@]}" | jq -s --arg model "$MODEL_DESC" --arg cpu "$CPU" \
  '{model: $model, cpu: $cpu, runs: .}' > "$OUT_DIR/slowloris_$stamp.json"
{
  echo "# bertq serve under slow connections ($CPU, $(nproc) CPUs)"
  echo
  echo "Model: $MODEL_DESC, max_length $MAX_LENGTH. Normal requests: one keep-alive client, sequential."
  echo
  echo "| slow connections | reopened after a deadline | answered | failed | p50 ms | p99 ms | max ms |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for r in "${rows[@]}"; do
    echo "$r" | jq -r '"| \(.slow_connections) | \(.reopened_by_deadlines) | \(.answered)/\(.requests) | \(.failed) | \(.p50_ms) | \(.p99_ms) | \(.max_ms) |"'
  done
} | tee "$OUT_DIR/slowloris_$stamp.md"
