#!/usr/bin/env bash
# `bertq info`'s thread count follows the CPUs the process may use (src/core/cpu_budget.h):
# the affinity mask (taskset), a cgroup CPU limit (a fake cgroup v2 tree through
# BERTQ_CGROUP_ROOT), BERTQ_THREADS above both; and it says where the number came from.
#
#   tests/cli/threads.sh build/src/cli/bertq
set -euo pipefail
bin=$1
fail() { echo "FAIL: $*"; exit 1; }
threads() { env -u BERTQ_THREADS "$@" info | sed -n 's/^threads: //p'; }

command -v taskset >/dev/null || { echo "SKIP: no taskset (util-linux)"; exit 77; }
got=$(threads taskset -c 0 "$bin")
case "$got" in "1 (affinity mask (1 of "*) ;; *) fail "taskset -c 0: \"$got\"" ;; esac

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/box"
echo "0::/box" >"$tmp/proc_self_cgroup"
echo "100000 100000" >"$tmp/box/cpu.max"
got=$(threads BERTQ_CGROUP_ROOT="$tmp" "$bin")
online=$(getconf _NPROCESSORS_ONLN)
if [ "$online" -gt 1 ]; then
  case "$got" in "1 (cgroup CPU limit $tmp/box/cpu.max = 100000 100000 (1 CPUs"*) ;;
    *) fail "cpu.max 1 CPU: \"$got\"" ;; esac
fi
got=$(BERTQ_THREADS=3 BERTQ_CGROUP_ROOT="$tmp" "$bin" info | sed -n 's/^threads: //p')
[ "$got" = "3 (BERTQ_THREADS=3)" ] || fail "BERTQ_THREADS=3: \"$got\""
echo "threads: taskset, cgroup cpu.max and BERTQ_THREADS each decide as documented"
