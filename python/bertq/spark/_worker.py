"""The executor side of bertq.spark: what runs inside each Spark Python worker.

A Python worker (one per concurrent task on an executor; Spark reuses it across tasks,
spark.python.worker.reuse, on by default) loads the model once, on its first batch, and keeps
the Classifier in _CLASSIFIERS for every later batch and task. Its thread count is the task's
CPUs (TaskContext.cpus(), i.e. spark.task.cpus), so an executor running C/t tasks of t CPUs each
runs C threads in all and never oversubscribes its cores.

The functions here are pickled by reference (module and name), so every executor needs the
bertq package installed (the wheel of scripts/build-wheel.sh).
"""

import os

import bertq

# (model path, threads, options) -> Classifier: one per Python worker process and model.
_CLASSIFIERS = {}

# A model reference that names a file shipped with the job (SparkContext.addFile or
# spark-submit --files / --archives), resolved on each executor with SparkFiles.get.
SPARKFILES_PREFIX = "sparkfiles:"


class ExecutorError(RuntimeError):
    """A failure inside a Spark task (model missing on an executor, a bad row), with a message
    that names it; the driver sees it in the job's exception."""


def resolve_model(model):
    """The local path of `model` on this executor: SparkFiles.get(NAME) for "sparkfiles:NAME",
    else `model` itself (a path every executor can read, or a hub name in bertq's cache)."""
    if model.startswith(SPARKFILES_PREFIX):
        from pyspark import SparkFiles

        return SparkFiles.get(model[len(SPARKFILES_PREFIX):])
    return model


def task_threads():
    """Threads for this task's model calls: the CPUs Spark gave the task (spark.task.cpus);
    1 outside a task."""
    from pyspark import TaskContext

    ctx = TaskContext.get()
    return max(1, int(ctx.cpus())) if ctx is not None else 1


def classifier(model, threads, options):
    """The worker's Classifier for (model, threads, options), loaded on first use."""
    key = (model, threads, tuple(sorted(options.items())))
    clf = _CLASSIFIERS.get(key)
    if clf is None:
        path = resolve_model(model)
        try:
            clf = bertq.Classifier(path, threads=threads, **options)
        except bertq.Error as e:
            where = f" (shipped as {model}, here {path})" if path != model else ""
            raise ExecutorError(
                f"bertq.spark: executor pid {os.getpid()} could not load model {path}{where}: {e}"
            ) from None
        _CLASSIFIERS[key] = clf
    return clf


def check_texts(texts, ids, text_col, id_col):
    """Raises ExecutorError naming the first row whose text is not a string (null, a number)."""
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            row = f"{id_col}={ids[i]!r}" if ids is not None else f"row {i} of its batch"
            raise ExecutorError(
                f"bertq.spark: column {text_col!r} of {row} is {'null' if t is None else repr(t)}"
                f", not a string"
            )


def classify_batches(batches, *, model, text_col, id_col, names, return_probs, options):
    """mapInPandas body: each pandas DataFrame of the partition with the prediction columns
    (names: label, score[, logits, probs] output names) appended."""
    clf = None
    for frame in batches:
        if clf is None:  # on the first batch: an empty partition loads nothing
            clf = classifier(model, task_threads(), options)
        texts = frame[text_col].tolist()
        ids = frame[id_col].tolist() if id_col is not None and id_col in frame else None
        check_texts(texts, ids, text_col, id_col)
        preds = clf.predict_batch(texts)
        frame = frame.copy()
        frame[names[0]] = [p.label for p in preds]
        frame[names[1]] = [float(p.score) for p in preds]
        if return_probs:
            frame[names[2]] = [[float(v) for v in p.logits] for p in preds]
            frame[names[3]] = [[float(v) for v in p.probs] for p in preds]
        yield frame
