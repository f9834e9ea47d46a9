# bertq.Tokenizer: ids, type ids, attention masks and byte offsets equal to `bertq tokenize`'s
# on the same folder and options; encode_batch equal to encode text by text; and, where
# ../shared is present, bert-base-uncased's ids equal to the golden encodings of Hugging Face
# tokenizers (../shared/golden/tokenizer/unicode.jsonl.gz).
import gzip
import json
import os
import re

import pytest

import bertq
from conftest import TEXTS, json_lines, run_cli, shared_dir


def cli_tokenize(folder, texts, tmp_path, *options):
    lines = tmp_path / "texts.jsonl"
    lines.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
    return json_lines(run_cli("tokenize", "--tokenizer", folder, "--input", str(lines),
                              "--offsets", *options))


@pytest.mark.parametrize("options", [
    {},
    {"max_length": 8, "truncation": "head+tail", "head_tokens": 2},
    {"max_length": 5, "truncation": "tail", "add_special_tokens": False},
])
def test_encodings_equal_the_cli(tiny_model, tmp_path, options):
    cli_options = []
    for k, v in options.items():
        cli_options += ["--no-special-tokens"] if k == "add_special_tokens" else [
            "--" + k.replace("_", "-"), str(v)]
    want = cli_tokenize(tiny_model, TEXTS, tmp_path, *cli_options)
    tok = bertq.Tokenizer(tiny_model)
    got = [tok.encode(t, **options) for t in TEXTS]
    assert [g.ids for g in got] == [w["ids"] for w in want]
    assert [[list(o) for o in g.offsets] for g in got] == [w["offsets"] for w in want]
    for g in got:
        assert g.attention_mask == [1] * len(g) and g.type_ids == [0] * len(g)
    batch = tok.encode_batch(TEXTS, **options)
    assert [b.ids for b in batch] == [g.ids for g in got]
    assert [b.offsets for b in batch] == [g.offsets for g in got]


def test_pairs_special_ids_and_decode(tiny_model):
    tok = bertq.Tokenizer(tiny_model)
    e = tok.encode("the movie", "was great")
    assert e.ids[0] == tok.cls_id and e.ids.count(tok.sep_id) == 2
    assert e.type_ids == [0, 0, 0, 0, 1, 1, 1]
    assert tok.decode(tok.encode("the movie was great!").ids) == "the movie was great!"
    assert tok.tokens(tok.encode("films").ids) == ["[CLS]", "film", "##s", "[SEP]"]
    assert tok.token_to_id("movie") == 6 and tok.token_to_id("nope") is None
    assert tok.vocab_size == 22 and tok.pad_id == 0
    over = tok.encode("the movie was great and fun", max_length=5, return_overflow=True)
    assert len(over) == 5 and over.overflowing


def test_errors_name_the_path(tmp_path):
    missing = str(tmp_path / "no-such-tokenizer")
    with pytest.raises(bertq.Error, match=re.escape(missing)):
        bertq.Tokenizer(missing)


def test_golden_ids_of_bert_base_uncased():
    shared = shared_dir()
    folder = os.path.join(shared, "data", "bert-base-uncased")
    golden = os.path.join(shared, "golden", "tokenizer", "unicode.jsonl.gz")
    if not (os.path.isdir(folder) and os.path.isfile(golden)):
        pytest.skip(f"{folder} or {golden} is absent")
    with gzip.open(golden, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    tok = bertq.Tokenizer(folder)
    got = tok.encode_batch([r["text"] for r in rows])
    mismatched = [r["id"] for r, g in zip(rows, got) if g.ids != r["ids"]]
    assert len(rows) == 403 and not mismatched
