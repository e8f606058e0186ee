"""Records a concurrent history of client reads and writes on a 3-node
cluster while nodes are killed (-9), paused (SIGSTOP), restarted, and
leadership is moved, and checks it with the linearizability checker
(linearizability.py).

Each playlist is one register: its name. Writes are
PATCH /api/v1/playlists/{id} {"name": <unique value>} with an
Idempotency-Key (the server applies a key at most once); reads are
GET /api/v1/playlists/{id} (linearizable by default). Half the clients retry
a failed write (same key: all attempts form one operation), the other half
give up at once. A write that never got a 200 may or may not have taken
effect: it is an indeterminate operation (unless every attempt was refused at
connect: then it certainly never happened). A read that failed says nothing
and is left out.

On failure the history is saved (path in the message) and can be checked
again with `python3 tests/cluster/linearizability.py HISTORY.json`.
"""

import json
import os
import random
import signal
import subprocess
import threading
import time
import traceback

import pytest
import requests

from helpers import BIN, SLOW, child_env
from linearizability import INF, Operation, RegisterModel, check, dump_history

CLIENTS = 6
PLAYLISTS = 4
RUN_S = 18.0
WRITE_RATIO = 0.4
REQUEST_TIMEOUT_S = 3.0 * SLOW   # a node answers 503 within 2 s when it cannot commit
WRITE_RETRY_S = 5.0 * SLOW       # a write is retried (same key) this long, then left indeterminate
CHECK_TIME_LIMIT_S = 20.0
# Faults, in seconds from the start of the run.
KILL_LEADER_AT = 2.0
RESTART_LEADER_AT = 3.5
KILL_FOLLOWER_AT = 5.0
RESTART_FOLLOWER_AT = 6.5
TRANSFER_LEADER_AT = 7.5
# SIGSTOP of the leader: the others elect a new one and go on; after SIGCONT
# the old leader must not answer a read from its own, now stale, catalog.
PAUSE_LEADER_AT = 8.5
RESUME_LEADER_AT = 10.0
KILL_NEW_LEADER_AT = 11.0
RESTART_NEW_LEADER_AT = 12.5
# Both followers down: the leader alone cannot commit (writes answer 503 but
# may take effect once the others are back, or be lost: indeterminate).
KILL_MAJORITY_AT = 13.5
RESTART_MAJORITY_AT = 15.5


def _connect_refused(exc):
    """The request certainly never reached the server."""
    text = repr(exc)
    return "NewConnectionError" in text or "Connection refused" in text


