# bertq.spark on PySpark in local mode (local[2]: two executor threads, two Python workers):
# the labels, scores, logits and probs equal `bertq predict`'s on the same reviews (IMDB test
# reviews from ../shared where present, else made-up ones), through classify() and
# through `python -m bertq.spark` (JSON Lines and Parquet in, JSON Lines part files out); a model
# shipped with the job (SparkFiles) is read from the executors' copy; a failing executor (a null
# text, a missing model) fails the job with bertq.spark's message instead of hanging; and one
# Classifier per worker process serves every batch.
# Needs `scripts/setup.sh --spark` (PyPI's pyspark, pandas, pyarrow in .venv; Java from Debian).
import gzip
import json
import os
import random
import shutil
import subprocess
import sys

import pytest

from conftest import TEXTS, json_lines, run_cli

pyspark = pytest.importorskip(
    "pyspark", reason="pyspark is not installed (scripts/setup.sh --spark puts it in .venv)")
if shutil.which("java") is None:
    pytest.skip("no java on PATH (scripts/setup.sh --spark installs default-jre-headless)",
                allow_module_level=True)

try:
    import socket
    socket.getaddrinfo("localhost", None)
except OSError:
    pytest.skip("\"localhost\" does not resolve on this machine (no /etc/hosts entry): PySpark's "
                "local mode binds its servers to it", allow_module_level=True)

import bertq.spark  # noqa: E402
from bertq.spark import _worker  # noqa: E402

# Local mode on the loopback (as `python -m bertq.spark --master local[...]` sets it): Spark's JVM
# otherwise looks the host name up and fails where it does not resolve (check-fresh's bare root).
# Set here, so the jobs run as subprocesses inherit it too.
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ.setdefault("SPARK_LOCAL_HOSTNAME", "localhost")

REVIEWS = 120  # IMDB test reviews from ../shared, half negative, half positive
JOB_TIMEOUT = 240  # seconds: a hung job fails the test instead of the CTest timeout


# Spark's batches are not `bertq predict`'s, and a different batch changes the order of oneDNN's
# sums (its blocking depends on the rows per GEMM): numbers may differ in the last float32 bits
# (1-2 ulp seen), so they agree within this relative tolerance; labels must be equal.
RTOL = 1e-5


def close(a, b, scale=0.0):
    """a and b within RTOL of the larger of them and `scale` (a logit near 0 is compared at the
    scale of its vector: the same absolute error is a large relative one there)."""
    return abs(a - b) <= RTOL * max(abs(a), abs(b), scale, 1e-6)


def made_up_reviews():
    """REVIEWS texts without ../shared: the fixtures' texts, then random word sequences of 1 to
    80 words (seeded), enough rows for several batches and texts the tiny model tells apart."""
    words = ("great fun wonderful loved moving brilliant dull bad boring hated awful plot movie "
             "acting story the was not and but film").split()
    rng = random.Random(7)
    texts = list(TEXTS)
    while len(texts) < REVIEWS:
        texts.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 80))))
    return [(f"t{i}", t) for i, t in enumerate(texts)]


def reviews():
    """[(id, text)]: REVIEWS IMDB test reviews (../shared), else made_up_reviews()."""
    shared = os.environ.get("BERTQ_SHARED_DIR") or os.path.join(
        os.path.dirname(__file__), "..", "..", "..", "shared")
    path = os.path.join(shared, "data", "imdb", "test.jsonl.gz")
    if not os.path.exists(path):
        return made_up_reviews()
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            rows.append((r["id"], r["text"]))
    half = REVIEWS // 2
    return rows[:half] + rows[-half:]  # neg come first, pos last


