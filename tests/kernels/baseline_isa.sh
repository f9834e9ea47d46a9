#!/usr/bin/env bash
# Checks that a binary runs on the baseline CPU (BERTQ_BASE_ARCH, x86-64-v2 by default): no
# AVX / AVX2 / AVX-512 instruction (VEX or EVEX encoded: mnemonics v*, ymm / zmm registers)
# outside the SIMD kernel tiers, i.e. outside bertq::kernels::fill_tier_avx* and the functions
# of bertq::kernels' anonymous namespaces (where the tier files keep everything else). Exit 77
# (skipped) for a baseline that itself has AVX (x86-64-v3 and up, native).
#
#   tests/kernels/baseline_isa.sh build/src/cli/bertq x86-64-v2
set -euo pipefail
bin=$1 arch=${2:-x86-64-v2}
case "$arch" in
  x86-64 | x86-64-v2) ;;
  *) echo "baseline ISA check skipped: BERTQ_BASE_ARCH=$arch includes AVX"; exit 77 ;;
esac
command -v objdump >/dev/null || { echo "baseline ISA check skipped: objdump not found"; exit 77; }
[ -f "$bin" ] || { echo "$bin: not found (build it first)"; exit 1; }
listing=$(objdump -d --no-show-raw-insn -C "$bin") || { echo "objdump failed on $bin"; exit 1; }
bad=$(awk '
  /^[0-9a-f]+ <.*>:$/ { fn = substr($0, index($0, "<")); next }
  ($2 ~ /^v[a-z]/ || /%[yz]mm/) && !(fn in seen) { seen[fn] = 1; print fn }' <<<"$listing" |
  grep -v -e '^<bertq::kernels::fill_tier_avx' -e '^<bertq::kernels::(anonymous namespace)::' || true)
if [ -n "$bad" ]; then
  echo "$bin: functions outside the SIMD kernel tiers use AVX instructions (they would fail on"
  echo "an $arch CPU):"
  echo "$bad"
  exit 1
fi
echo "baseline ISA: ok ($bin has AVX instructions only in the SIMD kernel tiers)"
