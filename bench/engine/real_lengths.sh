#!/usr/bin/env bash
# bench/engine/real_lengths.sh: throughput on real review lengths, bertq beside ONNX Runtime, on
# the same random bert-base models as run.sh (bench/engine/models.sh) and the same reviews: the
# first N reviews of ../shared/golden/tokenizer/imdb_train_2000.jsonl.gz, cut to 512 tokens,
# batch B. bertq: `bertq bench --data` (bucketed = length-sorted packed batches, pad-batch,
# pad-max); ONNX Runtime: the peers' ort_real_lengths.mjs (sorted + pad to the batch's longest,
# file order + pad to the batch's longest, pad to 512) on the golden ids of the same reviews.
# PASSES passes, the engines' order reversed on even passes; best pass per figure. Prints a
# table and writes JSON.
#
#   bench/engine/real_lengths.sh                # INT8, 200 reviews, batch 8, 2 passes (~25 min on
#                                               # the 2-core AVX2 VM: one bertq pass ~9.5 min)
#   FP32=1 PASSES=1 bench/engine/real_lengths.sh   # also FP32 (about twice as long per pass)
# Knobs: WORK (shared with run.sh, default /tmp/bertq_bench_engine), N (200), B (8), PASSES (2),
# THREADS (2; the ORT script uses 2 intra-op threads), FP32 (0), OUT (summary JSON, default
# $WORK/real_lengths.json).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
WORK=${WORK:-/tmp/bertq_bench_engine}
N=${N:-200}
B=${B:-8}
PASSES=${PASSES:-2}
THREADS=${THREADS:-2}
FP32=${FP32:-0}
OUT=${OUT:-$WORK/real_lengths.json}
BERTQ=${BERTQ:-$ROOT/build/src/cli/bertq}
INT8=1
M=$WORK/bert-base-seed0
M8=$WORK/bert-base-seed0-int8
PEERS=$WORK/peers
GOLDEN=$SHARED/golden/tokenizer/imdb_train_2000.jsonl.gz
log() { echo "[bench/engine real lengths] $*"; }

[ -f "$GOLDEN" ] || { echo "missing $GOLDEN (../shared/golden): set SHARED"; exit 1; }
[ -x "$BERTQ" ] || { echo "missing $BERTQ: run scripts/build.sh bertq"; exit 1; }
source "$ROOT/bench/engine/models.sh"

REVIEWS=$WORK/real_$N.jsonl
zcat "$GOLDEN" | head -n "$N" > "$REVIEWS"
log "cpu: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), $(nproc) cores; $("$BERTQ" info | sed -n 's/^isa: //p'); load: $(cut -d' ' -f1-3 /proc/loadavg)"

RAW=$WORK/real_lengths_raw.jsonl
: > "$RAW"
bertq_models=(--model "$M8" --name bertq-INT8)
[ "$FP32" = 1 ] && bertq_models+=(--model "$M" --name bertq-FP32)
run_bertq() {
  "$BERTQ" bench "${bertq_models[@]}" --data "$REVIEWS" --limit 0 --max-length 512 \
    --truncation head --batch-size "$B" --padding bucketed,pad-batch,pad-max --threads "$THREADS" \
    --warmup 1 --runs 2 --max-runs 2 --budget 1 --passes 1 --out "$WORK/real_bertq_p$PASS.json" \
    > "$WORK/logs/real_bertq_p$PASS.md" || { echo "bertq bench failed"; exit 1; }
  "$PY" - "$WORK/real_bertq_p$PASS.json" "$PASS" >> "$RAW" <<'PYEOF'
import json, sys
j = json.load(open(sys.argv[1]))
for w in j["workloads"]:
    if w["kind"] != "throughput":
        continue
    for r in w["results"]:
        print(json.dumps({"pass": int(sys.argv[2]), "engine": r["model"], "mode": w["padding"],
                          "reviews_per_s": r["sequences_per_s"],
                          "padded_tokens": w["padded_tokens_per_run"], "real_tokens": w["tokens_per_run"]}))
PYEOF
}
run_ort() {  # run_ort ONNX LABEL
  (cd "$PEERS" && node ort_real_lengths.mjs "$1" "$GOLDEN" "$N" "$B") > "$WORK/logs/real_$2_p$PASS.json" \
    || { echo "ort_real_lengths.mjs failed"; exit 1; }
  "$PY" - "$WORK/logs/real_$2_p$PASS.json" "$PASS" "$2" >> "$RAW" <<'PYEOF'
import json, sys
j = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
modes = {"sorted_pad_longest": "sorted", "pad_longest": "pad-batch", "pad512": "pad-max"}
for k, mode in modes.items():
    print(json.dumps({"pass": int(sys.argv[2]), "engine": sys.argv[3], "mode": mode,
                      "reviews_per_s": j[k]["rps"], "padded_tokens": j[k]["padded_tokens"],
                      "real_tokens": j["real_tokens"]}))
PYEOF
}
ENGINES=(bertq ort8)
[ "$FP32" = 1 ] && ENGINES+=(ort32)
for ((PASS = 1; PASS <= PASSES; PASS++)); do
  ORDER=("${ENGINES[@]}")
  if [ $((PASS % 2)) = 0 ]; then ORDER=(); for ((i = ${#ENGINES[@]} - 1; i >= 0; i--)); do ORDER+=("${ENGINES[$i]}"); done; fi
  for e in "${ORDER[@]}"; do
    log "pass $PASS: $e"
    case $e in
      bertq) run_bertq ;;
      ort8) run_ort "$WORK/model_int8.onnx" ORT-INT8 ;;
      ort32) run_ort "$WORK/model_fp32.onnx" ORT-FP32 ;;
    esac
  done
done

"$PY" - "$RAW" "$OUT" "$N" "$B" "$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
best = {}
for r in rows:
    k = (r["engine"], r["mode"])
    if k not in best or r["reviews_per_s"] > best[k]["reviews_per_s"]:
        best[k] = r
engines = sorted({e for e, _ in best}, key=lambda e: ("FP32" in e, e))
modes = ["bucketed", "sorted", "pad-batch", "pad-max"]
print(f"\nreviews/s, {sys.argv[3]} reviews at batch {sys.argv[4]}, best of the passes; CPU {sys.argv[5]}\n")
print("| engine | " + " | ".join(modes) + " | best vs ORT's best (same precision) |")
print("| --- |" + " ---: |" * (len(modes) + 1))
summary = {"cpu": sys.argv[5], "reviews": int(sys.argv[3]), "batch": int(sys.argv[4]), "rows": rows, "best": []}
for e in engines:
    cells = [f"{best[(e, m)]['reviews_per_s']:.1f}" if (e, m) in best else "-" for m in modes]
    mine = max(r["reviews_per_s"] for (x, _), r in best.items() if x == e)
    peer = "ORT-INT8" if "INT8" in e else "ORT-FP32"
    ratio = ""
    if not e.startswith("ORT") and any(x == peer for x, _ in best):
        theirs = max(r["reviews_per_s"] for (x, _), r in best.items() if x == peer)
        ratio = f"{mine / theirs:.2f}x"
        summary["best"].append({"engine": e, "reviews_per_s": mine, "peer": peer,
                                "peer_reviews_per_s": theirs, "ratio": round(mine / theirs, 3)})
    print(f"| {e} | " + " | ".join(cells) + f" | {ratio} |")
json.dump(summary, open(sys.argv[2], "w"), indent=1)
print(f"\nsummary: {sys.argv[2]}")
PYEOF
