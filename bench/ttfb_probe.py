#!/usr/bin/python3
"""Time-to-first-byte probe: opens a new connection every INTERVAL seconds,
sends one GET (full file, no Range) for a random path and records the time from
connect() start until the first byte of the response arrives, then closes the
connection without reading the body. Meant to run while another tool loads the
server; prints one JSON line with p50/p90/p99/max in milliseconds.

  ttfb_probe.py HOST PORT PATHS_FILE --duration S [--interval 0.02] [--token T]
"""
import argparse
import json
import random
import socket
import time


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("paths")
    ap.add_argument("--duration", type=float, required=True)
    ap.add_argument("--interval", type=float, default=0.02)
    ap.add_argument("--token")
    ap.add_argument("--timeout", type=float, default=10.0)
    a = ap.parse_args()
    paths = [l.strip() for l in open(a.paths) if l.strip()]
    auth = ("Authorization: Bearer %s\r\n" % a.token) if a.token else ""
    samples, errors = [], 0
    end = time.monotonic() + a.duration
    while time.monotonic() < end:
        req = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\n%sConnection: close\r\n\r\n"
               % (random.choice(paths), a.host, a.port, auth)).encode()
        t0 = time.perf_counter()
        try:
            s = socket.create_connection((a.host, a.port), timeout=a.timeout)
            s.sendall(req)
            b = s.recv(1)
            t1 = time.perf_counter()
            s.close()
            if b:
                samples.append((t1 - t0) * 1000.0)
            else:
                errors += 1
        except OSError:
            errors += 1
        time.sleep(a.interval)
    print(json.dumps({"samples": len(samples), "errors": errors,
                      "p50_ms": pct(samples, 50), "p90_ms": pct(samples, 90),
                      "p99_ms": pct(samples, 99), "max_ms": max(samples) if samples else None}))


if __name__ == "__main__":
    main()
