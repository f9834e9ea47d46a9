# bertq.Classifier: the same predictions as `bertq predict` (labels and every printed digit of
# scores, logits and probs), the transformers pipeline's shapes, threads sharing one Classifier,
# the GIL released while the engine runs, and errors carrying the C++ message.
import os
import struct
import threading
import time

import pytest

import bertq
from conftest import TEXTS, json_lines, run_cli


def f32(x):
    """x rounded to float32: the CLI prints the shortest decimal that reads back as the
    engine's float, so equal float32 values mean equal to the last printed digit."""
    return struct.unpack("f", struct.pack("f", x))[0]


def cli_predict(model, texts, *options):
    return json_lines(run_cli("predict", "--model", model, "--threads", "1", *options, *texts))


@pytest.mark.parametrize("options", [
    {},
    {"max_length": 12, "truncation": "head+tail", "head_tokens": 3},
    {"max_length": 9, "truncation": "tail", "batch_size": 2},
])
def test_predictions_equal_the_cli(tiny_model, options):
    cli_options = []
    for k, v in options.items():
        cli_options += ["--" + k.replace("_", "-"), str(v)]
    want = cli_predict(tiny_model, TEXTS, *cli_options)
    got = bertq.Classifier(tiny_model, threads=1, **options).predict(TEXTS, return_probs=True)
    assert len(got) == len(want) == len(TEXTS)
    for g, w in zip(got, want):
        assert g["label"] == w["label"]
        assert f32(g["score"]) == f32(w["score"])
        assert [f32(v) for v in g["logits"]] == [f32(v) for v in w["logits"]]
        assert [f32(v) for v in g["probs"]] == [f32(v) for v in w["probs"]]
    labels = {g["label"] for g in got}
    assert len({tuple(g["logits"]) for g in got}) > 1, "the texts should get different logits"
    assert labels <= {"NEGATIVE", "POSITIVE"}


def test_pipeline_shapes(tiny_model):
    clf = bertq.Classifier(tiny_model, threads=1)
    one = clf.predict("a wonderful film")
    assert isinstance(one, list) and len(one) == 1 and set(one[0]) == {"label", "score"}
    assert clf("a wonderful film") == one
    many = clf.predict(["a wonderful film", "dull"])
    assert [set(r) for r in many] == [{"label", "score"}] * 2 and many[0] == one[0]
    every = clf.predict("a wonderful film", return_all=True)
    assert sorted(r["label"] for r in every) == ["NEGATIVE", "POSITIVE"]
    assert every[0]["score"] >= every[1]["score"] and every[0]["label"] == one[0]["label"]
    assert abs(sum(r["score"] for r in every) - 1) < 1e-6
    assert clf.predict(["a wonderful film"], return_all=True) == [every]
    assert set(clf.predict("dull", return_all=True, return_probs=True)[0]) == {
        "label", "score", "logit"}
    p = clf.predict_batch(["a wonderful film"])[0]
    assert (p.label, p.score) == (one[0]["label"], one[0]["score"])
    assert clf.labels == ["NEGATIVE", "POSITIVE"]
    assert clf.model_dir == tiny_model and clf.batch_size == 8


def test_tokenization_follows_the_config_block_then_arguments(tiny_model):
    t = bertq.Classifier(tiny_model).tokenization
    # The default 512 is cut to the model's 64 positions, as `bertq predict` does.
    assert (t["max_length"], t["truncation"]) == (64, "head")
    assert t["from"]["max_length"] == "max_position_embeddings"
    t = bertq.Classifier(tiny_model, max_length=12, truncation="head+tail").tokenization
    assert (t["max_length"], t["truncation"], t["from"]["truncation"]) == (12, "head+tail",
                                                                          "option")


def test_threads_share_one_classifier(tiny_model):
    clf = bertq.Classifier(tiny_model, threads=1, batch_size=3)
    texts = [TEXTS[i % len(TEXTS)] + " the" * (i % 7) for i in range(60)]
    sequential = clf.predict(texts, return_probs=True)
    results, errors = {}, []

    def work(name):
        try:
            results[name] = [clf.predict(texts, return_probs=True) for _ in range(5)]
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for name in ("a", "b"):
        assert all(r == sequential for r in results[name]), name


