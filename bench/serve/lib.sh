# Shared by bench/serve/run.sh and soak.sh (sourced): the model, the server process, its RSS.
# Needs ROOT, BERTQ, SHARED, WORK, SHAPE (and MODEL when given) set by the caller.

die() { echo "bench/serve: $*" >&2; exit 1; }

# A work folder (WORK, /tmp/bertq_NAME.XXXXXX) removed at exit, with the server (SERVER_PID) and
# a sampler (SAMPLER_PID), when started, stopped then.
make_work() {
  WORK=$(mktemp -d "/tmp/bertq_$1.XXXXXX")
  SERVER_PID= SAMPLER_PID=
  trap cleanup EXIT
}
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; fi
  rm -rf "$WORK"
}

# The binary, wrk, curl, jq and the IMDB test reviews (sets REVIEWS), or a clear exit.
check_tools() {
  [ -x "$BERTQ" ] || die "$BERTQ not found: build it (scripts/build.sh bertq) or set BERTQ"
  command -v wrk >/dev/null || die "wrk not found (scripts/setup.sh installs it)"
  command -v curl >/dev/null && command -v jq >/dev/null || die "curl and jq needed: scripts/setup.sh --bench"
  REVIEWS=$SHARED/data/imdb/test.jsonl.gz
  [ -f "$REVIEWS" ] || die "$REVIEWS not found: set BERTQ_SHARED to the shared data folder"
}

# MODEL (when unset: a random FP32 model of SHAPE made with bertq init) and MODEL_DESC.
make_model() {
  if [ -n "${MODEL:-}" ]; then MODEL_DESC="$MODEL"; return; fi
  MODEL=$WORK/model
  case $SHAPE in
    small) SHAPE_ARGS="--layers 4 --hidden 256 --heads 4" ;;
    base) SHAPE_ARGS="--layers 12 --hidden 768 --heads 12" ;;
    *) die "SHAPE: expected small or base, got $SHAPE" ;;
  esac
  # shellcheck disable=SC2086
  "$BERTQ" init --out "$MODEL" $SHAPE_ARGS --seed 1 \
    --copy-tokenizer-from "$SHARED/data/bert-base-uncased" >/dev/null
  MODEL_DESC="random FP32 ($SHAPE shape: $SHAPE_ARGS), made with bertq init"
}

# `bertq serve --model MODEL --port 0 ARGS...` in the background (log: $WORK/server.log);
# sets SERVER_PID and URL once /readyz answers 200.
start_server() {
  local log=$WORK/server.log port=
  "$BERTQ" serve --model "$MODEL" --port 0 "$@" 2>"$log" &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$log" | head -1)
    [ -n "$port" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; die "the server exited"; }
    sleep 0.1
  done
  [ -n "$port" ] || die "the server did not start listening"
  URL=http://127.0.0.1:$port
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/readyz")" = 200 ] && return
    sleep 0.1
  done
  die "not ready"
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status"; }

# wrk with bench/serve/LUA at C connections for D seconds against /v1/classify (WRK_THREADS
# threads at most); prints the script's RESULT JSON line.
run_wrk() {
  local lua=$1 c=$2 d=$3 t=${WRK_THREADS:-2}
  [ "$c" -lt "$t" ] && t=$c
  wrk -t "$t" -c "$c" -d "${d}s" --timeout 30s --latency -s "$ROOT/bench/serve/$lua" \
    "$URL/v1/classify" >"$WORK/wrk_${lua%.lua}_${c}_${d}.txt"
  sed -n 's/^RESULT //p' "$WORK/wrk_${lua%.lua}_${c}_${d}.txt"
}
