#!/usr/bin/env python3
"""Hugging Face tokenizers (Rust, through its Python binding) throughput over the review texts
of a JSON Lines file, as one JSON result line in bench_tokenizer's format (pass the output file
to bench_tokenizer --reference). No truncation, special tokens added.

  RAYON_NUM_THREADS=1 .venv/bin/python bench/tokenizer/hf_python_bench.py TOKENIZER_JSON DATA loop 3
  MODE: loop (encode() per text, one thread) or batch (encode_batch over all texts; its threads
  are RAYON_NUM_THREADS's, "all" when unset).
"""
import gzip
import json
import os
import sys
import time

import tokenizers
from tokenizers import Tokenizer


def main():
    if len(sys.argv) != 5 or sys.argv[3] not in ("loop", "batch"):
        sys.exit(__doc__)
    path, data, mode, repeats = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    tok = Tokenizer.from_file(path)
    tok.no_truncation()
    tok.no_padding()
    opener = gzip.open if data.endswith(".gz") else open
    with opener(data, "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    runs = []
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        if mode == "loop":
            n = sum(len(tok.encode(t).ids) for t in texts)
        else:
            n = sum(len(e.ids) for e in tok.encode_batch(texts))
        runs.append((time.perf_counter() - t0, time.process_time() - c0, n))
    runs.sort()
    wall, cpu, n = runs[len(runs) // 2]
    threads = os.environ.get("RAYON_NUM_THREADS", "all") if mode == "batch" else "1"
    engine = f"HF tokenizers {tokenizers.__version__} (Python, {'encode loop' if mode == 'loop' else 'encode_batch'})"
    print(json.dumps({"engine": engine, "threads": threads, "reviews": len(texts), "MB": mb,
                      "tokens": n, "median_s": wall, "cpu_s": cpu, "reviews_per_s": len(texts) / wall,
                      "tokens_per_s": n / wall, "MB_per_s": mb / wall, "MB_per_cpu_s": mb / cpu}))


if __name__ == "__main__":
    main()
