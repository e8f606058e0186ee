"""Network partitions between running nodes (Linux network namespaces; see
netns.py): the majority side keeps committing, the minority refuses in
bounded time and still serves stale reads, and after healing every node
converges without losing an acknowledged write.

Needs root and `ip netns` (skipped otherwise):

    DISPOTIFY_BIN=$PWD/build/dispotify /usr/bin/python3 -m pytest -q tests/cluster -k partition

DISPOTIFY_PARTITION_TIMELINE=1 (with -s) prints the 5-node test's timeline
of writes. The last two tests are known to fail (server bugs; see their
docstrings). Writes whose refusal time is measured are playlist creations:
they go through Raft without the password hashing of a user creation.
"""

import concurrent.futures
import os
import threading
import time

import pytest
import requests

from cluster_helpers import REFUSAL_DEADLINE_S
from helpers import SLOW, assert_error
import netns
from netns_cluster import NetCluster, create_playlist, create_user, playlist_names, playlists, users

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="network partitions need root (network namespaces)")

# The majority side elects a leader and commits within this after a cut.
MAJORITY_RECOVERY_S = 5 * SLOW
# Every node has applied the same index within this after healing.
CONVERGENCE_S = 10 * SLOW


@pytest.fixture
def net_cluster(tmp_path):
    reason = netns.unavailable_reason()
    if reason:
        pytest.skip(reason)
    made = []

    def make(size):
        net = netns.Network()
        try:
            c = NetCluster(tmp_path / ("c%d" % len(made)), size, net)
        except BaseException:
            net.close()
            raise
        made.append(c)
        c.start()
        # The admin session is a replicated write: let every node apply it
        # before any cut (a node authenticates from its own catalog).
        assert c.token
        c.wait_applied_equal()
        return c

    yield make
    failures = []
    for c in made:
        try:
            c.net.heal()  # a node shutting down should not wait on a cut link
            for node in c.nodes:
                try:
                    node.stop()
                except AssertionError as e:
                    failures.append(str(e))
        finally:
            for node in c.nodes:
                node.kill()
            c.net.close()
    assert not failures, "\n".join(failures)


def timed(fn, *args, **kw):
    started = time.time()
    result = fn(*args, **kw)
    return result, time.time() - started


# A user creation hashes the password (argon2id) before its 2 s Raft deadline
# starts, so on a busy machine its refusal comes later than a playlist's:
# the timing of refusals is checked on playlist writes (the Raft path alone),
# user creations are only held to "no hang" here; see the last test.
USER_WRITE_NO_HANG_S = 5 * SLOW


def assert_refused_in_time(r, elapsed, what, limit=REFUSAL_DEADLINE_S):
    assert elapsed < limit, "%s took %.2f s (limit %.1f s)" % (what, elapsed, limit)
    assert_error(r, 503, "unavailable")
    retry_after = r.headers.get("Retry-After")
    assert retry_after and retry_after.strip().isdigit(), "%s: Retry-After %r" % (what, retry_after)


def wait_write(cluster, node, token, name, timeout):
    """Retries one write (same username) on node until it answers 201.
    A 409 means an earlier, unanswered try committed: also a success."""
    def ok():
        r = create_user(node, token, name, timeout=5)
        return r.status_code in (201, 409)
    cluster.wait(ok, timeout, "a write of %s on %s" % (name, node.name))


def assert_converged(cluster, token, acknowledged, absent=(), read=users):
    """Same applied index and same users (or playlists: read=playlists) on
    every node (stale reads after the wait; linearizable reads too); every
    acknowledged write present, none of `absent`."""
    cluster.leader(timeout=CONVERGENCE_S)
    cluster.wait_applied_equal(timeout=CONVERGENCE_S)
    views = {n.name: read(n, token, stale=True) for n in cluster.nodes}
    first = cluster.nodes[0].name
    for name, view in views.items():
        assert view == views[first], "%s and %s differ: %s" % (
            name, first, sorted(view ^ views[first])[:20])
        missing = sorted(set(acknowledged) - view)
        assert not missing, "%s lost %d acknowledged writes: %s" % (name, len(missing), missing[:20])
        present = sorted(set(absent) & view)
        assert not present, "%s has writes that were never committable: %s" % (name, present)
    for node in cluster.nodes:
        assert set(acknowledged) <= read(node, token), node.name


