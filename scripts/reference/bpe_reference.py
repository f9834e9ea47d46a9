#!/usr/bin/env python3
"""Reference encodings of a byte-level BPE tokenizer (the RoBERTa / GPT-2 kind), from Hugging Face
tokenizers (Rust, through its Python binding) and transformers, for bertq's BPE tests
(tests/text/bpe_golden_test.cc).

A byte-level BPE of 8,000 tokens is trained here on the first 5,000 IMDB train reviews
(tokenizers' ByteLevelBPETokenizer, the RoBERTa recipe: special tokens <s> <pad> </s> <unk>
<mask>, <mask> with lstrip), then written as:
  OUT/fast/           RobertaTokenizerFast.save_pretrained: tokenizer.json, tokenizer_config.json,
                      special_tokens_map.json (and vocab.json + merges.txt, which it also writes)
  OUT/slow/           RobertaTokenizer.save_pretrained: vocab.json + merges.txt + configs, no
                      tokenizer.json
  OUT/VARIANT/tokenizer.json   the fast tokenizer.json with one setting changed (see VARIANTS)
  OUT/VARIANT.jsonl   goldens of each variant, as below
  OUT/imdb_test_2000.jsonl     2,000 IMDB test reviews (never seen in training)
  OUT/unicode.jsonl            the 403 texts of ../shared/golden/tokenizer/unicode.jsonl.gz
  OUT/hand.jsonl               hand-written cases (added tokens, whitespace, contractions, ...)
  OUT/random.jsonl             2,000 random texts made of RANDOM_PIECES (fixed seed)
  OUT/pairs.jsonl              encode(text, text_pair)
Each golden line is {"id", "text", ["text_pair",] "ids", "type_ids", "sequence_ids",
"char_offsets", "offsets", "decoded"}: the encoding with add_special_tokens=True and no
truncation. Python's binding returns CHARACTER offsets ("char_offsets", exactly as returned:
tokenizers converts the pre-tokenizer's byte offsets to characters, then the post-processor's
trim_offsets moves them by whole characters); "offsets" are the same as BYTE offsets [begin,
end) into the UTF-8 text (of its own sequence for pairs; [0, 0] for special tokens), which is
what bertq computes. (Rust's byte-offset encode() trims by adding character counts to byte
offsets, which can land inside a character; bertq follows the Python binding.)
"decoded" is tokenizers' Tokenizer.decode(ids) (skip_special_tokens=True, the ByteLevel
decoder, no transformers clean-up).

  .venv/bin/python scripts/reference/bpe_reference.py OUT_DIR
Deterministic (one thread; two runs give byte-identical files); about 30 s.
"""
import gzip
import json
import os
import random
import shutil
import sys

os.environ["RAYON_NUM_THREADS"] = "1"  # before tokenizers starts its thread pool
os.environ["TOKENIZERS_PARALLELISM"] = "false"

from tokenizers import ByteLevelBPETokenizer, Tokenizer  # noqa: E402
from transformers import RobertaTokenizer, RobertaTokenizerFast  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("BERTQ_SHARED", os.path.join(HERE, "..", "..", "..", "shared"))
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]

