"""bertq from Python: BERT text classifiers on CPU (FP32, BF16, INT8) over bertq's C++ engine.

    import bertq
    clf = bertq.Classifier("models/imdb-int8")   # a model folder, or a hub name in bertq's cache
    clf.predict("a wonderful film")              # [{'label': 'POSITIVE', 'score': 0.98...}]
    clf.predict(["great", "dull"])               # [{...}, {...}], as a transformers pipeline
    report = bertq.quantize("models/imdb", "models/imdb-int8", eval="imdb:test")

On Spark (pyspark installed): bertq.spark.classify(df, model) and `python -m bertq.spark`.

Errors of the C++ library raise bertq.Error (a RuntimeError; InvalidArgumentError is also a
ValueError) with its message; .code names the kind ("not found", ...).
"""

import json as _json

from . import _bertq
from ._bertq import Encoding, Error, InvalidArgumentError, Prediction, Tokenizer

__all__ = [
    "Classifier",
    "Encoding",
    "Error",
    "InvalidArgumentError",
    "Prediction",
    "Tokenizer",
    "quantize",
]


class Classifier(_bertq.Classifier):
    """A text classifier: Classifier(model, threads, compute, max_length, truncation,
    head_tokens, batch_size), with the defaults of `bertq predict` (the C++ library's; see
    help(bertq._bertq.Classifier)). Tokenization follows `bertq predict`: an argument given
    here, else the model's config.json "bertq" block, else the defaults. Thread-safe: threads
    may share one Classifier; predictions release the GIL."""

    def predict(self, inputs, return_all=False, return_probs=False):
        """What a transformers text-classification pipeline returns: for a str a list with one
        {"label", "score"} dict, for a list of str one dict per text. return_all: every label's
        {"label", "score"} instead, highest first (as the pipeline's top_k=None: for a str that
        list, for a list of str one list per text). return_probs: also "logits" and "probs"
        (each label's, in id order) in each text's dict, or "logit" in each label's dict."""
        single = isinstance(inputs, str)
        preds = self.predict_batch([inputs] if single else list(inputs))
        out = [self._result(p, return_all, return_probs) for p in preds]
        return out[0] if single and return_all else out

    __call__ = predict

    @property
    def tokenization(self):
        """The resolved max_length, truncation and head_tokens, and where each came from."""
        return _json.loads(self._tokenization_json)

    def _result(self, p, return_all, return_probs):
        if not return_all:
            r = {"label": p.label, "score": p.score}
            if return_probs:
                r["logits"] = list(p.logits)
                r["probs"] = list(p.probs)
            return r
        rows = []
        for i, label in enumerate(self.labels):
            r = {"label": label, "score": p.probs[i]}
            if return_probs:
                r["logit"] = p.logits[i]
            rows.append(r)
        return sorted(rows, key=lambda r: -r["score"])


def quantize(model, out, **options):
    """Post-training INT8 quantization, the `bertq quantize` job: writes the INT8 model folder
    `out` and returns the report (quantization_report.json) as a dict. Keywords as the CLI's
    options: scheme ("dynamic" or "static"), embeddings, activation_range ("127" or "255"),
    keep_fp32, calibration, samples, observer, percentile, eval,
    eval_samples, max_length, seed, sensitivity, max_drop, min_agreement, force, and progress
    (a callable receiving each line the CLI prints)."""
    return _json.loads(_bertq._quantize(model, out, **options))
