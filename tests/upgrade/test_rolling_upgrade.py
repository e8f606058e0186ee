"""A rolling upgrade (issue 8): a 3-node cluster of the old binary
(DISPOTIFY_OLD_BIN, a build from before format versions and feature
levels) with data and a playing stream; each node in turn is stopped
(SIGTERM) and started with this build (DISPOTIFY_BIN) on the same data
dir. Writes keep succeeding within their retry budget, the stream keeps
playing, every acknowledged write is on every node at the end, the
cluster level stays 1 (and a level-2 command is refused) while an old
node is a member, rises to 2 once the last one is gone, and the level-2
command works after.
"""

import time

from conftest import OLD_BIN
from helpers import BIN, SLOW, write_big_wav
from load_clients import (Player, Writer, assert_nothing_lost, assert_played_through, stop_load, summary,
                          wait_caught_up)
from versioned_nodes import VersionedCluster, cluster_level

CATCH_UP_S = 15 * SLOW
WRITE_RETRY_BUDGET_S = 10 * SLOW
STALL_MAX_S = 5 * SLOW
LEVEL_CHECK_S = 2.0  # the leader asks the members this often


def test_a_rolling_upgrade_keeps_writes_going_and_the_music_playing(tmp_path):
    c = VersionedCluster(tmp_path / "c", [OLD_BIN] * 3)
    try:
        c.start()
        token = c.token
        assert cluster_level(c.nodes[0], token) is None, "the old binary has no levels"
        data = write_big_wav(tmp_path / "song.wav", 12 << 20).read_bytes()
        r = c.nodes[0].upload(data, "rolling.wav", token=token)
        assert r.status_code == 201, r.text
        track = r.json()
        r = c.nodes[0].post("/api/v1/users", token=token, json={"username": "ana", "password": "password-ana"})
        assert r.status_code == 201, r.text
        user_id = r.json()["id"]
        c.wait_applied_equal()
        writers = [Writer(c, token, "w%d" % i, retry_budget_s=WRITE_RETRY_BUDGET_S) for i in range(2)]
        player = Player(c, token, track["id"], stall_give_up_s=4 * STALL_MAX_S)
        for t in writers + [player]:
            t.start()
        time.sleep(1)
        for i, node in enumerate(c.nodes):
            node.stop()  # SIGTERM
            node.binary = BIN
            time.sleep(0.5)
            node.start()
            wait_caught_up(c, node, CATCH_UP_S)
            if i < len(c.nodes) - 1:
                # An old node is still a member: level 1, and the level-2
                # command is refused by the new nodes.
                time.sleep(2 * LEVEL_CHECK_S)
                for n in c.nodes[:i + 1]:
                    assert cluster_level(n, token) == 1, n.name
                    r = n.patch("/api/v1/users/%s" % user_id, token=token, json={"username": "ana-early"})
                    assert r.status_code == 503 and "needs cluster level 2" in r.text, (n.name, r.text)
            time.sleep(0.5)
        c.wait(lambda: all(cluster_level(n, token) == 2 for n in c.nodes), 10 + 3 * LEVEL_CHECK_S,
               "cluster level 2 on every node once the last old node is gone")
        time.sleep(1)
        acknowledged = stop_load(writers, player, WRITE_RETRY_BUDGET_S, 30 * SLOW)
        # The feature of level 2, through every node.
        for n in c.nodes:
            r = n.patch("/api/v1/users/%s" % user_id, token=token, json={"username": "ana-" + n.name})
            assert r.status_code == 200, (n.name, r.text)
        c.wait_applied_equal()
        assert_nothing_lost(c, token, acknowledged)
        for n in c.nodes:
            r = n.get("/api/v1/users/%s" % user_id, token=token)
            assert r.json()["username"] == "ana-n2", (n.name, r.text)
        assert_played_through(player, track["content_hash"], STALL_MAX_S)
        print(summary("rolling upgrade", writers, player))
    finally:
        c.close()
