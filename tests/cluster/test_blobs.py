"""Replicated blob storage (issue 5): uploads write R copies through the
placement ring while the bytes arrive, need W durable copies, and every
node streams every track (from its own copy or proxied from a holder,
switching holder mid-stream when one dies)."""

import hashlib
import subprocess
import time

import pytest
import requests

from helpers import ffmpeg_audio

R2_ARGS = ["--replication-factor", "2", "--write-quorum", "2"]


def wav(tmp_path, name, seconds, freq):
    return ffmpeg_audio(tmp_path / (name + ".wav"), fmt="wav", seconds=seconds, freq=freq,
                        tags={"title": name}).read_bytes()


def holders(cluster, content_hash):
    return [n for n in cluster.nodes if n.has_blob(content_hash)]


def stream_bytes(node, token, track_id, headers=None):
    r = node.get("/api/v1/tracks/%s/stream" % track_id, token=token, headers=headers)
    assert r.status_code in (200, 206), r.text
    return r


def test_uploads_write_r_copies_and_every_node_streams_every_track(cluster_factory, tmp_path):
    cluster = cluster_factory(3, args=R2_ARGS)
    token = cluster.token
    tracks = []
    for i in range(4):
        data = wav(tmp_path, "song%d" % i, 1.0 + i * 0.1, 300 + 40 * i)
        uploader = cluster.nodes[i % 3]
        r = uploader.upload(data, "song%d.wav" % i, token=token)
        assert r.status_code == 201, r.text
        tracks.append((r.json(), data))
    cluster.wait_applied_equal()
    for track, data in tracks:
        assert track["content_hash"] == hashlib.sha256(data).hexdigest()
        assert len(holders(cluster, track["content_hash"])) == 2, "R=2: exactly two copies"
        for node in cluster.nodes:
            got = stream_bytes(node, token, track["id"]).content
            assert hashlib.sha256(got).hexdigest() == track["content_hash"], node.name
            # A range through the proxy (or from the local copy) is the same slice.
            part = stream_bytes(node, token, track["id"], headers={"Range": "bytes=100-4099"})
            assert part.status_code == 206
            assert part.headers["Content-Range"] == "bytes 100-4099/%d" % len(data)
            assert part.content == data[100:4100], node.name


def test_a_node_without_a_copy_streams_while_a_holder_dies_midway(cluster_factory, tmp_path):
    cluster = cluster_factory(3, args=R2_ARGS)
    token = cluster.token
    data = wav(tmp_path, "long", 300, 523)  # about 26 MB: more than the sockets buffer
    track = cluster.nodes[0].upload_ok(data, "long.wav", token=token)
    cluster.wait_applied_equal()
    have = holders(cluster, track["content_hash"])
    assert len(have) == 2
    (reader,) = [n for n in cluster.nodes if n not in have]
    first, second = have
    r = reader.get("/api/v1/tracks/%s/stream" % track["id"], token=token, stream=True)
    assert r.status_code == 200
    assert int(r.headers["Content-Length"]) == len(data)
    got = bytearray()
    chunks = r.iter_content(64 * 1024)

    def read(n):
        while len(got) < n:
            got.extend(next(chunks))

    # Kill one holder, then (after it is back) the other: whichever the
    # reader was using, it has to continue on the other one at least once.
    read(2 * 1024 * 1024)
    first.kill()
    read(len(got) + 4 * 1024 * 1024)
    first.start()
    second.kill()
    for chunk in chunks:
        got.extend(chunk)
    assert len(got) == len(data)
    assert hashlib.sha256(got).hexdigest() == track["content_hash"], "no wrong byte, none missing"
    assert "blob stream switches holder" in reader.stderr_text(), "the stream never changed holder"
    second.start()


def test_an_upload_succeeds_while_an_owner_is_down(cluster_factory, tmp_path):
    cluster = cluster_factory(3, args=R2_ARGS)
    token = cluster.token
    cluster.nodes[2].kill()
    for i in range(3):
        data = wav(tmp_path, "down%d" % i, 0.5, 700 + 30 * i)
        track = cluster.nodes[0].upload_ok(data, "down%d.wav" % i, token=token)
        assert len(holders(cluster, track["content_hash"])) == 2


