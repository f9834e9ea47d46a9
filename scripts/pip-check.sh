#!/usr/bin/env bash
# Installs the Python package as a user does, `pip install .` into a new virtual environment
# (scikit-build-core builds the extension from source, with pybind11 and scikit-build-core from
# PyPI), then classifies one text with it. scripts/check-fresh.sh runs it (its "pip" phase).
#
#   scripts/pip-check.sh          # the pretrained all-MiniLM-L6-v2 (setup.sh --pretrained): a base
#                                 # checkpoint without a classifier, so the package must refuse it
#                                 # (bertq.Error naming the tensors); then the same encoder with a
#                                 # head written here (zero weights: the label is LABEL_0's)
#   scripts/pip-check.sh MODEL    # a model folder or a hub name in bertq's cache
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scripts/setup.sh --pretrained >/dev/null  # the Debian libraries the build links, the checkpoint
python3 -m venv "$tmp/v"
"$tmp/v/bin/pip" install -q .
model=${1:-}
[ -n "$model" ] || model=$(scripts/pretrained-dir.sh)
[ -e "$model" ] && model=$(realpath "$model")
cd "$tmp"  # import the installed package, not python/bertq
if [ -n "${1:-}" ]; then
  "$tmp/v/bin/python" -c 'import sys, bertq; print(bertq.Classifier(sys.argv[1]).predict("a wonderful film"))' "$model"
  exit 0
fi
"$tmp/v/bin/python" - "$model" "$tmp/with-head" <<'PY'
import json, os, shutil, struct, sys
import bertq
base, out = sys.argv[1], sys.argv[2]
try:
    bertq.Classifier(base)
    sys.exit("FAIL: a base checkpoint without a classifier was accepted")
except bertq.Error as e:
    assert "classifier.weight" in str(e), str(e)
    print("refused as it should:", str(e).split(":")[1].strip()[:60], "...")
# The same encoder with a zero classifier (no third-party safetensors writer needed).
shutil.copytree(base, out)
path = os.path.join(out, "model.safetensors")
with open(path, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    data = f.read()
hidden = json.load(open(os.path.join(out, "config.json")))["hidden_size"]
end = len(data)
header["classifier.weight"] = {"dtype": "F32", "shape": [2, hidden],
                               "data_offsets": [end, end + 8 * hidden]}
header["classifier.bias"] = {"dtype": "F32", "shape": [2],
                             "data_offsets": [end + 8 * hidden, end + 8 * hidden + 8]}
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
with open(path, "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + data + bytes(8 * hidden + 8))
print(bertq.Classifier(out).predict("a wonderful film"))
PY
