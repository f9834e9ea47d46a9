# Fixtures of the Python package's tests: the built `bertq` CLI (BERTQ_CLI, set by CTest; see
# python/tests/CMakeLists.txt) to compare with, and tiny random models it writes with
# `bertq init` (1 layer, hidden 16, large weights so that texts get clearly different logits).
import json
import os
import subprocess

import pytest

VOCAB = (
    "[PAD] [UNK] [CLS] [SEP] [MASK] the movie was great bad plot dull fun a and not . ! , ##s "
    "wonderful film"
).split()

TEXTS = [
    "a wonderful film",
    "the movie was great and fun!",
    "the plot was dull, bad and not fun.",
    "films",
    "",
    "the movie was great " * 30 + "but the plot was dull",  # longer than 64 tokens
]


def cli_path():
    path = os.environ.get("BERTQ_CLI", "")
    if not path or not os.path.exists(path):
        pytest.skip("BERTQ_CLI is not set to the built bertq (run the tests through CTest)")
    return path


def run_cli(*args):
    """`bertq ARGS` -> its stdout; fails the test with stderr when it exits non-zero."""
    r = subprocess.run([cli_path(), *args], capture_output=True, text=True)
    assert r.returncode == 0, f"bertq {' '.join(args)}:\n{r.stderr}"
    return r.stdout


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def make_model(folder, seed=5):
    vocab = folder.parent / (folder.name + "_vocab.txt")
    vocab.write_text("\n".join(VOCAB) + "\n")
    run_cli("init", "--out", str(folder), "--layers", "1", "--hidden", "16", "--heads", "2",
            "--intermediate", "32", "--max-position", "64", "--vocab", str(vocab), "--std", "0.5",
            "--seed", str(seed))
    return str(folder)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    return make_model(tmp_path_factory.mktemp("models") / "tiny")


def shared_dir():
    """../shared (BERTQ_SHARED_DIR), or a skip saying it is absent."""
    d = os.environ.get("BERTQ_SHARED_DIR") or os.path.join(
        os.path.dirname(__file__), "..", "..", "..", "shared")
    if not os.path.isdir(d):
        pytest.skip(f"{d} is absent (../shared: golden outputs)")
    return d
