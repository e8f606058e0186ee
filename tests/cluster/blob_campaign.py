"""A seeded fault campaign against replicated blob storage (issue 5).

While one thread uploads and another streams, a schedule drawn from one
seed kills and restarts nodes (at most a minority down at once), isolates
a node in its network namespace and heals it, and flips or truncates blob
files on disk (never a second copy of the same blob). Checked throughout:
no stream ever returns wrong bytes. Checked at the end, after healing: no
acknowledged upload is lost, every blob is back at R good copies, and
every node streams every track.

Used by tests/cluster/test_blob_campaign.py (short) and
bench/blob_campaign.sh (long). A failure names its seed; the same seed
replays the same schedule (timing still varies).
"""

import hashlib
import random
import threading
import time

import requests

from helpers import ffmpeg_audio

CAMPAIGN_ARGS = ["--replication-factor", "3", "--write-quorum", "2", "--scrub-interval", "1",
                 "--scrub-rate", "1GiB", "--garbage-grace", "2", "--rereplicate-after", "4"]


def blob_file(node, content_hash):
    return node.data_dir / "blobs" / "sha256" / content_hash[:2] / content_hash


def good_copies(cluster, content_hash):
    count = 0
    for n in cluster.nodes:
        path = blob_file(n, content_hash)
        try:
            if hashlib.sha256(path.read_bytes()).hexdigest() == content_hash:
                count += 1
        except OSError:
            pass
    return count


