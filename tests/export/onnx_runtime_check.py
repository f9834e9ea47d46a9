#!/usr/bin/env python3
"""`bertq export onnx` run in ONNX Runtime gives bertq's logits.

For each model (a tiny random one made with `bertq init`, and the pretrained MiniLM when it is
in the cache) the export runs in ONNX Runtime on texts tokenized by `bertq tokenize`, padded
per batch (right padding, attention_mask 0), at several batch sizes and maximum lengths: the
dynamic axes at work. FP32: the logits must equal those of `bertq predict` (the engine, which
packs sequences without padding) within 1e-4 relative to each text's largest logit. INT8
(`bertq quantize` of each at both activation ranges, 127 and 255: dynamic, and for the tiny
model static with one FP32 projection): see int8_verdict. The MiniLM checkpoint has no
classifier, so it first gets an explicit random head (`bertq init --from`). Texts: a few built in, plus 16 IMDB test reviews from ../shared where
present.

Exit 77 (CTest: skipped) with a message when ONNX Runtime is not in the project's .venv
(`scripts/setup.sh --onnx` installs it).

  .venv/bin/python tests/export/onnx_runtime_check.py --bertq build/src/cli/bertq \
      --shared ../shared [--pretrained DIR (default: scripts/pretrained-dir.sh)] [--json FILE]
  # one folder only, on more reviews (an INT8 one with the FP32 folder it came from):
  ... --model INT8_DIR --fp32 FP32_DIR --reviews 200 --max-length 256
"""
import argparse
import functools
import gzip
import json
import os
import subprocess
import sys
import tempfile

SKIP = 77
try:
    import numpy as np
    import onnxruntime as ort
except ImportError as e:
    print(f"skipping: {e} (scripts/setup.sh --onnx installs ONNX Runtime into .venv)")
    sys.exit(SKIP)

TOLERANCE = 1e-4
BUILTIN_TEXTS = [
    "a wonderful film",
    "The plot was thin, the acting wooden, and I walked out before the end.",
    "Not bad.",
    "An unexpectedly moving story about two brothers who meet again after thirty years; the "
    "second half drags, but the final scene is worth the wait and the score is superb.",
    "Worst. Movie. Ever!!!",
    "I can't decide whether I loved it or hated it — ask me tomorrow.",
    "Ça m'a plu : naïve, drôle et très bien jouée.",
]
BATCH_SIZES = (1, 5)
ACTIVATION_RANGES = ("127", "255")  # bertq quantize --activation-range
MAX_LENGTHS = (16, 128)


