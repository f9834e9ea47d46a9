#!/usr/bin/env bash
# bench/engine/run.sh: bertq's FP32 (and BF16 where the CPU has it) and INT8 engines beside ONNX
# Runtime FP32 and INT8 on the same random bert-base model and inputs, with the peer protocol
# (../shared/peers/README.md): engines interleaved in the same run, PASSES passes with the
# order reversed on even passes, the table from the peers' make_table.py, raw JSON kept.
#
#   bench/engine/run.sh               # b 1,8 x s 128,256,512, 2 passes (~10 min on 2 cores)
#   QUICK=1 bench/engine/run.sh       # b 1,8 at s 128, 1 pass, short budgets (smoke test)
#
# INT8: `bertq quantize` (dynamic, int8 embeddings) of the same folder vs the peers'
# quantize_onnx.py (ORT quantize_dynamic style) of the same ONNX export. INT8=0 skips both.
# Needs: build/bench/engine/bench_engine and build/src/cli/bertq (scripts/build.sh bench_engine
# bertq), a python3 with torch
# + onnx + numpy (Debian python3-torch python3-onnx python3-numpy), node + npm (ORT from npm).
# Knobs: WORK (default /tmp/bertq_bench_engine), SEQS, BATCHES, THREADS (2), PASSES (2),
# BUDGET_S (4), MIN_RUNS (4), MAX_RUNS (30), WARMUP (2), WARMUP_MAX_S (4), BF16 (auto|0|1),
# PASSIVE_ROW (1 = also run bertq with OMP_WAIT_POLICY=PASSIVE, the better setting when other
# processes load the CPUs), OUT (summary JSON, default $WORK/engine_bench.json).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
WORK=${WORK:-/tmp/bertq_bench_engine}
SEQS=${SEQS:-128,256,512}
BATCHES=${BATCHES:-1,8}
THREADS=${THREADS:-2}
PASSES=${PASSES:-2}
BUDGET_S=${BUDGET_S:-4}
MIN_RUNS=${MIN_RUNS:-4}
MAX_RUNS=${MAX_RUNS:-30}
WARMUP=${WARMUP:-2}
WARMUP_MAX_S=${WARMUP_MAX_S:-4}
BF16=${BF16:-auto}
PASSIVE_ROW=${PASSIVE_ROW:-1}
if [ "${QUICK:-0}" = 1 ]; then SEQS=128; BUDGET_S=2; MIN_RUNS=3; PASSES=1; fi
OUT=${OUT:-$WORK/engine_bench.json}
BENCH=${BENCH:-$ROOT/build/bench/engine/bench_engine}
BERTQ=${BERTQ:-$ROOT/build/src/cli/bertq}
INT8=${INT8:-1}
M8=$WORK/bert-base-seed0-int8
PEERS=$WORK/peers
M=$WORK/bert-base-seed0
RES=$WORK/results.jsonl
log() { echo "[bench/engine] $*"; }

[ -x "$BENCH" ] || { echo "missing $BENCH: run scripts/build.sh bench_engine"; exit 1; }
source "$ROOT/bench/engine/models.sh"   # PY, PEERS (with onnxruntime-node), $M, the ONNX and INT8 models

log "cpu: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BENCH" --help >/dev/null
HAS_BF16=0
if [ "$BF16" = 1 ] || { [ "$BF16" = auto ] && grep -qw avx512_bf16 /proc/cpuinfo; }; then HAS_BF16=1; fi
[ "$HAS_BF16" = 1 ] || log "BF16 skipped: this CPU has no AVX512_BF16 (BF16=1 forces a try)"

COMMON=(--batches "$BATCHES" --seqs "$SEQS" --warmup "$WARMUP" --warmup-max-s "$WARMUP_MAX_S"
        --min-runs "$MIN_RUNS" --max-runs "$MAX_RUNS" --budget-s "$BUDGET_S" --threads "$THREADS")
