#!/usr/bin/env bash
# Fails when a binary loads libtorch, libc10 or OpenBLAS (directly or through another shared
# library: ldd lists the whole closure), and names them; the inference executable must not.
#
#   tests/cli/no_libtorch.sh build/src/cli/bertq
set -euo pipefail
bin=$1
[ -f "$bin" ] || { echo "$bin: not found (build it first)"; exit 1; }
libs=$(ldd "$bin") || { echo "ldd failed on $bin"; exit 1; }
found=$(grep -E -o '^\s*lib(torch[a-z_]*|c10[a-z_]*|openblas[a-z_]*|caffe2[a-z_]*)\.so[^ ]*' <<<"$libs" |
  tr -d '[:blank:]' || true)
if [ -n "$found" ]; then
  echo "$bin loads:" $found
  exit 1
fi
echo "$bin: no libtorch, libc10 or OpenBLAS among its $(grep -c '=>' <<<"$libs") shared libraries"
