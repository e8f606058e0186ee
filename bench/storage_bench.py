"""Replicated blob storage benchmarks (issue 5), on local clusters:

 1. upload: one large WAV uploaded to a 3-node cluster at R=3/W=2 (every
    node writes a copy) against three local copies of the same file with
    cp and one sync;
 2. stream: the file read through a node that holds no copy (proxied from
    a holder) against a read of the same file on the local disk;
 3. re-replication: a 4-node cluster at R=2 holding ~1 GB; one node that
    holds copies is removed; time until no blob is under-replicated.

All nodes share this machine's one disk and two cores, so the ratios are
what this box can show, not a network deployment.
Standard library only (/usr/bin/python3).
"""
import argparse
import http.client
import json
import os
import shutil
import subprocess
import time

import raft_cluster as rc

CHUNK = 1 << 20


def make_wav(path, seconds, freq):
    subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "sine=frequency=%d:sample_rate=44100:duration=%d" % (freq, seconds), "-ac", "2",
                    "-c:a", "pcm_s16le", path], check=True, timeout=600)
    return os.path.getsize(path)


def upload(node, token, path, timeout=600):
    """POST the file as a raw body, streamed from disk; -> (status, track, seconds)."""
    size = os.path.getsize(path)
    c = http.client.HTTPConnection("127.0.0.1", node.port, timeout=timeout)
    start = time.monotonic()
    with open(path, "rb") as f:
        c.putrequest("POST", "/api/v1/tracks?filename=%s" % os.path.basename(path))
        c.putheader("Authorization", "Bearer " + token)
        c.putheader("Content-Type", "application/octet-stream")
        c.putheader("Content-Length", str(size))
        c.endheaders()
        while True:
            block = f.read(CHUNK)
            if not block:
                break
            c.send(block)
    r = c.getresponse()
    body = r.read()
    elapsed = time.monotonic() - start
    c.close()
    return r.status, (json.loads(body) if r.status in (200, 201) else body[:300]), elapsed


def stream(node, token, track_id, timeout=600):
    c = http.client.HTTPConnection("127.0.0.1", node.port, timeout=timeout)
    start = time.monotonic()
    c.request("GET", "/api/v1/tracks/%s/stream" % track_id, headers={"Authorization": "Bearer " + token})
    r = c.getresponse()
    n = 0
    while True:
        block = r.read(CHUNK)
        if not block:
            break
        n += len(block)
    elapsed = time.monotonic() - start
    c.close()
    return r.status, n, elapsed


def drop_caches():
    try:
        subprocess.run(["sync"], check=True)
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def mbps(size, seconds):
    return size / seconds / 1e6


def holders(cluster, content_hash):
    return [n for n in cluster.nodes
            if os.path.exists(os.path.join(n.data, "blobs", "sha256", content_hash[:2], content_hash))]


def copy_three(wav, base):
    """Three local copies of the file and one sync, from cold caches; -> seconds."""
    os.makedirs(base)
    drop_caches()
    start = time.monotonic()
    for i in range(3):
        shutil.copyfile(wav, os.path.join(base, "copy%d" % i))
    subprocess.run(["sync"], check=True)
    took = time.monotonic() - start
    shutil.rmtree(base)
    return took


def upload_once(binary, tmp, wav):
    """One upload to a fresh 3-node cluster at R=3/W=2; -> seconds."""
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    os.makedirs(tmp)
    cluster = rc.DspCluster(binary, tmp, size=3,
                            extra=["--max-upload-size", "4GiB", "--scrub-interval", "86400"]).start()
    try:
        drop_caches()
        status, track, took = upload(cluster.nodes[0], cluster.token, wav)
        assert status == 201, (status, track)
        return took
    finally:
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def bench_upload(binary, tmp, wav, size, runs, baseline=None):
    """`baseline`: another binary whose upload runs right after each one of
    `binary`, against the same cp + sync, for an A/B on a busy machine."""
    print("## 1. upload at R=3/W=2 against three local copies (cp + sync)")
    for run in range(runs):
        cp_s = copy_three(wav, os.path.join(tmp, "cp"))
        print("three local copies: %.2f s, %.0f MB/s of file" % (cp_s, mbps(size, cp_s)))
        tried = [("upload through n0", binary)]
        if baseline:
            tried.append(("baseline upload through n0", baseline))
            if run % 2:
                tried.reverse()
        for label, exe in tried:
            up_s = upload_once(exe, os.path.join(tmp, "r3"), wav)
            print("%s: %.2f s, %.0f MB/s  -> %.2f of cp+sync (load %s)"
                  % (label, up_s, mbps(size, up_s), cp_s / up_s, open("/proc/loadavg").read().split()[0]))


