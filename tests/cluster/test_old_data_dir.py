"""A node of this build starts on data written by the binary before format
versions and feature levels (issue 8, upgrades): the fixture
fixtures/datadir-v1.tar.gz is a one-node cluster's data dir written by
that binary (tests/upgrade/make_fixture.py makes it again), and data of a
newer format stops the node with a message naming the file.

    DISPOTIFY_BIN=$PWD/build/dispotify /usr/bin/python3 -m pytest -q tests/cluster/test_old_data_dir.py
"""

import json
import tarfile
import time
from pathlib import Path

import pytest

from helpers import SLOW, sha256
from versioned_nodes import VersionedNode, cluster_level

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "datadir-v1.tar.gz"


@pytest.fixture
def old_data(tmp_path):
    """A node (not started) on a fresh copy of the fixture's data dir, and
    the fixture's manifest."""
    node = VersionedNode(tmp_path / "n0", "n0")
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(node.root)  # its one member is data/, the node's data dir
    manifest = json.loads((node.data_dir / "FIXTURE.json").read_text())
    yield node, manifest
    if node.running():
        node.stop()


def wait_for(predicate, timeout_s, what):
    deadline = time.time() + timeout_s * SLOW
    while time.time() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError("timed out waiting for %s" % what)


def test_this_build_starts_on_old_data_and_keeps_all_of_it(old_data):
    node, manifest = old_data
    assert not (node.data_dir / "blobs" / "VERSION").exists(), "the fixture predates the blob layout file"
    node.start()
    token = node.login("admin", node.admin_password)
    status = node.get("/api/v1/cluster", token=token).json()
    assert status["node_id"] == manifest["node_id"], "the same node, not a new one"
    assert status["commit_index"] >= manifest["commit_index"]
    # The track, its bytes, the user and the playlist written by the old binary.
    r = node.get("/api/v1/tracks/%s/stream" % manifest["track_id"], token=token)
    assert r.status_code == 200, r.text
    assert sha256(r.content) == manifest["content_hash"]
    assert node.login(manifest["user"], "fixture-password")
    names = [p["name"] for p in node.get("/api/v1/playlists", token=token).json()["items"]]
    assert manifest["playlist"] in names
    assert (node.data_dir / "blobs" / "VERSION").read_text() == "1\n"
    # Its only member runs this build: the leader raises the level to 2 on its own.
    wait_for(lambda: cluster_level(node, token) == 2, 15, "cluster level 2")
    users = node.get("/api/v1/users", token=token).json()["items"]
    listener = next(u for u in users if u["username"] == manifest["user"])
    r = node.patch("/api/v1/users/%s" % listener["id"], token=token, json={"username": "renamed-listener"})
    assert r.status_code == 200, r.text
    # The log goes on from the old segments: a restart replays old and new records.
    node.stop()
    node.start()
    token = node.login("admin", node.admin_password)
    assert node.login("renamed-listener", "fixture-password")
    assert cluster_level(node, token) == 2


def stops_naming(node, path_part, text):
    node.start(wait=False)
    code = node.proc.wait(timeout=30 * SLOW)
    err = node.stderr_text() + node.stdout_text()
    assert code != 0, "started on data of a newer version"
    assert path_part in err and text in err, err[-3000:]


def test_a_blob_store_of_a_newer_layout_stops_the_node_naming_the_file(old_data):
    node, _ = old_data
    (node.data_dir / "blobs" / "VERSION").write_text("2\n")
    stops_naming(node, "blobs/VERSION", "newer than this binary")


def test_a_catalog_of_a_newer_schema_stops_the_node_naming_the_file(old_data):
    node, _ = old_data
    import sqlite3
    with sqlite3.connect(node.data_dir / "catalog.db") as db:
        db.execute("UPDATE schema_version SET version = 99")
    stops_naming(node, "catalog.db", "newer than this binary")
