#!/usr/bin/env python3
"""Reference outputs of the pretrained checkpoint from transformers + torch, for the FP32 engine's
exactness test (tests/engine/pretrained_reference_test.cc).

Loads sentence-transformers/all-MiniLM-L6-v2 (a BertModel folder) as transformers'
BertForSequenceClassification (the classifier initialised by transformers from torch seed 0, the
pooler from the checkpoint), and writes, in the layout of ../shared/golden/model/*:
  OUT/model/               the model folder (save_pretrained: safetensors F32, config.json with
                           id2label, the tokenizer files), what bertq loads
  OUT/forward.safetensors  input_ids / attention_mask / token_type_ids (I64 [B, T], padded),
                           hidden_states.0..L (F32 [B, T, H]), pooled (F32 [B, H]), logits (F32 [B, 2])
The forward pass runs in float64 (outputs stored as float32), so the reference's own rounding
does not count against the engine. The texts (below) are tokenized by transformers' tokenizer.

Run by scripts/test.sh through the project's .venv (scripts/setup.sh --reference):
  .venv/bin/python scripts/reference/pretrained_reference.py MODEL_DIR OUT_DIR
"""
import os
import shutil
import sys

import torch
from safetensors.torch import save_file
from transformers import BertForSequenceClassification, BertTokenizerFast

TEXTS = [
    "A wonderful, moving film with superb acting.",
    "Dull. I fell asleep twice.",
    "The plot made no sense, but the music was great!",
    "Café scenes were charming — naïve but sweet. 10/10 would recommend.",
    "meh",
    "An overlong, self-indulgent mess that mistakes noise for drama. " * 6,
    "Brilliant direction, weak script, forgettable ending; still, I've seen it 3 times. " * 14,
    ("I went in expecting nothing and came out having watched the best thriller in years. "
     "The cast is great, the pacing tight, the ending earned. ") * 30,  # cut to 512 tokens
]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: pretrained_reference.py MODEL_DIR OUT_DIR")
    model_dir, out = sys.argv[1], sys.argv[2]
    tmp = out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    torch.manual_seed(0)
    model = BertForSequenceClassification.from_pretrained(
        model_dir, num_labels=2, id2label={0: "NEGATIVE", 1: "POSITIVE"},
        label2id={"NEGATIVE": 0, "POSITIVE": 1})
    model.eval()
    tok = BertTokenizerFast.from_pretrained(model_dir)
    model.save_pretrained(os.path.join(tmp, "model"), safe_serialization=True)
    tok.save_pretrained(os.path.join(tmp, "model"))

    enc = tok(TEXTS, padding=True, truncation=True, max_length=512, return_tensors="pt")
    model = model.double()
    with torch.no_grad():
        out_ = model(**enc, output_hidden_states=True)
        pooled = model.bert.pooler(out_.hidden_states[-1])
    tensors = {
        "input_ids": enc["input_ids"].to(torch.int64),
        "attention_mask": enc["attention_mask"].to(torch.int64),
        "token_type_ids": enc["token_type_ids"].to(torch.int64),
        "pooled": pooled.float(),
        "logits": out_.logits.float(),
    }
    for i, h in enumerate(out_.hidden_states):
        tensors[f"hidden_states.{i}"] = h.float().contiguous()
    save_file(tensors, os.path.join(tmp, "forward.safetensors"),
              metadata={"source": "transformers BertForSequenceClassification, float64",
                        "model": model_dir})
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)
    print(f"reference: {len(TEXTS)} texts, lengths {enc['attention_mask'].sum(1).tolist()}, "
          f"logits {out_.logits.float().tolist()} -> {out}")


if __name__ == "__main__":
    main()
