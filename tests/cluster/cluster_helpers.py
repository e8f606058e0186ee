"""A cluster of real `dispotify serve` processes on loopback.

Each node keeps its public and peer ports across restarts (a node's
identity is its data dir; tests that move a node to a new address say so).
"""

import os
import sys
import time

import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))

from helpers import ADMIN_PASSWORD, SLOW, Server, free_port  # noqa: E402
from peer_tls import peer_get  # noqa: E402

JOIN_TOKEN = "cluster-test-join-token"
ELECTION_TIMEOUT_MS = 150
# A minority must answer within this (the contract is 2 s; slack for the test).
REFUSAL_DEADLINE_S = 2.5 * SLOW


class Node(Server):
    """A Server whose ports stay fixed across restarts, started with the
    cluster flags (--join-token, and --join for every node but the first)."""

    def __init__(self, root, name, join=None, args=()):
        super().__init__(root, name=name, args=args)
        self.fixed_port = free_port()
        self.fixed_peer_port = free_port()
        self.join = join  # peer addresses to join through, None for the founder
        self.join_token = JOIN_TOKEN

    @property
    def peer_address(self):
        return "127.0.0.1:%d" % self.fixed_peer_port

    def command(self, port, peer_port):
        cmd = super().command(port, peer_port)
        cmd += ["--join-token", self.join_token, "--election-timeout", str(ELECTION_TIMEOUT_MS)]
        if self.join:
            cmd += ["--join", ",".join(self.join)]
        return cmd

    def start(self, wait=True):
        assert not self.running(), "already running"
        self.launch(self.command(self.fixed_port, self.fixed_peer_port))
        self.port = self.fixed_port
        if wait and not self.wait_ready(timeout=30 * SLOW):
            raise AssertionError("%s did not become ready\n%s" % (self.name, self.stderr_text()[-4000:]))
        return self

    def move_ports(self):
        """The next start uses new ports, as after a reschedule onto a new IP."""
        self.fixed_port = free_port()
        self.fixed_peer_port = free_port()

    def status(self, token):
        r = self.get("/api/v1/cluster", token=token)
        assert r.status_code == 200, r.text
        return r.json()

    def raft_status(self):
        """This node's own Raft view from the peer port (with a member's certificate)."""
        r = peer_get(self.data_dir, self.peer_address, "/peer/v1/status")
        assert r.status_code == 200, r.text
        return r.json()


class Cluster:
    def __init__(self, root, size, args=()):
        self.root = root
        self.args = list(args)
        self.nodes = []
        founder = Node(root / "n0", "n0", args=self.args)
        self.nodes.append(founder)
        for _ in range(1, size):
            self.new_node()
        self._token = None

    def new_node(self):
        """A node (not started) that joins through the founder."""
        i = len(self.nodes)
        node = Node(self.root / ("n%d" % i), "n%d" % i, join=[self.nodes[0].peer_address], args=self.args)
        self.nodes.append(node)
        return node

    def start(self):
        self.nodes[0].start()
        for node in self.nodes[1:]:
            node.start()
        self.wait_voters(len(self.nodes))
        return self

    def close(self):
        failures = []
        for node in self.nodes:
            try:
                node.stop()
            except AssertionError as e:
                failures.append(str(e))
        assert not failures, "\n".join(failures)

    @property
    def token(self):
        """An admin session token (valid on every node: the catalog is shared)."""
        if self._token is None:
            self._token = self.running()[0].login("admin", ADMIN_PASSWORD)
        return self._token

    def running(self):
        return [n for n in self.nodes if n.running()]

    def wait(self, predicate, timeout, what):
        deadline = time.time() + timeout * SLOW
        last = None
        while time.time() < deadline:
            try:
                last = predicate()
                if last:
                    return last
            except (requests.RequestException, AssertionError, KeyError) as e:
                last = e
            time.sleep(0.05)
        raise AssertionError("timed out waiting for %s (last: %r)" % (what, last))

    def leader(self, timeout=10):
        """The node every running node agrees leads (by node id)."""
        def agreed():
            views = [n.raft_status() for n in self.running()]
            leaders = {v["leader"] for v in views}
            if len(leaders) != 1 or None in leaders:
                return None
            leader_id = leaders.pop()
            for n, v in zip(self.running(), views):
                if v["node_id"] == leader_id and v["role"] == "leader":
                    return n
            return None
        return self.wait(agreed, timeout, "an agreed leader")

    def followers(self):
        leader = self.leader()
        return [n for n in self.running() if n is not leader]

    def wait_voters(self, count, timeout=30):
        def enough():
            leader = self.leader()
            v = leader.raft_status()
            return len(v["voters"]) == count and not v["learners"]
        self.wait(enough, timeout, "%d voters" % count)

    def wait_applied_equal(self, timeout=10):
        def equal():
            applied = {n.raft_status()["applied_index"] for n in self.running()}
            commit = self.leader().raft_status()["commit_index"]
            return len(applied) == 1 and applied.pop() >= commit
        self.wait(equal, timeout, "every running node applied the same index")
