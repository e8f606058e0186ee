#!/usr/bin/python3
"""Leader failover: kill -9 the leader of a 3-node cluster, time until the first
successful (2xx) write answered by another node. Driven by bench/failover_bench.sh.

Per trial: wait for an agreed leader and every node caught up; pick the
leader; start one prober thread per surviving node, each blocked on a barrier;
SIGKILL the leader, release the probers. Each prober sends PATCH
/api/v1/playlists/{id} on a fresh connection (timeout 5 s) and, on any error
or non-2xx, retries after --retry-ms. The failover time is from just before
the kill(2) to the end of the first 2xx response. Then the killed node is
restarted with the same data dir and ports and the next trial waits until it
has caught up.
"""
import argparse
import http.client
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import raft_cluster as rc  # noqa: E402


def probe(node, path, headers, barrier, stop, out, retry_s):
    attempts = 0
    barrier.wait()
    while not stop.is_set():
        attempts += 1
        try:
            c = http.client.HTTPConnection("127.0.0.1", node.port, timeout=5)
            c.request("PATCH", path, body=json.dumps({"name": "failover"}), headers=headers)
            r = c.getresponse()
            r.read()
            c.close()
            if 200 <= r.status < 300:
                out.append((time.monotonic(), node.name, attempts))
                stop.set()
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(retry_s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--election-timeout", type=int, default=0, help="0 = the product default")
    ap.add_argument("--retry-ms", type=float, default=5)
    ap.add_argument("--pause", type=float, default=1.0, help="seconds of calm before each kill")
    a = ap.parse_args()

    root = os.path.join(a.tmp, "failover-et%d" % a.election_timeout)
    os.makedirs(root)
    cluster = rc.DspCluster(a.binary, root, 3, election_timeout=a.election_timeout or None)
    results = []
    try:
        cluster.start()
        pid = cluster.create_playlists(1)[0]
        path = "/api/v1/playlists/%s" % pid
        headers = dict(cluster.auth(), **{"Content-Type": "application/json"})
        for trial in range(1, a.trials + 1):
            cluster.leader(timeout=30)
            cluster.wait_caught_up(timeout=120)
            time.sleep(a.pause)
            leader = cluster.leader()
            term0 = leader.status()["term"]
            others = [n for n in cluster.nodes if n is not leader and n.running()]
            barrier = threading.Barrier(len(others) + 1)
            stop = threading.Event()
            out = []
            threads = [threading.Thread(target=probe, args=(n, path, headers, barrier, stop, out, a.retry_ms / 1000))
                       for n in others]
            for t in threads:
                t.start()
            t0 = time.monotonic()
            leader.kill9()
            barrier.wait()
            for t in threads:
                t.join(30)
            stop.set()
            if not out:
                print("trial %2d: no successful write within the probes' time" % trial, flush=True)
                results.append(None)
            else:
                t1, who, attempts = min(out)
                ms = (t1 - t0) * 1000
                new_leader = cluster.leader(timeout=30)
                term1 = new_leader.status()["term"]
                results.append(ms)
                print("trial %2d: killed %s (term %d) -> first 2xx write at %s after %.0f ms (%d attempts there); "
                      "new leader %s, term %d" % (trial, leader.name, term0, who, ms, attempts, new_leader.name, term1),
                      flush=True)
            t_restart = time.monotonic()
            leader.start()
            cluster.wait_caught_up(timeout=120)
            print("          restarted %s, caught up in %.2f s" % (leader.name, time.monotonic() - t_restart), flush=True)
    finally:
        cluster.stop()

    ok = sorted(x for x in results if x is not None)
    et = a.election_timeout or 150
    print()
    print("| election timeout | trials | failed | median ms | p90 ms | worst ms | best ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print("| %d ms (randomized to %d)%s | %d | %d | %.0f | %.0f | %.0f | %.0f |" % (
        et, 2 * et, " (default)" if not a.election_timeout else "", len(results), len(results) - len(ok),
        rc.percentile(ok, 50), rc.percentile(ok, 90), ok[-1] if ok else float("nan"), ok[0] if ok else float("nan")))
    print("all (ms): " + " ".join("%.0f" % x if x is not None else "fail" for x in results))
    if ok:
        goal = rc.percentile(ok, 50) <= 300 and ok[-1] <= 1000 and len(ok) == len(results)
        print("goal (median <= 300 ms, worst <= 1 s): %s" % ("met" if goal else "not met"))


if __name__ == "__main__":
    try:
        main()
    finally:
        rc.stop_all()