def test_partition_isolated_leader_refuses_and_the_majority_takes_over_then_heals(net_cluster):
    c = net_cluster(3)
    net, token = c.net, c.token
    assert create_user(c.nodes[0], token, "before-split").status_code == 201
    c.wait_applied_equal()
    old = c.leader()
    majority = [n for n in c.nodes if n is not old]
    old_term = old.raft_status()["term"]

    net.isolate(old.host)
    cut_at = time.time()
    new = c.leader_among(majority, timeout=MAJORITY_RECOVERY_S, exclude=[old])
    follower = [n for n in majority if n is not new][0]
    acknowledged = ["before-split"]
    # The majority commits, on its leader and through its follower (forwarded).
    wait_write(c, follower, token, "majority-0", MAJORITY_RECOVERY_S)
    recovered_after = time.time() - cut_at
    assert recovered_after < MAJORITY_RECOVERY_S, recovered_after
    acknowledged.append("majority-0")
    for i, node in enumerate(majority * 2, start=1):
        r = create_user(node, token, "majority-%d" % i)
        assert r.status_code == 201, "%s: %d %s (%s)" % (node.name, r.status_code, r.text, net.describe())
        acknowledged.append("majority-%d" % i)
    assert new.raft_status()["term"] > old_term

    # The isolated old leader: writes and linearizable reads get 503 in time.
    r, elapsed = timed(create_user, old, token, "in-minority")
    assert_refused_in_time(r, elapsed, "a user creation on the isolated old leader", USER_WRITE_NO_HANG_S)
    r, elapsed = timed(old.get, "/api/v1/users", token=token, timeout=10)
    assert_refused_in_time(r, elapsed, "a linearizable read on the isolated old leader")
    r, elapsed = timed(create_playlist, old, token, "in-minority")
    assert_refused_in_time(r, elapsed, "a playlist write on the isolated old leader")
    # ... but serves stale reads: what it had, none of the majority's writes.
    stale = users(old, token, stale=True)
    assert "before-split" in stale
    assert not stale & set(acknowledged[1:]), sorted(stale)
    # Its cluster view answers and sees nobody else.
    status, elapsed = timed(old.status, token, timeout=10)
    assert elapsed < REFUSAL_DEADLINE_S, elapsed
    assert [m["node_id"] for m in status["members"] if m["reachable"]] in ([], [old.node_id()]), status["members"]

    net.heal()
    c.wait(lambda: old.raft_status()["role"] == "follower" and old.raft_status()["leader"] is not None,
           CONVERGENCE_S, "the old leader to follow again")
    assert c.leader(timeout=CONVERGENCE_S).raft_status()["term"] > old_term
    wait_write(c, old, token, "after-heal", CONVERGENCE_S)
    acknowledged.append("after-heal")
    assert_converged(c, token, acknowledged, absent=["in-minority"])
    assert set(acknowledged) <= users(old, token)
    for node in c.nodes:  # refused on a node that could not commit: never applied
        assert "in-minority" not in playlists(node, token), node.name


