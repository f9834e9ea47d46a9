#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs the whole test suite with CTest.
# Tests that need ../shared (golden outputs, IMDB) skip with a message where it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)" ${CTEST_ARGS:-}
