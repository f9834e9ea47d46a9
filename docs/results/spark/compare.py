"""The table of docs/results/spark/run.sh: accuracy of `python -m bertq.spark` (its part files
joined by review id to the gold labels of `bertq eval`'s predictions file) and of `bertq eval`
on the same reviews, their agreement review by review, and the throughput of both, per round.

    python3 docs/results/spark/compare.py RUN
"""
import json
import os
import re
import sys

run = sys.argv[1]
order = []  # review ids in file order
with open(os.path.join(run, "test.jsonl"), encoding="utf-8") as f:
    for line in f:
        r = json.loads(line)
        order.append(r["id"])
info = open(os.path.join(run, "info.txt")).read()
cpu = re.search(r"model name: (.*)", info).group(1)
isa = re.search(r"isa: (.*)", info).group(1)
threads = re.search(r"threads: (\d+)", info).group(1)
times = {}
for line in open(os.path.join(run, "times.tsv")).read().splitlines()[1:]:
    k, job, s = line.split("\t")
    times[(int(k), job)] = float(s)

print(f"CPU: {cpu} ({isa}), {threads} threads; {len(order)} IMDB test reviews\n")
print("| round | job | wall s | reviews/s | Spark job s (no JVM start) | accuracy "
      "| agreement with eval |")
print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
for k in sorted({k for k, _ in times}):
    ev = json.load(open(os.path.join(run, f"eval-{k}.json")))
    # eval's predictions, one per review in file order: the gold label and the predicted one,
    # both as the model's label names
    preds = [json.loads(line) for line in open(os.path.join(run, f"eval-{k}.predictions.jsonl"))]
    assert len(preds) == len(order)
    want = {i: p["label"] for i, p in zip(order, preds)}
    eval_pred = {i: p["predicted"] for i, p in zip(order, preds)}
    eval_acc = sum(eval_pred[i] == want[i] for i in order) / len(order)
    spark_dir = os.path.join(run, f"spark-{k}")
    spark_pred = {}
    for name in sorted(os.listdir(spark_dir)):
        if name.startswith("part-"):
            for line in open(os.path.join(spark_dir, name), encoding="utf-8"):
                r = json.loads(line)
                spark_pred[r["id"]] = r["label"]
    assert sorted(spark_pred) == sorted(order), "the Spark output must hold every review once"
    spark_acc = sum(spark_pred[i] == want[i] for i in order) / len(order)
    agree = sum(spark_pred[i] == eval_pred[i] for i in order) / len(order)
    log = open(os.path.join(run, f"spark-{k}.log")).read()
    job = re.search(r"bertq\.spark: wrote .* in ([0-9.]+) s", log).group(1)
    n = len(order)
    te, ts = times[(k, "eval")], times[(k, "spark")]
    print(f"| {k} | bertq eval | {te:.1f} | {n / te:.1f} | - | {eval_acc:.4f} | - |")
    print(f"| {k} | python -m bertq.spark | {ts:.1f} | {n / ts:.1f} | {job} | {spark_acc:.4f} "
          f"| {agree:.4f} |")
    print(f"\nround {k}: Spark / eval wall time {ts / te:.3f}; eval's own accuracy "
          f"{ev['metrics']['accuracy']:.4f}\n")
    assert abs(ev["metrics"]["accuracy"] - eval_acc) < 1e-12, "eval's report and predictions"