def test_partition_of_one_follower_keeps_writes_going_and_it_catches_up(net_cluster):
    c = net_cluster(3)
    net, token = c.net, c.token
    leader = c.leader()
    cut, other = [n for n in c.nodes if n is not leader]
    before = leader.raft_status()

    net.isolate(cut.host)
    acknowledged = []
    deadline = time.time() + 1.5
    i = 0
    while time.time() < deadline:  # writes go on, without a single refusal
        node = (leader, other)[i % 2]
        r = create_playlist(node, token, "during-%d" % i)
        assert r.status_code == 201, "%s: %d %s (%s)" % (node.name, r.status_code, r.text, net.describe())
        acknowledged.append("during-%d" % i)
        i += 1
    assert len(acknowledged) >= 5, acknowledged
    r, elapsed = timed(create_playlist, cut, token, "on-the-cut-follower")
    assert_refused_in_time(r, elapsed, "a write on the cut-off follower")
    r, elapsed = timed(create_user, cut, token, "on-the-cut-follower")
    assert_refused_in_time(r, elapsed, "a user creation on the cut-off follower", USER_WRITE_NO_HANG_S)
    r, elapsed = timed(cut.get, "/api/v1/users", token=token, timeout=10)
    assert_refused_in_time(r, elapsed, "a linearizable read on the cut-off follower")
    assert not playlists(cut, token, stale=True) & set(acknowledged)
    # The leader's view: the cut follower lags.
    view = leader.raft_status()
    assert view["role"] == "leader"
    lagging = [p for p in view["peers"] if p["node_id"] == cut.node_id()][0]
    assert lagging["match_index"] < view["commit_index"], view

    net.heal()
    c.wait(lambda: acknowledged[-1] in playlists(cut, token, stale=True), CONVERGENCE_S,
           "the cut follower to catch up")
    assert_converged(c, token, acknowledged, read=playlists)
    for node in c.nodes:
        assert "on-the-cut-follower" not in users(node, token), node.name
        assert "on-the-cut-follower" not in playlists(node, token), node.name
    # Pre-vote: the follower that timed out alone did not depose the leader.
    after = leader.raft_status()
    assert after["role"] == "leader" and after["term"] == before["term"], (before["term"], after)


def test_partition_non_transitive_leader_and_one_follower_cannot_talk(net_cluster):
    """Only the link leader <-> F is cut; G still talks to both. The cluster
    keeps a leader that a majority reaches, and writes go on."""
    c = net_cluster(3)
    net, token = c.net, c.token
    leader = c.leader()
    f, g = [n for n in c.nodes if n is not leader]
    net.cut(leader.host, f.host)
    cut_at = time.time()
    acknowledged, gaps, last_ok = [], [], cut_at
    i = 0
    while time.time() - cut_at < 3.0:
        node = (g, leader)[i % 2]
        try:
            r, elapsed = timed(create_playlist, node, token, "partial-%d" % i, timeout=10)
        except requests.RequestException as e:
            raise AssertionError("write %d on %s: %r (%s)" % (i, node.name, e, net.describe()))
        if r.status_code == 201:
            acknowledged.append("partial-%d" % i)
            gaps.append(time.time() - last_ok)
            last_ok = time.time()
        else:
            assert_refused_in_time(r, elapsed, "write %d on %s" % (i, node.name))
        i += 1
    # Writes are never stalled for long (an election at most), and they work at the end.
    assert max(gaps) < 3.0 * SLOW, "a %.2f s stall of writes (%s)" % (max(gaps), net.describe())
    assert time.time() - last_ok < 2.5 * SLOW, "no write committed in the last %.2f s" % (time.time() - last_ok)
    net.heal()
    assert_converged(c, token, acknowledged, read=playlists)


