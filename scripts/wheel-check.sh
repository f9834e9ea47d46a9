#!/usr/bin/env bash
# Installs the self-contained wheel (scripts/build-wheel.sh) into a new virtual environment on a
# machine without bertq's Debian packages and classifies with it. scripts/check-fresh.sh
# --only wheel runs it as root inside a bare Debian 12 root; it works on any Debian-like machine.
#
#   scripts/wheel-check.sh WHEEL MODEL OUT   # OUT: predictions.jsonl and ldd.txt written there
#
# 1. Refuses to run where a library package of scripts/setup.sh is installed (the point is a
#    machine without them), then installs only Python itself: python3 and python3-venv.
# 2. pip install WHEEL into a new venv (no index: the wheel needs nothing else).
# 3. ldd of the installed extension: every library must resolve, either into the wheel's own
#    bertq.libs/ or to the manylinux base system (glibc's libraries, libstdc++, libgcc_s, libz),
#    which a Debian minbase root has; anything else fails the check.
# 4. Classifies three fixed review texts with MODEL: one JSON object per line (text, label,
#    score) into OUT/predictions.jsonl, which check-fresh.sh compares with `bertq predict`.
set -euo pipefail
[ $# = 3 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
wheel=$(realpath "$1") model=$(realpath "$2") out=$3
mkdir -p "$out"

for p in libdnnl2.6 libdnnl2 libarchive13 libcurl4 libutf8proc2 libgomp1 libtorch-dev; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    echo "wheel-check: $p is installed here; this check is for a machine without it" >&2
    exit 1
  fi
done
if ! command -v python3 >/dev/null || ! python3 -c 'import ensurepip' 2>/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null
fi
echo "wheel-check: $(ldd --version | head -n 1), Python $(python3 -c 'import platform; print(platform.python_version())')"

venv=$(mktemp -d)/v
python3 -m venv "$venv"
"$venv/bin/pip" install -q --no-index "$wheel"
ext=$(find "$venv" -name '_bertq*.so')
libs=$(cd "$(dirname "$ext")/.." && pwd)/bertq.libs
ldd "$ext" | tee "$out/ldd.txt"
# The manylinux base (PEP 600 / auditwheel's policy) that a Debian minbase has.
base='^(linux-vdso\.so\.1|/lib64/ld-linux-x86-64\.so\.2|ld-linux-x86-64\.so\.2|lib(c|m|dl|rt|pthread|resolv|util|nsl|z|stdc\+\+|gcc_s)\.so\.[0-9.]+)$'
bad=0
while read -r name arrow path _; do
  [ -n "$name" ] || continue
  if [ "$arrow" = "=>" ] && [ "$path" = "not" ]; then
    echo "wheel-check: $name not found" >&2; bad=1; continue
  fi
  # ldd prints bertq/../bertq.libs/...; vdso and the loader have no "=> path"
  [ -z "$path" ] || case "$(realpath "$path")" in "$libs"/*) continue ;; esac
  if ! [[ "$name" =~ $base ]]; then
    echo "wheel-check: $name resolves to $path, neither the wheel's bertq.libs nor the base system" >&2
    bad=1
  fi
done < <(ldd "$ext" | sed 's/^[[:space:]]*//; s/ (0x[0-9a-f]*)$//')
[ "$bad" = 0 ] || exit 1
echo "wheel-check: ldd: $(grep -c "bertq.libs/" "$out/ldd.txt") libraries from the wheel's bertq.libs, the rest from the base system"

cd "$(dirname "$venv")"  # away from any source tree: the installed package only
"$venv/bin/python" - "$model" "$out/predictions.jsonl" <<'PY'
import json, sys
import bertq
texts = ["a wonderful film, moving and funny", "dull, bad and far too long",
         "I expected more from the director, but the actors save it"]
clf = bertq.Classifier(sys.argv[1], threads=1)
with open(sys.argv[2], "w") as f:
    for t, r in zip(texts, clf.predict(texts)):
        f.write(json.dumps({"text": t, "label": r["label"], "score": r["score"]}) + "\n")
        print("wheel-check:", r["label"], round(r["score"], 4), t)
PY
