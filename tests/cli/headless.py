#!/usr/bin/env python3
"""No random heads at inference: a model folder whose classifier tensors are missing (a base
checkpoint) is refused by every command that only runs a model (predict, eval, serve, bench,
export onnx, quantize), with exit code 3 (not found) and a message naming the tensors and the
commands that fix it; `bertq init --from` gives it an explicit random head, after which
predict runs. Before the change, predict answered with a random head (exit 0).

  python3 tests/cli/headless.py build/src/cli/bertq
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile


def bertq(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=120)


def drop_tensors(path, prefix):
    """Rewrites a safetensors file without the tensors whose names start with `prefix`."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", None)
    kept, out = {}, bytearray()
    for name, t in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        if name.startswith(prefix):
            continue
        a, b = t["data_offsets"]
        kept[name] = {**t, "data_offsets": [len(out), len(out) + b - a]}
        out += data[a:b]
    if meta is not None:
        kept["__metadata__"] = meta
    text = json.dumps(kept).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + bytes(out))


def main():
    binary = sys.argv[1]
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        vocab = os.path.join(tmp, "vocab.txt")
        with open(vocab, "w") as f:
            f.write("\n".join("[PAD] [UNK] [CLS] [SEP] [MASK] a good bad film".split()) + "\n")
        full, base = os.path.join(tmp, "full"), os.path.join(tmp, "base")
        r = bertq(binary, "init", "--out", full, "--layers", "1", "--hidden", "16", "--heads",
                  "2", "--intermediate", "32", "--max-position", "64", "--vocab", vocab)
        assert r.returncode == 0, r.stderr
        shutil.copytree(full, base)
        drop_tensors(os.path.join(base, "model.safetensors"), "classifier.")
        texts = os.path.join(tmp, "t.jsonl")
        with open(texts, "w") as f:
            f.write('{"text": "a good film", "label": 1}\n{"text": "a bad film", "label": 0}\n')
        for args in (["predict", "--model", base, "--input", texts],
                     ["eval", "--model", base, "--data", texts],
                     ["serve", "--model", base, "--port", "0"],
                     ["bench", "--model", base],
                     ["export", "onnx", "--model", base, "--out", os.path.join(tmp, "x.onnx")],
                     ["quantize", "--model", base, "--out", os.path.join(tmp, "q")]):
            r = bertq(binary, *args)
            msg = r.stderr
            good = (r.returncode == 3 and "classifier.weight, classifier.bias" in msg
                    and "bertq init --from" in msg and "bertq train" in msg)
            ok = ok and good
            print(f"bertq {args[0]}: exit {r.returncode} {'ok' if good else 'FAIL'}"
                  f"{'' if good else ': ' + (msg or r.stdout)[-400:]}")
        fixed = os.path.join(tmp, "fixed")
        r = bertq(binary, "init", "--from", base, "--out", fixed, "--seed", "2")
        good = r.returncode == 0 and "classifier.weight classifier.bias" in r.stdout
        r2 = bertq(binary, "predict", "--model", fixed, "--input", texts)
        good = good and r2.returncode == 0 and len(r2.stdout.splitlines()) == 2
        ok = ok and good
        print(f"bertq init --from, then predict: {'ok' if good else 'FAIL: ' + r.stderr + r2.stderr}")
    print("headless folders: " + ("ok" if ok else "FAIL"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