class Recorder:
    def __init__(self, cluster, token, playlists):
        self.cluster = cluster
        self.token = token
        self.playlists = playlists  # [id]
        self.bases = {n.name: "http://127.0.0.1:%d" % n.fixed_port for n in cluster.nodes}
        self.lock = threading.Lock()
        self.ops = []
        self.faults = []  # [(time, text)]
        self.anomalies = []
        self.counts = {"write_ok": 0, "write_indeterminate": 0, "write_not_sent": 0, "write_retries": 0,
                       "read_ok": 0, "read_failed": 0}
        self.t0 = time.monotonic()
        self.stop_at = self.t0 + RUN_S * SLOW

    def add(self, op, counter):
        with self.lock:
            op.id = len(self.ops)
            self.ops.append(op)
            self.counts[counter] += 1

    def count(self, counter):
        with self.lock:
            self.counts[counter] += 1

    def fault(self, text):
        with self.lock:
            self.faults.append((time.monotonic(), text))

    # -- one client

    def client(self, index):
        rng = random.Random(1000 + index)
        session = requests.Session()
        headers = {"Authorization": "Bearer " + self.token}
        seq = 0
        while time.monotonic() < self.stop_at:
            playlist = rng.choice(self.playlists)
            node = rng.choice(sorted(self.bases))
            if rng.random() < WRITE_RATIO:
                seq += 1
                self.write(session, rng, headers, index, playlist, node, "c%d-%d" % (index, seq),
                           retry=index % 2 == 0)
            else:
                self.read(session, headers, index, playlist, node)

    def write(self, session, rng, headers, client, playlist, node, value, retry):
        key = "lin-%d-%s-%s" % (os.getpid(), playlist[:8], value)
        url_path = "/api/v1/playlists/" + playlist
        attempts = []
        maybe_sent = False
        call = time.monotonic()
        deadline = call + WRITE_RETRY_S
        while True:
            try:
                r = session.patch(self.bases[node] + url_path, json={"name": value}, timeout=REQUEST_TIMEOUT_S,
                                  headers=dict(headers, **{"Idempotency-Key": key}))
                if r.status_code == 200:
                    ret = time.monotonic()
                    attempts.append("%s:200" % node)
                    self.add(Operation(client=client, input=("write", value), call=call, ret=ret, key=playlist,
                                       meta={"node": node, "attempts": attempts,
                                             "response_name": r.json().get("name")}), "write_ok")
                    return
                maybe_sent = True
                attempts.append("%s:%d" % (node, r.status_code))
                if r.status_code != 503:
                    with self.lock:
                        self.anomalies.append("PATCH %s on %s: %d %s" % (playlist, node, r.status_code, r.text[:300]))
                    break
            except requests.RequestException as e:
                if not _connect_refused(e):
                    maybe_sent = True
                attempts.append("%s:%s" % (node, type(e).__name__))
            if not retry or time.monotonic() > deadline:
                break
            self.count("write_retries")
            time.sleep(0.05)
            node = rng.choice([n for n in sorted(self.bases) if n != node])
        if not maybe_sent:
            self.count("write_not_sent")  # every attempt was refused at connect: it never happened
            return
        self.add(Operation(client=client, input=("write", value), call=call, ret=INF, key=playlist,
                           meta={"node": node, "attempts": attempts}), "write_indeterminate")

    def read(self, session, headers, client, playlist, node, timeout=REQUEST_TIMEOUT_S):
        call = time.monotonic()
        try:
            r = session.get(self.bases[node] + "/api/v1/playlists/" + playlist, headers=headers, timeout=timeout)
        except requests.RequestException:
            self.count("read_failed")
            return False
        ret = time.monotonic()
        if r.status_code != 200:
            if r.status_code != 503:
                with self.lock:
                    self.anomalies.append("GET %s on %s: %d %s" % (playlist, node, r.status_code, r.text[:300]))
            self.count("read_failed")
            return False
        self.add(Operation(client=client, input=("read", None), output=r.json()["name"], call=call, ret=ret,
                           key=playlist, meta={"node": node}), "read_ok")
        return True

    # -- faults

    def sleep_until(self, offset):
        delay = self.t0 + offset * SLOW - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def nemesis(self):
        c = self.cluster
        self.sleep_until(KILL_LEADER_AT)
        leader = c.leader(timeout=5)
        self.fault("kill -9 %s (the leader)" % leader.name)
        leader.kill()
        self.sleep_until(RESTART_LEADER_AT)
        self.fault("restart %s" % leader.name)
        leader.start()
        self.fault("%s ready" % leader.name)
        self.sleep_until(KILL_FOLLOWER_AT)
        follower = [n for n in c.followers() if n is not leader][0]
        self.fault("kill -9 %s (a follower)" % follower.name)
        follower.kill()
        self.sleep_until(RESTART_FOLLOWER_AT)
        self.fault("restart %s" % follower.name)
        follower.start()
        self.fault("%s ready" % follower.name)
        self.sleep_until(TRANSFER_LEADER_AT)
        leader = c.leader(timeout=5)
        target = [n for n in c.followers() if n is not leader][0]
        target_id = target.raft_status()["node_id"]
        self.fault("transfer leadership %s -> %s" % (leader.name, target.name))
        out = subprocess.run([BIN, "cluster", "transfer-leader", target_id, "--server", leader.base,
                              "--token", self.token], capture_output=True, text=True, timeout=15 * SLOW,
                             env=child_env())
        self.fault("transfer-leader exited %d %s" % (out.returncode, (out.stderr or out.stdout).strip()[:200]))
        self.sleep_until(PAUSE_LEADER_AT)
        leader = c.leader(timeout=5)
        self.fault("SIGSTOP %s (the leader)" % leader.name)
        leader.proc.send_signal(signal.SIGSTOP)
        try:
            self.sleep_until(RESUME_LEADER_AT)
        finally:
            leader.proc.send_signal(signal.SIGCONT)
        self.fault("SIGCONT %s" % leader.name)
        self.sleep_until(KILL_NEW_LEADER_AT)
        leader = c.leader(timeout=5)
        self.fault("kill -9 %s (the leader)" % leader.name)
        leader.kill()
        self.sleep_until(RESTART_NEW_LEADER_AT)
        self.fault("restart %s" % leader.name)
        leader.start()
        self.fault("%s ready" % leader.name)
        self.sleep_until(KILL_MAJORITY_AT)
        leader = c.leader(timeout=5)
        others = [n for n in c.nodes if n is not leader]
        self.fault("kill -9 %s (both followers of %s)" % (" and ".join(n.name for n in others), leader.name))
        for n in others:
            n.kill()
        self.sleep_until(RESTART_MAJORITY_AT)
        self.fault("restart %s" % " and ".join(n.name for n in others))
        for n in others:
            n.start(wait=False)
        for n in others:
            assert n.wait_ready(timeout=30 * SLOW), "%s did not become ready" % n.name
        self.fault("%s ready" % " and ".join(n.name for n in others))

    def node_ids(self):
        ids = {}
        for n in self.cluster.running():
            try:
                ids[n.name] = n.raft_status()["node_id"]
            except (requests.RequestException, AssertionError, KeyError):
                pass
        return ids

    def fault_timeline(self):
        return "\n".join("  t=%.4f %s" % (t - self.t0, text) for t, text in self.faults)


