#!/usr/bin/env python3
"""Reference outputs for bertq's Unigram tokenizer kind (XLM-RoBERTa / SentencePiece style).

Usage: .venv/bin/python scripts/reference/unigram_reference.py OUT_DIR

Trains two small SentencePiece Unigram models on IMDB training reviews (deterministic: fixed
input order, one thread, nmt_nfkc normalization so the precompiled charsmap is real,
character_coverage < 1 so unknown characters happen), converts each with transformers'
XLMRobertaTokenizer -> XLMRobertaTokenizerFast (XLMRobertaConverter: the Precompiled normalizer,
Metaspace pre-tokenizer and decoder, "<s> $A </s>" template, fairseq id offset) and writes:

  OUT_DIR/VARIANT/tokenizer/        tokenizer.json, tokenizer_config.json, sentencepiece.bpe.model
  OUT_DIR/VARIANT/imdb.jsonl        2,000 IMDB test reviews (not used in training)
  OUT_DIR/VARIANT/unicode.jsonl     the 403 hard cases of ../shared/golden/tokenizer/unicode.jsonl.gz
  OUT_DIR/VARIANT/hand.jsonl        whitespace runs, special tokens in text, unknown characters, ...
      each line {"id", "text", "ids", "offsets"}: HF tokenizers (Rust) output with
      add_special_tokens=True and no truncation; offsets in BYTES of the UTF-8 text
  OUT_DIR/VARIANT/decode.jsonl      {"id", "ids", "text", "skip_special_tokens"}: HF decode output
  OUT_DIR/VARIANT/pair.jsonl        {"id", "text", "text_pair", "ids", "type_ids", "offsets"}

VARIANT is "plain" (unknown characters become <unk>, runs of them fused into one) and
"byte_fallback" (SentencePiece trained with byte_fallback=True, so <0x00>..<0xFF> are pieces;
the converter leaves Unigram.byte_fallback false with a warning, so it is set to true in
tokenizer.json here, which is what tokenizers' Unigram implements), and two variants made from
plain's tokenizer.json without training: "legacy_format" (xlm-roberta-base's own file shape:
Replace " {2,}" -> " ", WhitespaceSplit + Metaspace with add_prefix_space) and "prepend_first"
(Strip on both sides, Metaspace prepend_scheme "first"); and "spm_only": plain's
sentencepiece.bpe.model alone in OUT_DIR/spm_only/tokenizer, with the goldens of the tokenizer
XLMRobertaTokenizerFast converts from it in memory (texts with "<mask>" left out: its <mask> has
lstrip true there).

<mask> is written with "lstrip": false (XLM-R's own has lstrip true; bertq's added tokens do
not implement lstrip yet).
"""
import gzip
import io
import json
import os
import sys
import tempfile

import sentencepiece as spm
from tokenizers import Tokenizer
from transformers import XLMRobertaTokenizer, XLMRobertaTokenizerFast

SHARED = os.environ.get("BERTQ_SHARED", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                     "..", "..", "..", "shared"))
IMDB = os.path.join(SHARED, "data", "imdb")
UNICODE = os.path.join(SHARED, "golden", "tokenizer", "unicode.jsonl.gz")
TRAIN_REVIEWS = 6000
GOLDEN_REVIEWS = 2000

HAND = [
    "",
    " ",
    "   ",
    "\t",
    "\n",
    "Hello world",
    "Hello  world",
    "Hello     world",
    "  leading spaces",
    "trailing spaces   ",
    "  both  ",
    "tab\there",
    "new\nline",
    "carriage\r\nreturn",
    "mixed \t \n whitespace",
    "<s>",
    "</s>",
    "<pad>",
    "<unk>",
    "<mask>",
    "a <mask> b",
    "a<mask>b",
    "<s>hello</s>",
    "hello <s> world </s> again",
    "x<unk>y",
    "＜ｓ＞ full-width specials ＜／ｓ＞",
    "<0x41> <0xE2>",
    "☃☃☃ snowmen",
    "漢字漢字 and かな",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "emoji 👩‍👩‍👧‍👦 family",
    "ﬁﬂ ligatures",
    "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ",
    "e\u0301 combining",
    "\u200bzero width",
    "\u200b",
    "soft\u00adhyphen",
    "nbsp\u00a0space",
    "ideographic\u3000space",
    "\u0000nul",
    "end\u0085",
    "ok.",
    "I didn't like it!!! 10/10 :-)",
    "ÀÉÎÕÜ àéîõü",
    "Ωmega Ω",
    "x" * 300,
    "a" + " " * 50 + "b",
]


