"""A cluster of real processes: replication, failover, restarts, a
minority that refuses in bounded time, membership changes."""

import concurrent.futures
import subprocess
import threading
import time

import requests

from cluster_helpers import REFUSAL_DEADLINE_S
from helpers import BIN, SLOW, assert_error, child_env


def create_user(node, token, name, timeout=5):
    return node.post("/api/v1/users", token=token, json={"username": name, "password": "password-" + name},
                     timeout=timeout)


def usernames(node, token, stale=False):
    r = node.get("/api/v1/users" + ("?consistency=stale" if stale else ""), token=token)
    assert r.status_code == 200, r.text
    return {u["username"] for u in r.json()["items"]}


def playlist_names(node, token):
    r = node.get("/api/v1/playlists?consistency=stale&limit=500", token=token)
    assert r.status_code == 200, r.text
    return sorted(p["name"] for p in r.json()["items"])


def test_three_nodes_agree_and_a_write_on_any_node_is_read_on_every_node(cluster3):
    token = cluster3.token
    leader = cluster3.leader()
    follower = cluster3.followers()[0]
    r = create_user(follower, token, "written-on-follower")
    assert r.status_code == 201, r.text
    r = create_user(leader, token, "written-on-leader")
    assert r.status_code == 201, r.text
    # Linearizable reads: every node sees both writes at once, no waiting.
    for node in cluster3.nodes:
        assert {"written-on-follower", "written-on-leader"} <= usernames(node, token), node.name
    status = follower.status(token)
    assert len(status["members"]) == 3
    assert {m["membership"] for m in status["members"]} == {"voter"}
    assert all(m["reachable"] for m in status["members"])
    # The leader reaches every member (a follower only talks to its leader).
    leader_view = leader.status(token)["members"]
    assert all(m["last_contact_ms_ago"] is not None and m["last_contact_ms_ago"] < 2000 for m in leader_view)
    assert status["leader"] == leader.raft_status()["node_id"]
    # Membership changes are audit events on every node: each joiner was
    # added, then promoted once caught up (a Raft config entry, with the
    # time the leader proposed it).
    cluster3.wait_applied_equal()
    joiners = {n.raft_status()["node_id"] for n in cluster3.nodes[1:]}
    for node in cluster3.nodes:
        for action in ("member.added", "member.promoted"):
            r = node.get("/api/v1/audit", token=token, params={"action": action})
            assert r.status_code == 200, r.text
            events = r.json()["items"]
            assert joiners <= {e["target"] for e in events}, (node.name, action, events)
            assert all(not e["time"].startswith("1970") for e in events), events


def test_concurrent_writes_through_a_follower_each_get_their_own_answer_and_are_read_back_there(cluster3):
    # A follower sends the writes it receives meanwhile to the leader in
    # batches (POST /peer/v1/propose-batch). Each request still gets its
    # own answer; the same Idempotency-Key sent twice at once (often in one
    # batch) is applied once; and every acknowledged write is read at once
    # on the follower that took it, from its local copy (read-your-writes).
    token = cluster3.token
    follower = cluster3.followers()[0]
    keys = ["batch-%02d" % i for i in range(32)]

    def create(key):
        r = follower.post("/api/v1/playlists", token=token, json={"name": key},
                          headers={"Idempotency-Key": key}, timeout=10)
        assert r.status_code in (200, 201), r.text
        mine = follower.get("/api/v1/playlists/" + r.json()["id"] + "?consistency=stale", token=token)
        assert mine.status_code == 200 and mine.json()["name"] == key, mine.text
        return key, r.json()["id"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(create, keys + keys))
    ids = {}
    for key, playlist_id in results:
        assert ids.setdefault(key, playlist_id) == playlist_id, key
    assert len(set(ids.values())) == len(keys)
    cluster3.wait_applied_equal()
    for node in cluster3.nodes:
        names = playlist_names(node, token)
        assert all(names.count(key) == 1 for key in keys), (node.name, names)


