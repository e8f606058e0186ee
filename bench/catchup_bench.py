#!/usr/bin/python3
"""Catch-up of a new node: build a catalog of --entries playlists on a 3-node
cluster (POST /api/v1/playlists by wrk, 32 keep-alive clients on the leader:
each request is one Raft entry and one catalog row), then start a 4th node
with --join and time until its applied index reaches the leader's commit
index. Driven by bench/catchup_bench.sh.
"""
import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import raft_cluster as rc  # noqa: E402


def playlists(node):
    st, body = rc.req("GET", node.port, "/metrics", timeout=10)
    m = re.search(rb"^dispotify_catalog_playlists (\d+)", body, re.M)
    return int(m.group(1)) if m else -1


def du_mb(path):
    out = subprocess.run(["du", "-sm", path], capture_output=True, text=True).stdout.split()
    return int(out[0]) if out else -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--entries", type=int, default=100000)
    ap.add_argument("--conns", type=int, default=32)
    ap.add_argument("--snapshot-interval", type=int, default=0, help="0 = the product default (20000)")
    ap.add_argument("--build-limit-s", type=int, default=1800)
    a = ap.parse_args()

    root = os.path.join(a.tmp, "catchup")
    os.makedirs(root)
    cluster = rc.DspCluster(a.binary, root, 3, snapshot_interval=a.snapshot_interval or None)
    try:
        cluster.start()
        leader = cluster.leader()
        # --- build the catalog ------------------------------------------------------
        t_build = time.monotonic()
        args = ["create", "-", cluster.token, 40]
        have = playlists(leader)
        chunks = []
        while have < a.entries and time.monotonic() - t_build < a.build_limit_s:
            left = a.entries - have
            rate = chunks[-1]["writes_per_s"] if chunks else 1000
            secs = 3 if not chunks else max(2, min(15, int(left / max(rate, 1)) + 1))
            leader = cluster.leader(timeout=30)
            r = rc.run_wrk([(leader.port, a.conns)], secs, args, a.tmp)
            chunks.append(r)
            have = playlists(leader)
            print("  build: +%d writes in %d s (%.0f/s, %d errors) -> %d playlists" % (
                r["ok"], secs, r["writes_per_s"], r["bad"], have), flush=True)
        build_s = time.monotonic() - t_build
        cluster.wait_caught_up(timeout=300)
        leader = cluster.leader()
        ls = leader.status()
        print("built %d playlists in %.0f s (%.0f writes/s incl. checks); leader commit_index %d, snapshot_index %d; "
              "leader data dir %d MB (raft/ %d MB)" % (
                  have, build_s, have / build_s, ls["commit_index"], ls["snapshot_index"],
                  du_mb(leader.data), du_mb(os.path.join(leader.data, "raft"))), flush=True)
        if have < a.entries:
            print("NOTE: stopped at %d of %d entries (build limit %d s)" % (have, a.entries, a.build_limit_s))
        time.sleep(2)

        # --- the new node ---------------------------------------------------------------
        t0 = time.monotonic()
        new = cluster.add_node("n3", wait=False)
        t_ready = t_caught = t_voter = None
        snap = None
        target = None
        while time.monotonic() - t0 < 600:
            now = time.monotonic()
            if t_ready is None:
                try:
                    if rc.req("GET", new.port, "/readyz", timeout=1)[0] == 200:
                        t_ready = now
                except OSError:
                    pass
            try:
                s = new.status(timeout=1)
                lead = leader.status(timeout=1)
            except (OSError, ValueError):
                time.sleep(0.02)
                continue
            if snap is None or s["snapshot_index"] > (snap or 0):
                snap = s["snapshot_index"]
            if t_caught is None and s["applied_index"] > 0 and s["applied_index"] >= lead["commit_index"]:
                t_caught = now
                target = lead["commit_index"]
            if t_voter is None and s["node_id"] in lead["voters"]:
                t_voter = now
            if t_caught is not None and t_voter is not None:
                break
            time.sleep(0.02)
        s = new.status()
        n_new = playlists(new)
        print()
        print("| catalog | entries (commit index) | leader snapshot_index | new node: ready s | caught up s | voter s | "
              "new node snapshot_index | replayed after snapshot | playlists on new node | new node data MB |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        f = lambda t: "%.2f" % (t - t0) if t is not None else "not within 600 s"  # noqa: E731
        print("| %d playlists | %s | %d | %s | %s | %s | %d | %s | %d | %d |" % (
            have, target if target is not None else ls["commit_index"], ls["snapshot_index"], f(t_ready), f(t_caught),
            f(t_voter), s["snapshot_index"],
            (target - s["snapshot_index"]) if target is not None else "?", n_new, du_mb(new.data)))
        how = ("snapshot transfer (snapshot_index %d) + log replay of the rest" % s["snapshot_index"]
               if s["snapshot_index"] > 0 else "log replay only (no snapshot installed)")
        print("how it caught up: %s" % how)
        print("times from spawning the process; 'caught up' = applied_index >= the leader's commit_index")
    finally:
        cluster.stop()


if __name__ == "__main__":
    try:
        main()
    finally:
        rc.stop_all()
