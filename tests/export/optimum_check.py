#!/usr/bin/env python3
"""Optimum loads the folder `bertq export onnx --out DIR` writes and gives bertq's logits.

ORTModelForSequenceClassification.from_pretrained(DIR) and AutoTokenizer.from_pretrained(DIR)
(our tokenizer files, copied beside model.onnx) run as a Python user would run them, through
transformers' text-classification pipeline too. The tokenizer's ids must equal `bertq
tokenize`'s, the logits `bertq predict`'s within 1e-4 relative to each text's largest logit,
and the pipeline's labels bertq's. Model: the pretrained MiniLM (skipped when it is not in the
cache); texts: a few built in plus 16 IMDB test reviews from ../shared where present.

Exit 77 (CTest: skipped) with a message when Optimum is not in the project's .venv
(`scripts/setup.sh --onnx` installs it).

  .venv/bin/python tests/export/optimum_check.py --bertq build/src/cli/bertq --shared ../shared
"""
import argparse
import json
import os
import sys
import tempfile

import onnx_runtime_check as common

try:
    from optimum.onnxruntime import ORTModelForSequenceClassification
    from transformers import AutoTokenizer, pipeline
except (ImportError, RuntimeError) as e:
    print(f"skipping: {e} (scripts/setup.sh --onnx installs Optimum into .venv)")
    sys.exit(common.SKIP)

np = common.np
MAX_LENGTH = 128


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bertq", required=True)
    ap.add_argument("--shared", default="")
    ap.add_argument("--pretrained", default=common.pretrained_dir())
    a = ap.parse_args()
    if not os.path.exists(os.path.join(a.pretrained, "config.json")):
        print(f"skipping: the pretrained MiniLM is absent ({a.pretrained}; "
              "scripts/setup.sh --pretrained places it)")
        sys.exit(common.SKIP)
    texts = common.BUILTIN_TEXTS + common.imdb_reviews(a.shared, 16)
    with tempfile.TemporaryDirectory() as tmp:
        texts_file = common.write_texts(texts, tmp)
        # The checkpoint has no classifier: an explicit random head (inference refuses none).
        model_dir = os.path.join(tmp, "minilm")
        common.run(a.bertq, "init", "--from", a.pretrained, "--out", model_dir, "--seed", "1")
        out = os.path.join(tmp, "onnx")
        print(common.run(a.bertq, "export", "onnx", "--model", model_dir, "--out", out).strip())
        ids, want = common.engine_outputs(a.bertq, model_dir, texts_file, MAX_LENGTH)
        labels = [json.loads(l)["label"] for l in common.run(
            a.bertq, "predict", "--model", model_dir, "--input", texts_file,
            "--max-length", str(MAX_LENGTH), "--truncation", "head").splitlines()]

        model = ORTModelForSequenceClassification.from_pretrained(out)
        tokenizer = AutoTokenizer.from_pretrained(out)
        enc = tokenizer(texts, padding=True, truncation=True, max_length=MAX_LENGTH,
                        return_tensors="pt")
        hf_ids = [[int(t) for t, m in zip(row, mask) if m]
                  for row, mask in zip(enc["input_ids"], enc["attention_mask"])]
        same_ids = sum(x == y for x, y in zip(hf_ids, ids))
        got = model(**enc).logits.detach().numpy()
        rel = common.relative_difference(got, want)
        clf = pipeline("text-classification", model=model, tokenizer=tokenizer)
        hf_labels = [p["label"] for p in clf(texts, truncation=True, max_length=MAX_LENGTH)]
        same_labels = sum(x == y for x, y in zip(hf_labels, labels))
    print(f"Optimum {type(model).__name__} from {os.path.basename(out)}/: {len(texts)} texts, "
          f"ids equal to bertq's {same_ids}/{len(texts)}, max relative logit difference "
          f"{rel:.2e} (tolerance {common.TOLERANCE:g}), pipeline labels equal "
          f"{same_labels}/{len(texts)}")
    ok = same_ids == len(texts) and rel <= common.TOLERANCE and same_labels == len(texts)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
