#!/usr/bin/env bash
# bench/engine/ab.sh: two builds of bench_engine (e.g. main's and a branch's) on the same model
# and inputs, alternated A B B A A B ... in one run so both see the same machine load; prints
# each run's median and minimum, and the median of the medians per build.
#
#   bench/engine/ab.sh OLD_BENCH_ENGINE NEW_BENCH_ENGINE MODEL_DIR [ROUNDS]
# Knobs: BATCHES (1), SEQS (128), THREADS (2), BUDGET_S (3), MIN_RUNS (10), MAX_RUNS (200).
set -euo pipefail
a=$1 b=$2 model=$3 rounds=${4:-4}
args=(--model "$model" --batches "${BATCHES:-1}" --seqs "${SEQS:-128}" --threads "${THREADS:-2}"
      --budget-s "${BUDGET_S:-3}" --min-runs "${MIN_RUNS:-10}" --max-runs "${MAX_RUNS:-200}")
declare -A med=([A]="" [B]="") low=([A]="" [B]="")
for ((r = 0; r < rounds; ++r)); do
  order="A B"
  [ $((r % 2)) = 1 ] && order="B A"
  for which in $order; do
    bin=$a
    [ "$which" = B ] && bin=$b
    read -r m lo foreign < <("$bin" "${args[@]}" --label "$which" | sed -n 's/^RESULT //p' |
        python3 -c 'import json,sys; r=json.loads(sys.stdin.readline()); print(r["median_ms"], r["min_ms"], r["foreign_cpu_pct"])')
    echo "round $r $which ($bin): median $m ms, min $lo ms, other processes $foreign% of the CPUs"
    med[$which]+="$m "
    low[$which]+="$lo "
  done
done
# The fastest single forward of each build is the figure least moved by other processes.
for which in A B; do
  python3 -c 'import statistics,sys; n=int(sys.argv[2]); v=[float(x) for x in sys.argv[3:3+n]]; lo=[float(x) for x in sys.argv[3+n:]]; print(f"{sys.argv[1]}: median of medians {statistics.median(v):.2f} ms over {n} runs (medians {min(v):.2f} to {max(v):.2f}), fastest forward {min(lo):.2f} ms")' \
    "$which" $(wc -w <<<"${med[$which]}") ${med[$which]} ${low[$which]}
done
