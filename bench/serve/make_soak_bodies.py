#!/usr/bin/env python3
"""Writes the request bodies of bench/serve/soak.sh, one a line: valid /v1/classify bodies of
TEXTS reviews each (from an IMDB JSON Lines file), and, BAD_PERCENT of the lines, hostile ones
the server must answer with a 4xx: malformed JSON, invalid UTF-8, a body over MAX_BODY bytes,
a text over MAX_TEXT bytes, too many texts, an out-of-range max_length, a wrong type, an empty
text, an unknown field. Valid lines contain no raw newline (JSON escapes them).

Usage: make_soak_bodies.py IMDB.jsonl.gz N TEXTS BAD_PERCENT MAX_BODY MAX_TEXT MAX_TEXTS OUT
"""
import gzip
import json
import os
import sys


def hostile(k: int, review: str, max_body: int, max_text: int, max_texts: int) -> bytes:
    kinds = [
        b'{"texts": ["unterminated',
        b'{"texts": ["caf\xc3 au lait"]}',  # invalid UTF-8
        json.dumps({"texts": ["x" * max_body]}).encode(),  # body over the limit
        json.dumps({"texts": ["y" * (max_text + 1)]}).encode(),  # one text over the limit
        json.dumps({"texts": ["z"] * (max_texts + 1)}).encode(),
        json.dumps({"texts": [review[:200]], "max_length": 100000}).encode(),
        json.dumps({"texts": [42]}).encode(),
        json.dumps({"texts": [""]}).encode(),
        json.dumps({"texts": [review[:200]], "colour": "blue"}).encode(),
    ]
    return kinds[k % len(kinds)]


def main() -> None:
    src, n, texts, bad = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    max_body, max_text, max_texts, out = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), sys.argv[8]
    opener = gzip.open if src.endswith(".gz") else open
    reviews = []
    with opener(src, "rt", encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            if len(text.encode()) * texts < max_body // 2 and len(text.encode()) <= max_text:
                reviews.append(text)
            if len(reviews) >= n * texts:
                break
    if len(reviews) < texts:
        sys.exit(f"{src}: too few reviews")
    step = max(1, round(100 / bad)) if bad > 0 else 0  # every step-th line is hostile
    lines, k = [], 0
    for i in range(n):
        if step and i % step == step - 1:
            lines.append(hostile(k, reviews[i % len(reviews)], max_body, max_text, max_texts))
            k += 1
        else:
            group = [reviews[(i * texts + j) % len(reviews)] for j in range(texts)]
            lines.append(json.dumps({"texts": group}, ensure_ascii=False).encode())
    with open(out + ".tmp", "wb") as o:
        o.write(b"\n".join(lines) + b"\n")
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
