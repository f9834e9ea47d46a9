"""The side-by-side table: accuracy and agreement of bertq's models (bertq eval), then
latency/throughput/peak RSS of all four inference models measured in the same run, one process
per model and round, the rounds interleaved (order rotated each round): `bertq bench` for
bertq's models, seed_bench.py (ONNX Runtime) for the seed's. Peak RSS and CPU time come from
each child's rusage (timed.py), the same measure on both sides. Writes results JSON + Markdown.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys

from timed import run_child

HERE = os.path.dirname(os.path.abspath(__file__))


def percentile(xs, q):
    xs = sorted(xs)
    k = (len(xs) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def read_predictions(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def cpu_info():
    lines = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
    info = {k.strip(): v.strip() for k, _, v in (l.partition(":") for l in lines)}
    flags = info.get("Flags", "").split()
    isa = [f for f in ("avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni",
                       "avx512_bf16", "amx_int8") if f in flags]
    return {"model": info.get("Model name"), "cpus": os.cpu_count(), "isa": isa,
            "load_average_at_start": os.getloadavg()}


def bertq_eval(a, model, name):
    """bertq eval of one model; kept in WORK (reused while newer than the model, so that
    --only-eval can run it early, e.g. while the seed trains)."""
    pred = f"{a.work}/bertq-{name}-predictions.jsonl"
    report = f"{a.work}/bertq-{name}-eval.json"
    weights = f"{model}/model.safetensors"
    if not (os.path.exists(report) and os.path.getmtime(report) > os.path.getmtime(weights)):
        text, _ = run_child([a.bertq, "eval", "--model", model, "--data", f"{a.data}/test.jsonl",
                             "--max-length", str(a.max_length), "--threads", str(a.threads),
                             "--predictions", pred, "--json"])
        with open(report, "w") as f:
            f.write(text)
    with open(report) as f:
        return json.load(f), read_predictions(pred)




def bertq_train_summary(a, seed):
    """The training loop's time is the last train line's elapsed_s in metrics.jsonl (no --eval,
    so nothing else ran in the loop); tokens are the same reviews' real tokens as the seed's."""
    with open(f"{a.bertq_run}/metrics.jsonl") as f:
        lines = [json.loads(l) for l in f if l.strip()]
    train_s = [l for l in lines if l.get("kind") == "train"][-1]["elapsed_s"]
    tokens = seed["train_tokens_per_epoch"] * a.epochs
    with open(a.bertq_train_timing) as f:
        process = json.load(f)
    return {"train_s": train_s, "train_tokens_per_s": tokens / train_s, "process": process,
            "last_train_line": lines[-1]}


def bench_round(a, which):
    kind, name, path = which
    if kind == "bertq":
        text, m = run_child(
            [a.bertq, "bench", "--model", path, "--threads", str(a.threads), "--data",
             a.bench_data, "--limit", str(a.reviews), "--max-length", str(a.max_length),
             "--batch-size", f"1,{a.batch_size}", "--padding", "pad-batch", "--warmup", "5",
             "--runs", str(a.reviews), "--max-runs", str(a.reviews), "--budget", "1e9",
             "--passes", str(a.passes), "--json"])
        j = json.loads(text)
        by = {w["name"]: w["results"][0] for w in j["workloads"]}
        b1 = by["real b1"]["samples_ms"]
        pass_s = [ms / 1e3 for ms in by[f"pad-batch b{a.batch_size}"]["samples_ms"]]
    else:
        text, m = run_child(
            [a.seed_python, f"{HERE}/seed_bench.py", "--model", path, "--tokenizer",
             a.seed_tokenizer, "--data", a.bench_data, "--max-length", str(a.max_length),
             "--threads", str(a.threads), "--batch-size", str(a.batch_size), "--warmup", "5",
             "--passes", str(a.passes)])
        j = json.loads(text)
        b1, pass_s = j["b1_ms"], j["pass_s"]
    return {"b1_ms": b1, "pass_s": pass_s, **m}


def main():
    p = argparse.ArgumentParser(description=__doc__)
    for k in ("bertq", "seed-python", "work", "data", "bench-data", "bertq-run", "bertq-fp32", "bertq-int8",
              "bertq-train-timing", "seed-json", "seed-train-timing", "seed-tokenizer", "out"):
        p.add_argument(f"--{k}", required=True)
    for k in ("max-length", "threads", "batch-size", "reviews", "rounds", "passes"):
        p.add_argument(f"--{k}", type=int, required=True)
    p.add_argument("--epochs", type=float, required=True)
    p.add_argument("--conditions", default="")
    p.add_argument("--only-eval", action="store_true", help="run bertq's evaluations and stop")
    a = p.parse_args()
    if a.only_eval:
        for name, model in (("fp32", a.bertq_fp32), ("int8", a.bertq_int8)):
            print(name, bertq_eval(a, model, name)[0]["metrics"]["accuracy"])
        return
    with open(a.seed_json) as f:
        seed = json.load(f)
    btrain = bertq_train_summary(a, seed)
    with open(a.seed_train_timing) as f:
        seed["process"] = json.load(f)

    labels = [json.loads(l)["label"] for l in open(f"{a.data}/test.jsonl") if l.strip()]
    ev = {}
    preds = {}
    for name, model in (("fp32", a.bertq_fp32), ("int8", a.bertq_int8)):
        ev[name], rows = bertq_eval(a, model, name)
        preds[name] = [r["predicted_id"] for r in rows]
    bertq_acc = {n: ev[n]["metrics"]["accuracy"] for n in preds}
    bertq_agree = sum(x == y for x, y in zip(preds["fp32"], preds["int8"])) / len(labels)

    models = [("bertq", "bertq FP32", a.bertq_fp32), ("seed", "seed FP32", seed["fp32_file"]),
              ("bertq", "bertq INT8", a.bertq_int8), ("seed", "seed INT8", seed["int8_file"])]
    runs = {m[1]: [] for m in models}
    for r in range(a.rounds):
        order = models[r % len(models):] + models[:r % len(models)]
        for m in order:
            print(f"round {r + 1}/{a.rounds}: {m[1]}", file=sys.stderr, flush=True)
            runs[m[1]].append(bench_round(a, m))

    def weights_mb(path):
        f = path if os.path.isfile(path) else f"{path}/model.safetensors"
        return os.path.getsize(f) / 1e6

    infer = {}
    for kind, name, path in models:
        rs = runs[name]
        b1 = [x for r in rs for x in r["b1_ms"]]
        per_round = [a.reviews / statistics.median(r["pass_s"]) for r in rs]
        infer[name] = {"size_mb": weights_mb(path), "b1_median_ms": statistics.median(b1),
                       "b1_p99_ms": percentile(b1, 99), "b1_samples": len(b1),
                       "throughput_reviews_per_s": statistics.median(per_round),
                       "throughput_per_round": per_round,
                       "peak_rss_mb": max(r["peak_rss_mb"] for r in rs),
                       "cpu_s_per_process": [r["cpu_s"] for r in rs], "rounds": rs}
    result = {
        "cpu": cpu_info(), "conditions": a.conditions, "python": platform.python_version(),
        "protocol": {"max_length": a.max_length, "threads": a.threads,
                     "batch_size": a.batch_size, "bench_reviews": a.reviews,
                     "rounds": a.rounds, "passes": a.passes},
        "train": {"bertq": btrain, "seed": {k: seed[k] for k in seed if k != "versions"}},
        "accuracy": {"bertq": {"fp32": bertq_acc["fp32"], "int8": bertq_acc["int8"],
                               "agreement": bertq_agree, "eval_fp32": ev["fp32"],
                               "eval_int8": ev["int8"]},
                     "seed": {"fp32": seed["accuracy_fp32"], "int8": seed["accuracy_int8"],
                              "agreement": seed["agreement"]}},
        "inference": infer, "versions": seed["versions"],
    }
    os.makedirs(a.out, exist_ok=True)
    with open(f"{a.out}/results.json", "w") as f:
        json.dump(result, f, indent=2)
    md = table(result)
    with open(f"{a.out}/results.md", "w") as f:
        f.write(md)
    print(md)


def table(r):
    t, acc, inf, pr = r["train"], r["accuracy"], r["inference"], r["protocol"]
    rows = [
        ("train wall (s, training loop)", "{:.0f}".format(t["bertq"]["train_s"]),
         "{:.0f}".format(t["seed"]["train_s"])),
        ("train CPU (s; bertq: whole process, seed: trainer.train())",
         "{:.0f}".format(t["bertq"]["process"]["cpu_s"]), "{:.0f}".format(t["seed"]["train_cpu_s"])),
        ("train tokens/s (wall)", "{:.0f}".format(t["bertq"]["train_tokens_per_s"]),
         "{:.0f}".format(t["seed"]["train_tokens_per_s"])),
        ("accuracy FP32", "{:.4f}".format(acc["bertq"]["fp32"]),
         "{:.4f}".format(acc["seed"]["fp32"])),
        ("accuracy INT8", "{:.4f}".format(acc["bertq"]["int8"]),
         "{:.4f}".format(acc["seed"]["int8"])),
        ("agreement INT8 vs FP32", "{:.4f}".format(acc["bertq"]["agreement"]),
         "{:.4f}".format(acc["seed"]["agreement"])),
    ]
    for label, key, fmt in (("size {} (MB)", "size_mb", "{:.1f}"),
                            ("latency b1 median {} (ms)", "b1_median_ms", "{:.1f}"),
                            ("latency b1 p99 {} (ms)", "b1_p99_ms", "{:.1f}"),
                            ("throughput b{bs} {} (reviews/s)", "throughput_reviews_per_s",
                             "{:.1f}"),
                            ("peak RSS {} (MB)", "peak_rss_mb", "{:.0f}")):
        for prec in ("FP32", "INT8"):
            rows.append((label.format(prec, bs=pr["batch_size"]),
                         fmt.format(inf[f"bertq {prec}"][key]),
                         fmt.format(inf[f"seed {prec}"][key])))
    c = r["cpu"]
    lines = ["| figure | bertq | seed (transformers + Optimum + ONNX Runtime) |",
             "| --- | ---: | ---: |"] + [f"| {a} | {b} | {s} |" for a, b, s in rows]
    lines += ["", f"CPU: {c['model']}, {c['cpus']} cores, ISA {' '.join(c['isa'])}; "
              f"threads {pr['threads']}, max length {pr['max_length']}, "
              f"{pr['bench_reviews']} reviews for latency/throughput, {pr['rounds']} rounds "
              f"interleaved. {r['conditions']}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
