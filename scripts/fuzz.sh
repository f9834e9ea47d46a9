#!/usr/bin/env bash
# Coverage-guided fuzzing with clang + libFuzzer (+ASan/UBSan) in build-fuzz/.
#   scripts/fuzz.sh                     # list the targets
#   scripts/fuzz.sh tokenizer_fuzz 60   # fuzz one target for 60 s
#   scripts/fuzz.sh all 600             # every target in turn, 600 s each
#   scripts/fuzz.sh "csv_fuzz jsonl_fuzz" 600   # some of them
# Each call updates its targets' rows in build-fuzz/fuzz-report.json (runs, coverage, crashes,
# seconds, commit) and prints the table of every target run so far.
# Corpora are kept in build-fuzz/corpus/NAME (grown run after run); fuzz/seeds/NAME, where it
# exists, seeds them (read only). A crash, leak or timeout leaves its input in
# build-fuzz/crashes/NAME/ (replay: build-fuzz/fuzz/NAME FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBERTQ_LIBFUZZER=ON -DBERTQ_BUILD_TESTS=OFF -DBERTQ_BUILD_BENCH=OFF -DBERTQ_BUILD_TRAIN=OFF \
    -DBERTQ_PYTHON=OFF
fi
targets=$(ls fuzz/*_fuzz.cc | xargs -n1 basename | sed 's/\.cc$//')
if [ $# -eq 0 ]; then
  echo "$targets"
  exit 0
fi
secs=${2:-60}
[ "$1" = all ] && run_list=$targets || run_list=$1
# shellcheck disable=SC2086
cmake --build build-fuzz -j "$(nproc)" --target $run_list

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)  # the tree just built

# Absolute paths: a target may change its working directory (dataset_fuzz works in a sandbox).
out=$PWD/build-fuzz
report=$out/fuzz-report.json
rows=() crashed=0
for t in $run_list; do
  corpus=$out/corpus/$t crashes=$out/crashes/$t log=$out/logs/$t.log
  mkdir -p "$corpus" "$crashes" "$out/logs"
  seeds=()
  [ -d "fuzz/seeds/$t" ] && seeds=("$PWD/fuzz/seeds/$t")
  before=$(ls "$crashes" | wc -l)
  start=$(date +%s)
  set +e
  "$out/fuzz/$t" -max_total_time="$secs" -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$corpus" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  set -e
  wall=$(($(date +%s) - start))
  runs=$(grep -oE 'Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' || true)
  [ -n "$runs" ] || runs=$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  found=$(($(ls "$crashes" | wc -l) - before))
  units=$(ls "$corpus" | wc -l)
  crashed=$((crashed + found))
  echo "$t: ${wall} s, $runs runs, cov $cov, ft $ft, corpus $units, crashes $found (exit $rc; log $log)"
  rows+=("{\"target\":\"$t\",\"seconds\":$wall,\"runs\":$runs,\"cov\":$cov,\"ft\":$ft,\"corpus\":$units,\"crashes\":$found,\"exit\":$rc,\"seconds_asked\":$secs,\"date\":\"$(date -u +%FT%TZ)\",\"commit\":\"$commit\"}")
done

# Each target's latest row replaces its earlier one in the report (runs of single targets,
# also in parallel, add up to the table); the table lists every target in the report.
(
  flock 9
  [ -s "$report" ] || echo '{"targets": []}' >"$report"
  printf '%s\n' "${rows[@]}" | jq -s --slurpfile old "$report" \
    --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" \
    '. as $new | {cpu: $cpu, targets: ([$old[0].targets[] | select(.target as $t | ($new | map(.target) | index($t)) == null)] + $new | sort_by(.target))}' \
    >"$report.tmp"
  mv "$report.tmp" "$report"
) 9>"$out/fuzz-report.lock"
printf '\n| target | seconds | runs | cov | corpus | crashes | commit |\n| --- | ---: | ---: | ---: | ---: | ---: | --- |\n'
jq -r '.targets[] | "| \(.target) | \(.seconds) | \(.runs) | \(.cov) | \(.corpus) | \(.crashes) | \(.commit // "") |"' "$report"
echo "report: $report"
[ "$crashed" = 0 ] || { echo "fuzz: $crashed crash(es): inputs in build-fuzz/crashes/" >&2; exit 1; }
