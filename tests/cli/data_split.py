#!/usr/bin/env python3
"""`bertq data split`: a stratified, seeded train / validation split written as two JSON Lines
files. Each label keeps its share (round(fraction * count) held out per label), the two parts
are disjoint and together the input (ids, texts and labels unchanged, input order kept), the
same seed gives the same files and another seed another split; unlabelled data and bad
fractions are refused with a message (exit 2, invalid argument).

  python3 tests/cli/data_split.py build/src/cli/bertq
"""
import json
import os
import subprocess
import sys
import tempfile


def bertq(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=120)


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data.jsonl")
        rows = [{"text": f"review {i} é", "label": "pos" if i % 3 else "neg"}
                for i in range(30)]  # 20 pos, 10 neg
        with open(data, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")

        def split(seed, tag, *extra):
            a, b = os.path.join(tmp, f"train{tag}.jsonl"), os.path.join(tmp, f"val{tag}.jsonl")
            r = bertq(binary, "data", "split", data, "--validation", "0.2", "--seed", str(seed),
                      "--train-out", a, "--validation-out", b, *extra)
            assert r.returncode == 0, r.stderr
            return read(a), read(b)

        train, val = split(7, "a")
        assert len(val) == 6 and len(train) == 24, (len(train), len(val))
        assert sum(r["label"] == "neg" for r in val) == 2, val  # 0.2 of 10 neg, 0.2 of 20 pos
        assert sum(r["label"] == "pos" for r in val) == 4, val
        # Each row once, text and label unchanged; ids name the source line (data.jsonl:N).
        texts = [r["text"] for r in train + val]
        assert sorted(texts) == sorted(r["text"] for r in rows) and len(set(texts)) == 30
        by_text = {r["text"]: r for r in rows}
        for r in train + val:
            src = by_text[r["text"]]
            assert r["label"] == src["label"], (r, src)
            assert r["id"] == f"{data}:{rows.index(src) + 1}", (r["id"], src)
        order = [r["text"] for r in rows]
        kept = {r["text"] for r in train}
        assert [r["text"] for r in train] == [t for t in order if t in kept], "order not kept"
        assert split(7, "b") == (train, val), "the same seed gave another split"
        assert split(8, "c")[1] != val, "another seed gave the same split"

        bad = bertq(binary, "data", "split", data, "--validation", "1.5", "--train-out",
                    os.path.join(tmp, "x"), "--validation-out", os.path.join(tmp, "y"))
        assert bad.returncode == 2 and "--validation" in bad.stderr, (bad.returncode, bad.stderr)
        unlabelled = os.path.join(tmp, "u.jsonl")
        with open(unlabelled, "w") as f:
            f.write('{"text": "a"}\n{"text": "b"}\n')
        bad = bertq(binary, "data", "split", unlabelled, "--train-out", os.path.join(tmp, "x"),
                    "--validation-out", os.path.join(tmp, "y"))
        assert bad.returncode == 2 and "no label" in bad.stderr, (bad.returncode, bad.stderr)
        assert not os.path.exists(os.path.join(tmp, "x")), "a refused split wrote a file"
        # --on-bad-row: one parser for data stats / train / pretrain.
        model = os.path.join(tmp, "model")
        os.makedirs(model)
        with open(os.path.join(model, "config.json"), "w") as f:
            f.write('{"model_type": "bert"}')
        for cmd in (["data", "stats", data], ["train", "--model", model, "--train", data,
                                               "--out", os.path.join(tmp, "run")]):
            bad = bertq(binary, *cmd, "--on-bad-row", "skp")
            assert bad.returncode == 2 and "--on-bad-row" in bad.stderr, (cmd, bad.stderr)
    print("data split: stratified, disjoint, complete, seeded; bad input refused")


if __name__ == "__main__":
    main()