class Writers:
    """One thread per node creating playlists (cheap writes: no password
    hashing) in a loop; records every attempt as (node, playlist name,
    started, ended, status, Retry-After or error)."""

    def __init__(self, nodes, token):
        self.nodes, self.token = nodes, token
        self.events = []
        self.lock = threading.Lock()
        self.stop_flag = threading.Event()
        self.pool = concurrent.futures.ThreadPoolExecutor(len(nodes))
        self.t0 = time.time()
        self.futures = [self.pool.submit(self._write, n) for n in nodes]

    def _write(self, node):
        i = 0
        while not self.stop_flag.is_set():
            name = "%s-w%d" % (node.name, i)
            i += 1
            started = time.time()
            try:
                r = create_playlist(node, self.token, name, timeout=10)
                status, extra = r.status_code, r.headers.get("Retry-After") if r.status_code == 503 else r.text[:200]
            except requests.RequestException as e:
                status, extra = None, repr(e)
            with self.lock:
                self.events.append((node.name, name, started, time.time(), status, extra))
            time.sleep(0.05 if status != 201 else 0.01)

    def stop(self):
        self.stop_flag.set()
        for f in self.futures:
            f.result()
        self.pool.shutdown()

    def acknowledged(self):
        return [e[1] for e in self.events if e[4] == 201]

    def timeline(self, marks, limit=600):
        """For failure messages, in time order: the marks ({label: time}),
        every attempt that did not get 201, and the 201s that ended within
        0.5 s after a mark."""
        rows = [(t, "---- %7.3f %s" % (t - self.t0, label)) for label, t in marks.items()]
        for node, name, started, ended, status, extra in self.events:
            near_mark = any(0 <= ended - t < 0.5 for t in marks.values())
            if status != 201 or near_mark:
                rows.append((started, "%7.3f..%7.3f %-4s %-9s %s %s" % (
                    started - self.t0, ended - self.t0, node, name, status, extra if status != 201 else "")))
        rows.sort()
        ok = sum(1 for e in self.events if e[4] == 201)
        return "%d attempts, %d acknowledged\n" % (len(self.events), ok) + "\n".join(r for _, r in rows[:limit])


def test_partition_five_nodes_split_two_three_loses_no_acknowledged_write(net_cluster):
    """5 nodes under write load on every node; the old leader and one
    follower are cut from the other three for 2.5 s, then healed. Every
    attempt is answered (201, or 503 + Retry-After within the deadline
    counted from the cut); the 3 side commits, the 2 side does not; after
    healing everyone commits; every acknowledged write is on every node,
    once, and nothing else is."""
    c = net_cluster(5)
    net, token = c.net, c.token
    old = c.leader()
    minority = [old] + [n for n in c.nodes if n is not old][:1]
    majority = [n for n in c.nodes if n not in minority]

    writers = Writers(c.nodes, token)
    marks = {}
    try:
        c.wait(lambda: len(writers.acknowledged()) >= 10, 5, "writes before the split")
        net.partition(minority, majority)
        marks["split %s | %s" % ([n.name for n in minority], [n.name for n in majority])] = split_at = time.time()
        c.leader_among(majority, timeout=MAJORITY_RECOVERY_S, exclude=[old])
        marks["majority leader agreed"] = time.time()
        time.sleep(2.5)
        net.heal()
        marks["heal"] = healed_at = time.time()
        time.sleep(1.5)
    finally:
        writers.stop()
    timeline = writers.timeline(marks)
    if os.environ.get("DISPOTIFY_PARTITION_TIMELINE"):
        print("\n" + timeline)

    problems = []
    for node, name, started, ended, status, extra in writers.events:
        if status is None:
            problems.append("%s: %s got no answer in %.2f s: %s" % (node, name, ended - started, extra))
        elif status == 503:
            if not extra:
                problems.append("%s: %s 503 without Retry-After" % (node, name))
            # A node cannot know of a cut before it happens: count from the later of both.
            waited = ended - max(started, split_at)
            if split_at < ended and waited >= REFUSAL_DEADLINE_S:
                problems.append("%s: %s refused %.2f s after the split (request took %.2f s)"
                                % (node, name, waited, ended - started))
        elif status != 201:
            problems.append("%s: %s -> %s %s" % (node, name, status, extra))
    assert not problems, "\n".join(problems[:20]) + "\n" + timeline

    def commits(node, after, before=float("inf")):
        return [e[3] for e in writers.events if e[0] == node.name and e[4] == 201 and after < e[3] < before]

    for node in majority:  # each majority node commits soon after the split
        during = commits(node, split_at, healed_at)
        assert during and during[0] - split_at < MAJORITY_RECOVERY_S, "%s: %s\n%s" % (node.name, during[:3], timeline)
    for node in minority:  # the minority commits nothing while cut off
        during = [e for e in writers.events if e[0] == node.name and e[4] == 201
                  and split_at < e[2] and e[3] < healed_at]
        assert not during, "%s committed while in the minority: %s\n%s" % (node.name, during, timeline)
        assert any(e[0] == node.name and e[4] == 503 for e in writers.events), node.name
    for node in c.nodes:  # and after healing everyone commits again
        assert commits(node, healed_at), "%s: no write after healing\n%s" % (node.name, timeline)
    acknowledged = writers.acknowledged()
    assert_converged(c, token, acknowledged, read=playlists)
    attempted = {e[1] for e in writers.events}
    for node in c.nodes:
        names = playlist_names(node, token, stale=True)
        phantoms = sorted(set(names) - attempted)
        assert not phantoms, "%s has writes nobody made: %s" % (node.name, phantoms[:20])
        twice = sorted({n for n in names if names.count(n) > 1})
        assert not twice, "%s applied writes twice: %s\n%s" % (node.name, twice[:20], timeline)


