#!/usr/bin/env bash
# Checks that the project's C/C++ sources follow .clang-format (clang-format --dry-run --Werror)
# and prints each file and line that does not. Files: `git ls-files` when the tree is a git
# checkout, else every *.cc / *.h under src, tests, bench and fuzz. Exit 77 (CTest: skipped)
# when clang-format is missing or not version 14, whose output the tree is formatted with
# (other versions format some constructs differently).
#
#   tests/format/check_format.sh [ROOT]            # ROOT: the repository (default: ../..)
#   git ls-files '*.cc' '*.h' | xargs clang-format -i   # what fixes it
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"
want_major=14
fmt=${CLANG_FORMAT:-}
if [ -z "$fmt" ]; then
  for c in clang-format-$want_major clang-format; do
    if command -v "$c" >/dev/null; then fmt=$c; break; fi
  done
fi
if [ -z "$fmt" ]; then
  echo "format check skipped: clang-format not found (apt-get install clang-format)"
  exit 77
fi
version=$("$fmt" --version)
major=$(sed -E 's/.*version ([0-9]+).*/\1/' <<<"$version")
if [ "$major" != "$want_major" ]; then
  echo "format check skipped: $fmt is '$version'; the tree is formatted with clang-format $want_major"
  exit 77
fi
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.cc' '*.h' '*.cpp' '*.hpp' '*.c')
else
  mapfile -t files < <(find src tests bench fuzz -type f \( -name '*.cc' -o -name '*.h' \) | sort)
fi
# A tracked file deleted in the work tree is not checked.
existing=()
for f in "${files[@]}"; do [ -f "$f" ] && existing+=("$f"); done
echo "format check: ${#existing[@]} files with $fmt ($version)"
if ! "$fmt" --dry-run --Werror "${existing[@]}"; then
  echo "format check FAILED: run clang-format -i on the files above (.clang-format, 100 columns)"
  exit 1
fi
echo "format check: ok"