def test_fewer_than_w_copies_is_503_and_nothing_is_added(cluster_factory, tmp_path):
    cluster = cluster_factory(3, args=["--replication-factor", "3", "--write-quorum", "3"])
    token = cluster.token
    before = cluster.nodes[0].tracks_total(token=token)
    cluster.nodes[2].kill()
    data = wav(tmp_path, "refused", 0.5, 880)
    r = cluster.nodes[0].upload(data, "refused.wav", token=token)
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "unavailable"
    assert "copies" in r.json()["error"]["message"]
    assert cluster.nodes[0].tracks_total(token=token) == before
    assert cluster.nodes[1].tracks_total(token=token) == before


FAST_REPAIR_ARGS = ["--scrub-interval", "1", "--scrub-rate", "1GiB", "--garbage-grace", "1"]


def blob_path(node, content_hash):
    return node.blobs_dir / "sha256" / content_hash[:2] / content_hash


def wait_for(cluster, predicate, timeout, what):
    return cluster.wait(predicate, timeout, what)


def copy_is_good(node, content_hash):
    path = blob_path(node, content_hash)
    return path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == content_hash


def damage_two_copies(cluster, tmp_path, token):
    """Uploads two tracks, flips a byte of n1's copy of the first and
    truncates n2's copy of the second; returns the two tracks."""
    a = cluster.nodes[0].upload_ok(wav(tmp_path, "flip", 2.0, 440), "flip.wav", token=token)
    b = cluster.nodes[0].upload_ok(wav(tmp_path, "cut", 2.0, 660), "cut.wav", token=token)
    cluster.wait(lambda: all(copy_is_good(n, t["content_hash"]) for n in cluster.nodes for t in (a, b)),
                 10, "three good copies of each blob")
    flipped = blob_path(cluster.nodes[1], a["content_hash"])
    with open(flipped, "r+b") as f:
        f.seek(1000)
        byte = f.read(1)
        f.seek(1000)
        f.write(bytes([byte[0] ^ 0xFF]))
    truncated = blob_path(cluster.nodes[2], b["content_hash"])
    with open(truncated, "r+b") as f:
        f.truncate(5000)
    return a, b


def wait_repaired(cluster, a, b):
    cluster.wait(lambda: copy_is_good(cluster.nodes[1], a["content_hash"]) and
                 copy_is_good(cluster.nodes[2], b["content_hash"]), 30, "both copies repaired")


def test_the_scrubber_finds_flipped_and_truncated_copies_and_they_are_repaired(cluster_factory, tmp_path):
    cluster = cluster_factory(3, args=FAST_REPAIR_ARGS)
    a, b = damage_two_copies(cluster, tmp_path, cluster.token)
    wait_repaired(cluster, a, b)
    for node in cluster.nodes[1:]:
        assert "scrub:" in node.stderr_text(), "%s: the scrubber found it" % node.name


def test_a_damaged_copy_is_never_served_and_is_repaired(cluster_factory, tmp_path):
    # The scrubber would come too late: serving finds the damage itself.
    cluster = cluster_factory(3, args=["--scrub-interval", "3600"])
    token = cluster.token
    a, b = damage_two_copies(cluster, tmp_path, token)
    for node in cluster.nodes:
        for t in (a, b):
            got = stream_bytes(node, token, t["id"]).content
            assert hashlib.sha256(got).hexdigest() == t["content_hash"], node.name
            part = stream_bytes(node, token, t["id"], headers={"Range": "bytes=900-1099"}).content
            assert len(part) == 200
    wait_repaired(cluster, a, b)


def test_a_removed_node_has_its_copies_made_elsewhere(cluster_factory, tmp_path):
    cluster = cluster_factory(4, args=R2_ARGS + FAST_REPAIR_ARGS)
    token = cluster.token
    tracks = [cluster.nodes[0].upload_ok(wav(tmp_path, "rm%d" % i, 0.5, 300 + 25 * i), "rm%d.wav" % i, token=token)
              for i in range(8)]
    gone = cluster.nodes[3]
    held = [t for t in tracks if gone.has_blob(t["content_hash"])]
    assert held, "the ring put some copies on every node"
    r = cluster.nodes[0].post("/api/v1/cluster/remove", token=token, json={"node_id": gone.raft_status()["node_id"]})
    assert r.status_code in (200, 204), r.text
    gone.kill()
    rest = cluster.nodes[:3]
    cluster.wait(lambda: all(sum(copy_is_good(n, t["content_hash"]) for n in rest) >= 2 for t in tracks),
                 30, "two good copies of every blob on the remaining nodes")


