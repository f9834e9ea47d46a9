#!/usr/bin/env bash
# bench/train/dist.sh: data-parallel scaling of `bertq train` on one machine: tokens/s of
# 1 rank x 2 threads against 2 ranks x 1 thread (--nproc 2, the same global batch), and the
# gradient all-reduce time per step (c10d Gloo over loopback, logged by each rank), for a small
# random BERT (4 layers, hidden 256) and, unless MODELS says otherwise, a random bert-base-sized
# one (config only: 12 layers, hidden 768). IMDB reviews from ../shared, --max-length SEQ.
#
#   bench/train/dist.sh                         # small + base, ~10 min on 2 cores
#   MODELS=small STEPS=20 bench/train/dist.sh
# Knobs: MODELS (small,base) BATCH (global, 16) SEQ (128) STEPS (small 30, base 4) BUILD_DIR OUT.
# tokens/s is the mean of the train lines after the first (metrics.jsonl: all ranks' tokens).
# Writes OUT (default bench/train/results_dist.json) and prints a table.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
OUT=${OUT:-bench/train/results_dist.json}
SHARED=${SHARED:-$(cd .. && pwd)/shared}
MODELS=${MODELS:-small,base}
BATCH=${BATCH:-16}
SEQ=${SEQ:-128}
BERTQ="$BUILD_DIR/src/cli/bertq"
[ -x "$BERTQ" ] || scripts/build.sh bertq
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
OMPLIB=/usr/lib/x86_64-linux-gnu/openblas-openmp
[ -d "$OMPLIB" ] && export LD_LIBRARY_PATH="$OMPLIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

model() {  # NAME LAYERS HIDDEN HEADS INTER
  mkdir -p "$TMP/$1"
  cp "$SHARED/data/bert-base-uncased/vocab.txt" "$TMP/$1/"
  cat > "$TMP/$1/config.json" <<JSON
{"model_type": "bert", "vocab_size": 30522, "hidden_size": $3, "num_hidden_layers": $2,
 "num_attention_heads": $4, "intermediate_size": $5, "max_position_embeddings": 512,
 "type_vocab_size": 2, "hidden_act": "gelu", "layer_norm_eps": 1e-12,
 "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
 "id2label": {"0": "NEGATIVE", "1": "POSITIVE"}, "label2id": {"NEGATIVE": 0, "POSITIVE": 1}}
JSON
}

run() {  # MODEL STEPS LABEL RANKS THREADS
  local out="$TMP/run-$1-$3" nproc=()
  [ "$4" -gt 1 ] && nproc=(--nproc "$4")
  "$BERTQ" train --model "$TMP/$1" --train "$SHARED/data/imdb/train.jsonl.gz" \
    --limit $(( BATCH * ($2 + 2) )) --max-length "$SEQ" --batch-size $(( BATCH / $4 )) \
    --max-steps "$2" --epochs 100 --log-every 1 --save-every 100000 --threads "$5" \
    --out "$out" "${nproc[@]}" > "$out.log" 2>&1
  python3 - "$out" "$1" "$3" "$4" "$5" <<'PY'
import json, re, sys
out, model, label, ranks, threads = sys.argv[1:]
lines = [json.loads(l) for l in open(out + "/metrics.jsonl")]
tps = [l["tokens_per_s"] for l in lines if l["kind"] == "train"][1:]
log = open(out + ".log").read()
ar = [float(m) for m in re.findall(r"rank 0: gradient all-reduce ([0-9.]+) ms per step", log)]
print("RESULT " + json.dumps({"model": model, "setup": label, "ranks": int(ranks),
      "threads_per_rank": int(threads), "tokens_per_s": round(sum(tps) / len(tps), 1),
      "allreduce_ms_per_step": ar[0] if ar else None, "steps_timed": len(tps)}))
PY
}

model small 4 256 4 1024
model base 12 768 12 3072
for m in ${MODELS//,/ }; do
  steps=${STEPS:-$([ "$m" = base ] && echo 4 || echo 30)}
  run "$m" "$steps" "1x2" 1 2 | tee -a "$TMP/results"
  run "$m" "$steps" "2x1" 2 1 | tee -a "$TMP/results"
done
python3 - "$TMP/results" "$OUT" "$SEQ" "$BATCH" <<'PY'
import json, os, sys
rows = [json.loads(l[7:]) for l in open(sys.argv[1]) if l.startswith("RESULT ")]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"\nseq {sys.argv[3]}, global batch {sys.argv[4]}, {cpu}, {os.cpu_count()} cores")
print(f"{'model':6} {'ranks x threads':>16} {'tokens/s':>10} {'all-reduce ms/step':>19}")
for r in rows:
    setup = f"{r['ranks']} x {r['threads_per_rank']}"
    ar = r["allreduce_ms_per_step"]
    print(f"{r['model']:6} {setup:>16} {r['tokens_per_s']:>10} {ar if ar is not None else '-':>19}")
json.dump({"seq": int(sys.argv[3]), "global_batch": int(sys.argv[4]), "cpu": cpu,
           "cores": os.cpu_count(), "results": rows}, open(sys.argv[2] + ".tmp", "w"), indent=1)
os.replace(sys.argv[2] + ".tmp", sys.argv[2])
print(f"wrote {sys.argv[2]}")
PY
