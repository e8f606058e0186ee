#!/usr/bin/python3
"""Time to the first audio byte of a transcoded stream: for each source track
and output format, TRIALS requests of GET /api/v1/tracks/ID/stream with
format=F and a distinct time_offset each (a distinct transcode, never one
the cache holds), timed from connect() until the first byte of the body; then
the same for a finished transcode the cache holds. Prints one JSON line per
(source, format, kind) with p50/p90/max in milliseconds.

  transcode_ttfb.py HOST PORT TOKEN --track NAME=ID ... [--trials 20]
"""
import argparse
import json
import socket
import time


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def first_body_byte_ms(host, port, token, path, read_all=False):
    """Milliseconds from connect() to the first body byte; with read_all,
    also reads the rest (so that the server finishes and caches it)."""
    request = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n"
               % (path, host, port, token)).encode()
    t0 = time.perf_counter()
    s = socket.create_connection((host, port), timeout=30)
    try:
        s.sendall(request)
        seen = b""
        while b"\r\n\r\n" not in seen:
            chunk = s.recv(65536)
            if not chunk:
                raise RuntimeError("connection closed before the body of " + path)
            seen += chunk
        head, body = seen.split(b"\r\n\r\n", 1)
        status = head.split(b" ", 2)[1]
        if status not in (b"200", b"206"):
            raise RuntimeError("%s answered %s" % (path, head[:200]))
        while not body:
            body = s.recv(65536)
            if not body:
                raise RuntimeError("empty body from " + path)
        elapsed = (time.perf_counter() - t0) * 1000.0
        while read_all and s.recv(1 << 20):
            pass
        return elapsed
    finally:
        s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("token")
    ap.add_argument("--track", action="append", required=True, help="NAME=ID")
    ap.add_argument("--formats", default="mp3,opus,aac")
    ap.add_argument("--trials", type=int, default=20)
    a = ap.parse_args()
    for spec in a.track:
        name, track_id = spec.split("=", 1)
        for fmt in a.formats.split(","):
            base = "/api/v1/tracks/%s/stream?format=%s&max_bitrate=128" % (track_id, fmt)
            cold = [first_body_byte_ms(a.host, a.port, a.token, base + "&time_offset=%d" % (i + 1))
                    for i in range(a.trials)]
            first_body_byte_ms(a.host, a.port, a.token, base, read_all=True)  # fills the cache
            time.sleep(0.5)  # the finished file is committed after the response ends
            cached = [first_body_byte_ms(a.host, a.port, a.token, base) for _ in range(a.trials)]
            for kind, xs in (("new transcode", cold), ("cached", cached)):
                print(json.dumps({"source": name, "format": fmt, "kind": kind, "trials": len(xs),
                                  "p50_ms": round(pct(xs, 50), 1), "p90_ms": round(pct(xs, 90), 1),
                                  "max_ms": round(max(xs), 1)}), flush=True)


if __name__ == "__main__":
    main()