def bench_stream(binary, tmp, wav, size):
    print("\n## 2. streaming through a node without a copy against a local read")
    os.makedirs(os.path.join(tmp, "r2"))
    cluster = rc.DspCluster(binary, os.path.join(tmp, "r2"), size=3,
                            extra=["--max-upload-size", "4GiB", "--replication-factor", "2",
                                   "--scrub-interval", "86400"]).start()
    try:
        token = cluster.token
        status, track, _ = upload(cluster.nodes[0], token, wav)
        assert status == 201, (status, track)
        have = holders(cluster, track["content_hash"])
        (proxy,) = [n for n in cluster.nodes if n not in have]
        holder = have[0]
        blob = os.path.join(holder.data, "blobs", "sha256", track["content_hash"][:2], track["content_hash"])
        for label, warm in (("cold (caches dropped)", False), ("warm (page cache)", True)):
            if not warm:
                drop_caches()
            start = time.monotonic()
            with open(blob, "rb") as f:
                while f.read(CHUNK):
                    pass
            local_s = time.monotonic() - start
            if not warm:
                drop_caches()
            st, n, proxy_s = stream(proxy, token, track["id"])
            assert st == 200 and n == size, (st, n)
            st, n, holder_s = stream(holder, token, track["id"])
            assert st == 200 and n == size, (st, n)
            print("%s: local read %.0f MB/s, from the holder %.0f MB/s, through the non-holder %.0f MB/s "
                  "-> %.2f of the local read" % (label, mbps(size, local_s), mbps(size, holder_s),
                                                 mbps(size, proxy_s), local_s / proxy_s))
    finally:
        cluster.stop()


def bench_rereplication(binary, tmp, total_bytes):
    print("\n## 3. re-replicating after a node is removed (R=2, 4 nodes)")
    os.makedirs(os.path.join(tmp, "rr"))
    cluster = rc.DspCluster(binary, os.path.join(tmp, "rr"), size=4,
                            extra=["--max-upload-size", "4GiB", "--replication-factor", "2",
                                   "--rebalance-rate", "4GiB", "--scrub-interval", "86400"]).start()
    try:
        token = cluster.token
        files = max(1, total_bytes // (64 << 20))
        tracks = []
        for i in range(files):
            path = os.path.join(tmp, "rr%d.wav" % i)
            make_wav(path, 380, 200 + 10 * i)  # about 67 MB
            status, track, _ = upload(cluster.nodes[i % 4], token, path)
            assert status == 201, (status, track)
            tracks.append(track)
            os.unlink(path)
        stored = sum(t["size_bytes"] for t in tracks)
        victim = cluster.nodes[3]
        lost = [t for t in tracks if victim in holders(cluster, t["content_hash"])]
        lost_bytes = sum(t["size_bytes"] for t in lost)
        st, body = rc.peer_req(victim.data, victim.peer_port, "/peer/v1/status")
        victim_id = json.loads(body)["node_id"]
        start = time.monotonic()
        st, body = rc.req("POST", cluster.nodes[0].port, "/api/v1/cluster/remove", {"node_id": victim_id},
                          headers=cluster.auth(), timeout=30)
        assert st in (200, 204), (st, body)
        victim.stop()

        def healed():
            st, body = rc.req("GET", cluster.nodes[0].port, "/api/v1/cluster", headers=cluster.auth(), timeout=10)
            s = json.loads(body)["storage"]
            return st == 200 and s["under_replicated"] == 0 and s["repair_tasks"] == 0
        rc.wait_until(healed, 600, "no blob under-replicated", interval=0.1)
        took = time.monotonic() - start
        print("%d MB stored in %d files; the removed node held %d MB of copies; back at R=2 after %.2f s "
              "(%.0f MB/s re-replicated)" % (stored / 1e6, len(tracks), lost_bytes / 1e6, took,
                                             lost_bytes / took / 1e6))
    finally:
        cluster.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--file-mb", type=int, default=512)
    ap.add_argument("--rereplicate-mb", type=int, default=1024)
    ap.add_argument("--upload-only", action="store_true", help="section 1 only")
    ap.add_argument("--runs", type=int, default=1, help="alternating cp+sync / upload pairs in section 1")
    ap.add_argument("--baseline-binary", help="section 1 also uploads with this binary, alternating")
    args = ap.parse_args()
    wav = os.path.join(args.tmp, "big.wav")
    seconds = max(10, int(args.file_mb * 1e6 / 176400))
    size = make_wav(wav, seconds, 440)
    print("file: %.0f MB WAV" % (size / 1e6))
    try:
        bench_upload(args.binary, args.tmp, wav, size, args.runs, args.baseline_binary)
        if args.upload_only:
            return
        bench_stream(args.binary, args.tmp, wav, size)
        os.unlink(wav)
        bench_rereplication(args.binary, args.tmp, args.rereplicate_mb << 20)
    finally:
        rc.stop_all()


if __name__ == "__main__":
    main()
