"""Clients that load a cluster while it is restarted, moved or cut:
writers that retry within a budget, and a player that resumes a stream on
another node; and what a rolling restart or upgrade checks with them once
it is over. Used by tests/cluster/test_orchestrator.py,
tests/upgrade/test_rolling_upgrade.py and bench/multihost_bench.py."""

import hashlib
import random
import socket
import threading
import time

import requests
import requests.adapters

from netns_cluster import create_playlist, playlist_names


class Writer(threading.Thread):
    """Creates playlists through random nodes; a write is retried on other
    nodes until retry_budget_s, then counts as failed. A node that did not
    answer is avoided for avoid_s (as a load balancer's health check
    would), unless no other is left."""

    avoid_s = 10.0

    def __init__(self, cluster, token, name, retry_budget_s=10.0):
        super().__init__(daemon=True)
        self.cluster, self.token, self.prefix = cluster, token, name
        self.retry_budget_s = retry_budget_s
        self.stopping = threading.Event()
        self.acknowledged, self.failed = [], []
        self.latencies_s = []  # of every acknowledged write, retries included
        self.avoided_until = {}  # node name -> time
        self.longest_s = 0.0

    def run(self):
        i = 0
        while not self.stopping.is_set():
            name = "%s-%d" % (self.prefix, i)
            started = time.time()
            while True:
                now = time.time()
                good = [n for n in self.cluster.nodes if self.avoided_until.get(n.name, 0) <= now]
                node = random.choice(good or self.cluster.nodes)
                try:
                    if create_playlist(node, self.token, name, timeout=3).status_code == 201:
                        self.acknowledged.append(name)
                        self.latencies_s.append(time.time() - started)
                        break
                except requests.RequestException:
                    self.avoided_until[node.name] = time.time() + self.avoid_s
                if time.time() - started > self.retry_budget_s:
                    self.failed.append(name)
                    break
                time.sleep(0.05)
            self.longest_s = max(self.longest_s, time.time() - started)
            i += 1
            time.sleep(0.02)


class SmallWindow(requests.adapters.HTTPAdapter):
    """A small receive buffer: the client's reading pace, not the kernel's
    buffers, decides how far the server has sent (as with a real player)."""

    def init_poolmanager(self, *args, **kw):
        kw["socket_options"] = [(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024),
                                (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
        super().init_poolmanager(*args, **kw)


class Player(threading.Thread):
    """Plays one track at about `rate` bytes/s, over and over until asked to
    stop (a play under way finishes first). When a read fails, it resumes
    where it stopped on the next node (Range request). Records every
    complete play's hash and the longest wait for a byte."""

    def __init__(self, cluster, token, track_id, rate=1 << 20, stall_give_up_s=20.0):
        super().__init__(daemon=True)
        self.stall_give_up_s = stall_give_up_s
        self.cluster, self.token, self.track_id, self.rate = cluster, token, track_id, rate
        self.stopping = threading.Event()
        self.plays, self.errors = [], []
        self.stall_max_s = 0.0
        self.resumes = 0

    def run(self):
        session = requests.Session()
        session.mount("http://", SmallWindow())
        k = 0
        while not self.stopping.is_set():
            got, last_byte = b"", time.time()
            while True:
                node = self.cluster.nodes[k % len(self.cluster.nodes)]
                headers = {"Authorization": "Bearer " + self.token}
                if got:
                    headers["Range"] = "bytes=%d-" % len(got)
                try:
                    r = session.get(node.url("/api/v1/tracks/%s/stream" % self.track_id), headers=headers,
                                    stream=True, timeout=2)
                    if r.status_code not in (200, 206):
                        raise requests.RequestException("status %d" % r.status_code)
                    for chunk in r.iter_content(16 * 1024):
                        got += chunk
                        now = time.time()
                        self.stall_max_s = max(self.stall_max_s, now - last_byte)
                        last_byte = now
                        time.sleep(len(chunk) / self.rate)
                    total = (int(r.headers["Content-Range"].split("/")[1]) if r.status_code == 206
                             else int(r.headers["Content-Length"]))
                    if len(got) >= total:
                        break
                    raise requests.RequestException("short read")
                except (requests.RequestException, ValueError, KeyError) as e:
                    self.errors.append("%s: %s" % (node.name, e))
                    self.resumes += 1
                    k += 1
                    time.sleep(0.05)
                    if time.time() - last_byte > self.stall_give_up_s:
                        return  # given up: the test reports the stall
            self.plays.append(hashlib.sha256(got).hexdigest())


def wait_caught_up(cluster, node, timeout_s):
    """`node` is a voter of the leader's configuration and has applied what
    the leader had committed when it came back."""
    def caught_up():
        leader = cluster.leader()
        target = leader.raft_status()["commit_index"]
        return node.node_id() in leader.raft_status()["voters"] and node.raft_status()["applied_index"] >= target
    cluster.wait(caught_up, timeout_s, "%s caught up" % node.name)


def stop_load(writers, player, retry_budget_s, play_end_s):
    """Stops the clients (the play under way ends first) and checks that no
    write failed beyond its retry budget; the acknowledged writes' names."""
    for t in writers + [player]:
        t.stopping.set()
    for t in writers:
        t.join(timeout=retry_budget_s + 5)
    player.join(timeout=play_end_s)
    assert not player.is_alive(), "the last play did not end"
    failed = [name for w in writers for name in w.failed]
    acknowledged = [name for w in writers for name in w.acknowledged]
    assert not failed, "writes failed beyond the retry budget: %s" % failed
    assert len(acknowledged) > 20, "too few writes to mean anything: %d" % len(acknowledged)
    return acknowledged


def assert_nothing_lost(cluster, token, acknowledged):
    """Every acknowledged write is on every node (call once they caught up)."""
    for n in cluster.nodes:
        missing = set(acknowledged) - set(playlist_names(n, token, stale=True))
        assert not missing, "%s lost acknowledged writes: %s" % (n.name, sorted(missing))


def assert_played_through(player, content_hash, stall_max_s):
    """Whole plays with the right bytes, at least one of them resumed on
    another node after a restart, and no wait for a byte above stall_max_s."""
    assert player.plays, "the track never played to the end (errors: %s)" % player.errors[-5:]
    assert player.resumes >= 1, "no restart ever interrupted the stream"
    assert set(player.plays) == {content_hash}, "a play had wrong bytes"
    assert player.stall_max_s < stall_max_s, "playback stalled %.1f s (errors: %s)" % (
        player.stall_max_s, player.errors[-5:])


def summary(what, writers, player):
    return "%s: %d writes, longest %.2f s; %d plays, %d resumes, longest stall %.2f s" % (
        what, sum(len(w.acknowledged) for w in writers), max(w.longest_s for w in writers), len(player.plays),
        player.resumes, player.stall_max_s)
