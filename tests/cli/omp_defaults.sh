#!/usr/bin/env bash
# bertq's libgomp wait default (src/cli/omp_defaults.cc) must reach libgomp, which reads its
# environment before main(): libgomp's own report (OMP_DISPLAY_ENV=verbose, printed again by the
# re-executed image) ends with the spin count `bertq info` names, not libgomp's 300000; a user's
# GOMP_SPINCOUNT or OMP_WAIT_POLICY wins; `bertq train` hands the trainer no bertq default.
#
#   tests/cli/omp_defaults.sh build/src/cli/bertq
set -euo pipefail
bin=$1
clean=(env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT -u BERTQ_OMP_DEFAULT)
libgomp_spin() {  # what libgomp parsed, given extra environment "$@"
  "${clean[@]}" "$@" OMP_DISPLAY_ENV=verbose "$bin" --version 2>&1 >/dev/null |
    sed -n "s/^ *GOMP_SPINCOUNT = '\([0-9]*\)'.*/\1/p" | tail -n 1  # the last image's
}
fail() { echo "FAIL: $*"; exit 1; }

info=$("${clean[@]}" "$bin" info | sed -n 's/^openmp wait: //p')
want=$(sed -n 's/^GOMP_SPINCOUNT=\([0-9]*\) (bertq.s default)$/\1/p' <<<"$info")
[ -n "$want" ] || fail "bertq info does not name bertq's default: \"$info\""
got=$(libgomp_spin)
[ "$got" = "$want" ] || fail "libgomp spins $got, bertq info says $want"
[ "$got" != 300000 ] || fail "libgomp kept its own default 300000"

got=$(libgomp_spin GOMP_SPINCOUNT=1234)
[ "$got" = 1234 ] || fail "a user's GOMP_SPINCOUNT=1234 became $got"
info=$("${clean[@]}" GOMP_SPINCOUNT=1234 "$bin" info | sed -n 's/^openmp wait: //p')
[ "$info" = "GOMP_SPINCOUNT=1234 (from the environment)" ] || fail "bertq info: \"$info\""
got=$(libgomp_spin OMP_WAIT_POLICY=passive)
[ "$got" = 0 ] || fail "OMP_WAIT_POLICY=passive spins $got, not 0"
# bertq train execs bertq-train: without a user setting, the trainer's libgomp keeps 300000.
if [ -x "$(dirname "$bin")/bertq-train" ]; then
  got=$("${clean[@]}" OMP_DISPLAY_ENV=verbose "$bin" train --help 2>&1 >/dev/null |
    sed -n "s/^ *GOMP_SPINCOUNT = '\([0-9]*\)'.*/\1/p" | tail -n 1)
  [ "$got" = 300000 ] || fail "bertq train ran the trainer with GOMP_SPINCOUNT $got"
fi
echo "libgomp spins $want by default (bertq's), the environment's value when set"
