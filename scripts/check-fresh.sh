#!/usr/bin/env bash
# Proves the README's two commands on a truly bare Debian 12: builds a minimal root with
# debootstrap (--variant=minbase bookworm; the base tarball is cached between runs), clones this
# repository's committed HEAD into it, and runs, as root in a chroot with a clean environment
# and no ../shared beside the clone:
#   1. scripts/demo.sh   (the main job)
#   2. scripts/test.sh   (the test suite)
#   3. scripts/pip-check.sh (`pip install .` into a new virtual environment, one prediction)
# and, only when asked (--only wheel --model DIR), the self-contained wheel: built here on the
# host by scripts/build-wheel.sh (from the working tree), then installed in the bare root by
# scripts/wheel-check.sh (no Debian package but python3 and python3-venv; ldd of the extension
# checked), predictions with DIR (a classifier folder) compared with the host's `bertq predict`
# ($BERTQ_CLI, else build/src/cli/bertq; the comparison is skipped with a note without one).
# It prints the wall time of each and exits non-zero on the first failure. Too slow for CI
# (a full install and build: tens of minutes on 2 cores); run it before resolving anything that
# touches setup, build or the README's commands.
#
#   sudo scripts/check-fresh.sh                 # all three
#   sudo scripts/check-fresh.sh --only demo     # or: --only test, --only pip (setup + pip-check)
#   sudo CHECK_FRESH_DIR=/tmp/cf-wheel scripts/check-fresh.sh --only wheel --model RUN-int8
#   sudo scripts/check-fresh.sh --keep          # keep the root afterwards (to look inside)
#
# Needs root (debootstrap, chroot, mounts) and Debian's debootstrap (installed if missing). The
# chroot gets only what a machine of this workplace has before anything is installed: the host's
# DNS settings and /etc/hosts, apt settings and the locally added CA certificates (the site's
# network), never a package or a file of the project. Work folder: $CHECK_FRESH_DIR (default
# ~/.cache/bertq/check-fresh), outside the repository.
set -euo pipefail

only="" keep=0 model=""
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "check-fresh: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$only" in ""|demo|test|pip|wheel) ;; *) echo "check-fresh: --only demo|test|pip|wheel" >&2; exit 2 ;; esac
if [ "$only" = wheel ] && [ ! -f "$model/config.json" ]; then
  echo "check-fresh: --only wheel needs --model DIR, a classifier folder (got '$model')" >&2; exit 2
fi
[ "$(id -u)" = 0 ] || { echo "check-fresh: needs root (debootstrap, chroot)" >&2; exit 2; }

repo=$(cd "$(dirname "$0")/.." && pwd)
work=${CHECK_FRESH_DIR:-$HOME/.cache/bertq/check-fresh}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
tarball="$work/bookworm-minbase.tgz"
root="$work/root"
mkdir -p "$work"

if ! command -v debootstrap >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

umount_all() {
  # Every mount under the root, deepest first: ours (dev/pts, dev, proc, sys) and any the tests
  # made (`ip netns add` bind-mounts run/netns), which would keep the root from being removed.
  local m
  awk -v r="$root/" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
}
cleanup() {
  umount_all
  if [ "$keep" = 0 ] && [ -d "$root" ]; then rm -rf --one-file-system "$root"; fi
}
trap cleanup EXIT
trap "exit 130" INT TERM

t_start=$(date +%s)
umount_all
rm -rf --one-file-system "$root"
if [ ! -f "$tarball" ]; then
  echo "check-fresh: making the base tarball (once): debootstrap --variant=minbase bookworm"
  mkdir -p "$root"
  debootstrap --variant=minbase --make-tarball="$tarball.tmp" bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; exit 1; }
  mv "$tarball.tmp" "$tarball"
  rm -rf --one-file-system "$root"
fi
echo "check-fresh: bare Debian 12 root in $root"
debootstrap --variant=minbase --unpack-tarball="$tarball" bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log"; exit 1; }