HAND = [
    "", " ", "  ", "\t", "\n", " \n ", "Hello world", " Hello world", "Hello world ",
    "  leading two", "trailing two  ", "multiple   spaces   inside", "tabs\tand\nnewlines\r\n",
    "a\n\nb", "a \n b", "x\t\ty", "line1\nline2\n\n\nline3",
    "<mask>", " <mask>", "  <mask>", "Hello <mask>.", "Hello  <mask> !", "<mask> starts",
    "ends with<mask>", "a <mask><mask> b", "\t<mask>\n", "<s>", "a <s> b", "</s></s>",
    "x</s>y", "<pad> <unk>", "<s<mask>>", "<<s>>", "<mask >", "The <s> and </s> tokens",
    "12345", "3.14159 and 2,718", "year 2024, 1st place", "٣٤٥ Arabic-Indic digits",
    "Ⅻ roman numeral", "don't", "DON'T", "I'm", "you're", "we've", "they'll", "he'd", "it's",
    "'S", "'s", "'tis", "rock'n'roll", "O'Neil's", "''quoted''", "' s", "'re'll've",
    "emoji 😀 and 👍🏽 and 👨‍👩‍👧", "🎉🎉🎉", "CJK 北京大学 日本語 한국어", "中文，标点。",
    "café naïve résumé", "e\u0301 combining", "Ångström", "ﬁ ligature", "Ｆｕｌｌｗｉｄｔｈ",
    "zero\u200bwidth", "nbsp\u00a0here", "ideographic\u3000space", "soft\u00adhyphen",
    "bom\ufeffmark", "nul\x00byte", "bell\x07", "del\x7f", "c1\u0085next",
    "\ufffd replacement", "\U0010ffff max", "\ue000 private use", "mixed ünïcödé 123 !?",
    "a" * 300, "ab" * 150 + " end", "!!!???...", "---===+++", "http://example.com/a?b=c&d=e",
    "snake_case and camelCase", "<br /><br />This movie", "$100 & 50%", "C++ / C# / F#",
    "end.", "What?!", "\"quoted\"", "(parens) [brackets] {braces}", "   ", "\n\n\n",
    " \t \n", "word\u2028sep", "x\u2029y", "\u1680ogham", "a\u202fb", "a\u205fb", "\x1c\x1d\x1e\x1f",
    "\x0b\x0cvt ff", "Ĳ and ǅ titlecase", "ʰmodifier", "²³ superscripts", "½ fraction",
]

# Pieces of random texts: every branch of the GPT-2 pattern, added tokens with whitespace
# around them (lstrip), Unicode whitespace, marks, digits of other scripts, emoji.
RANDOM_PIECES = [
    "a", "the", " movie", "Hello", "don", "'t", "'s", "'S", "'ll", "'", " ", "  ", "\t", "\n",
    "\r\n", "\u00a0", "\u3000", "\u2028", "\u0085", "\x0b", "42", " 7", "٣", "Ⅻ", "²", "é",
    "e\u0301", "北京", "😀", "👍🏽", "\u200b", "\ufeff", "!", "?!", "...", "-", "_", "<br />",
    "<mask>", " <mask>", "<s>", "</s>", "<pad>", "<unk>", "<", ">", "\x00", "\x7f", "\ufffd",
    "ﬁ", "Ĳ", "ʰ", "\U0001d400",
]


def random_texts(n, seed=1234):
    rng = random.Random(seed)
    return ["".join(rng.choice(RANDOM_PIECES) for _ in range(rng.randint(0, 16)))
            for _ in range(n)]


PAIRS = [
    ("Hello world", "How are you?"), ("", "second only"), ("first only", ""),
    (" leading", "trailing "), ("<mask> in a", "<s> in b"), ("don't", "won't"),
    ("emoji 😀", "CJK 北京"), ("multi   space", "tab\there"),
]

# name -> function that edits the fast tokenizer.json document.
def _prefix_space(d):
    d["pre_tokenizer"]["add_prefix_space"] = True
    d["post_processor"]["add_prefix_space"] = True


def _no_trim(d):
    d["post_processor"]["trim_offsets"] = False


def _bytelevel_post(d):
    d["post_processor"] = {"type": "ByteLevel", "add_prefix_space": False,
                           "trim_offsets": True, "use_regex": True}


def _no_regex(d):
    d["pre_tokenizer"]["use_regex"] = False


VARIANTS = {"prefix_space": _prefix_space, "no_trim": _no_trim,
            "bytelevel_post": _bytelevel_post, "no_regex": _no_regex}


