#!/usr/bin/env bash
# bench/serve/soak.sh: `bertq serve` under hostile load, then SIGTERM under load.
# wrk POSTs /v1/classify bodies of TEXTS IMDB reviews each, BAD_PERCENT of them hostile
# (malformed JSON, invalid UTF-8, oversize body / text / text count, bad max_length, wrong type,
# empty text, unknown field), at each of CONNS connections for DURATION seconds; the server's
# RSS is sampled every 5 s. Then, once the server's queue is empty, wrk runs at the largest
# level and the server gets SIGTERM TERM_AFTER seconds in; wrk goes on for TERM_DRAIN more
# seconds, so the requests the server drains are answered while it still listens for them.
# Checks: no 5xx anywhere, every 200 carries TEXTS results (none "lost"), hostile bodies
# answered 4xx, requests in flight at SIGTERM answered (200s after it), exit code 0. Prints a Markdown table; writes JSON
# + Markdown (and the RSS series) to OUT_DIR.
#
#   bench/serve/soak.sh                 # 1, 8, 32 connections, 180 s each
#   QUICK=1 bench/serve/soak.sh         # 10 s each (a smoke run)
#
# Environment: BERTQ, MODEL / SHAPE (as run.sh), CONNS ("1 8 32"), DURATION (180), TEXTS (2),
# BAD_PERCENT (20), MAX_LENGTH (128), N_BODIES (2000), TERM_AFTER (5), TERM_DRAIN (60), THREADS
# (0), OUT_DIR
# (bench/serve/results), BERTQ_SHARED (../shared).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BERTQ=${BERTQ:-$ROOT/build/src/cli/bertq}
SHARED=${BERTQ_SHARED:-$ROOT/../shared}
CONNS=${CONNS:-1 8 32}
DURATION=${DURATION:-180}
[ "${QUICK:-0}" = 1 ] && DURATION=10
TEXTS=${TEXTS:-2}
BAD_PERCENT=${BAD_PERCENT:-20}
MAX_LENGTH=${MAX_LENGTH:-128}
N_BODIES=${N_BODIES:-2000}
TERM_AFTER=${TERM_AFTER:-5}
TERM_DRAIN=${TERM_DRAIN:-60}
THREADS=${THREADS:-0}
OUT_DIR=${OUT_DIR:-$ROOT/bench/serve/results}
SHAPE=${SHAPE:-small}
MAX_BODY=65536 MAX_TEXT=16384 MAX_TEXTS=16

# shellcheck source=bench/serve/lib.sh
source "$ROOT/bench/serve/lib.sh"
check_tools

make_work soak

make_model
export BODIES=$WORK/bodies.txt TEXTS
python3 "$ROOT/bench/serve/make_soak_bodies.py" "$REVIEWS" "$N_BODIES" "$TEXTS" "$BAD_PERCENT" \
  "$MAX_BODY" "$MAX_TEXT" "$MAX_TEXTS" "$BODIES"
start_server --max-length "$MAX_LENGTH" --threads "$THREADS" --max-body-bytes "$MAX_BODY" \
  --max-text-bytes "$MAX_TEXT" --max-texts "$MAX_TEXTS"
START=$(date +%s)
RSS_SERIES=$WORK/rss.tsv
(while kill -0 "$SERVER_PID" 2>/dev/null; do
  echo "$(($(date +%s) - START))	$(rss_kb 2>/dev/null || echo 0)" >>"$RSS_SERIES"
  sleep 5
done) &
SAMPLER_PID=$!
RSS_START=$(rss_kb)
INFO=$("$BERTQ" info | tr '\n' ';' | sed 's/"/\\"/g')

RUNS=()
for c in $CONNS; do
  echo "bench/serve/soak: $c connection(s), ${DURATION} s" >&2
  RUNS+=("$(run_wrk soak.lua "$c" "$DURATION" | jq -c --argjson c "$c" '. + {connections: $c}')")
done
RSS_END=$(rss_kb)

# SIGTERM under load: the largest level, the signal TERM_AFTER seconds in. First the requests
# the last level left queued (wrk closed their connections) are let through.
for _ in $(seq 1 600); do
  depth=$(curl -s "$URL/metrics" | awk '$1 == "bertq_queue_depth" {print $2}')
  [ "$depth" = 0 ] && break
  sleep 0.5
