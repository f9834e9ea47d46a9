#!/usr/bin/env python3
"""Writes request bodies for bench/serve: the first N reviews of an IMDB JSON Lines file as
{"text": ..., "max_length": L} objects, one a line (input for classify.lua).

Usage: make_bodies.py IMDB.jsonl.gz N MAX_LENGTH OUT
"""
import gzip
import json
import sys


def main() -> None:
    src, n, max_length, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    opener = gzip.open if src.endswith(".gz") else open
    written = 0
    with opener(src, "rt", encoding="utf-8") as f, open(out + ".tmp", "w", encoding="utf-8") as o:
        for line in f:
            if written >= n:
                break
            text = json.loads(line)["text"]
            o.write(json.dumps({"text": text, "max_length": max_length}, ensure_ascii=False) + "\n")
            written += 1
    if written == 0:
        sys.exit(f"{src}: no reviews")
    import os
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