def test_partition_harness_netem_delay_keeps_the_cluster_working(net_cluster):
    """A smoke test of Network.delay() for later latency tests (needs netem)."""
    reason = netns.netem_unavailable_reason()
    if reason:
        pytest.skip(reason)
    c = net_cluster(3)
    token = c.token
    follower = c.followers()[0]
    c.net.delay(follower.host, 20)
    r, elapsed = timed(create_user, follower, token, "delayed")
    assert r.status_code == 201, r.text
    assert elapsed >= 0.04, elapsed  # at least one forwarded round trip
    c.net.clear_shaping()
    assert_converged(c, token, ["delayed"])


def test_partition_minority_refuses_a_user_creation_within_the_documented_2_s(net_cluster):
    """docs/API.md and README: a node that cannot reach a majority answers
    writes with 503 *within 2 s*. REFUSAL_DEADLINE_S (2.5 s) gives tests
    slack; this one holds the server to the documented number (plus 50 ms
    for the client). Known to fail: the 2 s Raft deadline
    (src/cluster/raft_proposer.h kWriteTimeoutMs) starts only after the
    route has hashed the password (argon2id), so the answer comes at 2 s +
    the hashing time (2.09-2.34 s measured; 2.9 s on a loaded machine)."""
    c = net_cluster(3)
    token = c.token
    lonely = c.followers()[0]
    c.net.isolate(lonely.host)
    c.wait(lambda: lonely.raft_status()["leader"] is None, 5, "the cut-off node to lose its leader")
    worst = 0.0
    for i in range(3):
        r, elapsed = timed(create_user, lonely, token, "strict-%d" % i)
        assert_error(r, 503, "unavailable")
        worst = max(worst, elapsed)
    assert worst < 2.0 + 0.05, "a minority node answered a write after %.3f s (documented: within 2 s)" % worst


def test_partition_cut_off_node_answers_an_unknown_but_valid_token_with_503_not_401(net_cluster):
    """A session created on the majority after a node was cut off: the cut
    node cannot know the token. It should say it cannot answer (503 +
    Retry-After, as for any request it cannot serve without the majority),
    not that the token is invalid: clients drop a token on 401. Known to
    fail: src/api/router.cpp Router::authenticate returns the local 401 when
    the catch-up barrier fails (`if (!barrier_().ok()) return who;`)."""
    c = net_cluster(3)
    leader = c.leader()
    lonely = [n for n in c.nodes if n is not leader][0]
    c.net.isolate(lonely.host)
    fresh = leader.login("admin", leader.admin_password)  # committed by the two others
    r, elapsed = timed(create_playlist, lonely, fresh, "with-a-fresh-token")
    assert elapsed < REFUSAL_DEADLINE_S, elapsed
    assert r.status_code == 503 and r.headers.get("Retry-After"), \
        "a valid session token on a cut-off node: %d %s" % (r.status_code, r.text)
    r = lonely.get("/api/v1/users", token=fresh, timeout=10)
    assert r.status_code == 503, "linearizable read with a valid token: %d %s" % (r.status_code, r.text)
    # Once healed, the same token works there.
    c.net.heal()
    c.wait(lambda: create_playlist(lonely, fresh, "after-heal").status_code == 201, CONVERGENCE_S,
           "the fresh token to work on the healed node")
