#!/usr/bin/env python3
"""Reference outputs of the architectures beyond BERT, from transformers + torch on random
weights (no pretrained DistilBERT / RoBERTa / XLM-R checkpoint is reachable offline), for the FP32
engine's exactness test (tests/engine/arch_reference_test.cc).

For each architecture a randomly initialised *ForSequenceClassification with small, odd shapes
(3 heads, intermediate 200, 3 labels) and a tokenizer of the architecture's own kind trained here
on the texts (DistilBERT: WordPiece; RoBERTa: byte-level BPE, RobertaTokenizerFast; XLM-R:
a SentencePiece Unigram model converted by XLMRobertaTokenizerFast, with its Precompiled
normalizer), written in the layout of ../shared/golden/model/* (as pretrained_reference.py does):
  OUT/ARCH/model/               save_pretrained: safetensors F32, config.json, tokenizer files
  OUT/ARCH/texts.json           the texts and their unpadded input ids (transformers' tokenizer),
                                and texts with the mask token: ids and byte offsets
  OUT/ARCH/forward.safetensors  input_ids / attention_mask / token_type_ids (I64 [B, T], padded),
                                hidden_states.0..L (F32 [B, T, H]), pooled (the head's first
                                Linear + activation on the first token, F32 [B, H]), logits
  OUT/ARCH/train.safetensors    (every architecture: the trainer builds them all) labels, the
                                batch loss and grad.NAME of every parameter (training mode,
                                dropout off), then adamw_losses of 10 AdamW steps (lr 1e-3,
                                wd 0.01 but biases / LayerNorm weights, clip 1.0) and after10.NAME
The forward pass runs in float64 (outputs stored as float32).

  .venv/bin/python scripts/reference/arch_reference.py OUT_DIR [ARCH ...]   # default: all
"""
import os
import shutil
import sys

import torch
from safetensors.torch import save_file
import json
import tempfile

import sentencepiece as spm
from tokenizers import ByteLevelBPETokenizer
from transformers import (BertTokenizerFast, DistilBertConfig,
                          DistilBertForSequenceClassification, RobertaConfig,
                          RobertaForSequenceClassification, RobertaTokenizerFast,
                          XLMRobertaConfig, XLMRobertaForSequenceClassification,
                          XLMRobertaTokenizerFast)

from pretrained_reference import TEXTS as PRETRAINED_TEXTS  # this folder is on sys.path

# The pretrained reference's first six texts (the sixth cut to the models' 64 positions).
TEXTS = PRETRAINED_TEXTS[:6]
# Texts with the mask token (added tokens with lstrip; XLM-R's is matched in normalized text).
MASK_CASES = ["a {m} movie", "the film was {m}.", "{m}", "  {m}  x", "x{m}y", "ＡＢ {m} ｃ",
              "über {m}\tend", "{m}{m} and {m}"]
LABELS = {0: "NEGATIVE", 1: "NEUTRAL", 2: "POSITIVE"}


def make_vocab(path, pad_id):
    """A WordPiece vocabulary of the texts' words and characters (DistilBERT's), [PAD] at
    `pad_id`."""
    words = sorted({w.strip(".,!;—").lower() for t in TEXTS for w in t.split()} - {""})
    chars = [chr(c) for c in range(ord("a"), ord("z") + 1)] + list("0123456789.,!;/'-—éï")
    special = ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    special.insert(pad_id, "[PAD]")
    vocab = special + chars + ["##" + c for c in chars]
    vocab += [w for w in words if w not in vocab]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    return len(vocab)


def wordpiece_tokenizer(tmp, pad_id):
    vocab = os.path.join(tmp, "vocab.txt")
    make_vocab(vocab, pad_id)
    tok = BertTokenizerFast(vocab_file=vocab, do_lower_case=True, model_max_length=64)
    os.remove(vocab)
    return tok


