#!/usr/bin/python3
"""The multi-host test bed under load, longer than the tests (issue 8):
every node in its own network namespace (tests/cluster/netns.py), nodes
advertising DNS names, links delayed with tc netem when the kernel has it.
Driven by bench/multihost_bench.sh.

Two scenarios, each with writers (playlist creations through random nodes,
retried on other nodes for up to --retry-budget s) and a player (a 12 MB
track at 1 MB/s, resumed on the next node with a Range request):

- rolling: --rounds rounds of restarting every node of a 5-node cluster in
  turn (SIGTERM, start, wait for /readyz?caught_up=1), as an orchestrator
  rolls an update;
- host-loss: a 5-node cluster loses one host (link down), then a second,
  then gets both back; per phase, write availability and latency, and the
  time until every node has applied the same index again.

Prints one line per measure; exits 1 if a write failed beyond its budget,
an acknowledged write is missing, or a play was wrong or cut.
"""
import argparse
from pathlib import Path
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "cluster"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))

import requests  # noqa: E402

import netns  # noqa: E402
from helpers import write_big_wav  # noqa: E402
from load_clients import Player, Writer  # noqa: E402
from netns_cluster import NetCluster, playlist_names  # noqa: E402


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100.0 * len(values)))]


def start_load(c, token, track_id, writers, budget_s):
    ws = [Writer(c, token, "w%d" % i, retry_budget_s=budget_s) for i in range(writers)]
    player = Player(c, token, track_id, stall_give_up_s=60)
    for t in ws + [player]:
        t.start()
    return ws, player


def stop_load(ws, player, budget_s):
    for t in ws + [player]:
        t.stopping.set()
    for w in ws:
        w.join(timeout=budget_s + 5)
    player.join(timeout=60)


def report_load(name, c, token, ws, player, track_hash):
    ok = True
    acknowledged = [n for w in ws for n in w.acknowledged]
    failed = [n for w in ws for n in w.failed]
    latencies = [s for w in ws for s in w.latencies_s]
    c.wait_applied_equal(timeout=60)
    missing = set()
    for n in c.running():
        missing |= set(acknowledged) - set(playlist_names(n, token, stale=True))
    print("%s: writes acknowledged %d, failed beyond budget %d, missing after %d" % (
        name, len(acknowledged), len(failed), len(missing)))
    print("%s: write latency (retries included) p50 %.3f s, p99 %.3f s, max %.3f s" % (
        name, percentile(latencies, 50), percentile(latencies, 99), max(latencies or [0])))
    wrong = [p for p in player.plays if p != track_hash]
    print("%s: plays complete %d (wrong %d), resumes %d, longest stall %.2f s" % (
        name, len(player.plays), len(wrong), player.resumes, player.stall_max_s))
    if failed or missing or wrong or not player.plays:
        ok = False
    return ok


def wait_caught_up_ready(node, timeout_s=60):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        try:
            if requests.get(node.url("/readyz"), params={"caught_up": "1"}, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError("%s did not catch up" % node.name)


def make_cluster(tmp, size, delay_ms):
    net = netns.Network()
    c = NetCluster(Path(tmp), size, net, by_name=True)
    if delay_ms and netns.netem_unavailable_reason() is None:
        for h in net.hosts:
            net.delay(h, delay_ms, jitter_ms=delay_ms / 5.0)
        print("links: netem delay %g ms each way" % delay_ms)
    else:
        print("links: no added delay (%s)" % (netns.netem_unavailable_reason() or "--delay-ms 0"))
    c.start()
    return net, c


def upload_track(c, tmp):
    data = write_big_wav(Path(tmp) / "song.wav", 12 << 20).read_bytes()
    r = c.nodes[0].upload(data, "bench.wav", token=c.token, timeout=120)
    assert r.status_code == 201, r.text
    c.wait_applied_equal(timeout=60)
    return r.json()


def rolling(args):
    net, c = make_cluster(os.path.join(args.tmp, "rolling"), 5, args.delay_ms)
    try:
        track = upload_track(c, args.tmp)
        ws, player = start_load(c, c.token, track["id"], args.writers, args.retry_budget)
        started = time.time()
        restarts = []
        for _round in range(args.rounds):
            for node in c.nodes:
                t0 = time.time()
                node.stop()
                t1 = time.time()
                node.start()
                t2 = time.time()
                wait_caught_up_ready(node)
                t3 = time.time()
                restarts.append(t3 - t0)
                print("rolling: %s stop %.2f s, start to /readyz %.2f s, to caught up %.2f s" % (
                    node.name, t1 - t0, t2 - t1, t3 - t2))
        took = time.time() - started
        stop_load(ws, player, args.retry_budget)
        print("rolling: %d restarts in %.1f s; stop to caught up: median %.2f s, max %.2f s" % (
            len(restarts), took, percentile(restarts, 50), max(restarts)))
        return report_load("rolling", c, c.token, ws, player, track["content_hash"])
    finally:
        c.kill_all()
        net.close()


def host_loss(args):
    net, c = make_cluster(os.path.join(args.tmp, "loss"), 5, args.delay_ms)
    try:
        track = upload_track(c, args.tmp)
        ws, player = start_load(c, c.token, track["id"], args.writers, args.retry_budget)
        time.sleep(args.phase_s)
        lost = [c.followers()[0], c.leader()]  # a follower first, then the leader
        for i, node in enumerate(lost):
            before = sum(len(w.acknowledged) for w in ws)
            t0 = time.time()
            net.unplug(node)
            time.sleep(args.phase_s)
            after = sum(len(w.acknowledged) for w in ws)
            print("host-loss: %d host(s) down: %d writes acknowledged in %.0f s" % (
                i + 1, after - before, time.time() - t0))
        t0 = time.time()
        for node in lost:
            net.plug(node)
        # Every node, the returned ones included, applies the same index.
        c.wait_applied_equal(timeout=120)
        print("host-loss: both hosts back: every node at the same applied index in %.2f s" % (time.time() - t0))
        stop_load(ws, player, args.retry_budget)
        return report_load("host-loss", c, c.token, ws, player, track["content_hash"])
    finally:
        c.kill_all()
        net.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--phase-s", type=float, default=20)
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--retry-budget", type=float, default=10)
    ap.add_argument("--delay-ms", type=float, default=2)
    ap.add_argument("--scenario", choices=["rolling", "host-loss", "all"], default="all")
    args = ap.parse_args()
    reason = netns.unavailable_reason()
    if reason:
        print("skipped: %s" % reason)
        return 0
    ok = True
    if args.scenario in ("rolling", "all"):
        ok = rolling(args) and ok
    if args.scenario in ("host-loss", "all"):
        ok = host_loss(args) and ok
    print("result: %s" % ("ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
