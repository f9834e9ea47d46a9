"""The seed's flow, step 1: fine-tune with transformers' Trainer, export to ONNX with Optimum,
quantize with Optimum's dynamic INT8 (ORTQuantizer), evaluate both with ORTModel.

Same pretrained folder, reviews, length and hyper-parameters as the bertq side (run.sh passes
them); writes a JSON summary for compare.py.
"""
import argparse
import json
import os
import resource
import time

import numpy as np


def has_vnni():
    # Like `bertq info`: the CPU flags the kernel reports.
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return "avx512_vnni" in line.split()
    return False


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f.read().split("\n") if line]
    return [r["text"] for r in rows], [int(r["label"]) for r in rows]


def ort_predict(model, tokenizer, texts, max_length, batch_size):
    preds = []
    for s in range(0, len(texts), batch_size):
        enc = tokenizer(texts[s:s + batch_size], truncation=True, max_length=max_length,
                        padding=True, return_tensors="pt")
        preds += model(**enc).logits.argmax(-1).tolist()
    return np.array(preds)


def cpu_s():
    ru = resource.getrusage(resource.RUSAGE_SELF)  # all threads of this process
    return ru.ru_utime + ru.ru_stime


def file_mb(path):
    return os.path.getsize(path) / 1e6


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--model", required=True, help="pretrained folder (config, vocab, weights)")
    p.add_argument("--data", required=True, help="folder with train.jsonl and test.jsonl")
    p.add_argument("--out", required=True)
    p.add_argument("--max-length", type=int, required=True)
    p.add_argument("--epochs", type=float, required=True)
    p.add_argument("--lr", type=float, required=True)
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--warmup-ratio", type=float, required=True)
    p.add_argument("--weight-decay", type=float, required=True)
    p.add_argument("--max-grad-norm", type=float, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--train-threads", type=int, required=True)
    p.add_argument("--threads", type=int, required=True, help="inference threads")
    p.add_argument("--eval-batch-size", type=int, default=8)
    a = p.parse_args()

    import torch
    torch.set_num_threads(a.train_threads)
    from datasets import Dataset
    from transformers import (AutoModelForSequenceClassification, AutoTokenizer,
                              DataCollatorWithPadding, Trainer, TrainingArguments, set_seed)

    os.makedirs(a.out, exist_ok=True)
    tokenizer = AutoTokenizer.from_pretrained(a.model)
    train_texts, train_labels = load_jsonl(f"{a.data}/train.jsonl")
    test_texts, test_labels = load_jsonl(f"{a.data}/test.jsonl")
    ds = Dataset.from_dict({"text": train_texts, "label": train_labels})
    ds = ds.map(lambda b: tokenizer(b["text"], truncation=True, max_length=a.max_length),
                batched=True, remove_columns=["text"])
    train_tokens = int(sum(len(x) for x in ds["input_ids"]))

    set_seed(a.seed)
    model = AutoModelForSequenceClassification.from_pretrained(
        a.model, num_labels=2, id2label={0: "neg", 1: "pos"}, label2id={"neg": 0, "pos": 1})
    args = TrainingArguments(
        output_dir=f"{a.out}/trainer", num_train_epochs=a.epochs, learning_rate=a.lr,
        per_device_train_batch_size=a.batch_size, warmup_ratio=a.warmup_ratio,
        weight_decay=a.weight_decay, max_grad_norm=a.max_grad_norm, lr_scheduler_type="linear",
        seed=a.seed, save_strategy="no", logging_steps=10, report_to=[], use_cpu=True,
        dataloader_num_workers=0)
    trainer = Trainer(model=model, args=args, train_dataset=ds,
                      data_collator=DataCollatorWithPadding(tokenizer))
    cpu0 = cpu_s()
    t0 = time.perf_counter()
    out = trainer.train()
    train_s = time.perf_counter() - t0
    train_cpu_s = cpu_s() - cpu0
    fp32_dir = f"{a.out}/fp32"
    trainer.save_model(fp32_dir)
    tokenizer.save_pretrained(fp32_dir)

    from optimum.exporters.onnx import main_export
    from optimum.onnxruntime import ORTModelForSequenceClassification, ORTQuantizer
    from optimum.onnxruntime.configuration import AutoQuantizationConfig
    onnx_dir = f"{a.out}/onnx-fp32"
    t0 = time.perf_counter()
    main_export(fp32_dir, output=onnx_dir, task="text-classification")
    export_s = time.perf_counter() - t0
    vnni = has_vnni()
    qconfig = (AutoQuantizationConfig.avx512_vnni if vnni else AutoQuantizationConfig.avx2)(
        is_static=False)
    int8_dir = f"{a.out}/onnx-int8"
    t0 = time.perf_counter()
    ORTQuantizer.from_pretrained(onnx_dir).quantize(save_dir=int8_dir,
                                                     quantization_config=qconfig)
    quantize_s = time.perf_counter() - t0
    int8_file = [f for f in os.listdir(int8_dir) if f.endswith(".onnx")][0]

    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = a.threads
    so.inter_op_num_threads = 1
    labels = np.array(test_labels)
    preds = {}
    for name, d, f in (("fp32", onnx_dir, "model.onnx"), ("int8", int8_dir, int8_file)):
        m = ORTModelForSequenceClassification.from_pretrained(d, file_name=f, session_options=so)
        preds[name] = ort_predict(m, tokenizer, test_texts, a.max_length, a.eval_batch_size)

    summary = {
        "train_s": train_s,
        "train_cpu_s": train_cpu_s,
        "trainer_train_runtime_s": out.metrics.get("train_runtime"),
        "train_loss": out.training_loss,
        "train_examples": len(train_texts),
        "train_tokens_per_epoch": train_tokens,
        "train_tokens_per_s": train_tokens * a.epochs / train_s,
        "export_s": export_s,
        "quantize_s": quantize_s,
        "quantization_config": "avx512_vnni" if vnni else "avx2",
        "per_channel": qconfig.per_channel,
        "test_examples": len(test_texts),
        "accuracy_fp32": float((preds["fp32"] == labels).mean()),
        "accuracy_int8": float((preds["int8"] == labels).mean()),
        "agreement": float((preds["fp32"] == preds["int8"]).mean()),
        "fp32_file": f"{onnx_dir}/model.onnx",
        "int8_file": f"{int8_dir}/{int8_file}",
        "size_fp32_mb": file_mb(f"{onnx_dir}/model.onnx"),
        "size_int8_mb": file_mb(f"{int8_dir}/{int8_file}"),
        "torch_fp32_size_mb": file_mb(f"{fp32_dir}/model.safetensors"),
        "process_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3,
        "versions": {"torch": torch.__version__, "onnxruntime": ort.__version__,
                     "transformers": __import__("transformers").__version__,
                     "optimum": __import__("optimum.version").version.__version__},
    }
    with open(f"{a.out}/seed_train.json", "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