@pytest.fixture(scope="module")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    s = (SparkSession.builder.master("local[2]").appName("bertq-test")
         .config("spark.ui.enabled", "false")
         .config("spark.sql.shuffle.partitions", "2")
         .config("spark.sql.execution.arrow.maxRecordsPerBatch", "16")  # several batches a task
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def rows():
    return reviews()


@pytest.fixture(scope="module")
def want(tiny_model, rows):
    """`bertq predict` on the rows, by id."""
    out = json_lines(run_cli("predict", "--model", tiny_model, "--threads", "1",
                             *[t for _, t in rows]))
    assert len(out) == len(rows)
    return {i: o for (i, _), o in zip(rows, out)}


def frame(spark, rows, parts=3):
    return spark.createDataFrame(rows, "id string, text string").repartition(parts)


def check_equal(got, want, probs=False):
    """got: {id: row dict} from Spark; want: {id: bertq predict's object}."""
    assert sorted(got) == sorted(want)
    for i, w in want.items():
        g = got[i]
        assert g["label"] == w["label"], f"{i}: label {g['label']} != predict's {w['label']}"
        assert close(g["score"], w["score"]), f"{i}: score {g['score']} != {w['score']}"
        if probs:
            for key in ("logits", "probs"):
                assert len(g[key]) == len(w[key]) == 2, f"{i}: {key}"
                scale = max(abs(v) for v in list(g[key]) + list(w[key]))
                assert all(close(a, b, scale) for a, b in zip(g[key], w[key])), \
                    f"{i}: {key} {g[key]} != {w[key]}"
    assert len({w["label"] for w in want.values()}) > 1, "the texts should get both labels"


def test_classify_equals_predict(spark, tiny_model, rows, want):
    out = bertq.spark.classify(frame(spark, rows), tiny_model, return_probs=True)
    assert out.columns == ["id", "text", "label", "score", "logits", "probs"]
    got = {r["id"]: r.asDict() for r in out.collect()}
    check_equal(got, want, probs=True)


def test_prefix_and_options(spark, tiny_model, rows):
    from pyspark.sql.functions import col

    df = spark.createDataFrame(rows[:20], "id string, text string").withColumn("label", col("id"))
    with pytest.raises(ValueError, match="already has column"):
        bertq.spark.classify(df, tiny_model)
    out = bertq.spark.classify(df, tiny_model, prefix="pred_", max_length=9, truncation="tail")
    assert out.columns == ["id", "text", "label", "pred_label", "pred_score"]
    texts = [t for _, t in rows[:20]]
    cli = json_lines(run_cli("predict", "--model", tiny_model, "--threads", "1",
                             "--max-length", "9", "--truncation", "tail", *texts))
    got = {r["id"]: r["pred_label"] for r in out.collect()}
    assert [got[i] for i, _ in rows[:20]] == [c["label"] for c in cli]
    with pytest.raises(TypeError, match="unknown option"):
        bertq.spark.classify(df, tiny_model, threads=4)
    with pytest.raises(ValueError, match="no column 'body'"):
        bertq.spark.classify(df, tiny_model, "body")


def test_shipped_model(spark, tiny_model, rows, want, tmp_path):
    folder = tmp_path / "shipped-model"
    shutil.copytree(tiny_model, folder)
    ref = bertq.spark.ship_model(spark, str(folder))
    assert ref == "sparkfiles:shipped-model"
    # The executors fetch their copy on their first task; then the original goes away, so the
    # classification below can only read the shipped copy.
    sc = spark.sparkContext
    paths = sc.parallelize(range(2), 2).map(lambda _: _worker.resolve_model(ref)).collect()
    for p in paths:
        assert os.path.isfile(os.path.join(p, "config.json")) and p != str(folder), p
    shutil.rmtree(folder)
    got = {r["id"]: r.asDict() for r in bertq.spark.classify(frame(spark, rows), ref).collect()}
    check_equal(got, want)


def collect_error(df):
    with pytest.raises(Exception) as e:
        df.collect()
    return str(e.value)


def test_null_text_fails_the_job(spark, tiny_model, rows):
    bad = rows[:5] + [("the-bad-one", None)] + rows[5:10]
    msg = collect_error(bertq.spark.classify(frame(spark, bad, 2), tiny_model))
    assert "bertq.spark: column 'text' of id='the-bad-one' is null, not a string" in msg, msg


def test_missing_model_fails_the_job(spark, rows, tmp_path):
    missing = str(tmp_path / "no-such-model")
    msg = collect_error(bertq.spark.classify(frame(spark, rows[:10], 2), missing))
    assert f"could not load model {missing}" in msg, msg


def test_one_classifier_per_worker(tiny_model, rows):
    """classify_batches (the mapInPandas body) outside Spark: one load for every batch."""
    import pandas as pd

    _worker._CLASSIFIERS.clear()
    batches = [pd.DataFrame({"id": [i for i, _ in rows[k:k + 7]],
                             "text": [t for _, t in rows[k:k + 7]]}) for k in range(0, 35, 7)]
    run = lambda: list(_worker.classify_batches(  # noqa: E731
        iter(batches), model=tiny_model, text_col="text", id_col="id",
        names=["label", "score"], return_probs=False, options={}))
    first = run()
    assert len(_worker._CLASSIFIERS) == 1
    clf = next(iter(_worker._CLASSIFIERS.values()))
    assert run()[0].equals(first[0]) and len(_worker._CLASSIFIERS) == 1
    assert next(iter(_worker._CLASSIFIERS.values())) is clf
    assert list(_worker._CLASSIFIERS)[0][1] == 1, "threads outside a task: 1"
    assert sum(len(b) for b in first) == 35


def test_threads_are_the_task_cpus(tiny_model, rows, monkeypatch):
    """Inside a task of spark.task.cpus=3 the worker's Classifier runs 3 threads."""
    import pandas as pd
    import pyspark

    class Task:
        def cpus(self):
            return 3

    monkeypatch.setattr(pyspark.TaskContext, "get", classmethod(lambda cls: Task()))
    assert _worker.task_threads() == 3
    _worker._CLASSIFIERS.clear()
    batch = pd.DataFrame({"text": [t for _, t in rows[:3]]})
    list(_worker.classify_batches(iter([batch]), model=tiny_model, text_col="text", id_col=None,
                                  names=["label", "score"], return_probs=False, options={}))
    assert [key[1] for key in _worker._CLASSIFIERS] == [3]
    _worker._CLASSIFIERS.clear()


def run_module(*args):
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable)
    return subprocess.run([sys.executable, "-m", "bertq.spark", *args], capture_output=True,
                          text=True, env=env, timeout=JOB_TIMEOUT)


