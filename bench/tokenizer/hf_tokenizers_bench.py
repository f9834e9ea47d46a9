#!/usr/bin/env python3
"""Throughput of Hugging Face tokenizers (Rust, through its Python binding) on the IMDB review
texts, as one JSON line in the format of ../shared/peers/tokenizer_bench.mjs (bench_tokenizer
--reference adds it to its table).

  RAYON_NUM_THREADS=1 .venv/bin/python bench/tokenizer/hf_tokenizers_bench.py \
      TOKENIZER_JSON DATA.jsonl.gz REPEATS loop|batch
loop: Tokenizer.encode() one review at a time (one thread); batch: encode_batch() over chunks
of 1,000 reviews (Rust's thread pool: RAYON_NUM_THREADS threads, default all). No truncation,
no padding; add_special_tokens=True. Median of REPEATS runs; MB_per_cpu_s from process CPU time.
"""
import gzip
import json
import os
import sys
import time

from tokenizers import Tokenizer


def main():
    tok_path, data, repeats, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    tok = Tokenizer.from_file(tok_path)
    tok.no_truncation()
    tok.no_padding()
    with gzip.open(data, "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    runs = []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        ntok = 0
        if mode == "loop":
            for t in texts:
                ntok += len(tok.encode(t).ids)
        else:
            for i in range(0, len(texts), 1000):
                ntok += sum(len(e.ids) for e in tok.encode_batch(texts[i:i + 1000]))
        runs.append((time.perf_counter() - t0, time.process_time() - c0, ntok))
    runs.sort()
    s, cpu, ntok = runs[len(runs) // 2]
    threads = "1" if mode == "loop" else os.environ.get("RAYON_NUM_THREADS", "all")
    print(json.dumps({"engine": f"hf-tokenizers 0.19 (python) {'encode loop' if mode == 'loop' else 'encode_batch'}",
                      "threads": threads, "reviews": len(texts), "MB": mb, "tokens": ntok,
                      "median_s": s, "reviews_per_s": len(texts) / s, "tokens_per_s": ntok / s,
                      "MB_per_s": mb / s, "MB_per_cpu_s": mb / cpu}))


if __name__ == "__main__":
    main()