def read_jsonl_gz(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def train(model_path, byte_fallback):
    # Every 4th review of the train split (neg first, then pos in the file: both get in).
    rows = read_jsonl_gz(os.path.join(IMDB, "train.jsonl.gz"))
    texts = [r["text"] for i, r in enumerate(rows) if i % 4 == 0][:TRAIN_REVIEWS]
    # Written through model_writer: with model_prefix the (temporary) path would be stored in
    # trainer_spec and the model file would differ from run to run.
    writer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts),
        model_writer=writer,
        model_type="unigram",
        vocab_size=8000,
        character_coverage=0.9995,
        normalization_rule_name="nmt_nfkc",
        byte_fallback=byte_fallback,
        num_threads=1,
        input_sentence_size=0,
        shuffle_input_sentence=False,
        max_sentence_length=1 << 16,
        minloglevel=2,
    )
    with open(model_path, "wb") as f:
        f.write(writer.getvalue())


def byte_offsets(text, char_offsets):
    """HF's Python binding reports offsets in characters; the goldens are in UTF-8 bytes."""
    starts = [0]
    for ch in text:
        starts.append(starts[-1] + len(ch.encode("utf-8")))
    return [[starts[a], starts[b]] for a, b in char_offsets]


def make_variant(out_dir, variant, byte_fallback, spm_only_dir=None):
    vdir = os.path.join(out_dir, variant)
    tdir = os.path.join(vdir, "tokenizer")
    os.makedirs(tdir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        model_path = os.path.join(tmp, "spm.model")
        train(model_path, byte_fallback)
        slow = XLMRobertaTokenizer(vocab_file=model_path)
        slow.save_pretrained(tmp)
        fast = XLMRobertaTokenizerFast.from_pretrained(tmp, from_slow=True)
        fast.save_pretrained(tdir)
        if spm_only_dir:
            # The folder with only the SentencePiece model, and the converter's tokenizer as
            # built in memory (exact scores; its <mask> has lstrip true, so no text with <mask>).
            os.makedirs(os.path.join(spm_only_dir, "tokenizer"), exist_ok=True)
            with open(model_path, "rb") as f, open(os.path.join(spm_only_dir, "tokenizer", "sentencepiece.bpe.model"), "wb") as g:
                g.write(f.read())
            write_goldens(spm_only_dir, None, fast.backend_tokenizer, without_mask=True)
    for f in ("special_tokens_map.json",):
        p = os.path.join(tdir, f)
        if os.path.exists(p):
            os.remove(p)
    tj_path = os.path.join(tdir, "tokenizer.json")
    with open(tj_path, encoding="utf-8") as f:
        tj = json.load(f)
    if byte_fallback:
        tj["model"]["byte_fallback"] = True
    # <mask> without lstrip (XLM-R's has lstrip true; bertq's added tokens lack lstrip so far).
    for t in tj["added_tokens"]:
        if t["content"] == "<mask>":
            t["lstrip"] = False
    cfg_path = os.path.join(tdir, "tokenizer_config.json")
    with open(cfg_path, encoding="utf-8") as f:
        cfg = json.load(f)
    for t in cfg.get("added_tokens_decoder", {}).values():
        if t["content"] == "<mask>":
            t["lstrip"] = False
    with open(cfg_path, "w", encoding="utf-8") as f:
        json.dump(cfg, f, ensure_ascii=False, indent=2)
        f.write("\n")
    with open(tj_path, "w", encoding="utf-8") as f:
        json.dump(tj, f, ensure_ascii=False, indent=2)
        f.write("\n")
    write_goldens(vdir, tj_path)
    return tj


def derived_variant(out_dir, variant, tj, edit):
    """A copy of the plain tokenizer.json with other normalizer / pre-tokenizer / decoder
    settings (no training): the other shapes of Unigram tokenizer.json files bertq reads."""
    tj = json.loads(json.dumps(tj))
    edit(tj)
    vdir = os.path.join(out_dir, variant)
    tdir = os.path.join(vdir, "tokenizer")
    os.makedirs(tdir, exist_ok=True)
    src = os.path.join(out_dir, "plain", "tokenizer", "tokenizer_config.json")
    with open(src, encoding="utf-8") as f, open(os.path.join(tdir, "tokenizer_config.json"), "w", encoding="utf-8") as g:
        g.write(f.read())
    tj_path = os.path.join(tdir, "tokenizer.json")
    with open(tj_path, "w", encoding="utf-8") as f:
        json.dump(tj, f, ensure_ascii=False, indent=2)
        f.write("\n")
    write_goldens(vdir, tj_path)


def legacy_format(tj):
    # xlm-roberta-base's own file: Replace -> " ", WhitespaceSplit + Metaspace(add_prefix_space).
    pre = tj["normalizer"]["normalizers"][0]
    tj["normalizer"]["normalizers"] = [pre, {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]
    meta = {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True}
    tj["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, meta]}
    tj["decoder"] = dict(meta)


def prepend_first(tj):
    # prepend_scheme "first" (transformers' non-legacy setting), Strip on both sides.
    tj["normalizer"]["normalizers"][1] = {"type": "Strip", "strip_left": True, "strip_right": True}
    tj["pre_tokenizer"] = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first", "split": True}
    tj["decoder"] = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first", "split": True}


def write_goldens(vdir, tj_path, tok=None, without_mask=False):
    if tok is None:
        tok = Tokenizer.from_file(tj_path)
    tok.no_truncation()
    tok.no_padding()
    hand = [t for t in HAND if not (without_mask and "<mask>" in t)]

    def golden(name, items):
        with open(os.path.join(vdir, name), "w", encoding="utf-8") as f:
            for gid, text in items:
                enc = tok.encode(text, add_special_tokens=True)
                line = {"id": gid, "text": text, "ids": enc.ids, "offsets": byte_offsets(text, enc.offsets)}
                f.write(json.dumps(line, ensure_ascii=False) + "\n")

    # Every 12th review of the test split (neg and pos).
    rows = read_jsonl_gz(os.path.join(IMDB, "test.jsonl.gz"))
    reviews = [(r["id"], r["text"]) for i, r in enumerate(rows) if i % 12 == 0][:GOLDEN_REVIEWS]
    golden("imdb.jsonl", reviews)
    golden("unicode.jsonl", [(r["id"], r["text"]) for r in read_jsonl_gz(UNICODE)])
    golden("hand.jsonl", [(f"hand/{i}", t) for i, t in enumerate(hand)])

    with open(os.path.join(vdir, "decode.jsonl"), "w", encoding="utf-8") as f:
        samples = [t for _, t in reviews[:100]] + hand + [r["text"] for r in list(read_jsonl_gz(UNICODE))[:200]]
        for i, text in enumerate(samples):
            ids = tok.encode(text, add_special_tokens=True).ids
            for skip in (True, False):
                line = {"id": f"decode/{i}", "ids": ids, "skip_special_tokens": skip, "text": tok.decode(ids, skip_special_tokens=skip)}
                f.write(json.dumps(line, ensure_ascii=False) + "\n")

    with open(os.path.join(vdir, "pair.jsonl"), "w", encoding="utf-8") as f:
        texts = [t for _, t in reviews[:60]] + hand
        for i in range(len(texts) - 1):
            a, b = texts[i], texts[-1 - i]
            enc = tok.encode(a, b, add_special_tokens=True)
            # Offsets of a pair refer to each sequence's own text.
            offs = []
            for k, (s, e) in enumerate(enc.offsets):
                src = a if enc.sequence_ids[k] in (0, None) else b
                offs.append(byte_offsets(src, [(s, e)])[0])
            line = {"id": f"pair/{i}", "text": a, "text_pair": b, "ids": enc.ids, "type_ids": enc.type_ids, "offsets": offs}
            f.write(json.dumps(line, ensure_ascii=False) + "\n")



def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    plain = make_variant(out_dir, "plain", False, os.path.join(out_dir, "spm_only"))
    make_variant(out_dir, "byte_fallback", True)
    derived_variant(out_dir, "legacy_format", plain, legacy_format)
    derived_variant(out_dir, "prepend_first", plain, prepend_first)


if __name__ == "__main__":
    main()