def test_kill_9_of_the_leader_under_write_load_loses_no_acknowledged_write(cluster3):
    token = cluster3.token
    leader = cluster3.leader()
    survivors = [n for n in cluster3.nodes if n is not leader]
    acknowledged = []
    stop = [False]

    def writer(node, prefix):
        i = 0
        while not stop[0]:
            name = "%s-%d" % (prefix, i)
            try:
                r = create_user(node, token, name, timeout=5)
                if r.status_code == 201:
                    acknowledged.append(name)
                else:
                    assert r.status_code == 503, r.text
                    assert r.headers.get("Retry-After"), r.headers
            except requests.RequestException:
                pass  # the killed node's connections
            i += 1

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(writer, n, "w%d" % k) for k, n in enumerate(cluster3.nodes)]
        time.sleep(1.0)
        before_kill = len(acknowledged)
        assert before_kill > 0, "no write succeeded before the kill"
        leader.kill()
        killed_at = time.time()
        # Writes resume on the survivors.
        cluster3.wait(lambda: create_user(survivors[0], token, "after-kill-%f" % time.time()).status_code == 201,
                      10, "a write after the kill")
        recovered_after = time.time() - killed_at
        time.sleep(0.5)
        stop[0] = True
        for f in futures:
            f.result()
    assert recovered_after < 5 * SLOW, recovered_after
    for node in survivors:
        present = usernames(node, token)
        missing = [n for n in acknowledged if n not in present]
        assert not missing, "%s lost acknowledged writes: %s" % (node.name, missing[:10])
    # The old leader comes back and catches up.
    leader.start()
    cluster3.wait_applied_equal()
    present = usernames(leader, token, stale=True)
    assert not [n for n in acknowledged if n not in present]


def test_a_minority_refuses_writes_and_reads_in_bounded_time_but_still_serves_stale_reads(cluster3):
    token = cluster3.token
    assert create_user(cluster3.nodes[0], token, "before-split").status_code == 201
    cluster3.wait_applied_equal()  # acknowledged means on a majority, not on every node
    lonely = cluster3.nodes[2]
    for node in cluster3.nodes[:2]:
        node.kill()
    started = time.time()
    r = create_user(lonely, token, "in-minority", timeout=10)
    assert time.time() - started < REFUSAL_DEADLINE_S
    assert_error(r, 503, "unavailable")
    assert r.headers.get("Retry-After")
    started = time.time()
    r = lonely.get("/api/v1/users", token=token, timeout=10)
    assert time.time() - started < REFUSAL_DEADLINE_S
    assert_error(r, 503, "unavailable")
    # Stale reads and cluster status still work.
    assert "before-split" in usernames(lonely, token, stale=True)
    status = lonely.status(token)
    assert sum(1 for m in status["members"] if m["reachable"]) == 1
    dead = [m for m in status["members"] if not m["reachable"]]
    assert all(m.get("last_error") for m in dead), dead  # the operator sees why
    # Healing: the majority comes back and the minority node rejoins it.
    for node in cluster3.nodes[:2]:
        node.start()
    cluster3.wait(lambda: create_user(lonely, token, "after-heal").status_code == 201, 15, "a write after healing")
    for node in cluster3.nodes:
        assert "after-heal" in usernames(node, token)


def test_every_node_restarted_comes_back_with_identical_state(cluster3):
    token = cluster3.token
    for i in range(20):
        assert create_user(cluster3.nodes[i % 3], token, "restart-%d" % i).status_code == 201
    for node in cluster3.nodes:
        node.stop()
    for node in cluster3.nodes:
        node.start(wait=False)
    for node in cluster3.nodes:
        assert node.wait_ready(timeout=30 * SLOW)
    cluster3.leader()
    cluster3.wait_applied_equal()
    views = [usernames(n, token) for n in cluster3.nodes]
    assert views[0] == views[1] == views[2]
    assert {"restart-%d" % i for i in range(20)} <= views[0]


def test_a_node_restarted_on_new_ports_is_found_again(cluster3):
    token = cluster3.token
    node = cluster3.followers()[0]
    node.stop()
    node.move_ports()
    node.start()
    new_peer = node.peer_address

    def recorded():
        return any(m["peer_address"] == new_peer for m in cluster3.nodes[0].status(token)["members"])

    cluster3.wait(recorded, 10, "the new address in the member list")
    assert create_user(cluster3.leader(), token, "after-move").status_code == 201
    cluster3.wait(lambda: "after-move" in usernames(node, token, stale=True), 10, "replication to the moved node")


def test_cluster_cli_transfers_leadership_and_removes_a_member(cluster3):
    token = cluster3.token
    leader = cluster3.leader()
    target = cluster3.followers()[0]
    target_id = target.raft_status()["node_id"]
    out = subprocess.run([BIN, "cluster", "transfer-leader", target_id, "--server", leader.base, "--token", token],
                         capture_output=True, text=True, timeout=30, env=child_env())
    assert out.returncode == 0, out.stderr
    assert cluster3.leader() is target
    status = subprocess.run([BIN, "cluster", "status", "--server", target.base, "--token", token],
                            capture_output=True, text=True, timeout=30, env=child_env())
    assert status.returncode == 0, status.stderr
    assert target_id in status.stdout and "leader" in status.stdout
    removed = [n for n in cluster3.nodes if n is not target][0]
    removed_id = removed.raft_status()["node_id"]
    out = subprocess.run([BIN, "cluster", "remove", removed_id, "--server", target.base, "--token", token],
                         capture_output=True, text=True, timeout=30, env=child_env())
    assert out.returncode == 0, out.stderr
    members = target.status(token)["members"]
    assert removed_id not in {m["node_id"] for m in members}
    assert removed_id not in target.raft_status()["voters"]
    # Two voters remain and still commit.
    assert create_user(target, token, "after-remove").status_code == 201


