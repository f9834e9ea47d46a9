#!/usr/bin/env bash
# Builds a self-contained wheel of the Python package (inference only: the extension
# bertq._bertq and python/bertq, never libtorch) that installs with pip on a machine without
# bertq's Debian packages, e.g. every executor of a Spark cluster:
#
#   scripts/build-wheel.sh        # -> dist/bertq-VERSION-cpXY-cpXY-manylinux_2_NN_x86_64.whl
#
# 1. `pip wheel .` (scikit-build-core, pyproject.toml) builds the extension against the Debian
#    libraries of scripts/setup.sh (oneDNN, libarchive, curl, utf8proc, ...), as `pip install .`.
# 2. `auditwheel repair` copies every shared library it loads that is not part of the manylinux
#    base system (glibc, libstdc++ and libgcc_s are, see PEP 600) into bertq.libs/ in the wheel,
#    renamed libNAME-HASH.so.N so they cannot clash with a system copy, and points the
#    extension's RPATH there (patchelf). It names the wheel for the oldest glibc the binaries
#    allow (manylinux_2_NN: glibc 2.NN or newer), which `auditwheel show` prints.
# The build machine is Debian 12 (the glibc of the binaries is its 2.36 or older). The tools
# (auditwheel, patchelf, scikit-build-core, pybind11: pinned with hashes in
# scripts/wheel-requirements.txt) go into a virtual environment of their own, build-wheel/venv
# (gitignored), which also builds (no isolated build environment: the same paths every run, so
# a second run recompiles only what changed, in build-pip/ as `pip install .`).
# scripts/check-wheel.sh installs the wheel in a bare Debian 12 root and predicts with it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null  # the Debian -dev packages the extension builds against
work=build-wheel
venv="$work/venv"
if [ ! -x "$venv/bin/auditwheel" ] || [ scripts/wheel-requirements.txt -nt "$venv/bin/auditwheel" ]; then
  rm -rf "$venv"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q --no-deps --require-hashes -r scripts/wheel-requirements.txt
fi
rm -rf "$work/raw"
"$venv/bin/pip" wheel -q --no-deps --no-build-isolation -w "$work/raw" .
raw=$(ls "$work"/raw/bertq-*.whl)
mkdir -p dist
# patchelf must be on PATH for auditwheel.
PATH="$PWD/$venv/bin:$PATH" "$venv/bin/auditwheel" repair -w dist "$raw"
wheel=$(ls -t dist/bertq-*manylinux*.whl | head -n 1)
PATH="$PWD/$venv/bin:$PATH" "$venv/bin/auditwheel" show "$wheel"
echo "build-wheel: $wheel ($(du -h "$wheel" | cut -f1))"
