"""Batch classification on Apache Spark: a text column of a DataFrame through bertq.Classifier.

    from pyspark.sql import SparkSession
    import bertq.spark
    spark = SparkSession.builder.getOrCreate()
    df = spark.read.json("reviews.jsonl")                     # a "text" column (and others)
    out = bertq.spark.classify(df, "/shared/models/imdb-int8")  # + label, score
    out = bertq.spark.classify(df, bertq.spark.ship_model(spark, "models/imdb-int8"),
                               return_probs=True, prefix="pred_")  # + pred_label, pred_score,
                                                                   #   pred_logits, pred_probs

The rows go through DataFrame.mapInPandas (Arrow batches of spark.sql.execution.arrow.
maxRecordsPerBatch rows, 10,000 by default). Each Spark Python worker loads the model once and
reuses it for every batch and task (bertq/spark/_worker.py), with as many threads as the task
has CPUs (spark.task.cpus). The model reaches the executors either as a path every executor can
read (shared storage, or the same folder on every machine), or shipped with the job:
ship_model(spark, folder) (SparkContext.addFile) or spark-submit --files / --archives, then the
reference "sparkfiles:NAME". The command line: `python -m bertq.spark --help`.
"""

import functools
import os

from ._worker import SPARKFILES_PREFIX, ExecutorError

__all__ = ["ExecutorError", "classify", "ship_model", "SPARKFILES_PREFIX"]

_OPTIONS = ("compute", "max_length", "truncation", "head_tokens", "batch_size")


def ship_model(spark, folder):
    """Ships the model folder with the job (SparkContext.addFile, recursive): every executor
    fetches a copy. Returns the reference to pass as classify()'s model: "sparkfiles:NAME",
    NAME being the folder's base name. The folder must be readable by the driver."""
    folder = os.path.abspath(folder)
    if not os.path.isfile(os.path.join(folder, "config.json")):
        raise FileNotFoundError(f"bertq.spark: {folder} is not a model folder (no config.json)")
    spark.sparkContext.addFile(folder, recursive=True)
    return SPARKFILES_PREFIX + os.path.basename(folder)


def output_fields(return_probs, prefix):
    """The names of the columns classify() appends: label, score[, logits, probs]."""
    names = ["label", "score"] + (["logits", "probs"] if return_probs else [])
    return [prefix + n for n in names]


def classify(df, model, text_col="text", *, id_col="id", return_probs=False, prefix="",
             **options):
    """df with the prediction columns appended: label (string), score (double: the label's
    probability) and, with return_probs, logits and probs (array<double>, each label's in id
    order). model: a folder every executor can read, a hub name in bertq's cache, or
    "sparkfiles:NAME" (ship_model). id_col: a column naming rows in error messages (ignored
    where absent). options: Classifier's compute, max_length, truncation, head_tokens and
    batch_size (threads come from spark.task.cpus). Lazy, like every transformation: a failing
    executor (model missing, a null text) fails the action with ExecutorError's message."""
    from pyspark.sql.types import ArrayType, DoubleType, StringType, StructField, StructType

    unknown = set(options) - set(_OPTIONS)
    if unknown:
        raise TypeError(f"bertq.spark.classify: unknown option(s) {sorted(unknown)}; "
                        f"known: {', '.join(_OPTIONS)}")
    if text_col not in df.columns:
        raise ValueError(f"bertq.spark.classify: no column {text_col!r} in the DataFrame "
                         f"(columns: {', '.join(df.columns)})")
    if not isinstance(df.schema[text_col].dataType, StringType):
        raise ValueError(f"bertq.spark.classify: column {text_col!r} is "
                         f"{df.schema[text_col].dataType.simpleString()}, not string")
    names = output_fields(return_probs, prefix)
    clash = [n for n in names if n in df.columns]
    if clash:
        raise ValueError(f"bertq.spark.classify: the DataFrame already has column(s) "
                         f"{', '.join(clash)}; pass prefix= (e.g. prefix='pred_')")
    types = [StringType(), DoubleType(), ArrayType(DoubleType()), ArrayType(DoubleType())]
    schema = StructType(df.schema.fields + [StructField(n, t) for n, t in zip(names, types)])

    from ._worker import classify_batches

    # A partial of a module function: pickled by reference, so executors import bertq.spark.
    body = functools.partial(classify_batches, model=str(model), text_col=text_col,
                             id_col=id_col if id_col in df.columns else None, names=names,
                             return_probs=return_probs, options=options)
    return df.mapInPandas(body, schema)
