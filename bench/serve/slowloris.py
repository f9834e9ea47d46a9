#!/usr/bin/env python3
"""Normal requests against `bertq serve` while N slow (slowloris) connections are held open.

  slowloris.py URL N_SLOW N_REQUESTS BODY_FILE

Keeps N_SLOW connections open that send request headers (half of them) or a body (the other
half) one byte per second, reopening any the server closes (its header / body deadlines), and
meanwhile sends N_REQUESTS normal POST /v1/classify requests (one connection, keep-alive) with
bodies from BODY_FILE (JSON Lines). Prints one JSON line: the slow connections held, the normal
requests answered, failed, and their latency p50 / p99 / max in ms.
"""
import http.client
import json
import socket
import sys
import threading
import time
import urllib.parse


def open_slow(host, port, i):
    s = socket.create_connection((host, port), timeout=5)
    head = "POST /v1/classify HTTP/1.1\r\nHost: x\r\n"
    s.sendall((head + ("X-Slow: " if i % 2 == 0 else "Content-Length: 1000\r\n\r\n{\"te")).encode())
    s.setblocking(False)
    return s


def main():
    url, n_slow, n_req, body_file = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    u = urllib.parse.urlparse(url)
    bodies = [line.strip().encode() for line in open(body_file, encoding="utf-8") if line.strip()]
    slow = [open_slow(u.hostname, u.port, i) for i in range(n_slow)]
    stop = threading.Event()
    reopened = [0]

    def trickle():
        while not stop.is_set():
            for i, s in enumerate(slow):
                try:
                    s.send(b"a")
                except OSError:  # closed by the server's deadline: come back, as an attacker would
                    s.close()
                    try:
                        slow[i] = open_slow(u.hostname, u.port, i)
                        reopened[0] += 1
                    except OSError:
                        pass
            stop.wait(1.0)

    t = threading.Thread(target=trickle, daemon=True)
    t.start()
    time.sleep(1.0)
    lat, failed, first_error = [], 0, None
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    for k in range(n_req):
        t0 = time.perf_counter()
        try:
            conn.request("POST", "/v1/classify", bodies[k % len(bodies)],
                         {"Content-Type": "application/json"})
            r = conn.getresponse()
            body = r.read()
            ok = r.status == 200
            if not ok and first_error is None:
                first_error = f"{r.status} {body[:200]!r}"
        except (OSError, http.client.HTTPException) as e:
            ok = False
            first_error = first_error or repr(e)
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        dt = (time.perf_counter() - t0) * 1000
        if ok:
            lat.append(dt)
        else:
            failed += 1
    stop.set()
    t.join()
    for s in slow:
        s.close()
    lat.sort()
    pct = lambda p: round(lat[min(len(lat) - 1, int(p * len(lat)))], 1) if lat else None
    print(json.dumps({"slow_connections": n_slow, "reopened_by_deadlines": reopened[0],
                      "requests": n_req, "answered": len(lat), "failed": failed,
                      "p50_ms": pct(0.5), "p99_ms": pct(0.99), "max_ms": round(lat[-1], 1) if lat else None,
                      "first_error": first_error}))


if __name__ == "__main__":
    main()
