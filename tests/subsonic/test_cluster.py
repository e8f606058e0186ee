"""A 3-node cluster: every node answers the Subsonic API, a write made
through one node (Subsonic password, star, rating, scrobble, play queue,
playlist) is seen by the next call on any other node, and the same calls
give byte-identical answers on every node, also after a restart (ids are
the catalog's, stable across nodes and restarts)."""

from subsonic_client import Client

PASSWORD = "cluster-app-pw"

SAME_EVERYWHERE = [
    ("getArtists", {}),
    ("getIndexes", {}),
    ("getGenres", {}),
    ("getAlbumList2", {"type": "alphabeticalByName", "size": 50}),
    ("getAlbumList2", {"type": "frequent"}),
    ("search3", {"query": "", "songCount": 100}),
    ("search3", {"query": "granite"}),
    ("getStarred2", {}),
    ("getPlaylists", {}),
    ("getPlayQueue", {}),
    ("getSongsByGenre", {"genre": "Rock"}),
]


def client(node, **kw):
    return Client(node.base, username="admin", password=PASSWORD, **kw)


def answers(node, calls):
    out = []
    for method, params in calls:
        for fmt in ("json", "xml"):
            r = client(node, fmt=fmt).raw(method, params, fmt=fmt)
            assert r.status_code == 200
            out.append((method, fmt, r.content if fmt == "xml" else r.json()))
    return out


def test_every_node_gives_the_same_answers(cluster, library_files):
    nodes = cluster.nodes
    token = cluster.token
    tracks = {}
    for i, name in enumerate(("rock1", "rock2", "jazz1", "pop1")):
        path = library_files[name]
        node = nodes[i % 3]
        r = node.post("/api/v1/tracks", token=token, params={"filename": path.name}, data=path.read_bytes(),
                      headers={"Content-Type": "application/octet-stream"})
        assert r.status_code == 201, r.text
        tracks[name] = r.json()
    r = nodes[1].req("PUT", "/api/v1/me/subsonic-password", token=token, json={"password": PASSWORD})
    assert r.status_code == 200, r.text
    # Sealed with the cluster key, which the joiners received at their join.
    keys = {(n.data_dir / "cluster" / "secret.key").read_bytes() for n in nodes}
    assert len(keys) == 1
    # Each write through one node, read at once through the others.
    for node in nodes:
        assert client(node).call("ping")["status"] == "ok"
    client(nodes[2]).call("star", {"id": tracks["rock1"]["id"], "albumId": tracks["jazz1"]["album_id"]})
    for node in nodes:
        starred = client(node).call("getStarred2")["starred2"]
        assert [s["id"] for s in starred["song"]] == [tracks["rock1"]["id"]]
    client(nodes[0]).call("setRating", {"id": tracks["rock2"]["id"], "rating": 5})
    client(nodes[1]).call("scrobble", {"id": tracks["pop1"]["id"], "time": 1700000000000})
    ids = [tracks[n]["id"] for n in ("rock1", "jazz1")]
    client(nodes[2]).call("savePlayQueue", {"id": ids, "current": ids[1], "position": 1234})
    created = client(nodes[0]).call("createPlaylist", {"name": "Shared", "songId": ids})["playlist"]
    for node in nodes:
        assert client(node).call("getSong", {"id": tracks["rock2"]["id"]})["song"]["userRating"] == 5
        assert client(node).call("getSong", {"id": tracks["pop1"]["id"]})["song"]["playCount"] == 1
        assert client(node).call("getPlaylist", {"id": created["id"]})["playlist"]["songCount"] == 2
        assert client(node).call("getPlayQueue")["playQueue"]["position"] == 1234
    calls = SAME_EVERYWHERE + [("getAlbum", {"id": tracks["rock1"]["album_id"]}),
                               ("getArtist", {"id": tracks["rock1"]["artist_id"]}),
                               ("getMusicDirectory", {"id": tracks["rock1"]["album_id"]}),
                               ("getSong", {"id": tracks["jazz1"]["id"]}),
                               ("getPlaylist", {"id": created["id"]})]
    cluster.wait_applied_equal()
    first = answers(nodes[0], calls)
    for node in nodes[1:]:
        assert answers(node, calls) == first, node.name
    # A node restarted keeps the same ids and answers.
    nodes[1].restart()
    cluster.wait_applied_equal()
    assert answers(nodes[1], calls) == first
    # Any node streams any track, from its own copy or from another owner's.
    for node in nodes:
        r = client(node).raw("stream", {"id": tracks["rock1"]["id"]})
        assert r.status_code == 200 and r.content == library_files["rock1"].read_bytes(), node.name