# The site's network, as a new machine here has it: DNS, apt settings, local CA certificates.
cp /etc/resolv.conf "$root/etc/resolv.conf"
# /etc/hosts as every installed machine has one (localhost and the host's name): a minbase root
# has none, and PySpark's local mode cannot resolve "localhost" without it.
cp /etc/hosts "$root/etc/hosts"
for f in /etc/apt/apt.conf.d/99*; do [ -f "$f" ] && cp "$f" "$root/etc/apt/apt.conf.d/"; done
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
# minbase has no git: clone from the host (the committed HEAD, as a new user's clone has it).
git clone -q --no-local "$repo" "$root/root/bertq"
git -C "$root/root/bertq" checkout -q "$(git -C "$repo" rev-parse HEAD)"
[ -z "$(git -C "$repo" status --porcelain --untracked-files=no)" ] ||
  echo "check-fresh: note: uncommitted changes in $repo are not part of the check"

mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"

run_in_root() {  # NAME COMMAND: runs COMMAND in the clone inside the root, timed
  local name=$1 cmd=$2 t0 t1 rc
  echo "check-fresh: [$name] $cmd"
  t0=$(date +%s)
  set +e
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 TERM=dumb /bin/bash -c "cd /root/bertq && $cmd" >"$work/$name.log" 2>&1
  rc=$?
  set -e
  t1=$(date +%s)
  printf 'check-fresh: [%s] exit %d after %dm%02ds (log: %s)\n' "$name" "$rc" $(((t1 - t0) / 60)) \
    $(((t1 - t0) % 60)) "$work/$name.log"
  if [ "$rc" != 0 ]; then
    tail -40 "$work/$name.log"
    exit 1
  fi
  tail -8 "$work/$name.log"
}

case "$only" in ""|demo) run_in_root demo scripts/demo.sh ;; esac
case "$only" in ""|test) run_in_root test scripts/test.sh ;; esac
case "$only" in ""|pip) run_in_root pip scripts/pip-check.sh ;; esac
if [ "$only" = wheel ]; then
  echo "check-fresh: [wheel] scripts/build-wheel.sh (on the host)"
  "$repo/scripts/build-wheel.sh" >"$work/build-wheel.log" 2>&1 || { tail -40 "$work/build-wheel.log"; exit 1; }
  wheel=$(ls -t "$repo"/dist/bertq-*manylinux*.whl | head -n 1)
  tail -2 "$work/build-wheel.log"
  mkdir -p "$root/root/wheel"
  cp "$wheel" "$root/root/wheel/"
  cp -r "$(realpath "$model")" "$root/root/wheel/model"
  run_in_root wheel "scripts/wheel-check.sh /root/wheel/$(basename "$wheel") /root/wheel/model /root/wheel/out"
  cli=${BERTQ_CLI:-$repo/build/src/cli/bertq}
  got="$root/root/wheel/out/predictions.jsonl"
  if [ -x "$cli" ]; then
    python3 - "$cli" "$model" "$got" <<'PY'
import json, subprocess, sys
cli, model, got = sys.argv[1:]
rows = [json.loads(l) for l in open(got)]
out = subprocess.run([cli, "predict", "--model", model, "--threads", "1", *[r["text"] for r in rows]],
                     check=True, capture_output=True, text=True).stdout
want = [json.loads(l) for l in out.splitlines() if l.strip()]
for r, w in zip(rows, want):
    if r["label"] != w["label"] or abs(r["score"] - w["score"]) > 1e-6:
        sys.exit(f"check-fresh: [wheel] {r} != bertq predict's {w}")
print(f"check-fresh: [wheel] {len(rows)} predictions equal the host's bertq predict ({cli})")
PY
  else
    echo "check-fresh: [wheel] note: no $cli here: predictions not compared with bertq predict"
  fi
fi
t_end=$(date +%s)
printf 'check-fresh: passed in %dm%02ds on a bare Debian 12 root\n' $(((t_end - t_start) / 60)) \
  $(((t_end - t_start) % 60))