def test_an_unreachable_node_is_replaced_after_rereplicate_after(cluster_factory, tmp_path):
    cluster = cluster_factory(4, args=R2_ARGS + FAST_REPAIR_ARGS + ["--rereplicate-after", "2"])
    token = cluster.token
    tracks = [cluster.nodes[0].upload_ok(wav(tmp_path, "dn%d" % i, 0.5, 900 + 25 * i), "dn%d.wav" % i, token=token)
              for i in range(8)]
    down = cluster.nodes[3]
    held = sum(down.has_blob(t["content_hash"]) for t in tracks)
    assert held > 0
    down.kill()
    # The status counts copies on members that answer: the failure shows at once.
    assert 0 < cluster.nodes[0].status(token)["storage"]["under_replicated"] <= held
    rest = cluster.nodes[:3]
    cluster.wait(lambda: all(sum(copy_is_good(n, t["content_hash"]) for n in rest) >= 2 for t in tracks),
                 30, "two good copies of every blob on the reachable nodes")
    cluster.wait(lambda: cluster.nodes[0].status(token)["storage"]["under_replicated"] == 0, 10,
                 "the status healed too")


def test_deleting_the_last_track_removes_its_blob_from_every_node(cluster_factory, tmp_path):
    cluster = cluster_factory(3, args=FAST_REPAIR_ARGS)
    token = cluster.token
    track = cluster.nodes[1].upload_ok(wav(tmp_path, "del", 0.5, 1234), "del.wav", token=token)
    cluster.wait(lambda: all(n.has_blob(track["content_hash"]) for n in cluster.nodes), 10, "three copies")
    r = cluster.nodes[2].delete("/api/v1/tracks/%s" % track["id"], token=token)
    assert r.status_code == 200, r.text
    cluster.wait(lambda: not any(n.has_blob(track["content_hash"]) for n in cluster.nodes), 20,
                 "no copy left anywhere")


def test_cluster_status_and_metrics_show_copies_and_repairs(cluster_factory, tmp_path):
    cluster = cluster_factory(3, args=R2_ARGS + FAST_REPAIR_ARGS)
    token = cluster.token
    tracks = [cluster.nodes[0].upload_ok(wav(tmp_path, "st%d" % i, 0.5, 400 + 30 * i), "st%d.wav" % i, token=token)
              for i in range(3)]
    cluster.wait_applied_equal()
    status = cluster.nodes[1].status(token)
    storage = status["storage"]
    assert storage["replication_factor"] == 2 and storage["write_quorum"] == 2
    assert storage["blobs"] == len(tracks)  # the tones have no cover
    assert storage["under_replicated"] == 0
    assert sum(m["blobs"] for m in status["members"]) == 2 * len(tracks)
    for m in status["members"]:
        assert m["status"]["storage"]["disk_free_bytes"] > 0
    # Lose a copy: the status and the metrics show it until it is repaired.
    victim = next(n for n in cluster.nodes if n.has_blob(tracks[0]["content_hash"]))
    blob_path(victim, tracks[0]["content_hash"]).unlink()
    cluster.wait(lambda: sum(copy_is_good(n, tracks[0]["content_hash"]) for n in cluster.nodes) == 2,
                 30, "the lost copy made again")
    cluster.wait(lambda: cluster.nodes[0].status(token)["storage"]["under_replicated"] == 0, 10, "no blob short")
    metrics = cluster.nodes[0].metrics()
    assert "dispotify_blobs_under_replicated 0" in metrics
    assert "dispotify_blobs 3" in metrics