def bpe_tokenizer(tmp):
    """RoBERTa's kind: byte-level BPE trained on the texts, <pad> at id 1 (padding_idx)."""
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(TEXTS * 4, vocab_size=400, min_frequency=1, show_progress=False,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    d = os.path.join(tmp, "bpe")
    os.makedirs(d)
    bpe.save_model(d)
    return RobertaTokenizerFast(vocab_file=os.path.join(d, "vocab.json"),
                                merges_file=os.path.join(d, "merges.txt"), model_max_length=64)


def unigram_tokenizer(tmp):
    """XLM-R's kind: a SentencePiece Unigram model (nmt_nfkc: a real Precompiled charsmap) as
    XLMRobertaTokenizerFast converts it (<s> 0, <pad> 1, </s> 2, <unk> 3, pieces + 1, <mask>)."""
    corpus = os.path.join(tmp, "corpus.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        f.write("\n".join(TEXTS * 4) + "\n")
    prefix = os.path.join(tmp, "spm")
    spm.SentencePieceTrainer.train(input=corpus, model_prefix=prefix, vocab_size=150,
                                   model_type="unigram", hard_vocab_limit=False,
                                   character_coverage=1.0, normalization_rule_name="nmt_nfkc",
                                   num_threads=1, minloglevel=2)
    return XLMRobertaTokenizerFast(vocab_file=prefix + ".model", model_max_length=64)


TOKENIZERS = {"distilbert": lambda tmp: wordpiece_tokenizer(tmp, 0),
              "roberta": bpe_tokenizer, "xlm-roberta": unigram_tokenizer}


def roberta_like(config_class, model_class):
    def make(vocab_size):
        cfg = config_class(vocab_size=vocab_size, hidden_size=48, num_hidden_layers=2,
                           num_attention_heads=3, intermediate_size=200,
                           max_position_embeddings=64 + 2, pad_token_id=1, type_vocab_size=1,
                           id2label=LABELS, label2id={v: k for k, v in LABELS.items()})
        model = model_class(cfg)

        def pooled(out):
            return torch.tanh(model.classifier.dense(out.hidden_states[-1][:, 0]))
        return model, pooled
    return make


def distilbert(vocab_size):
    cfg = DistilBertConfig(vocab_size=vocab_size, dim=48, n_layers=2, n_heads=3, hidden_dim=200,
                           max_position_embeddings=64, id2label=LABELS,
                           label2id={v: k for k, v in LABELS.items()})
    model = DistilBertForSequenceClassification(cfg)

    def pooled(out):
        h = out.hidden_states[-1][:, 0]
        return torch.relu(model.pre_classifier(h))
    return model, pooled


ARCHS = {"distilbert": distilbert,
         "roberta": roberta_like(RobertaConfig, RobertaForSequenceClassification),
         "xlm-roberta": roberta_like(XLMRobertaConfig, XLMRobertaForSequenceClassification)}
PAD_ID = {"distilbert": 0, "roberta": 1, "xlm-roberta": 1}




def train_reference(model, feed):
    """Loss and gradients of one batch, then 10 AdamW steps (as tests/train/golden_train_test.cc
    replays them), in float64 with dropout off."""
    model.train()
    for m in model.modules():
        if isinstance(m, torch.nn.Dropout):
            m.p = 0.0
    labels = torch.tensor([i % 3 for i in range(feed["input_ids"].shape[0])])
    out = {"labels": labels.to(torch.int64)}
    loss = torch.nn.functional.cross_entropy(model(**feed).logits, labels)
    loss.backward()
    out["loss"] = loss.detach().float().reshape(1)
    for n, p in model.named_parameters():
        out[f"grad.{n}"] = p.grad.float().contiguous()
    decay = [p for n, p in model.named_parameters()
             if not (n.endswith("bias") or "LayerNorm" in n or "layer_norm" in n)]
    no_decay = [p for n, p in model.named_parameters()
                if n.endswith("bias") or "LayerNorm" in n or "layer_norm" in n]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    losses = []
    for _ in range(10):
        opt.zero_grad()
        step_loss = torch.nn.functional.cross_entropy(model(**feed).logits, labels)
        losses.append(step_loss.item())
        step_loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    out["adamw_losses"] = torch.tensor(losses, dtype=torch.float32)
    for n, p in model.named_parameters():
        out[f"after10.{n}"] = p.detach().float().contiguous()
    model.eval()
    return out


def write(arch, out):
    tmp = out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "model"))
    with tempfile.TemporaryDirectory() as scratch:
        tok = TOKENIZERS[arch](scratch)
    assert tok.pad_token_id == PAD_ID[arch], (arch, tok.pad_token_id)
    torch.manual_seed(0)
    model, pooled_of = ARCHS[arch](len(tok))
    with torch.no_grad():  # larger weights than the default 0.02: clearly different logits
        for p in model.parameters():
            if p.dim() == 2:
                p.normal_(0.0, 0.2)
    model.eval()
    model.save_pretrained(os.path.join(tmp, "model"), safe_serialization=True)
    tok.save_pretrained(os.path.join(tmp, "model"))
    enc = tok(TEXTS, padding=True, truncation=True, return_tensors="pt")
    masked = [c.format(m=tok.mask_token) for c in MASK_CASES]

    def byte_offsets(text, offsets):
        return [[len(text[:b].encode()), len(text[:e].encode())] for b, e in offsets]
    with open(os.path.join(tmp, "texts.json"), "w", encoding="utf-8") as f:
        json.dump({"texts": TEXTS,
                   "ids": [tok(t, truncation=True)["input_ids"] for t in TEXTS],
                   "mask_texts": masked,
                   "mask_ids": [tok(t)["input_ids"] for t in masked],
                   "mask_offsets": [byte_offsets(t, tok(t, return_offsets_mapping=True)
                                                 ["offset_mapping"]) for t in masked]},
                  f, ensure_ascii=False)
    model = model.double()
    feed = {k: v for k, v in enc.items() if k in ("input_ids", "attention_mask")}
    with torch.no_grad():
        out_ = model(**feed, output_hidden_states=True)
        pooled = pooled_of(out_)
    tensors = {
        "input_ids": enc["input_ids"].to(torch.int64),
        "attention_mask": enc["attention_mask"].to(torch.int64),
        "token_type_ids": torch.zeros_like(enc["input_ids"], dtype=torch.int64),
        "pooled": pooled.float(),
        "logits": out_.logits.float(),
    }
    for i, h in enumerate(out_.hidden_states):
        tensors[f"hidden_states.{i}"] = h.float().contiguous()
    save_file(tensors, os.path.join(tmp, "forward.safetensors"),
              metadata={"source": f"transformers {type(model).__name__}, float64, random"})
    save_file(train_reference(model, feed), os.path.join(tmp, "train.safetensors"),
              metadata={"source": f"transformers {type(model).__name__}, float64"})
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)
    print(f"{arch}: {len(TEXTS)} texts, lengths {enc['attention_mask'].sum(1).tolist()}, "
          f"logits {out_.logits.float()[0].tolist()}... -> {out}")


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: arch_reference.py OUT_DIR [ARCH ...]")
    for arch in sys.argv[2:] or list(ARCHS):
        write(arch, os.path.join(sys.argv[1], arch))


if __name__ == "__main__":
    main()
