#!/usr/bin/env bash
# The installed C++ library as its users see it: `cmake --install BUILD --component cpp` into a
# temporary prefix, examples/cpp configured and built against it with find_package(bertq), then
# run on a model folder whose config.json asks for head+tail at 16 tokens: labels, scores and
# logits equal `bertq predict`'s (the one tokenization rule, applied by the library too).
# Also: the installed headers include only the standard library and <bertq/...>; the library
# exports no internal (bertq::engine, text, ..., dnnl) symbols and loads no libtorch.
#   installed_package.sh BUILD_DIR BERTQ SHARED_DIR SOURCE_DIR      (exit 77: skipped)
set -euo pipefail
build=$1 bertq=$2 shared=$3 src=$4
model="$shared/golden/model/odd/model"
[ -d "$model" ] || { echo "SKIP: $model not found (../shared absent)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" --component cpp >"$tmp/install.log"
lib=$(ls "$tmp"/prefix/lib*/libbertq.so* | head -1)
[ -f "$tmp/prefix/include/bertq/bertq.h" ] || fail "include/bertq/bertq.h not installed"
ls "$tmp"/prefix/lib*/cmake/bertq/bertqConfig.cmake >/dev/null || fail "no CMake package installed"

# Public headers: standard headers and bertq/ only.
bad=$(grep -h '#include' "$tmp"/prefix/include/bertq/*.h | grep -v '#include <[a-z_]*>' |
      grep -v '#include <bertq/' || true)
[ -z "$bad" ] || fail "public headers include non-standard headers: $bad"
# Exports: the public API (and the standard library's inline instantiations), nothing internal.
leaked=$(nm -D --defined-only -C "$lib" |
         grep -E 'bertq::(engine|text|io|kernels|data|core)::|dnnl|nlohmann|utf8proc' | head -5 || true)
[ -z "$leaked" ] || fail "internal symbols exported by $lib: $leaked"
nm -D --defined-only -C "$lib" | grep -q 'bertq::Classifier::predict' ||
  fail "bertq::Classifier::predict not exported"
! ldd "$lib" | grep -q libtorch || fail "$lib links libtorch"

cp -r "$model" "$tmp/model"
python3 - "$tmp/model/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["bertq"] = {"max_length": 16, "truncation": "head+tail", "head_tokens": 3}
json.dump(c, open(p, "w"), indent=2)
PY

cmake -S "$src/examples/cpp" -B "$tmp/example" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_BUILD_TYPE=Release >"$tmp/configure.log" || { cat "$tmp/configure.log"; fail "configure"; }
cmake --build "$tmp/example" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "build"; }

long="the movie was great and fun and the actors were good but the plot was dull and bad in the end"
export BERTQ_THREADS=1
"$tmp/example/classify" "$tmp/model" "$long" "Dull." >"$tmp/cpp.txt" 2>"$tmp/cpp.err" ||
  { cat "$tmp/cpp.err"; fail "classify failed"; }
grep -q "max length 16 (config.json), truncation head+tail (config.json)" "$tmp/cpp.err" ||
  fail "classify did not run the model's recipe: $(cat "$tmp/cpp.err")"
"$bertq" predict --model "$tmp/model" "$long" "Dull." >"$tmp/cli.jsonl"
"$bertq" predict --model "$tmp/model" --truncation head "$long" >"$tmp/head.jsonl"
python3 - "$tmp/cpp.txt" "$tmp/cli.jsonl" "$tmp/head.jsonl" <<'PY'
import json, struct, sys
f32 = lambda v: struct.unpack("f", struct.pack("f", float(v)))[0]
cpp = [l.split() for l in open(sys.argv[1])]
cli = [json.loads(l) for l in open(sys.argv[2])]
head = json.loads(open(sys.argv[3]).readline())
assert len(cpp) == len(cli) == 2, (cpp, cli)
for c, p in zip(cpp, cli):
    assert c[0] == p["label"], (c, p)
    assert f32(c[1]) == f32(p["score"]), (c, p)
    assert [f32(x) for x in c[2:]] == [f32(x) for x in p["logits"]], (c, p)
# The recipe matters for this text: head truncation gives other logits.
assert [f32(x) for x in cpp[0][2:]] != [f32(x) for x in head["logits"]], "head == head+tail"
print("installed library equals bertq predict on", len(cpp), "texts:", [c[0] for c in cpp])
PY