def read_parts(folder):
    names = sorted(n for n in os.listdir(folder) if n.startswith("part-"))
    assert names and all(n.endswith(".json") for n in names), names
    rows = []
    for n in names:
        with open(os.path.join(folder, n), encoding="utf-8") as f:
            rows += [json.loads(line) for line in f]
    return rows


def test_module_jsonl_and_parquet(spark, tiny_model, rows, want, tmp_path, capsys):
    """The command's job (bertq.spark.__main__.run) in this session: no second JVM."""
    from bertq.spark.__main__ import parse_args, run

    jsonl = tmp_path / "in.jsonl.gz"
    with gzip.open(jsonl, "wt", encoding="utf-8") as f:
        for i, t in rows:
            f.write(json.dumps({"id": i, "text": t, "rating": 3}) + "\n")
    parquet = str(tmp_path / "in.parquet")
    spark.createDataFrame(rows, "id string, body string").write.parquet(parquet)
    for src, extra in ((str(jsonl), []), (parquet, ["--text-field", "body", "--ship"])):
        out = str(tmp_path / ("out-" + os.path.basename(src)))
        status = run(spark, parse_args(["--model", tiny_model, "--input", src, "--output", out,
                                        *extra]))
        assert status == 0, capsys.readouterr().err[-3000:]
        got = read_parts(out)
        text = extra[1] if extra else "text"
        assert all(set(g) == {"id", text, "label", "score"} for g in got), got[0]
        assert {g["id"]: g[text] for g in got} == dict(rows)
        check_equal({g["id"]: g for g in got}, want)


def test_module_missing_model_exits_1(rows, tmp_path):
    """`python -m bertq.spark` as a user runs it (its own JVM), on a model that is not there."""
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows[:4]))
    missing = str(tmp_path / "no-such-model")
    r = run_module("--model", missing, "--input", str(src), "--output", str(tmp_path / "out"),
                   "--master", "local[2]")
    assert r.returncode == 1, r.stderr[-3000:]
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("bertq.spark: the job failed: bertq.spark: executor pid"), last
    assert f"could not load model {missing}" in last, last
