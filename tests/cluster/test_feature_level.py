"""The cluster's feature level in a mixed cluster (issue 8, upgrades), with
nodes of this build only: one node advertises the older level 1 through
the test-only DISPOTIFY_TEST_FEATURE_LEVEL, as a binary from before levels
does by saying nothing. The level stays at 1 while it is a member, a
level-2 command (a user rename) is refused with 503 on every node, and
once that node runs without the setting the leader commits level 2 and
the rename works everywhere. The two real builds are tests/upgrade.

    DISPOTIFY_BIN=$PWD/build/dispotify /usr/bin/python3 -m pytest -q tests/cluster/test_feature_level.py
"""

import time

from helpers import BIN, SLOW
from versioned_nodes import VersionedCluster, cluster_level

# The leader asks the members every 2 s (cluster_node.cpp, kLevelCheckMs).
LEVEL_CHECK_S = 2.0


def test_the_level_rises_only_once_every_member_supports_it(tmp_path):
    c = VersionedCluster(tmp_path / "c", [BIN] * 3, envs=[{}, {}, {"DISPOTIFY_TEST_FEATURE_LEVEL": "1"}])
    try:
        c.start()
        token = c.token
        old = c.nodes[2]
        r = c.nodes[0].post("/api/v1/users", token=token, json={"username": "ana", "password": "password-ana"})
        assert r.status_code == 201, r.text
        user_id = r.json()["id"]
        time.sleep(3 * LEVEL_CHECK_S)  # several rounds of the leader's check
        for n in c.nodes:
            assert cluster_level(n, token) == 1, n.name
        members = {m["node_id"]: m["status"].get("feature_level") for m in c.nodes[0].status(token)["members"]}
        assert sorted(members.values()) == [1, 2, 2], members
        for n in c.nodes:
            r = n.patch("/api/v1/users/%s" % user_id, token=token, json={"username": "ana-" + n.name})
            assert r.status_code == 503, (n.name, r.status_code, r.text)
            assert "needs cluster level 2" in r.json()["error"]["message"], r.text
        # The last "old" node comes back as what it is: the level rises.
        old.stop()
        old.env = {}
        old.start()
        c.wait(lambda: all(cluster_level(n, token) == 2 for n in c.nodes), 10 + 3 * LEVEL_CHECK_S,
               "cluster level 2 on every node")
        for n in c.nodes:
            r = n.patch("/api/v1/users/%s" % user_id, token=token, json={"username": "ana-" + n.name})
            assert r.status_code == 200, (n.name, r.text)
            assert r.json()["username"] == "ana-" + n.name
        c.wait_applied_equal()
        for n in c.nodes:
            r = n.get("/api/v1/audit", token=token, params={"action": "cluster.level_raised"})
            assert r.status_code == 200, r.text
            assert len(r.json()["items"]) == 1, (n.name, r.text)
            r = n.get("/api/v1/users/%s" % user_id, token=token, params={"consistency": "stale"})
            assert r.json()["username"] == "ana-n2", (n.name, r.text)
    finally:
        c.close()


def test_a_node_may_not_pretend_to_a_level_its_binary_lacks(tmp_path):
    c = VersionedCluster(tmp_path / "c", [BIN], envs=[{"DISPOTIFY_TEST_FEATURE_LEVEL": "3"}])
    node = c.nodes[0]
    node.start(wait=False)
    assert node.proc.wait(timeout=30 * SLOW) != 0
    assert "DISPOTIFY_TEST_FEATURE_LEVEL" in node.stderr_text()
