# bertq.quantize: the `bertq quantize` job from Python returns its fidelity report as a dict
# (the one written to OUT/quantization_report.json), and the INT8 model it writes predicts
# as `bertq predict` does on it.
import json
import os
import re
import struct

import pytest

import bertq
from conftest import TEXTS, json_lines, run_cli


@pytest.fixture(scope="module")
def eval_data(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "eval.jsonl"
    rows = [{"text": TEXTS[i % len(TEXTS)] + " fun" * i, "label": ["NEGATIVE", "POSITIVE"][i % 2]}
            for i in range(24)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def test_report_dict_and_int8_predictions(tiny_model, eval_data, tmp_path):
    out = str(tmp_path / "int8")
    lines = []
    report = bertq.quantize(tiny_model, out, eval=eval_data, eval_samples=24,
                            progress=lines.append)
    with open(os.path.join(out, "quantization_report.json")) as f:
        assert report == json.load(f)
    assert report["scheme"] == "dynamic" and report["embeddings"] == "int8"
    fid = report["fidelity"]
    assert fid["n"] == 24
    for key in ("agreement_pct", "accuracy_fp32_pct", "accuracy_int8_pct",
                "logit_rel_err_mean", "logit_rel_err_max"):
        assert isinstance(fid[key], float), key
    assert 0 <= fid["agreement_pct"] <= 100
    assert any(line.startswith("INT8 vs FP32") for line in lines)

    want = json_lines(run_cli("predict", "--model", out, "--threads", "1", *TEXTS))
    got = bertq.Classifier(out, threads=1).predict(TEXTS, return_probs=True)
    f32 = lambda x: struct.unpack("f", struct.pack("f", x))[0]  # noqa: E731
    assert [(g["label"], [f32(v) for v in g["logits"]]) for g in got] == [
        (w["label"], [f32(v) for v in w["logits"]]) for w in want]


def test_options_and_errors(tiny_model, tmp_path):
    report = bertq.quantize(tiny_model, tmp_path / "fp32emb", embeddings="fp32",
                            keep_fp32=["*layer.0.output.dense*"])
    assert report["embeddings"] == "fp32" and report["kept_fp32_tensors"]
    assert "fidelity" not in report
    with pytest.raises(bertq.InvalidArgumentError, match="--scheme: expected dynamic or static"):
        bertq.quantize(tiny_model, tmp_path / "x", scheme="fancy")
    with pytest.raises(bertq.InvalidArgumentError, match="need --eval"):
        bertq.quantize(tiny_model, tmp_path / "y", max_drop=1.0)
    missing = str(tmp_path / "no-such-model")
    with pytest.raises(bertq.Error, match=re.escape(missing)):
        bertq.quantize(missing, tmp_path / "z")


def test_activation_range_is_recorded_and_followed(tiny_model, tmp_path):
    """Both ranges from Python: the folder records its range, bertq predict on it gives the
    Python Classifier's answer, and the two folders give different logits."""
    logits = {}
    for rng in ("127", "255"):
        out = str(tmp_path / f"q{rng}")
        report = bertq.quantize(tiny_model, out, activation_range=rng)
        assert report["activation_qmax"] == int(rng)
        with open(os.path.join(out, "config.json")) as f:
            assert json.load(f)["quantization_config"]["activations"]["qmax"] == int(rng)
        got = bertq.Classifier(out, threads=1).predict(TEXTS, return_probs=True)
        want = json_lines(run_cli("predict", "--model", out, "--threads", "1", *TEXTS))
        assert [g["label"] for g in got] == [w["label"] for w in want]
        logits[rng] = [g["logits"] for g in got]
    assert logits["127"] != logits["255"]
    with pytest.raises(bertq.InvalidArgumentError, match="activation-range"):
        bertq.quantize(tiny_model, str(tmp_path / "bad"), activation_range="256")
