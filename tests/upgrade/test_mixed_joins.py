"""The peer protocol between the two builds, both ways (issue 8): a node
of this build joins a cluster of the old binary through an old member,
and an old node joins through a node of this build; Raft replication,
forwarded writes and blob copies then run between them in every
direction, and the cluster stays at level 1 while old nodes are members.
"""

import time

from conftest import OLD_BIN
from helpers import BIN, sha256, wav_bytes
from netns_cluster import create_playlist, playlist_names
from versioned_nodes import VersionedCluster, cluster_level


def test_nodes_of_either_build_join_through_the_other_and_work_together(tmp_path):
    c = VersionedCluster(tmp_path / "c", [OLD_BIN, BIN, OLD_BIN])
    old_founder, new, old_joiner = c.nodes
    old_joiner.join = [new.peer_address]  # the old node asks the new one
    try:
        c.start()  # n1 (this build) joined through n0 (old); n2 (old) through n1
        token = c.token
        for n in c.nodes:  # forwarded to whichever node leads, from either build
            r = create_playlist(n, token, "from-" + n.name, timeout=10)
            assert r.status_code == 201, (n.name, r.text)
        tracks = []
        for uploader in (old_joiner, new):  # copies go from each build to the other (R=3)
            r = uploader.upload(wav_bytes(seconds=0.5), "mixed-%s.wav" % uploader.name, token=token)
            assert r.status_code == 201, r.text
            tracks.append(r.json())
        c.wait_applied_equal()
        for n in c.nodes:
            names = set(playlist_names(n, token, stale=True))
            assert {"from-n0", "from-n1", "from-n2"} <= names, (n.name, names)
            for track in tracks:
                c.wait(lambda: n.has_blob(track["content_hash"]), 10, "%s holds a copy" % n.name)
                r = n.get("/api/v1/tracks/%s/stream" % track["id"], token=token)
                assert r.status_code == 200 and sha256(r.content) == track["content_hash"], n.name
        time.sleep(4)  # two rounds of a new leader's level check, if it leads
        assert cluster_level(new, token) == 1
    finally:
        c.close()