def run_history(cluster):
    token = cluster.token
    first = cluster.nodes[0]
    playlists, initial = [], {}
    for i in range(PLAYLISTS):
        name = "p%d-initial" % i
        r = first.post("/api/v1/playlists", token=token, json={"name": name}, timeout=10)
        assert r.status_code == 201, r.text
        playlists.append(r.json()["id"])
        initial[r.json()["id"]] = name
    cluster.wait_applied_equal()
    rec = Recorder(cluster, token, playlists)
    ids = rec.node_ids()
    errors = []

    def guarded(fn, *args):
        try:
            fn(*args)
        except BaseException as e:  # reported by the test, not lost in a thread
            errors.append("%s%r: %r\n%s" % (fn.__name__, args, e, traceback.format_exc()))

    threads = [threading.Thread(target=guarded, args=(rec.client, i)) for i in range(CLIENTS)]
    threads.append(threading.Thread(target=guarded, args=(rec.nemesis,)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=RUN_S * SLOW + 60)
    assert not any(t.is_alive() for t in threads), "a client or the nemesis is stuck"
    assert not errors, "\n".join(errors)
    # Every node back, then a final read of every playlist on every node:
    # indeterminate writes that took effect late must show up here (or be
    # overwritten), and every node must agree.
    cluster.leader(timeout=10)
    session = requests.Session()
    headers = {"Authorization": "Bearer " + token}
    for node in sorted(rec.bases):
        for playlist in playlists:
            assert rec.read(session, headers, "final", playlist, node, timeout=10), \
                "final read of %s on %s failed" % (playlist, node)
    return rec, initial, ids


def stale_read_mutation(ops, around):
    """One real read (the nearest to time `around`) altered to a value that
    is certainly stale: w1 returned before w2 was called, and w2 returned
    before the read was called. None if the history has no such triple."""
    by_key = {}
    for op in ops:
        by_key.setdefault(op.key, []).append(op)
    reads = sorted((op for op in ops if op.input[0] == "read"), key=lambda op: abs(op.call - around))
    for read in reads:
        part = by_key[read.key]
        writes = sorted((op for op in part if op.input[0] == "write" and op.ret != INF), key=lambda op: op.ret)
        before = [w for w in writes if w.ret < read.call]
        for w2 in reversed(before):
            older = [w1 for w1 in before if w1.ret < w2.call]
            if older and read.output != older[-1].input[1]:
                w1 = older[-1]
                bad = read.replace(output=w1.input[1], meta=dict(read.meta, altered_from=read.output))
                return [bad if op is read else op for op in part], bad, w1, w2
    return None


def with_patch_responses_as_reads(ops):
    """Each acknowledged PATCH also answered the playlist as renamed, read
    after its own write was applied on that node: a read within the same
    interval."""
    out = list(ops)
    for op in ops:
        name = op.meta.get("response_name")
        if op.input[0] == "write" and name is not None:
            out.append(Operation(client=op.client, input=("read", None), output=name, call=op.call, ret=op.ret,
                                 key=op.key, meta={"node": op.meta["node"], "source": "PATCH response of #%d" % op.id}))
    for i, op in enumerate(out):
        op.id = i if op.id is None else op.id
    return out


def test_a_concurrent_history_under_kills_pauses_restarts_and_leader_transfer_is_linearizable(cluster3, tmp_path):
    rec, initial, ids = run_history(cluster3)
    ops = rec.ops
    history_path = tmp_path / "linearizability-history.json"
    dump_history(history_path, ops, initial=initial, t0=rec.t0, faults=[(t, text) for t, text in rec.faults],
                 counts=rec.counts, node_ids=ids, anomalies=rec.anomalies)
    summary = "counts %s; faults:\n%s\nhistory: %s" % (rec.counts, rec.fault_timeline(), history_path)
    print(summary)

    model = RegisterModel(initial=initial)
    result = check(model, ops, time_limit=CHECK_TIME_LIMIT_S, t0=rec.t0)
    if result.ok is not True:
        keep = os.path.join(os.environ.get("TMPDIR", "/tmp"), "dispotify-linearizability-%d.json" % os.getpid())
        dump_history(keep, ops, initial=initial, t0=rec.t0, faults=rec.faults, counts=rec.counts, node_ids=ids)
        pytest.fail("the recorded history is %s\n%s\n\nnode ids: %s\n%s\nalso saved to %s"
                    % (result.verdict, result.explain(), json.dumps(ids), summary, keep))

    # The PATCH answers are reads too (taken after the write was applied on
    # the node that answered).
    extended = with_patch_responses_as_reads(ops)
    result = check(model, extended, time_limit=CHECK_TIME_LIMIT_S, t0=rec.t0)
    if result.ok is not True:
        keep = os.path.join(os.environ.get("TMPDIR", "/tmp"), "dispotify-linearizability-patch-%d.json" % os.getpid())
        dump_history(keep, extended, initial=initial, t0=rec.t0, faults=rec.faults, counts=rec.counts, node_ids=ids)
        pytest.fail("with the PATCH answers as reads the history is %s\n%s\n\n%s\nalso saved to %s"
                    % (result.verdict, result.explain(), summary, keep))

    # Not vacuous: enough work went through, on every playlist, and across the faults.
    assert rec.counts["read_ok"] >= 150, summary
    assert rec.counts["write_ok"] >= 60, summary
    for playlist in initial:
        part = [op for op in ops if op.key == playlist and op.ret != INF]
        assert sum(1 for op in part if op.input[0] == "write") >= 5, summary
        assert sum(1 for op in part if op.input[0] == "read" and op.output != initial[playlist]) >= 5, summary
    # Writes went through again after the last fault (a restarted node may
    # stall for up to ~2 s: the leader's backoff towards it).
    last_fault = max(t for t, _ in rec.faults)
    assert any(op.input[0] == "write" and op.ret != INF and op.call > last_fault for op in ops), summary
    assert sum(1 for _, text in rec.faults if text.startswith("kill -9")) == 4, summary
    assert sum(1 for _, text in rec.faults if text.endswith(" ready")) == 4, summary
    for node in rec.bases:
        assert sum(1 for op in ops if op.input[0] == "read" and op.meta.get("node") == node) >= 20, summary
    assert not rec.anomalies, "unexpected answers:\n" + "\n".join(rec.anomalies[:20])

    # Negative control: the same real history with one read made stale must
    # be rejected, and the explanation must point at that read.
    mutated = stale_read_mutation(ops, around=rec.faults[0][0] + 1.0)
    assert mutated is not None, "no write-write-read chain to build the negative control from\n" + summary
    part, bad, w1, w2 = mutated
    result = check(model, part, time_limit=CHECK_TIME_LIMIT_S, t0=rec.t0)
    assert result.ok is False, "the checker accepted a stale read (#%d altered to %r, overwritten by #%d)\n%s" % (
        bad.id, bad.output, w2.id, result.explain())
    assert "#%d " % bad.id in result.explain(), result.explain()
    print("negative control (read #%d altered from %r to %r):\n%s" % (bad.id, bad.meta["altered_from"], bad.output,
                                                                     result.explain()))