def imdb_reviews(shared, n):
    path = os.path.join(shared or "", "data/imdb/test.jsonl.gz")
    if not shared or not os.path.exists(path):
        print(f"{path}: absent (a user's machine): built-in texts only")
        return []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line)["text"] for line in f]
    step = max(1, len(rows) // n)  # spread over the file: both labels
    return rows[::step][:n]


def pretrained_dir():
    """Where scripts/setup.sh --pretrained places the MiniLM (scripts/pretrained-dir.sh)."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../scripts/pretrained-dir.sh")
    return subprocess.run([script], check=True, capture_output=True, text=True).stdout.strip()


def write_texts(texts, folder):
    path = os.path.join(folder, "texts.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps({"text": t}) + "\n")
    return path


def run(bertq, *args):
    return subprocess.run([bertq, *args], check=True, capture_output=True, text=True).stdout


@functools.lru_cache(maxsize=None)
def engine_outputs(bertq, model, texts_file, max_length):
    """Token ids (bertq tokenize) and logits (bertq predict), same tokenization."""
    tok = ["--max-length", str(max_length), "--truncation", "head"]
    ids = [json.loads(l)["ids"] for l in
           run(bertq, "tokenize", "--tokenizer", model, "--input", texts_file, *tok).splitlines()]
    preds = run(bertq, "predict", "--model", model, "--input", texts_file, *tok).splitlines()
    return ids, np.array([json.loads(l)["logits"] for l in preds], dtype=np.float32)


def onnx_logits(session, ids, batch_size):
    out = []
    for i in range(0, len(ids), batch_size):
        chunk = ids[i:i + batch_size]
        length = max(len(s) for s in chunk)
        input_ids = np.zeros((len(chunk), length), dtype=np.int64)
        mask = np.zeros_like(input_ids)
        for r, s in enumerate(chunk):
            input_ids[r, :len(s)] = s
            mask[r, :len(s)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": mask,
                 "token_type_ids": np.zeros_like(input_ids)}
        wanted = {i.name for i in session.get_inputs()}  # DistilBERT: no token_type_ids
        feeds = {k: v for k, v in feeds.items() if k in wanted}
        out.append(session.run(["logits"], feeds)[0])
    return np.concatenate(out)


def relative_differences(got, want):
    """Per text: max |got - want| over its logits / max |want|."""
    return np.abs(got - want).max(axis=1) / np.maximum(np.abs(want).max(axis=1), 1e-30)


def relative_difference(got, want):
    """The largest relative_differences over the texts."""
    return float(relative_differences(got, want).max())


def int8_verdict(got, want, fp32):
    """INT8: ONNX Runtime's float ops differ from the engine's in the last bits, which now and
    then moves an activation across a rounding boundary of its u8 quantization; from there on
    the two runs are two draws of INT8's rounding error, which differ by about sqrt(2) times
    one. So on the median text the difference to bertq's INT8 logits must be at most twice
    bertq's own INT8-vs-FP32 difference (a wrong scale or zero point makes it far larger on
    every text); the share of texts equal within TOLERANCE (no flip) is reported. The tiny
    INT8 models, with few flips, show the exact agreement."""
    rel = relative_differences(got, want)
    ratio = np.abs(got - want).max(axis=1) / np.maximum(np.abs(want - fp32).max(axis=1), 1e-30)
    median = float(np.median(ratio))
    return median <= 2.0, {"equal_share": float((rel <= TOLERANCE).mean()),
                           "median_ratio_to_int8_error": median,
                           "max_ratio_to_int8_error": float(ratio.max())}


def check_model(bertq, name, model, texts_file, tmp, fp32_model=None, lengths=MAX_LENGTHS,
                batch_sizes=BATCH_SIZES):
    """FP32 (fp32_model None): every text within TOLERANCE. INT8: int8_verdict against the
    FP32 folder it was quantized from."""
    onnx_path = os.path.join(tmp, name + ".onnx")
    print(run(bertq, "export", "onnx", "--model", model, "--out", onnx_path).strip())
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    assert names in (["input_ids", "attention_mask", "token_type_ids"],
                     ["input_ids", "attention_mask"]), names
    results, ok = [], True
    for max_length in lengths:
        ids, want = engine_outputs(bertq, model, texts_file, max_length)
        if fp32_model:
            fp32 = engine_outputs(bertq, fp32_model, texts_file, max_length)[1]
        # INT8: the dynamic axes are shown by FP32; one batch size.
        for batch_size in batch_sizes[-1:] if fp32_model else batch_sizes:
            got = onnx_logits(session, ids, batch_size)
            r = {"model": name, "max_length": max_length, "batch_size": batch_size,
                 "texts": len(ids), "max_relative_difference": relative_difference(got, want),
                 "labels_equal": int((got.argmax(axis=1) == want.argmax(axis=1)).sum())}
            line = (f"max relative logit difference {r['max_relative_difference']:.2e}, "
                    f"labels equal {r['labels_equal']}/{len(ids)}")
            if fp32_model:
                good, more = int8_verdict(got, want, fp32)
                r.update(more)
                line += (f", {more['equal_share']:.0%} of texts within {TOLERANCE:g}, "
                         f"difference / INT8 error median {more['median_ratio_to_int8_error']:.2f}"
                         f" max {more['max_ratio_to_int8_error']:.2f}")
            else:
                good = r["max_relative_difference"] <= TOLERANCE
            ok = ok and good and got.shape == want.shape
            results.append(r)
            print(f"{name}: max length {max_length}, batch {batch_size}, {len(ids)} texts: "
                  f"{line} {'ok' if good else 'FAIL'}")
    return ok, results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bertq", required=True)
    ap.add_argument("--shared", default="")
    ap.add_argument("--arch-reference", default="",
                    help="BUILD/arch-reference: random models of the other architectures")
    ap.add_argument("--pretrained", default=pretrained_dir(),
                    help="the MiniLM folder (skipped when absent)")
    ap.add_argument("--json", default="", help="write the measurements here")
    ap.add_argument("--model", default="", help="measure this folder only (README figures)")
    ap.add_argument("--fp32", default="", help="--model is INT8, quantized from this folder")
    ap.add_argument("--reviews", type=int, default=16, help="IMDB test reviews")
    ap.add_argument("--max-length", type=int, default=0, help="--model: tokens per text")
    a = ap.parse_args()
    texts = BUILTIN_TEXTS + imdb_reviews(a.shared, a.reviews)
    if a.model:
        with tempfile.TemporaryDirectory() as tmp:
            ok, results = check_model(a.bertq, os.path.basename(a.model.rstrip("/")), a.model,
                                      write_texts(texts, tmp), tmp, a.fp32 or None,
                                      (a.max_length or MAX_LENGTHS[-1],), (8,))
        finish(a, ok, results)
    with tempfile.TemporaryDirectory() as tmp:
        texts_file = write_texts(texts, tmp)
        # The tiny model: a WordPiece vocabulary trained on the texts, 2 random layers.
        tiny, vocab = os.path.join(tmp, "tiny"), os.path.join(tmp, "vocab.txt")
        run(a.bertq, "vocab", "train", "--input", texts_file, "--vocab-size", "300",
            "--out", vocab)
        run(a.bertq, "init", "--out", tiny, "--layers", "2", "--hidden", "32", "--heads", "4",
            "--intermediate", "64", "--vocab", vocab, "--labels", "neg,neutral,pos",
            "--std", "0.2", "--seed", "7")
        ok, results = check_model(a.bertq, "tiny", tiny, texts_file, tmp)
        # INT8 folders: dynamic with INT8 embeddings; static (calibrated on the texts) with one
        # key projection kept FP32, so its layer's Q/K/V run in FP32 as in the engine.
        for qmax in ACTIVATION_RANGES:
            for scheme, extra in (("dynamic", []),
                                  ("static", ["--calibration", texts_file, "--keep-fp32",
                                              "*layer.1.attention.self.key*"])):
                name = f"tiny-int8-{scheme}-q{qmax}"
                q = os.path.join(tmp, name)
                run(a.bertq, "quantize", "--model", tiny, "--out", q, "--scheme", scheme,
                    "--activation-range", qmax, *extra)
                ok2, more = check_model(a.bertq, name, q, texts_file, tmp, tiny)
                ok, results = ok and ok2, results + more
        # The other architectures (scripts/reference/arch_reference.py): FP32 and both INT8 ranges.
        for arch in ("distilbert", "roberta", "xlm-roberta"):
            folder = os.path.join(a.arch_reference or "", arch, "model")
            if not a.arch_reference or not os.path.exists(os.path.join(folder, "config.json")):
                print(f"{folder}: absent (scripts/test.sh makes it): {arch} skipped")
                continue
            ok2, more = check_model(a.bertq, arch, folder, texts_file, tmp, lengths=(16, 64))
            ok, results = ok and ok2, results + more
            for qmax in ACTIVATION_RANGES:
                name = f"{arch}-int8-q{qmax}"
                q = os.path.join(tmp, name)
                run(a.bertq, "quantize", "--model", folder, "--out", q, "--activation-range", qmax)
                ok3, more3 = check_model(a.bertq, name, q, texts_file, tmp, folder,
                                         lengths=(64,))
                ok, results = ok and ok3, results + more3
        if os.path.exists(os.path.join(a.pretrained, "config.json")):
            minilm = os.path.join(tmp, "minilm")
            run(a.bertq, "init", "--from", a.pretrained, "--out", minilm, "--seed", "1")
            ok2, more = check_model(a.bertq, "minilm", minilm, texts_file, tmp)
            ok, results = ok and ok2, results + more
            for qmax in ACTIVATION_RANGES:
                name = f"minilm-int8-q{qmax}"
                q = os.path.join(tmp, name)
                run(a.bertq, "quantize", "--model", minilm, "--out", q, "--activation-range", qmax)
                ok3, more3 = check_model(a.bertq, name, q, texts_file, tmp, minilm)
                ok, results = ok and ok3, results + more3
        else:
            print(f"pretrained MiniLM absent ({a.pretrained}; "
                  "scripts/setup.sh --pretrained places it): tiny model only")
    finish(a, ok, results)


def finish(a, ok, results):
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"onnxruntime": ort.__version__, "tolerance": TOLERANCE,
                       "results": results}, f, indent=1)
    fp32 = [r["max_relative_difference"] for r in results if "equal_share" not in r]
    if fp32:
        print(f"FP32: max relative logit difference over all runs {max(fp32):.2e} "
              f"(tolerance {TOLERANCE:g})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
