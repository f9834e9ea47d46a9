#!/usr/bin/env python3
"""Measures process start-up for bench/startup/run.sh: for each bertq binary, interleaved over
--repeats rounds, the wall time and peak RSS (wait4's ru_maxrss) of `--version`, of `predict`
of one text, and of `train --help`; the time until `serve` listens and its RSS then; whether
libtorch is among the serving process's mappings and the binary's shared libraries (ldd).
Prints a Markdown table of medians and writes every sample as JSON.

Usage: measure.py --model DIR --model-desc S --text T --repeats N --json OUT BINARY...
"""
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import time

TORCH = re.compile(r"lib(torch|c10)[a-z_]*\.so")


def run(argv):
    """Wall seconds and peak RSS (MB) of one run; raises when it fails."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors="replace")
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(argv)}: exit {p.returncode}\n{err}")
    return wall, usage.ru_maxrss / 1024


def serve(binary, model):
    """Seconds until `serve` logs that it listens, its RSS (MB) then, and libtorch mapped."""
    t0 = time.perf_counter()
    p = subprocess.Popen([binary, "serve", "--model", model, "--port", "0"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for line in p.stderr:
            if "listening on" in line:
                break
        else:
            raise SystemExit(f"{binary} serve exited with {p.wait()} before listening")
        ready = time.perf_counter() - t0
        with open(f"/proc/{p.pid}/status") as f:
            rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) / 1024
        with open(f"/proc/{p.pid}/maps") as f:
            torch = sorted({m.group(0) for m in TORCH.finditer(f.read())})
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait()
    return ready, rss, torch


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--model", required=True)
    a.add_argument("--model-desc", default="")
    a.add_argument("--text", required=True)
    a.add_argument("--repeats", type=int, default=5)
    a.add_argument("--json", required=True)
    a.add_argument("binaries", nargs="+")
    o = a.parse_args()

    samples = {b: {k: [] for k in ("version", "predict", "train_help", "serve")} for b in o.binaries}
    maps = {}
    for _ in range(o.repeats):
        for b in o.binaries:
            s = samples[b]
            s["version"].append(run([b, "--version"]))
            s["predict"].append(run([b, "predict", "--model", o.model, o.text]))
            s["train_help"].append(run([b, "train", "--help"]))
            ready, rss, torch = serve(b, o.model)
            s["serve"].append((ready, rss))
            maps[b] = torch
    ldd = {}
    for b in o.binaries:
        libs = subprocess.run(["ldd", b], capture_output=True, text=True, check=True).stdout
        ldd[b] = sorted({m.group(0) for m in TORCH.finditer(libs)})
    med = lambda xs, i: statistics.median(x[i] for x in xs)
    model_mb = sum(os.path.getsize(os.path.join(o.model, f)) for f in os.listdir(o.model)) / 2**20

    with open("/proc/cpuinfo") as f:
        cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    print(f"bertq start-up, {o.model_desc} ({model_mb:.0f} MB folder); median of {o.repeats} "
          f"interleaved rounds; {os.cpu_count()} CPUs, {cpu}")
    print()
    print("| binary | --version s | MB | predict s | MB | serve ready s | RSS MB | train --help s "
          "| libtorch: ldd / serve maps |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for b in o.binaries:
        s = samples[b]
        print(f"| {b} | {med(s['version'], 0):.3f} | {med(s['version'], 1):.0f} "
              f"| {med(s['predict'], 0):.3f} | {med(s['predict'], 1):.0f} "
              f"| {med(s['serve'], 0):.3f} | {med(s['serve'], 1):.0f} "
              f"| {med(s['train_help'], 0):.3f} | {', '.join(ldd[b]) or 'no'} / "
              f"{', '.join(maps[b]) or 'no'} |")
    with open(o.json + ".tmp", "w") as f:
        json.dump({"model": o.model_desc, "model_mb": model_mb, "text": o.text, "cpu": cpu,
                   "repeats": o.repeats, "cpus": os.cpu_count(),
                   "binaries": {b: {"samples_wall_s_rss_mb": samples[b], "serve_maps_torch": maps[b],
                                    "ldd_torch": ldd[b]} for b in o.binaries}}, f, indent=1)
    os.replace(o.json + ".tmp", o.json)


if __name__ == "__main__":
    main()