: > "$RES"
bench() {  # bench LOGNAME CMD...
  local lg=$WORK/logs/$1.log
  shift
  "$@" 2> "$lg.stderr" | tee "$lg" | grep --line-buffered -v '^RESULT ' | sed -u 's/^/   /'
  [ "${PIPESTATUS[0]}" = 0 ] || { echo "   ! failed, see $lg.stderr"; tail -3 "$lg.stderr"; }
  grep '^RESULT ' "$lg" | sed "s/^RESULT {/{\"pass\": $PASS, /" >> "$RES"
}
run_one() {
  case $1 in
    ort) bench "ort_fp32_p$PASS" node "$PEERS/ort_bench.mjs" --model "$WORK/model_fp32.onnx" \
           --label ORT-FP32 "${COMMON[@]}" ;;
    fp32) bench "bertq_fp32_p$PASS" "$BENCH" --model "$M" --compute fp32 "${COMMON[@]}" ;;
    fp32p) bench "bertq_fp32_passive_p$PASS" env OMP_WAIT_POLICY=PASSIVE "$BENCH" --model "$M" \
           --compute fp32 --label bertq-FP32-passive "${COMMON[@]}" ;;
    bf16) bench "bertq_bf16_p$PASS" "$BENCH" --model "$M" --compute bf16 "${COMMON[@]}" ;;
    ort8) bench "ort_int8_p$PASS" node "$PEERS/ort_bench.mjs" --model "$WORK/model_int8.onnx" \
           --label ORT-INT8 "${COMMON[@]}" ;;
    int8) bench "bertq_int8_p$PASS" "$BENCH" --model "$M8" --label bertq-INT8 "${COMMON[@]}" ;;
    int8p) bench "bertq_int8_passive_p$PASS" env OMP_WAIT_POLICY=PASSIVE "$BENCH" --model "$M8" \
           --label bertq-INT8-passive "${COMMON[@]}" ;;
  esac
}
ENGINES=(ort fp32)
[ "$PASSIVE_ROW" = 1 ] && ENGINES+=(fp32p)
[ "$HAS_BF16" = 1 ] && ENGINES+=(bf16)
if [ "$INT8" = 1 ]; then ENGINES+=(ort8 int8); [ "$PASSIVE_ROW" = 1 ] && ENGINES+=(int8p); fi
for ((PASS = 1; PASS <= PASSES; PASS++)); do
  ORDER=("${ENGINES[@]}")
  if [ $((PASS % 2)) = 0 ]; then ORDER=(); for ((i = ${#ENGINES[@]} - 1; i >= 0; i--)); do ORDER+=("${ENGINES[$i]}"); done; fi
  for e in "${ORDER[@]}"; do log "pass $PASS: $e"; run_one "$e"; done
done

log "results (best of $PASSES passes; median/p90 ms per whole batch)"
"$PY" "$PEERS/make_table.py" "$RES" --markdown "$WORK/table.md"
# Summary JSON: best-pass figures per engine/batch/seq and the ratio to ORT-FP32.
"$PY" - "$RES" "$OUT" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
best = {}
for r in rows:
    k = (r["engine"], r["batch"], r["seq"])
    if k not in best or r["median_ms"] < best[k]["median_ms"]:
        best[k] = r
out = []
for (eng, b, s), r in sorted(best.items(), key=lambda kv: (kv[0][2], kv[0][1], kv[0][0])):
    ort = best.get(("ORT-FP32", b, s))
    e = {k: r[k] for k in ("engine", "batch", "seq", "threads", "runs", "median_ms", "p90_ms",
                           "seq_per_s", "foreign_cpu_pct") if k in r}
    int8 = "INT8" in eng
    ref_name = "ORT-INT8" if int8 else "ORT-FP32"
    ref = best.get((ref_name, b, s))
    if ref and not eng.startswith("ORT"):
        key = "ratio_to_ort_int8" if int8 else "ratio_to_ort_fp32"
        e[key] = round(r["median_ms"] / ref["median_ms"], 3)
        print(f"   {eng:18s} b={b} s={s}: {r['median_ms']:.1f} ms vs {ref_name} {ref['median_ms']:.1f} ms"
              f" -> latency ratio {e[key]:.2f}, throughput x{ref['median_ms'] / r['median_ms']:.2f}")
    f32 = best.get(("bertq-FP32", b, s))
    if int8 and f32 and not eng.startswith("ORT"):
        e["speedup_vs_bertq_fp32"] = round(f32["median_ms"] / r["median_ms"], 3)
        print(f"   {eng:18s} b={b} s={s}: x{e['speedup_vs_bertq_fp32']:.2f} faster than bertq-FP32")
    out.append(e)
json.dump(out, open(sys.argv[2], "w"), indent=1)
print(f"   summary: {sys.argv[2]}")
PYEOF
