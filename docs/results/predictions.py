"""Two `bertq eval --predictions` files of the same reviews (e.g. FP32 and INT8), compared review
by review: agreement of the predicted labels and the relative logit error ||b - a|| / ||a|| (the
quantizer's fidelity report's definition, src/quant/fidelity.cc). Used by
docs/results/minilm-imdb/reproduce.sh and docs/results/activation-range/run.sh.

    sys.path.insert(0, "docs/results"); from predictions import compare
    c = compare("RUN/pred-fp32.jsonl", "RUN/pred-int8.jsonl")  # n, agreement_pct, rel_err_*
"""
import json
import math


def _load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def compare(a_path, b_path):
    a, b = _load(a_path), _load(b_path)
    # The same reviews in the same order (an id is FILE:LINE; the file's folder may differ).
    key = lambda p: (p["id"].rsplit("/", 1)[-1], p["label_id"])
    assert [key(p) for p in a] == [key(p) for p in b], f"{b_path}: other reviews than {a_path}"
    agree = sum(x["predicted_id"] == y["predicted_id"] for x, y in zip(a, b))
    rel = [math.sqrt(sum((v - u) ** 2 for u, v in zip(x["logits"], y["logits"])) /
                     max(sum(u * u for u in x["logits"]), 1e-30)) for x, y in zip(a, b)]
    return {"n": len(a), "agreement_pct": 100 * agree / len(a),
            "rel_err_mean": sum(rel) / len(rel), "rel_err_max": max(rel)}
