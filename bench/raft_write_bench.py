#!/usr/bin/python3
"""Replicated write throughput and latency: a 3-node Dispotify cluster vs a
3-member etcd 3.4 cluster, both on loopback, both fsyncing, driven by wrk
(bench/wrk_raft_writes.lua) with the same client counts, interleaved in one run.
Driven by bench/raft_write_bench.sh (see there for the options).
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import raft_cluster as rc  # noqa: E402

# A rename_playlist entry is 162 bytes + the name: "D1", u8 length, a 32-char
# request id, then {"v":1,"type":"rename_playlist","playlist_id":16 hex,
# "actor_id":16 hex,"name":NAME,"at_ms":13 digits}.
DSP_ENTRY_FIXED = 162
ETCD_KEY_BYTES = len("bench/k/000001")


def cpu_seconds(pids):
    tck = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
            total += int(f[11]) + int(f[12])
        except OSError:
            pass
    return total / tck


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--conns", default="16 64 256")
    ap.add_argument("--duration", type=int, default=12)
    ap.add_argument("--modes", default="spread leader")
    ap.add_argument("--entry-bytes", type=int, default=256)
    ap.add_argument("--playlists", type=int, default=256)
    ap.add_argument("--strace-seconds", type=int, default=4)
    ap.add_argument("--peer-tls", choices=["on", "off"], default="on")
    ap.add_argument("--json-out")
    a = ap.parse_args()
    conns = [int(c) for c in a.conns.split()]
    modes = a.modes.split()
    name_bytes = a.entry_bytes - DSP_ENTRY_FIXED
    value_bytes = a.entry_bytes - ETCD_KEY_BYTES
    assert name_bytes >= 1 and name_bytes <= 200, "playlist names are 1..200 bytes"

    dsp = rc.DspCluster(a.binary, os.path.join(a.tmp, "dsp"), extra=["--peer-tls", a.peer_tls])
    os.makedirs(os.path.join(a.tmp, "dsp"))
    etcd = rc.EtcdCluster(os.path.join(a.tmp, "etcd"))
    os.makedirs(os.path.join(a.tmp, "etcd"))
    rows = []
    try:
        dsp.start()
        etcd.start()
        ids = dsp.create_playlists(a.playlists)
        ids_file = os.path.join(a.tmp, "playlist-ids")
        with open(ids_file, "w") as f:
            f.write("\n".join(ids) + "\n")
        dsp_args = ["dispotify", ids_file, dsp.token, name_bytes]
        etcd_args = ["etcd", a.playlists, value_bytes]
        print("dispotify: 3 nodes, --peer-tls %s, PATCH /api/v1/playlists/{id} (rename; %d playlists), "
              "Raft entry data %d bytes" % (a.peer_tls, a.playlists, DSP_ENTRY_FIXED + name_bytes))
        print("etcd %s: 3 members, POST /v3/kv/put via the HTTP/JSON gateway, %d keys, key %d + value %d = %d bytes"
              % (etcd_version(), a.playlists, ETCD_KEY_BYTES, value_bytes, ETCD_KEY_BYTES + value_bytes))
        dsp_pids = lambda: [n.proc.pid for n in dsp.nodes if n.running()]  # noqa: E731
        etcd_pids = lambda: [m["proc"].pid for m in etcd.members]  # noqa: E731

        def targets(system, mode, c):
            if system == "dispotify":
                ports = [dsp.leader().port] if mode == "leader" else [n.port for n in dsp.nodes]
            else:
                ports = [etcd.leader()["client"]] if mode == "leader" else [m["client"] for m in etcd.members]
            return list(zip(ports, rc.split(c, len(ports))))

        def term(system):
            if system == "dispotify":
                return max(n.status()["term"] for n in dsp.running())
            return max(int(etcd.member_status(m)["raftTerm"]) for m in etcd.members)

        def settle(system):
            try:
                if system == "dispotify":
                    dsp.leader(timeout=30)
                    dsp.wait_caught_up(timeout=60)
                else:
                    etcd.leader(timeout=30)
            except RuntimeError as e:
                print("  (%s did not settle: %s)" % (system, e))
            time.sleep(1)

        # Warm-up (connections, page cache, SQLite statements).
        for system, args in (("dispotify", dsp_args), ("etcd", etcd_args)):
            rc.run_wrk(targets(system, "leader", 8), 2, args, a.tmp)
            settle(system)

        for mode in modes:
            for c in conns:
                for system, args, pids in (("dispotify", dsp_args, dsp_pids), ("etcd", etcd_args, etcd_pids)):
                    t = targets(system, mode, c)
                    term0 = term(system)
                    cpu0 = cpu_seconds(pids())
                    r = rc.run_wrk(t, a.duration, args, a.tmp)
                    cpu1 = cpu_seconds(pids())
                    try:
                        elections = term(system) - term0
                    except (OSError, ValueError, KeyError) as e:
                        elections = "? (%s)" % e
                    r.update({"system": system, "mode": mode, "conns": c, "elections": elections,
                              "targets": [p for p, _ in t],
                              "cpu_ms_per_write": 1000.0 * (cpu1 - cpu0) / max(1, r["ok"])})
                    rows.append(r)
                    print("  %-9s %-6s c=%-3d %8.0f writes/s  p50 %7.2f ms  p99 %8.2f ms  max %8.1f ms  "
                          "errors %s  elections %s  server CPU %.2f ms/write  per node %s" % (
                              system, mode, c, r["writes_per_s"], r["p50_ms"], r["p99_ms"], r["max_ms"],
                              r["bad"], elections, r["cpu_ms_per_write"],
                              " ".join("%d:%d" % (x["conns"], x["requests"]) for x in r["per_target"])),
                          flush=True)
                    settle(system)

        # Do both really fsync? strace the leader for a few seconds under load.
        sync = {}
        if a.strace_seconds > 0:
            for system, args in (("dispotify", dsp_args), ("etcd", etcd_args)):
                if system == "dispotify":
                    leader = dsp.leader()
                    pid, port = leader.proc.pid, leader.port
                else:
                    leader = etcd.leader()
                    pid, port = leader["proc"].pid, leader["client"]
                import threading
                box = {}
                th = threading.Thread(target=lambda: box.update(
                    rc.run_wrk([(port, 16)], a.strace_seconds + 3, args, a.tmp)))
                th.start()
                time.sleep(1.5)
                counts = rc.strace_sync_counts(pid, a.strace_seconds)
                th.join()
                sync[system] = counts
                syncs = counts.get("fsync", 0) + counts.get("fdatasync", 0)
                print("  fsync check, %s leader under 16 clients (strace -f -c, %d s; the tracing slows it): %s"
                      " -> %d fsync+fdatasync" % (system, a.strace_seconds, json.dumps(counts), syncs), flush=True)
                settle(system)
    finally:
        dsp.stop()
        etcd.stop()

    print()
    print("| mode | clients | system | writes/s | p50 ms | p99 ms | max ms | errors | elections during run | server CPU ms/write |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| %s | %d | %s | %.0f | %.2f | %.2f | %.1f | %d | %s | %.2f |" % (
            r["mode"], r["conns"], r["system"], r["writes_per_s"], r["p50_ms"], r["p99_ms"], r["max_ms"],
            r["bad"], r["elections"], r["cpu_ms_per_write"]))
    print()
    print("| mode | clients | dispotify/etcd writes/s | dispotify p99 / etcd p99 | goal (>= 2x, p99 no worse) |")
    print("|---|---:|---:|---:|---|")
    for mode in modes:
        for c in conns:
            d = [r for r in rows if r["mode"] == mode and r["conns"] == c and r["system"] == "dispotify"]
            e = [r for r in rows if r["mode"] == mode and r["conns"] == c and r["system"] == "etcd"]
            if not d or not e:
                continue
            d, e = d[0], e[0]
            ratio = d["writes_per_s"] / e["writes_per_s"] if e["writes_per_s"] else float("inf")
            pr = d["p99_ms"] / e["p99_ms"] if e["p99_ms"] else float("inf")
            met = "met" if ratio >= 2 and pr <= 1 and d["bad"] == 0 else "not met"
            print("| %s | %d | %.2f | %.2f | %s |" % (mode, c, ratio, pr, met))
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump(rows, f)


def etcd_version():
    import subprocess
    try:
        out = subprocess.run(["etcd", "--version"], capture_output=True, text=True).stdout
        return out.split()[2]
    except (OSError, IndexError):
        return "?"


if __name__ == "__main__":
    try:
        main()
    finally:
        rc.stop_all()
