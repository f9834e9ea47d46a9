#!/usr/bin/env bash
# Installs every Debian package bertq needs to build, test and run, idempotently.
# Safe to run on a bare machine (as root, or with sudo available) and again on a ready one:
# it installs only what is missing. Why each package is needed: see README.md, "Dependencies".
#
#   scripts/setup.sh           # build, test, run
#   scripts/setup.sh --bench   # also what bench/ needs for the side-by-side peers (ONNX Runtime
#                              # from npm, PyTorch, wrk's helpers)
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates  # toolchain
  clang libclang-rt-14-dev            # libFuzzer targets and sanitizers
  libutf8proc-dev                     # Unicode data for the tokenizer (NFD, categories, case)
  libcli11-dev                        # command-line parsing
  nlohmann-json3-dev                  # config.json, tokenizer.json, JSON Lines, reports
  libdnnl-dev                         # oneDNN: FP32 / BF16 / INT8 GEMM kernels
  ocl-icd-opencl-dev opencl-c-headers # find_package(dnnl) needs OpenCL (a Recommends of
                                      # libdnnl-dev, which --no-install-recommends skips)
  libcpp-httplib-dev                  # the HTTP server (bertq serve) and test servers
  libarchive-dev                      # reading aclImdb_v1.tar.gz in place
  libcurl4-openssl-dev                # downloads (models, datasets)
  libssl-dev                          # SHA-256 (OpenSSL EVP) to verify downloads
  zlib1g-dev                          # gzip JSON Lines
  libgtest-dev libgmock-dev googletest  # unit tests
  libbenchmark-dev                    # micro-benchmarks
  libtorch-dev                        # the trainer (src/train only)
  libopenblas0-openmp                 # libtorch's BLAS: the OpenMP build (see below)
  wrk                                 # HTTP load generator for bench/serve
)
if [ "${1:-}" = --bench ]; then
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
