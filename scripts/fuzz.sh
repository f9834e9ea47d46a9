#!/usr/bin/env bash
# Coverage-guided fuzzing with clang + libFuzzer (+ASan/UBSan) in build-fuzz/.
#   scripts/fuzz.sh                     # list the targets
#   scripts/fuzz.sh tokenizer_fuzz 60   # fuzz one target for 60 s
#   scripts/fuzz.sh all 600             # every target in turn, 600 s each: a table of runs,
#                                       # coverage and crashes, and build-fuzz/fuzz-report.json
# Corpora are kept in build-fuzz/corpus/NAME (grown run after run); fuzz/seeds/NAME, where it
# exists, seeds them (read only). A crash, leak or timeout leaves its input in
# build-fuzz/crashes/NAME/ (replay: build-fuzz/fuzz/NAME FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBERTQ_LIBFUZZER=ON -DBERTQ_BUILD_TESTS=OFF -DBERTQ_BUILD_BENCH=OFF -DBERTQ_BUILD_TRAIN=OFF
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

report=build-fuzz/fuzz-report.json
rows=()
for t in $run_list; do
  corpus=build-fuzz/corpus/$t crashes=build-fuzz/crashes/$t log=build-fuzz/logs/$t.log
  mkdir -p "$corpus" "$crashes" build-fuzz/logs
  seeds=()
  [ -d "fuzz/seeds/$t" ] && seeds=("fuzz/seeds/$t")
  before=$(ls "$crashes" | wc -l)
  start=$(date +%s)
  set +e
  "build-fuzz/fuzz/$t" -max_total_time="$secs" -max_len=65536 -print_final_stats=1 \
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
  echo "$t: ${wall} s, $runs runs, cov $cov, ft $ft, corpus $units, crashes $found (exit $rc; log $log)"
  rows+=("{\"target\":\"$t\",\"seconds\":$wall,\"runs\":$runs,\"cov\":$cov,\"ft\":$ft,\"corpus\":$units,\"crashes\":$found,\"exit\":$rc}")
done
if [ "$1" = all ]; then
  {
    echo "{\"seconds_each\": $secs, \"cpu\": \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\","
    echo " \"date\": \"$(date -u +%FT%TZ)\", \"targets\": ["
    (IFS=$',\n'; echo "  ${rows[*]}")
    echo "]}"
  } >"$report.tmp"
  mv "$report.tmp" "$report"
  printf '\n| target | seconds | runs | cov | corpus | crashes |\n| --- | ---: | ---: | ---: | ---: | ---: |\n'
  for r in "${rows[@]}"; do
    echo "$r" | sed -E 's/.*"target":"([^"]+)","seconds":([0-9]+),"runs":([0-9]+),"cov":([0-9]+),"ft":[0-9]+,"corpus":([0-9]+),"crashes":([0-9]+).*/| \1 | \2 | \3 | \4 | \5 | \6 |/'
  done
  echo "report: $report"
fi
