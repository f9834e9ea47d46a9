"""python -m bertq.spark: classify a JSON Lines or Parquet dataset on Spark.

    python -m bertq.spark --model M --input IN --output OUT [--text-field text] [--master URL]

reads IN (JSON Lines, plain or .gz, or Parquet: by extension, or --input-format), classifies its
text field with bertq.spark.classify and writes OUT as a folder of JSON Lines part files
(part-*.json, Spark's JSON writer), one object per row: the input's text and id fields plus
label and score. --master defaults to spark-submit's (or local[*] when run directly). With
--ship the model folder is shipped with the job (SparkContext.addFile) instead of being read
from a path every executor sees. Exit status: 0, 1 when the job fails (the executor's message
is printed), 2 for bad arguments.
"""

import argparse
import os
import re
import sys
import time

# Absolute: spark-submit runs this file as a script (bertq/spark/__main__.py), not a module.
from bertq.spark import ExecutorError, classify, ship_model


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bertq.spark", description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True,
                   help="model folder every executor can read, a hub name in bertq's cache, or "
                        "sparkfiles:NAME (shipped: --ship, or spark-submit --archives M.tgz#NAME)")
    p.add_argument("--input", required=True, help="JSON Lines (.jsonl, .jsonl.gz, .json) or "
                                                  "Parquet file or folder, any Spark path")
    p.add_argument("--output", required=True, help="output folder (JSON Lines part files)")
    p.add_argument("--text-field", default="text", help="field holding the text (default text)")
    p.add_argument("--id-field", default="id",
                   help="field naming each row, copied to the output where present (default id)")
    p.add_argument("--input-format", choices=["auto", "json", "parquet"], default="auto")
    p.add_argument("--master", help="Spark master URL (local[2], yarn, k8s://..., spark://...)")
    p.add_argument("--ship", action="store_true",
                   help="ship the --model folder with the job (SparkContext.addFile)")
    p.add_argument("--partitions", type=int, default=0,
                   help="repartition the input into N parts (0 = Spark's default parallelism); "
                        "a .gz file is one part otherwise")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --output")
    p.add_argument("--max-length", type=int)
    p.add_argument("--truncation", choices=["head", "tail", "head+tail"])
    p.add_argument("--head-tokens", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--compute", choices=["fp32", "bf16"])
    return p.parse_args(argv)


def input_format(path, given):
    if given != "auto":
        return given
    return "parquet" if path.rstrip("/").endswith(".parquet") else "json"


def job_message(exc):
    """The line that says what failed: bertq.spark's own message from the executor's traceback,
    else the exception's last non-empty line."""
    text = str(exc)
    ours = re.findall(r"bertq\.spark: [^\n]*", text)
    if ours:
        return ours[-1]
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[-1] if lines else type(exc).__name__


def session(master):
    submitted = "SPARK_ENV_LOADED" in os.environ or "PYSPARK_GATEWAY_PORT" in os.environ
    if master is None and not submitted:
        master = "local[*]"  # run directly, not by spark-submit
    if master is not None and master.startswith("local"):
        # Local workers run this interpreter (its venv), not whatever python3 is on PATH.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        # Local mode needs only the loopback: without these Spark's JVM looks its host name up
        # and dies on a machine whose name does not resolve (a bare root, some containers).
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("SPARK_LOCAL_HOSTNAME", "localhost")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("bertq.spark")
    if master is not None:
        builder = builder.master(master)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run(spark, a):
    """The job on an open session; returns the exit status."""
    options = {k: v for k, v in (("max_length", a.max_length), ("truncation", a.truncation),
                                 ("head_tokens", a.head_tokens), ("batch_size", a.batch_size),
                                 ("compute", a.compute)) if v is not None}
    try:
        t0 = time.perf_counter()
        model = ship_model(spark, a.model) if a.ship else a.model
        fmt = input_format(a.input, a.input_format)
        df = spark.read.parquet(a.input) if fmt == "parquet" else spark.read.json(a.input)
        if a.text_field not in df.columns:
            raise ValueError(f"bertq.spark: no field {a.text_field!r} in {a.input} "
                             f"(fields: {', '.join(df.columns)})")
        df = df.select(*[c for c in (a.id_field, a.text_field) if c in df.columns])
        parts = a.partitions or spark.sparkContext.defaultParallelism
        if df.rdd.getNumPartitions() != parts:
            df = df.repartition(parts)
        out = classify(df, model, a.text_field, id_col=a.id_field, **options)
        out.write.mode("overwrite" if a.overwrite else "errorifexists").json(a.output)
        print(f"bertq.spark: wrote {a.output} in {time.perf_counter() - t0:.1f} s "
              f"({parts} partitions, master {spark.sparkContext.master})", file=sys.stderr)
        return 0
    except (ValueError, FileNotFoundError, ExecutorError) as e:
        print(job_message(e), file=sys.stderr)
        return 2 if isinstance(e, (ValueError, FileNotFoundError)) else 1
    except Exception as e:  # the job failed on an executor: Py4J / PySpark wrap our message
        print(f"bertq.spark: the job failed: {job_message(e)}", file=sys.stderr)
        return 1


def main(argv=None):
    a = parse_args(argv)
    spark = session(a.master)
    try:
        return run(spark, a)
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())