def test_predict_releases_the_gil(tiny_model):
    # A Python thread counts (timestamps) while another runs one long predict_batch. Holding
    # the GIL, the C++ call would let no Python code run between its start and its end; with
    # the GIL released the counter runs in the middle third of the call.
    clf = bertq.Classifier(tiny_model, threads=1)
    texts = [TEXTS[1] + " the" * (i % 40) for i in range(20000)]
    stamps, stop = [], threading.Event()

    def count():
        while not stop.is_set():
            stamps.append(time.perf_counter())
            time.sleep(0.001)

    counter = threading.Thread(target=count)
    counter.start()
    try:
        t0 = time.perf_counter()
        clf.predict_batch(texts)
        t1 = time.perf_counter()
    finally:
        stop.set()
        counter.join()
    third = (t1 - t0) / 3
    inside = [s for s in stamps if t0 + third < s < t1 - third]
    assert inside, f"no Python progress during the middle of a {t1 - t0:.3f} s predict"


def test_errors_carry_the_message(tmp_path):
    missing = str(tmp_path / "no-such-model")
    with pytest.raises(bertq.Error) as e:
        bertq.Classifier(missing)
    assert missing in str(e.value) and e.value.code == "not found"
    assert isinstance(e.value, RuntimeError)


def test_invalid_arguments_are_value_errors(tiny_model):
    with pytest.raises(bertq.InvalidArgumentError, match="max-length 1000") as e:
        bertq.Classifier(tiny_model, max_length=1000)
    assert isinstance(e.value, ValueError) and isinstance(e.value, bertq.Error)
    assert e.value.code == "invalid argument"
    with pytest.raises(ValueError, match="truncation"):
        bertq.Classifier(tiny_model, truncation="middle")
    with pytest.raises(ValueError, match="batch size 0"):
        bertq.Classifier(tiny_model, batch_size=0).predict("x")


def test_hub_name_from_the_cache(tiny_model, tmp_path, monkeypatch):
    # A hub name resolves in bertq's cache ($BERTQ_HOME/models/<org>--<name>/main), as --model.
    home = tmp_path / "home"
    os.makedirs(home / "models" / "org--tiny")
    os.symlink(tiny_model, home / "models" / "org--tiny" / "main")
    monkeypatch.setenv("BERTQ_HOME", str(home))
    assert bertq.Classifier("org/tiny", threads=1).predict(TEXTS) == bertq.Classifier(
        tiny_model, threads=1).predict(TEXTS)


@pytest.mark.parametrize("arch", ["distilbert", "roberta", "xlm-roberta"])
def test_other_architectures_predict_as_the_cli(arch):
    """A DistilBERT / RoBERTa / XLM-R folder as transformers saves it (random weights and the
    architecture's own tokenizer kind: WordPiece, byte-level BPE, SentencePiece Unigram; written
    by scripts/reference/arch_reference.py into BUILD/arch-reference): the Classifier gives
    `bertq predict`'s labels and logits from text."""
    folder = os.path.join(os.environ.get("BERTQ_ARCH_REFERENCE", ""), arch, "model")
    if not os.path.exists(os.path.join(folder, "config.json")):
        pytest.skip(f"{folder} is absent (scripts/test.sh writes it)")
    texts = ["a wonderful film with superb acting", "dull. i fell asleep twice.", "meh"]
    got = bertq.Classifier(folder, threads=1).predict(texts, return_probs=True)
    want = json_lines(run_cli("predict", "--model", folder, "--threads", "1", *texts))
    assert [g["label"] for g in got] == [w["label"] for w in want]
    for g, w in zip(got, want):
        assert g["logits"] == pytest.approx(w["logits"], rel=1e-6, abs=1e-6)
    assert {w["label"] for w in want} <= {"NEGATIVE", "NEUTRAL", "POSITIVE"}
