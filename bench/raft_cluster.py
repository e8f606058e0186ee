"""Shared by the Raft cluster benchmarks (raft_write_bench.py, failover_bench.py,
catchup_bench.py): local clusters of `dispotify serve` and of etcd on loopback,
wrk runs merged across several wrk processes, small HTTP helpers.
Standard library only (/usr/bin/python3).

Every process started here is recorded (one pid a line) in PIDFILE so that the
calling bench/*.sh script's EXIT trap can stop them even if Python dies; the
Python side stops them itself in stop_all().
"""
import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import time

ADMIN_PASSWORD = "bench-password-123"
JOIN_TOKEN = "bench-join-token"
BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
WRK_LUA = os.path.join(BENCH_DIR, "wrk_raft_writes.lua")

_procs = []


def pidfile():
    return os.environ.get("BENCH_PIDFILE")


def spawn(cmd, log_path, env=None):
    log = open(log_path, "ab")
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env)
    log.close()
    _procs.append(p)
    if pidfile():
        with open(pidfile(), "a") as f:
            f.write("%d\n" % p.pid)
    return p


def stop_proc(p, timeout=10):
    if p.poll() is not None:
        return
    p.terminate()
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def stop_all():
    for p in _procs:
        if p.poll() is None:
            p.terminate()
    for p in _procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def req(method, port, path, body=None, headers=None, timeout=5.0):
    """One request on a new connection -> (status, body bytes); raises OSError."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        h = dict(headers or {})
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def peer_req(data_dir, port, path, timeout=5.0, tls=True):
    """GET on a peer port, over mutual TLS with the certificate of the node
    whose data dir this is, or of a sibling while it has none (docs/SECURITY.md);
    plain HTTP with tls=False (nodes started with --peer-tls off)."""
    root = os.path.dirname(data_dir)
    mine = os.path.join(data_dir, "cluster", "node.pem")
    pems = [mine] + sorted(os.path.join(root, d, "cluster", "node.pem") for d in os.listdir(root))
    pem = next((p for p in pems if os.path.exists(p)), None)
    if pem is None or not tls:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    else:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.load_cert_chain(pem)
        c = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=ctx)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def wait_until(pred, timeout, what, interval=0.05):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = pred()
            if last:
                return last
        except (OSError, ValueError, KeyError, http.client.HTTPException) as e:
            last = e
        time.sleep(interval)
    raise RuntimeError("timed out waiting for %s (last: %r)" % (what, last))


def percentile(sorted_xs, p):
    if not sorted_xs:
        return float("nan")
    return sorted_xs[min(len(sorted_xs) - 1, int(round(p / 100.0 * (len(sorted_xs) - 1))))]


# --- Dispotify ----------------------------------------------------------------


class Node:
    def __init__(self, binary, root, name, election_timeout=None, snapshot_interval=None, extra=()):
        self.binary = binary
        self.name = name
        self.data = os.path.join(root, name)
        self.log = os.path.join(root, name + ".log")
        self.port = free_port()
        self.peer_port = free_port()
        self.join = None  # peer addresses, None for the founder
        self.election_timeout = election_timeout
        self.snapshot_interval = snapshot_interval
        self.extra = list(extra)
        self.proc = None

    @property
    def peer_address(self):
        return "127.0.0.1:%d" % self.peer_port

    def command(self):
        cmd = [self.binary, "serve", "--data-dir", self.data, "--listen", "127.0.0.1:%d" % self.port,
               "--peer-listen", self.peer_address, "--admin-password", ADMIN_PASSWORD,
               "--join-token", JOIN_TOKEN, "--log-level", "warn", "--min-free-disk", "64MiB",
               # every load generator connects from 127.0.0.1
               "--max-connections-per-address", "0"]
        if self.election_timeout:
            cmd += ["--election-timeout", str(self.election_timeout)]
        if self.snapshot_interval:
            cmd += ["--snapshot-interval", str(self.snapshot_interval)]
        if self.join:
            cmd += ["--join", ",".join(self.join)]
        return cmd + self.extra

    def peer_tls_off(self):
        return any(a == "off" and b == "--peer-tls" for b, a in zip(self.extra, self.extra[1:]))

    def start(self, wait=True):
        self.proc = spawn(self.command(), self.log)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=60):
        wait_until(lambda: req("GET", self.port, "/readyz", timeout=2)[0] == 200, timeout,
                   "%s ready" % self.name)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc is not None:
            stop_proc(self.proc)

    def status(self, timeout=2.0):
        st, body = peer_req(self.data, self.peer_port, "/peer/v1/status", timeout=timeout,
                            tls=not self.peer_tls_off())
        if st != 200:
            raise ValueError("status %d" % st)
        return json.loads(body)


class DspCluster:
    def __init__(self, binary, root, size=3, **node_kw):
        self.binary = binary
        self.root = root
        self.node_kw = node_kw
        self.nodes = [Node(binary, root, "n0", **node_kw)]
        for i in range(1, size):
            n = Node(binary, root, "n%d" % i, **node_kw)
            n.join = [self.nodes[0].peer_address]
            self.nodes.append(n)
        self._token = None

    def start(self):
        self.nodes[0].start()
        for n in self.nodes[1:]:
            n.start()
        self.wait_voters(len(self.nodes))
        return self

    def add_node(self, name, wait=True):
        n = Node(self.binary, self.root, name, **self.node_kw)
        n.join = [m.peer_address for m in self.nodes]
        self.nodes.append(n)
        n.start(wait=wait)
        return n

    def running(self):
        return [n for n in self.nodes if n.running()]

    def leader(self, timeout=15):
        def agreed():
            views = [(n, n.status()) for n in self.running()]
            leaders = {v["leader"] for _, v in views}
            if len(leaders) != 1 or None in leaders:
                return None
            lid = leaders.pop()
            for n, v in views:
                if v["node_id"] == lid and v["role"] == "leader":
                    return n
            return None
        return wait_until(agreed, timeout, "an agreed leader")

    def wait_voters(self, count, timeout=60):
        def enough():
            v = self.leader().status()
            return len(v["voters"]) == count and not v["learners"]
        wait_until(enough, timeout, "%d voters" % count)

    def wait_caught_up(self, timeout=60):
        def equal():
            commit = self.leader().status()["commit_index"]
            return all(n.status()["applied_index"] >= commit for n in self.running())
        wait_until(equal, timeout, "every running node applied the leader's commit index")

    @property
    def token(self):
        if self._token is None:
            def login():
                st, body = req("POST", self.nodes[0].port, "/api/v1/auth/login",
                                {"username": "admin", "password": ADMIN_PASSWORD}, timeout=10)
                return json.loads(body)["token"] if st == 200 else None
            self._token = wait_until(login, 30, "admin login")
        return self._token

    def auth(self):
        return {"Authorization": "Bearer " + self.token}

    def create_playlists(self, count, node=None):
        node = node or self.nodes[0]
        ids = []
        for i in range(count):
            st, body = req("POST", node.port, "/api/v1/playlists", {"name": "bench-%d" % i},
                            headers=self.auth(), timeout=10)
            if st != 201:
                raise RuntimeError("create playlist: %d %s" % (st, body[:200]))
            ids.append(json.loads(body)["id"])
        return ids

    def stop(self):
        for n in self.nodes:
            n.stop()


# --- etcd -----------------------------------------------------------------------


class EtcdCluster:
    """A 3-member etcd cluster on loopback, default settings (fsync of the WAL
    on every Ready; heartbeat 100 ms, election timeout 1000 ms)."""

    def __init__(self, root, size=3, binary="etcd"):
        self.root = root
        self.members = []
        for i in range(size):
            self.members.append({"name": "e%d" % i, "client": free_port(), "peer": free_port(),
                                 "data": os.path.join(root, "e%d" % i), "proc": None})
        self.binary = binary

    def start(self):
        initial = ",".join("%s=http://127.0.0.1:%d" % (m["name"], m["peer"]) for m in self.members)
        for m in self.members:
            cmd = [self.binary, "--name", m["name"], "--data-dir", m["data"],
                   "--listen-client-urls", "http://127.0.0.1:%d" % m["client"],
                   "--advertise-client-urls", "http://127.0.0.1:%d" % m["client"],
                   "--listen-peer-urls", "http://127.0.0.1:%d" % m["peer"],
                   "--initial-advertise-peer-urls", "http://127.0.0.1:%d" % m["peer"],
                   "--initial-cluster", initial, "--initial-cluster-token", "bench",
                   "--initial-cluster-state", "new", "--logger", "zap", "--log-level", "warn"]
            m["proc"] = spawn(cmd, m["data"] + ".log")
        self.leader(timeout=60)
        return self

    def member_status(self, m):
        st, body = req("POST", m["client"], "/v3/maintenance/status", "{}", timeout=2)
        if st != 200:
            raise ValueError("status %d" % st)
        return json.loads(body)

    def leader(self, timeout=15):
        def find():
            for m in self.members:
                s = self.member_status(m)
                if s.get("leader") and s["leader"] == s["header"]["member_id"]:
                    return m
            return None
        return wait_until(find, timeout, "an etcd leader")

    def stop(self):
        for m in self.members:
            if m["proc"] is not None:
                stop_proc(m["proc"])


# --- wrk --------------------------------------------------------------------------


def split(total, parts):
    """total connections over parts targets, as even as possible (16 -> 6,5,5)."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def run_wrk(targets, duration_s, lua_args, tmp, timeout_s=10):
    """Runs one single-threaded wrk per (port, connections) target at the same
    time, each with wrk_raft_writes.lua; merges the exact latency histograms.
    Returns dict: requests, writes_per_s, p50_ms, p99_ms, max_ms, errors, per_target."""
    procs = []
    for i, (port, conns) in enumerate(targets):
        if conns <= 0:
            continue
        hist = os.path.join(tmp, "hist-%d-%d" % (port, i))
        env = dict(os.environ, WRK_HIST_OUT=hist)
        cmd = ["wrk", "-t1", "-c%d" % conns, "-d%ds" % duration_s, "--timeout", "%ds" % timeout_s,
               "-s", WRK_LUA, "http://127.0.0.1:%d" % port, "--"] + [str(a) for a in lua_args]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
        procs.append((port, conns, hist, p))
    hist_all = {}
    per = []
    requests = 0
    errors = {}
    duration_us = 0
    for port, conns, hist, p in procs:
        out, _ = p.communicate(timeout=duration_s + 120)
        line = [l for l in out.splitlines() if l.startswith("WRKJSON ")]
        if not line:
            raise RuntimeError("wrk gave no result: %s" % out[-2000:])
        res = json.loads(line[-1][len("WRKJSON "):])
        requests += res["requests"]
        duration_us = max(duration_us, res["duration_us"])
        for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"):
            errors[k] = errors.get(k, 0) + res[k]
        with open(hist) as f:
            for l in f:
                v, c = l.split()
                hist_all[int(v)] = hist_all.get(int(v), 0) + int(c)
        per.append({"port": port, "conns": conns, "requests": res["requests"],
                    "p50_ms": res["lat_p50_us"] / 1000.0, "p99_ms": res["lat_p99_us"] / 1000.0})
    total = sum(hist_all.values())

    def pct(p):
        want = p / 100.0 * total
        acc = 0
        for v in sorted(hist_all):
            acc += hist_all[v]
            if acc >= want:
                return v / 1000.0
        return float("nan")
    # Requests that ended in an error (non-2xx, timeout) are not successful writes.
    bad = errors["err_status"] + errors["err_timeout"]
    return {"requests": requests, "ok": requests - errors["err_status"],
            "writes_per_s": (requests - errors["err_status"]) / (duration_us / 1e6),
            "p50_ms": pct(50), "p99_ms": pct(99), "max_ms": max(hist_all) / 1000.0 if hist_all else float("nan"),
            "errors": errors, "bad": bad, "per_target": per}


def strace_sync_counts(pid, seconds):
    """Counts fsync/fdatasync/sync_file_range/write-ish syscalls of a running process
    (all threads) for `seconds`. Returns {syscall: calls}."""
    try:
        p = subprocess.run(["timeout", "-s", "INT", str(seconds), "strace", "-f", "-c", "-qq", "-p", str(pid),
                            "-e", "trace=fsync,fdatasync,sync_file_range,write,pwrite64,writev"],
                           capture_output=True, text=True, timeout=seconds + 30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return {"error": str(e)}
    counts = {}
    for line in p.stderr.splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[-1] in ("fsync", "fdatasync", "sync_file_range", "write", "pwrite64", "writev"):
            try:
                counts[parts[-1]] = int(parts[3])
            except ValueError:
                pass
    return counts


def machine_line():
    load = open("/proc/loadavg").read().split()[:3]
    return "load average: %s" % " ".join(load)