class Campaign:
    def __init__(self, cluster, seed, tmp_path, log=print):
        self.cluster = cluster
        self.rng = random.Random(seed)
        self.seed = seed
        self.tmp_path = tmp_path
        self.log = log
        self.acked = {}  # track id -> (content hash, bytes)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.wrong = []  # (node, track id, what) for every wrong body
        self.streams_ok = 0
        self.streams_cut = 0
        self.uploads_refused = 0
        self.corrupted = set()
        self.isolated = None
        self.token = cluster.token
        self.audio = [ffmpeg_audio(tmp_path / ("c%d.wav" % i), fmt="wav", seconds=1.0 + 0.1 * i,
                                   freq=200 + 37 * i, tags={"title": "campaign %d" % i}).read_bytes()
                      for i in range(24)]

    def up_nodes(self):
        return [n for n in self.cluster.nodes if n.running()]

    # -- load

    def uploader(self):
        rng = random.Random(self.seed * 7 + 1)
        for data in self.audio:
            if self.stop.is_set():
                return
            node = rng.choice(self.up_nodes())
            try:
                r = node.post("/api/v1/tracks", token=self.token, params={"filename": "c.wav"}, data=data,
                              headers={"Content-Type": "application/octet-stream"}, timeout=15)
            except requests.RequestException:
                continue
            if r.status_code in (200, 201):
                t = r.json()
                assert t["content_hash"] == hashlib.sha256(data).hexdigest()
                with self.lock:
                    self.acked[t["id"]] = (t["content_hash"], data)
            else:
                self.uploads_refused += 1
            time.sleep(0.2)

    def streamer(self):
        rng = random.Random(self.seed * 7 + 2)
        while not self.stop.is_set():
            with self.lock:
                tracks = list(self.acked.items())
            if not tracks:
                time.sleep(0.1)
                continue
            track_id, (content_hash, data) = rng.choice(tracks)
            node = rng.choice(self.up_nodes())
            try:
                r = node.get("/api/v1/tracks/%s/stream" % track_id, token=self.token, timeout=10)
            except requests.RequestException:
                continue
            if r.status_code == 200:
                if len(r.content) < int(r.headers.get("Content-Length", -1)):
                    # Cut short: the client sees a failed download (its
                    # length does not match), as when a disk fails mid-read.
                    self.streams_cut += 1
                elif hashlib.sha256(r.content).hexdigest() != content_hash:
                    self.wrong.append((node.name, track_id, "%d bytes" % len(r.content)))
                else:
                    self.streams_ok += 1

    # -- faults

    def fault(self):
        nodes = self.cluster.nodes
        down = [n for n in nodes if not n.running()]
        choice = self.rng.choice(["kill", "restart", "isolate", "heal", "corrupt", "corrupt"])
        if choice == "kill" and len(down) < (len(nodes) - 1) // 2:
            victim = self.rng.choice([n for n in nodes if n.running()])
            self.log("seed %d: kill %s" % (self.seed, victim.name))
            victim.kill()
        elif choice == "restart" and down:
            node = self.rng.choice(down)
            self.log("seed %d: restart %s" % (self.seed, node.name))
            node.start(wait=False)
        elif choice == "isolate" and self.isolated is None and hasattr(self.cluster, "net"):
            self.isolated = self.rng.choice(nodes)
            self.log("seed %d: isolate %s" % (self.seed, self.isolated.name))
            self.cluster.net.isolate(self.isolated.host)
        elif choice == "heal" and self.isolated is not None:
            self.log("seed %d: heal" % self.seed)
            self.cluster.net.heal()
            self.isolated = None
        elif choice == "corrupt":
            with self.lock:
                candidates = [h for h, _ in self.acked.values() if h not in self.corrupted]
            if not candidates:
                return
            content_hash = self.rng.choice(candidates)
            holders = [n for n in nodes if blob_file(n, content_hash).exists()]
            if not holders:
                return
            node = self.rng.choice(holders)
            self.corrupted.add(content_hash)
            path = blob_file(node, content_hash)
            try:
                with open(path, "r+b") as f:
                    if self.rng.random() < 0.5:
                        f.truncate(self.rng.randrange(1, 4000))
                        what = "truncate"
                    else:
                        f.seek(self.rng.randrange(0, 4000))
                        b = f.read(1)
                        f.seek(f.tell() - 1)
                        f.write(bytes([b[0] ^ 0x5A]))
                        what = "flip"
            except OSError:
                return
            self.log("seed %d: %s a copy of %s on %s" % (self.seed, what, content_hash[:12], node.name))

    # -- the run

    def run(self, steps, step_s=1.0):
        threads = [threading.Thread(target=self.uploader), threading.Thread(target=self.streamer)]
        for t in threads:
            t.start()
        try:
            for _ in range(steps):
                self.fault()
                time.sleep(step_s)
        finally:
            self.stop.set()
            for t in threads:
                t.join()
        self.heal_all()
        self.check_end_state()
        self.log("seed %d: %d uploads acknowledged, %d refused, %d streams checked, %d cut short, "
                 "%d copies damaged" % (self.seed, len(self.acked), self.uploads_refused, self.streams_ok,
                                        self.streams_cut, len(self.corrupted)))

    def heal_all(self):
        if hasattr(self.cluster, "net"):
            self.cluster.net.heal()
        for n in self.cluster.nodes:
            if not n.running():
                n.start(wait=False)
        for n in self.cluster.nodes:
            assert n.wait_ready(timeout=60), "seed %d: %s did not come back" % (self.seed, n.name)
        self.cluster.leader(timeout=30)

    def check_end_state(self):
        assert not self.wrong, "seed %d: wrong bytes served: %r" % (self.seed, self.wrong)
        assert self.acked, "seed %d: no upload was acknowledged at all" % self.seed
        self.cluster.wait_applied_equal(timeout=30)
        token = self.cluster.nodes[0].login("admin", self.cluster.nodes[0].admin_password)
        self.cluster.wait(lambda: all(good_copies(self.cluster, h) >= 3 for h, _ in self.acked.values()),
                          90, "seed %d: every acknowledged blob back at 3 good copies" % self.seed)
        for track_id, (content_hash, data) in self.acked.items():
            for n in self.cluster.nodes:
                r = n.get("/api/v1/tracks/%s/stream" % track_id, token=token, timeout=30)
                assert r.status_code == 200, "seed %d: %s on %s: %d %s" % (self.seed, track_id, n.name,
                                                                           r.status_code, r.text[:200])
                assert hashlib.sha256(r.content).hexdigest() == content_hash, \
                    "seed %d: wrong bytes of %s from %s" % (self.seed, track_id, n.name)