def test_a_joining_node_takes_its_share_and_surplus_copies_go(cluster_factory, tmp_path):
    cluster = cluster_factory(3, args=R2_ARGS + FAST_REPAIR_ARGS)
    token = cluster.token
    tracks = [cluster.nodes[i % 3].upload_ok(wav(tmp_path, "j%d" % i, 0.3, 200 + 20 * i), "j%d.wav" % i, token=token)
              for i in range(12)]
    newcomer = cluster.new_node().start()
    cluster.wait_voters(4)

    def settled():
        counts = [sum(copy_is_good(n, t["content_hash"]) for n in cluster.nodes) for t in tracks]
        return all(c == 2 for c in counts) and any(newcomer.has_blob(t["content_hash"]) for t in tracks)

    cluster.wait(settled, 60, "every blob on exactly two nodes, some of them on the new one")
    for t in tracks:
        got = stream_bytes(newcomer, token, t["id"]).content
        assert hashlib.sha256(got).hexdigest() == t["content_hash"]


def test_an_owner_killed_during_an_upload_costs_nothing(cluster_factory, tmp_path):
    cluster = cluster_factory(3)  # R=3, W=2
    token = cluster.token
    data = wav(tmp_path, "big", 200, 350)  # about 17 MB
    uploader, victim = cluster.nodes[0], cluster.nodes[2]

    def body():
        step = 256 * 1024
        for i in range(0, len(data), step):
            if i == 4 * step:
                victim.kill()
            yield data[i:i + step]

    r = uploader.post("/api/v1/tracks", token=token, params={"filename": "big.wav"}, data=body(),
                      headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 201, r.text
    track = r.json()
    assert sum(copy_is_good(n, track["content_hash"]) for n in cluster.nodes[:2]) == 2
    victim.start()
    assert victim.blob_tmp_files() == [], "the interrupted copy was cleaned up at start"
    cluster.wait(lambda: copy_is_good(victim, track["content_hash"]), 30, "the third copy repaired")


def test_the_whole_cluster_restarts_with_every_track(cluster_factory, tmp_path):
    cluster = cluster_factory(3, args=R2_ARGS)
    token = cluster.token
    tracks = [(cluster.nodes[0].upload_ok(wav(tmp_path, "w%d" % i, 0.5, 250 + 40 * i), "w%d.wav" % i, token=token))
              for i in range(4)]
    cluster.wait_applied_equal()
    for n in cluster.nodes:
        n.stop()
    for n in cluster.nodes:
        n.start(wait=False)
    for n in cluster.nodes:
        assert n.wait_ready(timeout=30)
    cluster.leader()
    token = cluster.nodes[1].login("admin", cluster.nodes[1].admin_password)
    for n in cluster.nodes:
        for t in tracks:
            got = stream_bytes(n, token, t["id"]).content
            assert hashlib.sha256(got).hexdigest() == t["content_hash"], n.name


def test_five_nodes_lose_any_two_and_heal_on_their_own(cluster_factory, tmp_path):
    """Issue 5's "done when": every track plays from every survivor with the
    right bytes, and the cluster is back at R=3 copies without help."""
    cluster = cluster_factory(5, args=FAST_REPAIR_ARGS + ["--rereplicate-after", "3"])
    token = cluster.token
    tracks = [cluster.nodes[i % 5].upload_ok(wav(tmp_path, "f%d" % i, 0.6, 330 + 20 * i), "f%d.wav" % i, token=token)
              for i in range(10)]
    cluster.wait_applied_equal()
    cluster.nodes[1].kill()
    cluster.nodes[3].kill()
    survivors = [cluster.nodes[i] for i in (0, 2, 4)]
    for n in survivors:
        for t in tracks:
            got = stream_bytes(n, token, t["id"]).content
            assert hashlib.sha256(got).hexdigest() == t["content_hash"], n.name
    cluster.wait(lambda: all(sum(copy_is_good(n, t["content_hash"]) for n in survivors) == 3 for t in tracks),
                 60, "three good copies of every blob on the three survivors")


def test_a_node_without_a_copy_transcodes_it(cluster_factory, tmp_path):
    cluster = cluster_factory(3, args=R2_ARGS)
    token = cluster.token
    track = cluster.nodes[0].upload_ok(wav(tmp_path, "tx", 3.0, 500), "tx.wav", token=token)
    cluster.wait_applied_equal()
    (reader,) = [n for n in cluster.nodes if not n.has_blob(track["content_hash"])]
    r = reader.get("/api/v1/tracks/%s/stream" % track["id"], token=token, params={"format": "mp3"})
    assert r.status_code == 200, r.text
    out = tmp_path / "tx.mp3"
    out.write_bytes(r.content)
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
                            str(out)], capture_output=True, text=True, timeout=30)
    assert probe.stdout.strip() == "mp3", probe.stderr
    assert not list((reader.data_dir / "cache" / "fetched").glob("*")), "the fetched copy is gone"