done
[ "$depth" = 0 ] || die "the server's queue did not empty (depth $depth)"
LAST=${CONNS##* }
echo "bench/serve/soak: SIGTERM after ${TERM_AFTER} s at $LAST connections" >&2
# The signal goes out at the start of second TERM_AT, so soak.lua can tell the responses after it.
export TERM_AT=$(($(date +%s) + TERM_AFTER))
(sleep "$(date +%s.%N | awk -v t="$TERM_AT" '{print t - $1}')"; kill -TERM "$SERVER_PID") &
TERM_RUN=$(run_wrk soak.lua "$LAST" $((TERM_AFTER + TERM_DRAIN)) | jq -c --argjson c "$LAST" '. + {connections: $c}')
unset TERM_AT
set +e
wait "$SERVER_PID"
EXIT_CODE=$?
set -e
SERVER_PID=
kill "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=

mkdir -p "$OUT_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
JSON=$OUT_DIR/soak_$STAMP.json
printf '%s\n' "${RUNS[@]}" | jq -s \
  --arg model "$MODEL_DESC" --arg info "$INFO" --arg date "$STAMP" --argjson texts "$TEXTS" \
  --argjson bad "$BAD_PERCENT" --argjson duration "$DURATION" --argjson term "$TERM_RUN" \
  --argjson rss_start "$RSS_START" --argjson rss_end "$RSS_END" --argjson exit_code "$EXIT_CODE" \
  --argjson cpus "$(nproc)" --rawfile rss "$RSS_SERIES" \
  '{date: $date, model: $model, machine: $info, cpus: $cpus, texts_per_request: $texts,
    hostile_percent: $bad, duration_s: $duration, runs: ., sigterm_run: $term,
    sigterm_exit_code: $exit_code, rss_kb: {start: $rss_start, end: $rss_end},
    rss_series: [$rss | split("\n")[] | select(length > 0) | split("\t") | map(tonumber)]}' \
  >"$JSON.tmp"
mv "$JSON.tmp" "$JSON"

row='"| \(.connections) | \(.duration_s | floor) | \(.requests) | \(.status["200"] // 0) | \([.status | to_entries[] | select(.key | startswith("4")) | .value] | add // 0) | \([.status | to_entries[] | select(.key | startswith("5")) | .value] | add // 0) | \(.lost) | \(.errors.connect + .errors.read + .errors.write + .errors.timeout) | \(.p50_ms * 10 | round / 10) | \(.p99_ms * 10 | round / 10) |"'
{
  echo "bertq serve soak, $MODEL_DESC; $TEXTS texts per request, $BAD_PERCENT% hostile bodies; max_length $MAX_LENGTH; $(nproc) CPUs; $(echo "$INFO" | tr ';' ' ' | sed 's/\\"/"/g')"
  echo
  echo "| connections | seconds | requests | 200 | 4xx | 5xx | lost | socket errors | p50 ms | p99 ms |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  jq -r ".runs[] | $row" "$JSON"
  jq -r ".sigterm_run | $row" "$JSON" | sed 's/^| \([0-9]*\) /| \1 (SIGTERM) /'
  echo
  jq -r '"Status counts: \([.runs[], .sigterm_run | .status] | map(to_entries) | add | group_by(.key) | map("\(.[0].key): \(map(.value) | add)") | join(", ")). RSS \(.rss_kb.start / 1024 | floor) MiB at the start, \(.rss_kb.end / 1024 | floor) MiB after the last level (\(.rss_series | length) samples). SIGTERM: \(.sigterm_run.after_sigterm) requests answered (200, all results) after the signal while the server drained, \(.sigterm_run.errors.read) connections closed before their next request was read, \(.sigterm_run.errors.connect) connections refused after the exit; exit code \(.sigterm_exit_code)."' "$JSON"
} | tee "${JSON%.json}.md"

# The checks.
FIVES=$(jq '[.runs[], .sigterm_run | .status | to_entries[] | select(.key | startswith("5")) | .value] | add // 0' "$JSON")
LOST=$(jq '[.runs[], .sigterm_run | .lost] | add' "$JSON")
FOURS=$(jq '[.runs[] | .status | to_entries[] | select(.key | startswith("4")) | .value] | add // 0' "$JSON")
[ "$FIVES" = 0 ] || die "$FIVES responses were 5xx"
[ "$LOST" = 0 ] || die "$LOST responses with status 200 lacked results"
[ "$BAD_PERCENT" = 0 ] || [ "$FOURS" -gt 0 ] || die "no hostile body got a 4xx"
[ "$(jq '.sigterm_run.after_sigterm' "$JSON")" -gt 0 ] ||
  die "no request in flight at SIGTERM was answered"
[ "$EXIT_CODE" = 0 ] || die "the server exited with $EXIT_CODE after SIGTERM"
echo "bench/serve/soak: passed ($JSON)" >&2
