#!/usr/bin/env python3
"""One INT8 folder, one answer on every ISA tier this CPU can force.

An INT8 folder records its activation range (quantization_config.activations.qmax, 127 or
255); `bertq predict` must give the same logits whichever kernel tier (BERTQ_FORCE_ISA: scalar
reference, AVX2, AVX-512) and whichever oneDNN ISA (ONEDNN_MAX_CPU_ISA: SSE4.1, AVX2,
AVX-512, AVX-512 VNNI: the GEMM with and without saturation-free u8) runs it, and with the
two-GEMM path of the 255 range forced (BERTQ_INT8_FORCE_SPLIT=1). Checked on a tiny random
model (bertq vocab train + bertq init) quantized dynamic at 127 and 255, and static at 255:
- every run gives the labels of the first (scalar kernels, oneDNN SSE4.1) and its logits within
  TOLERANCE relative: the int8 GEMMs are exact on every ISA, only the float parts (epilogues,
  attention's sgemm, LayerNorm) round differently in the last bits (measured on AVX2: <= 2.5e-7).
  Such a last-bit difference can, rarely, move one activation across a u8 rounding boundary,
  which moves the logits by far less than a wrong range does, hence TOLERANCE 5e-3: a folder
  run at another range than it was made for differed by 2.7e-2 on the VNNI CPU of issue 26;
- the 127 and 255 folders differ by more than 2x TOLERANCE (the range is not ignored, and this
  test's tolerance is tight enough to see a range mismatch).

  python3 tests/cli/int8_tiers.py build/src/cli/bertq
"""
import json
import os
import subprocess
import sys
import tempfile

TOLERANCE = 5e-3
TEXTS = [
    "a wonderful film, the best i have seen this year",
    "the plot was thin, the acting wooden, and i walked out before the end.",
    "not bad.",
    "an unexpectedly moving story about two brothers who meet again after thirty years; "
    "the second half drags, but the final scene is worth the wait and the score is superb. " * 3,
    "worst. movie. ever!!!",
    "i can't decide whether i loved it or hated it, ask me tomorrow.",
]
KERNEL_TIERS = ["generic", "avx2", "avx512", "avx512_vnni"]
# oneDNN's ISA names for the GEMM tiers, lowest first.
ONEDNN_ISAS = ["SSE41", "AVX2", "AVX512_CORE", "AVX512_CORE_VNNI"]


def run(bertq, *args, env=None):
    r = subprocess.run([bertq, *args], capture_output=True, text=True,
                       env={**os.environ, **(env or {})})
    if r.returncode != 0:
        sys.exit(f"FAIL: bertq {' '.join(args)} ({env}): exit {r.returncode}\n{r.stderr}")
    return r.stdout


def best_isa(bertq):
    for line in run(bertq, "info").splitlines():
        if line.startswith("isa: best "):
            return line.split()[2].rstrip(",")
    sys.exit("FAIL: bertq info names no ISA")


def logits(bertq, model, texts, env):
    out = run(bertq, "predict", "--model", model, "--input", texts, "--max-length", "128",
              "--truncation", "head", env=env)
    return [json.loads(l)["logits"] for l in out.splitlines()]


def rel_diff(a, b):
    worst = 0.0
    for x, y in zip(a, b):
        scale = max(max(abs(v) for v in y), 1e-30)
        worst = max(worst, max(abs(p - q) for p, q in zip(x, y)) / scale)
    return worst


def argmax(row):
    return max(range(len(row)), key=lambda i: row[i])


def main():
    bertq = sys.argv[1]
    best = best_isa(bertq)
    kernel_tiers = KERNEL_TIERS[:KERNEL_TIERS.index(best) + 1]
    onednn_isas = ONEDNN_ISAS[:len(kernel_tiers)]
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        texts = os.path.join(tmp, "texts.jsonl")
        with open(texts, "w") as f:
            for t in TEXTS:
                f.write(json.dumps({"text": t}) + "\n")
        vocab, tiny = os.path.join(tmp, "vocab.txt"), os.path.join(tmp, "tiny")
        run(bertq, "vocab", "train", "--input", texts, "--vocab-size", "200", "--out", vocab)
        run(bertq, "init", "--out", tiny, "--layers", "2", "--hidden", "32", "--heads", "4",
            "--intermediate", "64", "--vocab", vocab, "--std", "0.2", "--seed", "3")
        folders = {}
        for name, extra in (("dynamic-127", ["--activation-range", "127"]),
                            ("dynamic-255", ["--activation-range", "255"]),
                            ("static-255", ["--activation-range", "255", "--scheme", "static",
                                            "--calibration", texts])):
            folders[name] = os.path.join(tmp, name)
            run(bertq, "quantize", "--model", tiny, "--out", folders[name], *extra)
            with open(os.path.join(folders[name], "config.json")) as f:
                recorded = json.load(f)["quantization_config"]["activations"]["qmax"]
            if str(recorded) != name.split("-")[1]:
                print(f"FAIL: {name}: config.json records qmax {recorded}")
                ok = False
        first, worst_all = {}, 0.0
        for name, model in folders.items():
            ref, worst, runs = None, 0.0, 0
            for kt in kernel_tiers:
                for o, more in [(o, {}) for o in onednn_isas] + [
                        (onednn_isas[-1], {"BERTQ_INT8_FORCE_SPLIT": "1"})]:
                    env = {"BERTQ_FORCE_ISA": kt, "ONEDNN_MAX_CPU_ISA": o, **more}
                    got = logits(bertq, model, texts, env)
                    runs += 1
                    if ref is None:
                        ref = got
                        continue
                    d = rel_diff(got, ref)
                    worst = max(worst, d)
                    if d > TOLERANCE or [argmax(r) for r in got] != [argmax(r) for r in ref]:
                        print(f"FAIL: {name}: kernels {kt}, oneDNN {o}"
                              f"{' split' if more else ''}: max relative logit difference "
                              f"{d:.2e} to kernels {kernel_tiers[0]}, oneDNN {onednn_isas[0]}")
                        ok = False
            first[name] = ref
            worst_all = max(worst_all, worst)
            print(f"{name}: {runs} runs ({len(kernel_tiers)} kernel tiers x {len(onednn_isas)} "
                  f"oneDNN ISAs, + forced split): labels equal, max relative logit difference "
                  f"{worst:.2e} (tolerance {TOLERANCE:g})")
        between = rel_diff(first["dynamic-255"], first["dynamic-127"])
        print(f"127 vs 255 folders: max relative difference {between:.2e} (must exceed "
              f"{2 * TOLERANCE:g}; worst difference between tiers {worst_all:.2e})")
        if between <= 2 * TOLERANCE:
            print("FAIL: the 127 and 255 folders are not clearly different: is the range used?")
            ok = False
    print("int8 tiers: " + ("ok" if ok else "FAIL"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