def peer_put_head_answer(node):
    """What a node's peer port answers to the head of a blob upload that
    waits for 100 Continue (the first line only)."""
    import socket
    from peer_tls import candidates, client_context
    host, port = node.peer_address.split(":")
    with socket.create_connection((host, int(port)), timeout=5) as raw:
        with client_context(candidates(node.data_dir)[0]).wrap_socket(raw) as s:
            s.sendall(b"PUT /peer/v1/blobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                      b"Expect: 100-continue\r\n\r\n")
            return s.recv(4096).split(b"\r\n", 1)[0].decode()


def test_a_node_below_min_free_disk_takes_no_new_copies_until_it_has_room(cluster_factory, tmp_path):
    cluster = cluster_factory(3, args=R2_ARGS + FAST_REPAIR_ARGS)
    token = cluster.token
    full = cluster.new_node()
    full.args = full.args + ["--min-free-disk", "1000TiB"]  # no disk has that: always below
    full.start()
    cluster.wait_voters(4)

    def marked_full():
        members = cluster.nodes[0].status(token)["members"]
        return [m["node_id"] for m in members if m["storage_full"]]

    assert len(cluster.wait(marked_full, 20, "the new node marked full")) == 1
    # Its peer port refuses a blob before the body (the sender moves on at once).
    assert peer_put_head_answer(full).endswith("507 Insufficient Storage")
    tracks = []
    for i in range(8):
        uploader = cluster.nodes[i % 4]  # the full node relays uploads too
        tracks.append(uploader.upload_ok(wav(tmp_path, "f%d" % i, 0.3, 300 + 25 * i), "f%d.wav" % i,
                                         token=token))
    cluster.wait_applied_equal()
    for t in tracks:
        assert not full.has_blob(t["content_hash"]), "a full node got a new copy"
        assert sum(copy_is_good(n, t["content_hash"]) for n in cluster.nodes) == 2
        got = stream_bytes(full, token, t["id"]).content
        assert hashlib.sha256(got).hexdigest() == t["content_hash"]
    status = cluster.nodes[1].status(token)
    assert status["storage"]["under_replicated"] == 0
    # With room again it says so, and takes its share of what it owns.
    full.stop()
    full.args = full.args[:-2]
    full.start()
    cluster.wait(lambda: not marked_full(), 20, "the node takes copies again")
    cluster.wait(lambda: any(full.has_blob(t["content_hash"]) for t in tracks), 60,
                 "the node with room again receives its share")


def test_an_interrupted_repair_copy_resumes_where_it_stopped(cluster_factory, tmp_path):
    cluster = cluster_factory(3, args=R2_ARGS + FAST_REPAIR_ARGS +
                              ["--rereplicate-after", "1", "--rebalance-rate", "1MiB"])
    token = cluster.token
    data = wav(tmp_path, "resume", 70, 440)  # about 6 MB: six seconds of copying
    track = cluster.nodes[0].upload_ok(data, "resume.wav", token=token)
    cluster.wait_applied_equal()
    have = holders(cluster, track["content_hash"])
    (target,) = [n for n in cluster.nodes if n not in have]
    leader = cluster.nodes[0].status(token)["leader"]
    lost = [n for n in have if n.raft_status()["node_id"] != leader][0]
    lost.kill()  # the third node becomes the target of a repair copy
    partial = target.blobs_dir / "resume" / track["content_hash"]
    cluster.wait(lambda: partial.exists() and partial.stat().st_size >= 1536 * 1024, 30,
                 "the copy under way")
    target.kill()
    kept = partial.stat().st_size
    target.start()
    cluster.wait(lambda: copy_is_good(target, track["content_hash"]), 30, "the copy done after the restart")
    resumed = [line for line in target.stderr_text().splitlines() if "resuming a blob copy" in line]
    assert resumed, "the copy started over"
    assert "at_byte=%d " % kept in resumed[0], resumed[0]
    got = stream_bytes(target, token, track["id"]).content
    assert hashlib.sha256(got).hexdigest() == track["content_hash"]


def test_a_node_joins_and_another_leaves_under_load(cluster_factory, tmp_path):
    """Uploads and streams keep going while a fifth node joins and an
    original one is removed: no acknowledged upload is lost, no stream
    returns a wrong byte, and every blob ends with R good copies."""
    import random
    import threading
    cluster = cluster_factory(4, args=FAST_REPAIR_ARGS)
    token = cluster.token
    files = [wav(tmp_path, "load%d" % i, 0.4 + 0.05 * (i % 5), 200 + 13 * i) for i in range(40)]
    serving = list(cluster.nodes[:3])  # the nodes the load talks to (node 3 leaves)
    acked, wrong, stop = [], [], threading.Event()

    def upload_loop():
        for i, data in enumerate(files):
            if stop.is_set():
                return
            r = serving[i % len(serving)].upload(data, "load%d.wav" % i, token=token)
            if r.status_code == 201:  # anything else is not acknowledged, and may happen
                acked.append(r.json())

    def stream_loop():
        rng = random.Random(5)
        while not stop.is_set():
            if not acked:
                time.sleep(0.05)
                continue
            t, node = rng.choice(acked), rng.choice(serving)
            r = node.get("/api/v1/tracks/%s/stream" % t["id"], token=token)
            if r.status_code == 200 and hashlib.sha256(r.content).hexdigest() != t["content_hash"]:
                wrong.append((node.name, t["id"]))

    threads = [threading.Thread(target=upload_loop), threading.Thread(target=stream_loop)]
    for th in threads:
        th.start()
    try:
        cluster.wait(lambda: len(acked) >= 8, 30, "load under way")
        newcomer = cluster.new_node().start()
        cluster.wait_voters(5)
        serving.append(newcomer)
        leaving = cluster.nodes[3]
        r = cluster.nodes[0].post("/api/v1/cluster/remove", token=token,
                                  json={"node_id": leaving.raft_status()["node_id"]})
        assert r.status_code in (200, 204), r.text
        leaving.stop()
        cluster.wait(lambda: len(acked) >= 30, 60, "more uploads after the change")
    finally:
        stop.set()
        for th in threads:
            th.join(timeout=120)
    assert not wrong, "wrong bytes served: %s" % wrong
    members = serving
    cluster.wait(lambda: all(sum(copy_is_good(n, t["content_hash"]) for n in members) >= 3 for t in acked),
                 90, "three good copies of every acknowledged blob on the members")
    cluster.wait(lambda: cluster.nodes[0].status(token)["storage"]["under_replicated"] == 0, 30,
                 "nothing under-replicated")
    for n in members:
        for t in acked:
            got = stream_bytes(n, token, t["id"]).content
            assert hashlib.sha256(got).hexdigest() == t["content_hash"], n.name


def test_a_track_streams_from_another_node_right_after_its_upload(cluster_factory, tmp_path):
    """Read your writes across nodes: the other node catches up before it
    would answer 404 for a track it has not applied yet."""
    cluster = cluster_factory(3, args=R2_ARGS)
    token = cluster.token
    for i in range(8):
        data = wav(tmp_path, "ryw%d" % i, 0.2, 300 + 11 * i)
        track = cluster.nodes[i % 3].upload_ok(data, "ryw%d.wav" % i, token=token)
        r = cluster.nodes[(i + 1) % 3].get("/api/v1/tracks/%s/stream" % track["id"], token=token)
        assert r.status_code == 200, r.text
        assert r.content == data
    r = cluster.nodes[0].get("/api/v1/tracks/%s/stream" % ("0" * 16), token=token)
    assert r.status_code == 404
