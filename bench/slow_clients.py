#!/usr/bin/python3
"""Holds N streaming responses in flight with slow readers, and samples the
server's memory while they are open.

Each connection has a small receive buffer, sends one GET for a random path
(a whole multi-MB file) and then reads only --read-bytes every --read-every
seconds, so the server has N responses in flight that it cannot finish. After
all connections have received their response head (or --setup-timeout), the
server's VmRSS/VmHWM/threads/fds are sampled every second for --hold seconds.

  slow_clients.py HOST PORT PATHS_FILE --pid SERVER_PID --conns 1000 --hold 10 [--token T]
Prints one JSON line.
"""
import argparse
import asyncio
import json
import os
import random
import socket
import time


def proc_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "Threads"):
                out[k] = int(v.split()[0])
    out["fds"] = len(os.listdir("/proc/%d/fd" % pid))
    return out


async def client(a, paths, auth, state, stop):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
    s.setblocking(False)
    try:
        await asyncio.get_running_loop().sock_connect(s, (a.host, a.port))
        reader, writer = await asyncio.open_connection(sock=s, limit=a.read_bytes * 4)
        writer.write(("GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n" % (random.choice(paths), a.host, auth)).encode())
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=a.setup_timeout)
        status = head.split(b" ", 2)[1]
        state["heads"] += 1
        state["status"][status.decode()] = state["status"].get(status.decode(), 0) + 1
        got = 0
        while not stop.is_set():
            chunk = await reader.read(a.read_bytes)
            if not chunk:
                state["eof"] += 1
                break
            got += len(chunk)
            try:
                await asyncio.wait_for(stop.wait(), timeout=a.read_every)
            except asyncio.TimeoutError:
                pass
        state["body_bytes"] += got
        writer.close()
    except Exception as e:  # noqa: BLE001 - counted and reported
        state["errors"] += 1
        state["error_kinds"][type(e).__name__] = state["error_kinds"].get(type(e).__name__, 0) + 1
        s.close()


async def main_async(a):
    paths = [l.strip() for l in open(a.paths) if l.strip()]
    auth = ("Authorization: Bearer %s\r\n" % a.token) if a.token else ""
    state = {"heads": 0, "eof": 0, "errors": 0, "body_bytes": 0, "status": {}, "error_kinds": {}}
    stop = asyncio.Event()
    before = proc_status(a.pid)
    tasks = []
    t0 = time.monotonic()
    for i in range(a.conns):
        tasks.append(asyncio.create_task(client(a, paths, auth, state, stop)))
        if i % 50 == 49:
            await asyncio.sleep(0.01)  # do not overflow the listen backlog
    while state["heads"] + state["errors"] < a.conns and time.monotonic() - t0 < a.setup_timeout:
        await asyncio.sleep(0.1)
    setup_s = time.monotonic() - t0
    samples = []
    for _ in range(int(a.hold)):
        await asyncio.sleep(1)
        samples.append(proc_status(a.pid))
    in_flight = state["heads"] - state["eof"]
    stop.set()
    await asyncio.wait(tasks, timeout=30)
    print(json.dumps({"conns": a.conns, "heads": state["heads"], "in_flight_at_sample": in_flight,
                      "errors": state["errors"], "error_kinds": state["error_kinds"], "status": state["status"],
                      "setup_s": round(setup_s, 2), "before": before,
                      "max_rss_kb": max(s["VmRSS"] for s in samples) if samples else None,
                      "last": samples[-1] if samples else None,
                      "client_body_bytes": state["body_bytes"]}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("paths")
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--conns", type=int, default=1000)
    ap.add_argument("--hold", type=float, default=10)
    ap.add_argument("--token")
    ap.add_argument("--rcvbuf", type=int, default=4096)
    ap.add_argument("--read-bytes", type=int, default=1024)
    ap.add_argument("--read-every", type=float, default=1.0)
    ap.add_argument("--setup-timeout", type=float, default=60)
    asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    main()
