"""Latency and throughput of one ONNX model in ONNX Runtime, the way `bertq bench` times its
models: reviews tokenized first (untimed, truncated to --max-length), then batch 1 over the
reviews in input order (one timed run per review after --warmup untimed ones), then one untimed and
--passes timed passes over all reviews in batches of --batch-size padded to the batch's longest review
(bertq bench's "pad-batch"). Imports onnxruntime, tokenizers and numpy only; prints JSON.
"""
import argparse
import json
import time

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer


def feeds(encodings, names):
    n = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), n), np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for i, e in enumerate(encodings):
        ids[i, :len(e.ids)] = e.ids
        mask[i, :len(e.ids)] = 1
        types[i, :len(e.ids)] = e.type_ids
    all_feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
    return {k: all_feeds[k] for k in names}


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--model", required=True, help="model.onnx")
    p.add_argument("--tokenizer", required=True, help="tokenizer.json")
    p.add_argument("--data", required=True, help="JSON Lines with a text field")
    p.add_argument("--max-length", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--passes", type=int, default=3)
    a = p.parse_args()

    so = ort.SessionOptions()
    so.intra_op_num_threads = a.threads
    so.inter_op_num_threads = 1
    t0 = time.perf_counter()
    sess = ort.InferenceSession(a.model, so, providers=["CPUExecutionProvider"])
    load_s = time.perf_counter() - t0
    names = [i.name for i in sess.get_inputs()]
    tok = Tokenizer.from_file(a.tokenizer)
    tok.enable_truncation(a.max_length)
    tok.no_padding()
    with open(a.data, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f.read().split("\n") if line]
    enc = tok.encode_batch(texts)

    singles = [feeds([e], names) for e in enc]
    for k in range(a.warmup):
        sess.run(None, singles[k % len(singles)])
    b1_ms = []
    for f in singles:
        t = time.perf_counter()
        sess.run(None, f)
        b1_ms.append((time.perf_counter() - t) * 1e3)

    batches = [feeds(enc[s:s + a.batch_size], names) for s in range(0, len(enc), a.batch_size)]
    for f in batches:  # one untimed pass, like bertq bench's throughput warm-up
        sess.run(None, f)
    pass_s = []
    for _ in range(a.passes):
        t = time.perf_counter()
        for f in batches:
            sess.run(None, f)
        pass_s.append(time.perf_counter() - t)
    print(json.dumps({"load_s": load_s, "reviews": len(texts),
                      "tokens": int(sum(len(e.ids) for e in enc)), "b1_ms": b1_ms,
                      "pass_s": pass_s, "onnxruntime": ort.__version__}))


if __name__ == "__main__":
    main()
