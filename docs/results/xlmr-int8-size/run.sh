#!/usr/bin/env bash
# What INT8 embeddings save on XLM-RoBERTa's 250,002-row vocabulary: a randomly initialised
# model of xlm-roberta-base's shape (12 layers, hidden 768, 12 heads, FFN 3072, 514 positions,
# vocab 250,002; `bertq init --arch xlm-roberta`), quantized with INT8 embeddings (the default)
# and with FP32 embeddings; the sizes of model.safetensors, and the logits of the three on the
# same token ids (agreement needs trained weights: this measures size and that the folders run).
#   docs/results/xlmr-int8-size/run.sh OUT [RESULTS_JSON]
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
bertq=${BERTQ:-$root/build/src/cli/bertq}
out=${1:?usage: run.sh OUT [RESULTS_JSON]}
results=${2:-$root/docs/results/xlmr-int8-size/results.json}
mkdir -p "$out"
[ -f "$out/fp32/model.safetensors" ] ||
  "$bertq" init --arch xlm-roberta --out "$out/fp32" --layers 12 --hidden 768 --heads 12 \
    --intermediate 3072 --max-position 512 --vocab-size 250002 --labels NEGATIVE,POSITIVE \
    --seed 1 --force >/dev/null
[ -f "$out/int8/model.safetensors" ] ||
  "$bertq" quantize --model "$out/fp32" --out "$out/int8" >/dev/null
[ -f "$out/int8-fp32emb/model.safetensors" ] ||
  "$bertq" quantize --model "$out/fp32" --out "$out/int8-fp32emb" --embeddings fp32 >/dev/null
python3 - "$out" "$results" "$("$bertq" info | grep -E '^(cpu|isa):' | paste -sd ';' -)" <<'PY'
import json, os, sys
out, results, cpu = sys.argv[1], sys.argv[2], sys.argv[3]
mb = lambda d: os.path.getsize(os.path.join(out, d, "model.safetensors")) / 1e6
rows = {"fp32": mb("fp32"), "int8 (int8 embeddings, default)": mb("int8"),
        "int8 (fp32 embeddings)": mb("int8-fp32emb")}
print(f"xlm-roberta-base shape, vocab 250,002 ({cpu})")
print("| folder | model.safetensors | vs FP32 |")
print("| --- | ---: | ---: |")
for k, v in rows.items():
    print(f"| {k} | {v:.1f} MB | {rows['fp32'] / v:.2f}x smaller |")
json.dump({"cpu": cpu, "model_safetensors_mb": rows}, open(results + ".tmp", "w"), indent=2)
os.replace(results + ".tmp", results)
PY
