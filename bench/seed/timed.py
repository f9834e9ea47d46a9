"""Runs a child process and measures it from its own rusage (wait4): wall s, CPU s (user +
system, all threads) and peak RSS MB. The one measure both sides of the seed benchmark use.

    python timed.py OUT.json LOG -- COMMAND...   (the child's stdout + stderr go to LOG)
"""
import json
import os
import subprocess
import sys
import tempfile
import time


def run_child(cmd, log=None):
    """Runs cmd; returns its stdout (when no log) and {wall_s, cpu_s, peak_rss_mb}.

    Exits with the child's stderr tail when it fails."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        sink = open(log, "w") if log else None
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=sink or out, stderr=sink or err, text=True)
        _, status, ru = os.wait4(proc.pid, 0)  # reaped here, so the rusage is this child's
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if sink:
            sink.close()
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            tail = open(log).read()[-3000:] if log else err.read()[-3000:]
            sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{tail}")
        return out.read(), {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime,
                            "peak_rss_mb": ru.ru_maxrss / 1e3}


if __name__ == "__main__":
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        sys.exit(__doc__)
    _, m = run_child(sys.argv[4:], log=sys.argv[2])
    m["command"] = sys.argv[4:]
    with open(sys.argv[1], "w") as f:
        json.dump(m, f, indent=2)
    print(json.dumps(m))