def read_jsonl_gz(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def byte_positions(text):
    """pos[i] = byte offset of character i (pos[len(text)] = the byte length)."""
    pos = [0]
    for ch in text:
        pos.append(pos[-1] + len(ch.encode("utf-8")))
    return pos


def golden(tok, id_, text, pair=None):
    enc = tok.encode(text, pair, add_special_tokens=True)
    seq = enc.sequence_ids
    pos = [byte_positions(text), byte_positions(pair or "")]
    offsets = [[0, 0] if s is None else [pos[s][b], pos[s][e]]
               for (b, e), s in zip(enc.offsets, seq)]
    out = {"id": id_, "text": text}
    if pair is not None:
        out["text_pair"] = pair
    out.update({"ids": enc.ids, "type_ids": enc.type_ids, "sequence_ids": seq,
                "offsets": offsets, "char_offsets": [list(o) for o in enc.offsets],
                "decoded": tok.decode(enc.ids, skip_special_tokens=True)})
    return out


def write_jsonl(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bpe_reference.py OUT_DIR")
    out = sys.argv[1]
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    train = read_jsonl_gz(os.path.join(SHARED, "data/imdb/train.jsonl.gz"))[:5000]
    test = read_jsonl_gz(os.path.join(SHARED, "data/imdb/test.jsonl.gz"))[::12][:2000]
    unicode_cases = read_jsonl_gz(os.path.join(SHARED, "golden/tokenizer/unicode.jsonl.gz"))

    bpe = ByteLevelBPETokenizer()  # add_prefix_space False, trim_offsets False: RoBERTa's
    bpe.train_from_iterator([r["text"] for r in train], vocab_size=8000, min_frequency=2,
                            special_tokens=SPECIALS, show_progress=False)
    model_dir = os.path.join(out, "model")
    os.makedirs(model_dir)
    bpe.save_model(model_dir)  # vocab.json + merges.txt
    vocab, merges = os.path.join(model_dir, "vocab.json"), os.path.join(model_dir, "merges.txt")
    # RobertaTokenizerFast converts the slow files as RoBERTa does: ByteLevel(add_prefix_space
    # False), RobertaProcessing(trim_offsets True), <mask> lstrip.
    fast = RobertaTokenizerFast(vocab_file=vocab, merges_file=merges, model_max_length=512)
    fast.save_pretrained(os.path.join(out, "fast"))
    RobertaTokenizer(vocab_file=vocab, merges_file=merges,
                     model_max_length=512).save_pretrained(os.path.join(out, "slow"))
    shutil.rmtree(model_dir)

    tj_path = os.path.join(out, "fast", "tokenizer.json")
    tok = Tokenizer.from_file(tj_path)
    tok.no_truncation()
    tok.no_padding()
    hand = [golden(tok, f"hand/{i}", t) for i, t in enumerate(HAND)]
    write_jsonl(os.path.join(out, "hand.jsonl"), hand)
    write_jsonl(os.path.join(out, "imdb_test_2000.jsonl"),
                [golden(tok, r["id"], r["text"]) for r in test])
    write_jsonl(os.path.join(out, "unicode.jsonl"),
                [golden(tok, r["id"], r["text"]) for r in unicode_cases])
    write_jsonl(os.path.join(out, "random.jsonl"),
                [golden(tok, f"random/{i}", t) for i, t in enumerate(random_texts(2000))])
    write_jsonl(os.path.join(out, "pairs.jsonl"),
                [golden(tok, f"pair/{i}", a, b) for i, (a, b) in enumerate(PAIRS)])
    # The slow folder must encode as the fast one (transformers converts it the same way).
    slow = RobertaTokenizerFast.from_pretrained(os.path.join(out, "slow"))
    for g in hand:
        assert slow(g["text"])["input_ids"] == g["ids"], g["text"]

    with open(tj_path, encoding="utf-8") as f:
        doc = json.load(f)
    for name, edit in VARIANTS.items():
        d = json.loads(json.dumps(doc))
        edit(d)
        os.makedirs(os.path.join(out, name))
        path = os.path.join(out, name, "tokenizer.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(d, f, ensure_ascii=False)
        vt = Tokenizer.from_file(path)
        lines = [golden(vt, f"hand/{i}", t) for i, t in enumerate(HAND)]
        lines += [golden(vt, r["id"], r["text"]) for r in unicode_cases]
        lines += [golden(vt, r["id"], r["text"]) for r in test[:300]]
        lines += [golden(vt, f"random/{i}", t) for i, t in enumerate(random_texts(500, 99))]
        lines += [golden(vt, f"pair/{i}", a, b) for i, (a, b) in enumerate(PAIRS)]
        write_jsonl(os.path.join(out, name + ".jsonl"), lines)
    print(f"bpe_reference: wrote {out} (vocab {tok.get_vocab_size()})")


if __name__ == "__main__":
    main()