def test_cluster_cli_remove_waits_out_a_cluster_without_leader(cluster3):
    """A pre-stop hook runs `cluster remove` whenever the orchestrator stops a
    node, also while the cluster has no leader: the command retries its 503s
    (--wait) and succeeds once a majority is back, instead of failing the
    hook and leaving a dead voter behind."""
    token = cluster3.token
    survivor, down, removed = cluster3.nodes
    removed_id = removed.raft_status()["node_id"]
    down.kill()
    removed.kill()
    remove = subprocess.Popen([BIN, "cluster", "remove", removed_id, "--server", survivor.base, "--token", token,
                               "--wait", str(int(60 * SLOW))],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(remove.stderr), daemon=True)
    reader.start()
    try:
        cluster3.wait(lambda: any("HTTP 503, retrying" in line for line in lines), 20, "a 503 retried")
        assert remove.poll() is None, "it gave up while the cluster had no leader"
        down.start()
        remove.wait(timeout=60 * SLOW)
    finally:
        if remove.poll() is None:
            remove.kill()
    reader.join(timeout=5)
    assert remove.returncode == 0, "".join(lines)
    assert removed_id not in {m["node_id"] for m in survivor.status(token)["members"]}
    assert removed_id not in survivor.raft_status()["voters"]


def test_a_new_node_catches_up_through_a_snapshot_and_restarts_from_one(cluster_factory):
    cluster = cluster_factory(3, args=["--snapshot-interval", "100"])
    token = cluster.token
    def create_playlist(i):
        return cluster.nodes[i % 3].post("/api/v1/playlists", token=token, json={"name": "snap-%d" % i}).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(create_playlist, range(250)))
    assert results.count(201) == 250
    leader = cluster.leader()
    cluster.wait(lambda: leader.raft_status()["snapshot_index"] > 0, 10, "a snapshot on the leader")
    # The log before the snapshot is gone: a newcomer can only catch up
    # through InstallSnapshot.
    newcomer = cluster.new_node()
    newcomer.start()
    cluster.wait_voters(4)
    cluster.wait_applied_equal()
    assert newcomer.raft_status()["snapshot_index"] > 0
    assert playlist_names(newcomer, token) == playlist_names(leader, token)
    # A restart loads the snapshot and the log after it.
    follower = cluster.followers()[0]
    follower.stop()
    follower.start()
    cluster.wait_applied_equal()
    assert playlist_names(follower, token) == playlist_names(leader, token)


def test_a_node_that_cannot_join_yet_still_stops_on_sigterm(tmp_path):
    from cluster_helpers import Node
    from helpers import free_port
    node = Node(tmp_path / "lonely", "lonely", join=["127.0.0.1:%d" % free_port()])  # nobody listens there
    node.start(wait=False)
    time.sleep(1.0)
    assert node.running(), node.stderr_text()
    started = time.time()
    assert node.stop() == 0
    assert time.time() - started < 5 * SLOW


def test_a_write_retried_with_the_same_idempotency_key_on_another_node_is_applied_once(cluster3):
    token = cluster3.token
    first, second = cluster3.nodes[0], cluster3.nodes[2]
    headers = {"Idempotency-Key": "make-road-trip-1"}
    a = first.post("/api/v1/playlists", token=token, json={"name": "Road trip"}, headers=headers)
    assert a.status_code == 201, a.text
    # The client lost the answer and retries elsewhere: same playlist, not a second one.
    b = second.post("/api/v1/playlists", token=token, json={"name": "Road trip"}, headers=headers)
    assert b.status_code in (200, 201), b.text
    assert b.json()["id"] == a.json()["id"]
    assert playlist_names(second, token).count("Road trip") == 1
    # Another key is another request.
    c = second.post("/api/v1/playlists", token=token, json={"name": "Road trip"},
                    headers={"Idempotency-Key": "make-road-trip-2"})
    assert c.status_code == 201 and c.json()["id"] != a.json()["id"]
    cluster3.wait_applied_equal()
    assert playlist_names(first, token).count("Road trip") == 2
    bad = first.post("/api/v1/playlists", token=token, json={"name": "x"}, headers={"Idempotency-Key": "a" * 65})
    assert_error(bad, 400, "invalid_argument")
