#!/usr/bin/python3
"""Request latency client: C threads, each with one keep-alive connection,
sends GETs from a list (kind<TAB>path lines) round-robin from a random start
until --requests in total have completed; records the time of each request
from send to the last byte of the body. Prints one JSON line with overall and
per-kind p50/p90/p99/max in milliseconds and the status counts.

  http_latency.py HOST PORT PATHS_FILE --conns 1 --requests 2000 [--token T] [--warmup 50]
"""
import argparse
import http.client
import json
import random
import threading
import time


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))], 3)


def stats(xs):
    return {"n": len(xs), "p50_ms": pct(xs, 50), "p90_ms": pct(xs, 90), "p99_ms": pct(xs, 99),
            "max_ms": round(max(xs), 3) if xs else None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("paths")
    ap.add_argument("--conns", type=int, default=1)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--token")
    ap.add_argument("--timeout", type=float, default=30)
    a = ap.parse_args()
    items = []
    for line in open(a.paths, encoding="utf-8"):
        line = line.rstrip("\n")
        if line:
            kind, _, path = line.partition("\t")
            items.append((kind, path))
    headers = {"Authorization": "Bearer " + a.token} if a.token else {}
    lock = threading.Lock()
    results = []  # (kind, ms)
    status = {}
    budget = [a.requests]
    errors = [0]

    def worker(seed):
        rng = random.Random(seed)
        i = rng.randrange(len(items))
        conn = http.client.HTTPConnection(a.host, a.port, timeout=a.timeout)
        for _ in range(a.warmup):
            kind, path = items[i % len(items)]
            i += 1
            conn.request("GET", path, headers=headers)
            conn.getresponse().read()
        while True:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            kind, path = items[i % len(items)]
            i += 1
            try:
                t0 = time.perf_counter()
                conn.request("GET", path, headers=headers)
                r = conn.getresponse()
                r.read()
                ms = (time.perf_counter() - t0) * 1000.0
            except (OSError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection(a.host, a.port, timeout=a.timeout)
                continue
            with lock:
                results.append((kind, ms))
                status[r.status] = status.get(r.status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(a.conns)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    kinds = sorted({k for k, _ in results})
    print(json.dumps({"conns": a.conns, "requests": len(results), "errors": errors[0],
                      "req_per_s": round(len(results) / wall, 1), "status": status,
                      "all": stats([ms for _, ms in results]),
                      "by_kind": {k: stats([ms for kk, ms in results if kk == k]) for k in kinds}}))


if __name__ == "__main__":
    main()
