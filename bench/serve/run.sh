#!/usr/bin/env bash
# bench/serve: end-to-end HTTP benchmark of `bertq serve` with wrk.
# Starts the server on a model, POSTs IMDB reviews to /v1/classify at 1, 8 and 32 connections
# (30 s each), then soaks it (SOAK_S, default 300 s at 8 connections) and compares the server's
# RSS before and after. Prints a Markdown table and writes JSON + Markdown to OUT_DIR.
#
#   bench/serve/run.sh                         # model made with `bertq init` (SHAPE=small)
#   MODEL=models/imdb-int8 bench/serve/run.sh  # a real (quantized) model
#   QUICK=1 bench/serve/run.sh                 # 5 s per level, 20 s soak
#
# Environment: BERTQ (binary, default build/src/cli/bertq), MODEL, SHAPE=small|base (when no
# MODEL: small = 4 layers H=256, base = bert-base shape, random FP32 weights), MAX_LENGTH
# (default 128), N_REVIEWS (500), CONNS ("1 8 32"), DURATION (30), SOAK_S (300), SOAK_CONNS (8),
# MAX_BATCH (32), MAX_WAIT_MS (5), THREADS (0 = all CPUs), WRK_THREADS (2), OUT_DIR
# (bench/serve/results), BERTQ_SHARED (../shared).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BERTQ=${BERTQ:-$ROOT/build/src/cli/bertq}
SHARED=${BERTQ_SHARED:-$ROOT/../shared}
MAX_LENGTH=${MAX_LENGTH:-128}
N_REVIEWS=${N_REVIEWS:-500}
CONNS=${CONNS:-1 8 32}
DURATION=${DURATION:-30}
SOAK_S=${SOAK_S:-300}
SOAK_CONNS=${SOAK_CONNS:-8}
if [ "${QUICK:-0}" = 1 ]; then DURATION=5; SOAK_S=20; fi
MAX_BATCH=${MAX_BATCH:-32}
MAX_WAIT_MS=${MAX_WAIT_MS:-5}
THREADS=${THREADS:-0}
WRK_THREADS=${WRK_THREADS:-2}
OUT_DIR=${OUT_DIR:-$ROOT/bench/serve/results}
SHAPE=${SHAPE:-small}

# shellcheck source=bench/serve/lib.sh
source "$ROOT/bench/serve/lib.sh"
check_tools

make_work bench_serve

make_model

BODIES=$WORK/bodies.jsonl
python3 "$ROOT/bench/serve/make_bodies.py" "$REVIEWS" "$N_REVIEWS" "$MAX_LENGTH" "$BODIES"
export BODIES

start_server --max-batch "$MAX_BATCH" --max-wait-ms "$MAX_WAIT_MS" --threads "$THREADS"

RSS_START=$(rss_kb)
INFO=$("$BERTQ" info | tr '\n' ';' | sed 's/"/\\"/g')
echo "bench/serve: $MODEL_DESC, max_length $MAX_LENGTH, max batch $MAX_BATCH, max wait ${MAX_WAIT_MS} ms, threads $THREADS, $(nproc) CPUs" >&2
RUNS=()
for c in $CONNS; do
  echo "bench/serve: $c connection(s), ${DURATION} s" >&2
  RUNS+=("$(run_wrk classify.lua "$c" "$DURATION" | jq -c --argjson c "$c" '. + {connections: $c}')")
done
RSS_BEFORE=$(rss_kb)
echo "bench/serve: soak, $SOAK_CONNS connections, ${SOAK_S} s" >&2
SOAK=$(run_wrk classify.lua "$SOAK_CONNS" "$SOAK_S" | jq -c --argjson c "$SOAK_CONNS" '. + {connections: $c}')
RSS_AFTER=$(rss_kb)
METRICS_OK=$(curl -s "$URL/metrics" | grep -c '^bertq_batch_size_count' || true)
BATCH_MEAN=$(curl -s "$URL/metrics" | awk '/^bertq_batch_size_sum/ {s=$2} /^bertq_batch_size_count/ {n=$2} END {if (n > 0) printf "%.2f", s / n; else print 0}')

kill -TERM "$SERVER_PID"
set +e
wait "$SERVER_PID"
EXIT_CODE=$?
set -e
SERVER_PID=

mkdir -p "$OUT_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
JSON=$OUT_DIR/serve_$STAMP.json
printf '%s\n' "${RUNS[@]}" | jq -s \
  --arg model "$MODEL_DESC" --arg info "$INFO" --argjson max_length "$MAX_LENGTH" \
  --argjson max_batch "$MAX_BATCH" --argjson max_wait_ms "$MAX_WAIT_MS" --argjson threads "$THREADS" \
  --argjson duration "$DURATION" --argjson soak "$SOAK" --argjson soak_s "$SOAK_S" \
  --argjson rss_start "$RSS_START" --argjson rss_before "$RSS_BEFORE" --argjson rss_after "$RSS_AFTER" \
  --argjson exit_code "$EXIT_CODE" --argjson batch_mean "$BATCH_MEAN" --arg date "$STAMP" \
  --argjson cpus "$(nproc)" \
  '{date: $date, model: $model, compute: "fp32 unless the model is quantized", machine: $info,
    cpus: $cpus, max_length: $max_length, max_batch: $max_batch, max_wait_ms: $max_wait_ms,
    threads: $threads, duration_s: $duration, runs: ., soak: ($soak + {seconds: $soak_s}),
    rss_kb: {after_warmup: $rss_start, before_soak: $rss_before, after_soak: $rss_after},
    mean_batch_size: $batch_mean, sigterm_exit_code: $exit_code}' >"$JSON.tmp"
mv "$JSON.tmp" "$JSON"

err_sum='(.errors.connect + .errors.read + .errors.write + .errors.status + .errors.timeout)'
{
  echo "bertq serve, $MODEL_DESC; max_length $MAX_LENGTH; max batch $MAX_BATCH; max wait ${MAX_WAIT_MS} ms; $(nproc) CPUs; $(echo "$INFO" | tr ';' ' ' | sed 's/\\"/"/g')"
  echo
  echo "| connections | seconds | requests/s | p50 ms | p99 ms | errors |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
  jq -r ".runs[] | \"| \(.connections) | \(.duration_s | floor) | \(.rps * 10 | round / 10) | \(.p50_ms * 10 | round / 10) | \(.p99_ms * 10 | round / 10) | \($err_sum) |\"" "$JSON"
  jq -r ".soak | \"| \(.connections) (soak) | \(.duration_s | floor) | \(.rps * 10 | round / 10) | \(.p50_ms * 10 | round / 10) | \(.p99_ms * 10 | round / 10) | \($err_sum) |\"" "$JSON"
  echo
  jq -r '"RSS: \(.rss_kb.after_warmup / 1024 | floor) MiB after warm-up, \(.rss_kb.before_soak / 1024 | floor) MiB before the soak, \(.rss_kb.after_soak / 1024 | floor) MiB after it (\(.rss_kb.after_soak - .rss_kb.before_soak) kB). Mean batch size \(.mean_batch_size). SIGTERM exit code \(.sigterm_exit_code)."' "$JSON"
} | tee "${JSON%.json}.md"
[ "$EXIT_CODE" = 0 ] || die "the server exited with $EXIT_CODE after SIGTERM"
[ "$METRICS_OK" -ge 1 ] || die "/metrics had no bertq_batch_size_count"
