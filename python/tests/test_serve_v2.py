# `bertq serve` called by the official KServe v2 / Triton HTTP client (tritonclient.http, from
# PyPI: scripts/serve-test-requirements.txt): health and metadata, inference with binary and JSON
# tensors giving `bertq predict`'s labels and probabilities, API keys (401 without, 200 with).
import os
import re
import signal
import subprocess
import time

import numpy as np
import pytest

from conftest import TEXTS, cli_path, json_lines, run_cli

http = pytest.importorskip(
    "tritonclient.http", reason="tritonclient[http] is not installed (scripts/setup.sh)")
from tritonclient.utils import InferenceServerException  # noqa: E402

KEY = "test-key-123"
SERVED = [t for t in TEXTS if t]  # the server refuses empty texts (422)


@pytest.fixture(scope="module")
def server(tiny_model, tmp_path_factory):
    env = dict(os.environ, BERTQ_API_KEYS=KEY)
    log_path = tmp_path_factory.mktemp("serve") / "server.log"
    log = open(log_path, "w")
    p = subprocess.Popen([cli_path(), "serve", "--model", tiny_model, "--port", "0", "--threads",
                          "1", "--model-name", "tiny"], stderr=log, env=env)
    port = None
    deadline = time.time() + 60
    while time.time() < deadline and port is None and p.poll() is None:
        m = re.search(r"listening on http://[^:]+:(\d+)", log_path.read_text())
        if m:
            port = int(m.group(1))
        else:
            time.sleep(0.05)
    assert port is not None, f"bertq serve did not start:\n{log_path.read_text()}"
    client = http.InferenceServerClient(f"127.0.0.1:{port}")
    for _ in range(300):
        if client.is_server_ready():
            break
        time.sleep(0.1)
    yield client
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=30) == 0, log_path.read_text()
    log.close()


def auth():
    # A new dict for every call: tritonclient adds Inference-Header-Content-Length to the dict
    # it is given, and a shared one would carry it into the next request.
    return {"Authorization": "Bearer " + KEY}


def infer(client, texts, binary, headers=None):
    headers = auth() if headers is None else headers
    x = http.InferInput("text", [len(texts)], "BYTES")
    x.set_data_from_numpy(np.array([t.encode() for t in texts], dtype=object), binary_data=binary)
    outputs = [http.InferRequestedOutput(n, binary_data=binary)
               for n in ("label", "probabilities", "logits")]
    return client.infer("tiny", [x], outputs=outputs, headers=headers)


@pytest.mark.parametrize("binary", [True, False])
def test_infer_equals_predict(server, tiny_model, binary):
    assert server.is_server_live() and server.is_model_ready("tiny", headers=auth())
    want = json_lines(run_cli("predict", "--model", tiny_model, "--threads", "1", *SERVED))
    r = infer(server, SERVED, binary)
    # BYTES come back as bytes from binary data, as str from JSON.
    labels = [v.decode() if isinstance(v, bytes) else v for v in r.as_numpy("label")]
    probs = r.as_numpy("probabilities")
    logits = r.as_numpy("logits")
    assert probs.shape == (len(SERVED), 2) and probs.dtype == np.float32
    assert labels == [w["label"] for w in want]
    for i, w in enumerate(want):
        assert np.allclose(logits[i], w["logits"], rtol=1e-5, atol=1e-6)
        assert abs(probs[i].max() - w["score"]) < 1e-5


def test_metadata(server):
    meta = server.get_model_metadata("tiny", headers=auth())
    assert meta["name"] == "tiny"
    assert meta["inputs"][0]["datatype"] == "BYTES"
    assert server.get_server_metadata()["name"] == "bertq"


def test_api_key_needed(server):
    with pytest.raises(InferenceServerException) as e:
        infer(server, ["a film"], True, headers={})
    assert e.value.status() == "401" and "API key" in e.value.message()
    with pytest.raises(InferenceServerException) as e:
        infer(server, ["a film"], True, headers={"Authorization": "Bearer wrong"})
    assert e.value.status() == "401"
    assert server.is_server_ready()  # probes stay open


def test_sighup_rereads_the_key_file(tiny_model, tmp_path):
    """`kill -HUP` re-reads --api-key-file: a new key works at once, a removed one stops working,
    and a file left without a key keeps the keys in use (the server says why in its log)."""
    keys = tmp_path / "keys.txt"
    keys.write_text("first-key\n")
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        p = subprocess.Popen([cli_path(), "serve", "--model", tiny_model, "--port", "0",
                              "--threads", "1", "--model-name", "tiny", "--api-key-file",
                              str(keys)], stderr=log)
        try:
            port = None
            for _ in range(600):
                m = re.search(r"listening on http://[^:]+:(\d+)", log_path.read_text())
                if m:
                    port = int(m.group(1))
                    break
                assert p.poll() is None, log_path.read_text()
                time.sleep(0.05)
            assert port is not None, log_path.read_text()
            client = http.InferenceServerClient(f"127.0.0.1:{port}")
            for _ in range(300):
                if client.is_server_ready():
                    break
                time.sleep(0.1)

            def allowed(key):
                try:
                    infer(client, ["a film"], False, headers={"Authorization": "Bearer " + key})
                    return True
                except InferenceServerException as e:
                    assert e.status() == "401", e.message()
                    return False

            def hup_and_wait(count):
                p.send_signal(signal.SIGHUP)
                for _ in range(200):
                    if log_path.read_text().count("SIGHUP") >= count:
                        return
                    time.sleep(0.05)
                raise AssertionError("no SIGHUP line in the log:\n" + log_path.read_text())

            assert allowed("first-key") and not allowed("second-key")
            keys.write_text("# rotated\nsecond-key\n")
            hup_and_wait(1)
            assert allowed("second-key") and not allowed("first-key")
            keys.write_text("# nothing here\n")
            hup_and_wait(2)
            assert allowed("second-key"), "a bad key file must keep the keys in use"
            assert "not re-read" in log_path.read_text()
            assert "second-key" not in log_path.read_text(), "a key in the log"
        finally:
            p.send_signal(signal.SIGTERM)
            assert p.wait(timeout=30) == 0, log_path.read_text()
