#!/usr/bin/env bash
# Throughput and accuracy of bertq.spark in local mode against `bertq eval` in one process, on
# the same cores and the same IMDB test reviews (issue 29): both classify every review of
# ../shared's test split (or its first N/2 negative and last N/2 positive reviews) with the same
# model folder, tokenization (its config.json) and batch size (8, both defaults). Wall times
# include everything a user waits for: `bertq eval` loads the model and reads the file;
# `python -m bertq.spark` also starts Spark's JVM and its Python workers.
#
#   docs/results/spark/run.sh MODEL RUN [N] [ROUNDS]
#   # MODEL: a fine-tuned folder, e.g. the demo's runs/demo/model-int8 (scripts/demo.sh)
#   # PYTHON: a Python with bertq (dist/ wheel, scripts/build-wheel.sh) and pyspark
#   #         (default: the project's .venv with build/python on PYTHONPATH)
#
# Writes RUN/info.txt, RUN/eval-K.json (+ predictions), RUN/spark-K/ (part files), RUN/times.tsv
# and prints the table of compare.py (RUN/table.md). ROUNDS (default 1) alternates eval and Spark
# that many times, so that a background load hits both alike.
set -euo pipefail
model=$1 run=$2 n=${3:-25000} rounds=${4:-1}
root=$(cd "$(dirname "$0")/../../.." && pwd)
bertq=${BERTQ:-$root/build/src/cli/bertq}
python=${PYTHON:-$root/.venv/bin/python}
[ -n "${PYTHON:-}" ] || export PYTHONPATH="$root/build/python${PYTHONPATH:+:$PYTHONPATH}"
shared=${BERTQ_SHARED:-$root/../shared}
threads=$(nproc)
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
mkdir -p "$run"
{ "$bertq" info
  echo "model name: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
       "(family $(sed -n 's/^cpu family[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
       "model $(sed -n 's/^model[[:space:]]*: //p' /proc/cpuinfo | head -n 1))"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"; } >"$run/info.txt"
cat "$run/info.txt"
data="$run/test.jsonl"
"$python" - "$shared/data/imdb/test.jsonl.gz" "$data" "$n" <<'PY'
import gzip, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = gzip.open(src, "rt", encoding="utf-8").read().rstrip("\n").split("\n")  # not splitlines: \u2028 in texts
if n < len(lines):
    lines = lines[:n // 2] + lines[len(lines) - (n - n // 2):]
open(dst, "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY
printf 'round\tjob\tseconds\n' >"$run/times.tsv"
for k in $(seq 1 "$rounds"); do
  t0=$(date +%s.%N)
  "$bertq" eval --model "$model" --data "$data" --threads "$threads" --json \
    --predictions "$run/eval-$k.predictions.jsonl" >"$run/eval-$k.json"
  t1=$(date +%s.%N)
  "$python" -m bertq.spark --model "$model" --input "$data" --output "$run/spark-$k" \
    --master "local[$threads]" --overwrite 2>"$run/spark-$k.log"
  t2=$(date +%s.%N)
  printf '%d\teval\t%.1f\n%d\tspark\t%.1f\n' "$k" "$(awk "BEGIN {print $t1 - $t0}")" "$k" "$(awk "BEGIN {print $t2 - $t1}")" |
    tee -a "$run/times.tsv"
done
"$python" "$(dirname "$0")/compare.py" "$run" | tee "$run/table.md"
