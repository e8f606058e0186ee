"""Nodes that run a given binary with given extra environment: a cluster
of two builds (tests/upgrade), or nodes that advertise an older feature
level through the test-only DISPOTIFY_TEST_FEATURE_LEVEL (tests/cluster).

helpers.child_env() keeps every DISPOTIFY_* variable away from the
servers; these nodes add back exactly the ones a test gives them."""

import subprocess
import time

from cluster_helpers import Cluster, Node
from helpers import BIN, child_env


class VersionedNode(Node):
    def __init__(self, root, name, join=None, args=(), binary=BIN, env=None):
        super().__init__(root, name, join=join, args=args)
        self.binary = binary
        self.env = dict(env or {})

    def node_id(self):
        return self.raft_status()["node_id"]

    def command(self, port, peer_port):
        return [self.binary] + super().command(port, peer_port)[1:]

    def launch(self, cmd, preexec_fn=None):
        n = len(self.starts)
        out_path = self.log_dir / ("%s.%d.stdout" % (self.name, n))
        err_path = self.log_dir / ("%s.%d.stderr" % (self.name, n))
        self.starts.append((out_path, err_path))
        env = child_env()
        env.update(self.env)
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
                                         preexec_fn=preexec_fn)
        self.started_at = time.time()
        self.stopped_at = None


class VersionedCluster(Cluster):
    """A Cluster whose node i runs binaries[i] with envs[i]."""

    def __init__(self, root, binaries, envs=None):
        self.root = root
        self.args = []
        self.nodes = []
        self._token = None
        envs = envs or [{}] * len(binaries)
        for i, (binary, env) in enumerate(zip(binaries, envs)):
            join = [self.nodes[0].peer_address] if self.nodes else None
            self.nodes.append(VersionedNode(root / ("n%d" % i), "n%d" % i, join=join, binary=binary, env=env))


def cluster_level(node, token):
    """The committed feature level as `node` reports it; None from a binary
    from before levels (its status has no such field)."""
    r = node.get("/api/v1/cluster", token=token, timeout=5)
    assert r.status_code == 200, r.text
    return r.json().get("cluster_level")
