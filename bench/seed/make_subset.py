"""Writes the review subsets both sides of the seed benchmark read (stdlib only).

A stratified random sample (seeded) of the IMDB JSON Lines in ../shared/data/imdb, written as
JSON Lines with the original "id", "text" and "label" fields, so bertq and the Python stack
train, evaluate and time exactly the same reviews.
"""
import argparse
import gzip
import json
import random


def read_jsonl_gz(path):
    # Split on "\n" only: some reviews hold U+0085, which str.splitlines treats as a break.
    with gzip.open(path, "rb") as f:
        data = f.read().decode("utf-8")
    return [json.loads(line) for line in data.split("\n") if line]


def stratified(rows, n, seed):
    rng = random.Random(seed)
    by_label = {}
    for row in rows:
        by_label.setdefault(row["label"], []).append(row)
    labels = sorted(by_label)
    picked = []
    for i, label in enumerate(labels):
        share = n // len(labels) + (1 if i < n % len(labels) else 0)
        picked += rng.sample(by_label[label], share)
    rng.shuffle(picked)
    return picked


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--imdb", required=True, help="folder with train.jsonl.gz and test.jsonl.gz")
    p.add_argument("--out", required=True, help="folder for train.jsonl and test.jsonl")
    p.add_argument("--train", type=int, required=True)
    p.add_argument("--test", type=int, required=True)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()
    for split, n in (("train", a.train), ("test", a.test)):
        rows = stratified(read_jsonl_gz(f"{a.imdb}/{split}.jsonl.gz"), n, a.seed)
        with open(f"{a.out}/{split}.jsonl", "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps({"id": r["id"], "text": r["text"], "label": r["label"]},
                                   ensure_ascii=False) + "\n")
        print(f"{split}: {len(rows)} reviews -> {a.out}/{split}.jsonl")


if __name__ == "__main__":
    main()
