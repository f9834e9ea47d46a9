#!/usr/bin/env python3
"""The PyTorch side of bench/train: tokens/s of one training step (forward + backward +
clip_grad_norm_ + torch.optim.AdamW with decoupled weight decay, none on biases / LayerNorm)
on a random BERT classifier built by ../shared/peers/ref_bert.py, fp32 and bf16 autocast.
Same shapes and protocol as bench_train (train_step_bench.cc): full-length random rows,
dropout off, `warmup` untimed steps then the mean of `steps` timed ones.

  torch_step.py [--layers 12 --hidden 768 --heads 12 --inter 3072] [--batch 8]
                [--seqs 128,256] [--dtypes fp32,bf16] [--steps 3] [--warmup 1] [--threads 2]
Prints a table and one `RESULT {json}` line per configuration.
"""
import argparse
import json
import os
import sys
import time

import torch

PEERS = os.environ.get("PEERS", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/peers"))
sys.path.insert(0, PEERS)
import ref_bert  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", type=int, default=12)
    ap.add_argument("--hidden", type=int, default=768)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--inter", type=int, default=3072)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seqs", default="128,256")
    ap.add_argument("--dtypes", default="fp32,bf16")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    cfg = ref_bert.make_config(hidden_size=a.hidden, num_hidden_layers=a.layers,
                               num_attention_heads=a.heads, intermediate_size=a.inter)
    print(f"torch_step: torch {torch.__version__} layers {a.layers} hidden {a.hidden} batch {a.batch} threads {a.threads}")
    print(f"{'dtype':6} {'seq':5} {'s/step':>12} {'tokens/s':>12}")
    for dt in a.dtypes.split(","):
        for t in (int(s) for s in a.seqs.split(",")):
            model = ref_bert.BertForSequenceClassification(cfg)
            model.train()
            decay = [p for n, p in model.named_parameters() if not (n.endswith(".bias") or n.endswith("LayerNorm.weight"))]
            no_decay = [p for n, p in model.named_parameters() if n.endswith(".bias") or n.endswith("LayerNorm.weight")]
            opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                                     {"params": no_decay, "weight_decay": 0.0}], lr=1e-5)
            ids = torch.randint(1000, 30000, (a.batch, t))
            types = torch.zeros_like(ids)
            mask = torch.ones_like(ids)
            labels = torch.randint(0, 2, (a.batch,))
            total = 0.0
            for s in range(a.warmup + a.steps):
                t0 = time.perf_counter()
                opt.zero_grad(set_to_none=False)
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=(dt == "bf16")):
                    logits = model(ids, attention_mask=mask, token_type_ids=types)
                loss = torch.nn.functional.cross_entropy(logits.float(), labels)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                el = time.perf_counter() - t0
                if s >= a.warmup:
                    total += el
            per = total / a.steps
            tps = a.batch * t / per
            print(f"{dt:6} {t:<5} {per:12.3f} {tps:12.0f}")
            print("RESULT " + json.dumps({"impl": "pytorch", "dtype": dt, "seq": t, "batch": a.batch,
                                          "threads": a.threads, "s_per_step": round(per, 4),
                                          "tokens_per_s": round(tps, 1)}), flush=True)


if __name__ == "__main__":
    main()
