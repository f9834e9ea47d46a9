#!/usr/bin/env bash
# Coverage-guided fuzzing with clang + libFuzzer (+ASan/UBSan) in build-fuzz/.
#   scripts/fuzz.sh                     # list the targets
#   scripts/fuzz.sh tokenizer_fuzz 60   # fuzz one target for 60 s (corpus in build-fuzz/corpus/)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBERTQ_LIBFUZZER=ON -DBERTQ_BUILD_TESTS=OFF -DBERTQ_BUILD_BENCH=OFF -DBERTQ_BUILD_TRAIN=OFF
fi
if [ $# -eq 0 ]; then
  ls fuzz/*_fuzz.cc | xargs -n1 basename | sed 's/\.cc$//'
  exit 0
fi
target=$1
secs=${2:-60}
cmake --build build-fuzz -j "$(nproc)" --target "$target"
mkdir -p "build-fuzz/corpus/$target"
"build-fuzz/fuzz/$target" -max_total_time="$secs" -max_len=65536 "build-fuzz/corpus/$target"
