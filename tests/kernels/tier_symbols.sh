#!/usr/bin/env bash
# Checks the objects of the SIMD kernel tiers in libbertq_kernels.a (tiers.h): each defines one
# global function, its fill_tier_* function, and no weak (COMDAT) symbol. A weak symbol there,
# e.g. an inline function or template also used by baseline code, could be the copy the linker
# keeps for the whole program, and would then run AVX2 / AVX-512 instructions on a CPU without
# them.
#
#   tests/kernels/tier_symbols.sh build/src/kernels/libbertq_kernels.a
set -euo pipefail
lib=$1
command -v nm >/dev/null || { echo "tier symbols check skipped: nm not found"; exit 77; }
status=0
for tier in avx2 avx512; do
  # nm prints "member.o:" then its symbols; keep those of tier_$tier.cc.o.
  syms=$(nm -C --defined-only "$lib" | awk -v m="tier_$tier.cc.o:" '
    /:$/ { keep = ($0 == m); next } keep && NF >= 3')
  if [ -z "$syms" ]; then
    echo "tier_$tier.cc.o: not found in $lib"
    status=1
    continue
  fi
  # DW.ref.__gxx_personality_v0 is data (the C++ unwinder's personality pointer), not code.
  weak=$(awk '$2 ~ /^[WVu]$/ && $3 != "DW.ref.__gxx_personality_v0"' <<<"$syms")
  global=$(awk '$2 == "T" { $1 = ""; $2 = ""; sub(/^  /, ""); print }' <<<"$syms")
  if [ -n "$weak" ]; then
    echo "tier_$tier.cc.o defines weak symbols (may replace the baseline copies):"
    echo "$weak"
    status=1
  fi
  if [ "$global" != "bertq::kernels::fill_tier_$tier(bertq::kernels::KernelTable&)" ]; then
    echo "tier_$tier.cc.o: expected one global function, fill_tier_$tier; got:"
    echo "$global"
    status=1
  fi
done
[ "$status" = 0 ] && echo "tier symbols: ok (one global fill function, no weak symbols)"
exit $status
