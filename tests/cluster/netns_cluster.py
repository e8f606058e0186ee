"""A cluster of real `dispotify serve` processes, each in its own network
namespace (see netns.py), so tests can cut the network between nodes while
every process keeps running.

Each node listens on IP:4533 (public) and IP:4534 (peer) of its namespace
and advertises the same; the test process reaches every node from the root
namespace through the bridge, whatever the partition.
"""

import ctypes
import os
import signal
import sys

import requests

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))

from helpers import ADMIN_PASSWORD, BIN, SLOW, Server  # noqa: E402
from cluster_helpers import ELECTION_TIMEOUT_MS, JOIN_TOKEN, Cluster  # noqa: E402
import netns  # noqa: E402
from peer_tls import peer_get  # noqa: E402

_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """preexec_fn: the node gets SIGKILL if the test process dies (the flag
    survives `ip netns exec`'s execvp)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:  # noqa: BLE001 - best effort; cleanup also kills by namespace
        pass


class NetNode(Server):
    """A Server living in a network namespace at a fixed address."""

    def __init__(self, root, host, join=None, args=(), advertise_name=None):
        super().__init__(root, name=host.name, args=args)
        self.host = host
        self.join = join  # peer addresses to join through; None for the founder
        self.port = netns.PUBLIC_PORT
        # A DNS name (see Network.set_names) to advertise instead of the IP,
        # as nodes do under an orchestrator; it then listens on every address.
        self.advertise_name = advertise_name

    @property
    def base(self):
        return "http://%s" % self.host.public_address

    @property
    def peer_address(self):
        return self.host.peer_address

    def command(self, port=None, peer_port=None):
        advertised = self.advertise_name or self.host.ip
        listen = "0.0.0.0" if self.advertise_name else self.host.ip
        cmd = self.host.exec_prefix() + [
            BIN, "serve", "--data-dir", str(self.data_dir),
            "--listen", "%s:%d" % (listen, netns.PUBLIC_PORT), "--peer-listen", "%s:%d" % (listen, netns.PEER_PORT),
            "--advertise", "%s:%d" % (advertised, netns.PUBLIC_PORT),
            "--advertise-peer", "%s:%d" % (advertised, netns.PEER_PORT),
            "--min-free-disk", "1MiB", "--admin-password", self.admin_password,
            "--join-token", JOIN_TOKEN, "--election-timeout", str(ELECTION_TIMEOUT_MS)]
        if self.join:
            cmd += ["--join", ",".join(self.join)]
        return cmd + self.args

    def start(self, wait=True):
        assert not self.running(), "already running"
        self.launch(self.command(), preexec_fn=_die_with_parent)
        if wait and not self.wait_ready(timeout=30 * SLOW):
            raise AssertionError("%s did not become ready\n%s" % (self.name, self.stderr_text()[-4000:]))
        return self

    def status(self, token, timeout=5):
        r = self.get("/api/v1/cluster", token=token, timeout=timeout)
        assert r.status_code == 200, r.text
        return r.json()

    def raft_status(self, timeout=2):
        r = peer_get(self.data_dir, self.peer_address, "/peer/v1/status", timeout=timeout)
        assert r.status_code == 200, r.text
        return r.json()

    def node_id(self):
        if not hasattr(self, "_node_id"):
            self._node_id = self.raft_status()["node_id"]
        return self._node_id


class NetCluster(Cluster):
    """cluster_helpers.Cluster on a netns.Network: same waits, plus views of
    one side of a partition."""

    def __init__(self, root, size, net, args=(), join=None, by_name=False):
        """`size` nodes n0..; n0 creates the cluster, the others join
        through `join` (default: n0's peer address). by_name: each node
        advertises its host name (in every host's hosts table) instead of
        its IP."""
        self.root = root
        self.net = net
        self.nodes = []
        self._token = None
        for i in range(size):
            host = net.add_host("n%d" % i)
            joiners_join = (join or [self.nodes[0].peer_address]) if i else None
            self.nodes.append(NetNode(root / host.name, host, join=joiners_join, args=args,
                                      advertise_name=host.name if by_name else None))
        if by_name:
            net.set_names(dict(net.names, **{h.name: h.ip for h in net.hosts}))

    def leader_among(self, nodes, timeout=10, exclude=()):
        """The node that every node of `nodes` agrees leads, and is one of them."""
        excluded = {n.node_id() for n in exclude}

        def agreed():
            views = [n.raft_status(timeout=1) for n in nodes]
            leaders = {v["leader"] for v in views}
            if len(leaders) != 1 or None in leaders or leaders & excluded:
                return None
            leader_id = leaders.pop()
            for n, v in zip(nodes, views):
                if v["node_id"] == leader_id and v["role"] == "leader":
                    return n
            return None
        return self.wait(agreed, timeout, "a leader agreed by %s" % [n.name for n in nodes])

    def kill_all(self):
        for node in self.nodes:
            node.kill()


def _names(node, path, key, token, stale, timeout):
    """Every item's `key` (a list: duplicates stay visible), all pages."""
    names, offset = [], 0
    while True:
        params = {"offset": offset, "limit": 500}
        if stale:
            params["consistency"] = "stale"
        r = node.get(path, token=token, params=params, timeout=timeout)
        assert r.status_code == 200, "%s: %d %s" % (node.name, r.status_code, r.text[:300])
        body = r.json()
        items = body["items"]
        names.extend(u[key] for u in items)
        offset += len(items)
        if not items or "total" not in body or offset >= body["total"]:
            return names


def users(node, token, stale=False, timeout=10):
    """Every username on the node (pages through the list)."""
    return set(_names(node, "/api/v1/users", "username", token, stale, timeout))


def playlists(node, token, stale=False, timeout=10):
    """The names of the token owner's playlists on the node."""
    return set(playlist_names(node, token, stale, timeout))


def playlist_names(node, token, stale=False, timeout=10):
    """The names of the token owner's playlists, duplicates included."""
    return _names(node, "/api/v1/playlists", "name", token, stale, timeout)


def create_playlist(node, token, name, timeout=10):
    return node.post("/api/v1/playlists", token=token, json={"name": name}, timeout=timeout)


def create_user(node, token, name, timeout=10):
    return node.post("/api/v1/users", token=token, json={"username": name, "password": "password-" + name},
                     timeout=timeout)


__all__ = ["ADMIN_PASSWORD", "NetCluster", "NetNode", "create_playlist", "create_user", "playlist_names",
           "playlists", "users"]
