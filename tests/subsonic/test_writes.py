"""Writes through the catalog's commands: star/unstar (songs, albums,
artists, also by folder ids), setRating, scrobble (play counts and last
played; streaming alone never counts), the play queue, and playlists.
Each user's marks are their own."""


def song_of(client, track_id):
    return client.call("getSong", {"id": track_id})["song"]


def test_star_unstar_and_starred2(library):
    c = library.client()
    rock, jazz = library.tracks["rock1"], library.tracks["jazz1"]
    c.call("star", {"id": [rock["id"], jazz["album_id"]], "artistId": rock["artist_id"]})
    starred = c.call("getStarred2")["starred2"]
    assert [s["id"] for s in starred["song"]] == [rock["id"]]
    assert [a["id"] for a in starred["album"]] == [jazz["album_id"]]
    assert [a["id"] for a in starred["artist"]] == [rock["artist_id"]]
    assert "starred" in song_of(c, rock["id"])
    assert c.call("getStarred")["starred"]["song"][0]["id"] == rock["id"]
    listed = c.call("getAlbumList2", {"type": "starred"})["albumList2"]["album"]
    assert [a["id"] for a in listed] == [jazz["album_id"]]
    # another user's stars are separate
    assert library.other_client().call("getStarred2")["starred2"]["song"] == []
    c.call("unstar", {"id": rock["id"], "albumId": jazz["album_id"], "artistId": rock["artist_id"]})
    starred = c.call("getStarred2")["starred2"]
    assert starred["song"] == [] and starred["album"] == [] and starred["artist"] == []
    assert "starred" not in song_of(c, rock["id"])
    code, _ = c.error("star", {"id": "0000000000000000"})
    assert code == 70
    code, _ = c.error("star")
    assert code == 10


def test_set_rating(library):
    c = library.client()
    rock = library.tracks["rock2"]
    c.call("setRating", {"id": rock["id"], "rating": 4})
    assert song_of(c, rock["id"])["userRating"] == 4
    c.call("setRating", {"id": rock["album_id"], "rating": 2})
    assert c.call("getAlbum", {"id": rock["album_id"]})["album"]["userRating"] == 2
    c.call("setRating", {"id": rock["id"], "rating": 0})
    assert song_of(c, rock["id"])["userRating"] == 0
    code, _ = c.error("setRating", {"id": rock["id"], "rating": 6})
    assert code == 0
    code, _ = c.error("setRating", {"id": rock["id"]})
    assert code == 10


def test_scrobble_counts_plays_and_stream_does_not(library):
    c = library.other_client()
    pop = library.tracks["pop1"]
    before = song_of(c, pop["id"]).get("playCount", 0)
    r = c.raw("stream", {"id": pop["id"]})
    assert r.status_code == 200 and r.content
    assert song_of(c, pop["id"]).get("playCount", 0) == before
    c.call("scrobble", {"id": pop["id"], "submission": "false"})  # now playing: not a play
    assert song_of(c, pop["id"]).get("playCount", 0) == before
    c.call("scrobble", {"id": pop["id"], "time": 1700000000000})
    c.call("scrobble", {"id": pop["id"]}, post=True)
    song = song_of(c, pop["id"])
    assert song["playCount"] == before + 2 and song["played"].startswith("20")
    recent = c.call("getAlbumList2", {"type": "recent"})["albumList2"]["album"]
    assert recent[0]["id"] == pop["album_id"]
    frequent = c.call("getAlbumList2", {"type": "frequent"})["albumList2"]["album"]
    assert frequent[0]["id"] == pop["album_id"] and frequent[0]["playCount"] == before + 2
    # the admin's counts are untouched
    assert song_of(library.client(), pop["id"]).get("playCount", 0) == 0
    code, _ = c.error("scrobble", {"id": "0000000000000000"})
    assert code == 70


def test_play_queue(library):
    c = library.client(client_name="QueueApp")
    ids = [library.tracks["rock1"]["id"], library.tracks["jazz1"]["id"], library.tracks["pop1"]["id"]]
    assert "playQueue" not in c.call("getPlayQueue")
    c.call("savePlayQueue", {"id": ids, "current": ids[1], "position": 4200})
    for fmt in ("json", "xml"):
        queue = library.client(fmt=fmt).call("getPlayQueue", fmt=fmt)["playQueue"]
        assert [e["id"] for e in queue["entry"]] == ids
        assert queue["current"] == ids[1] and queue["position"] == 4200
        assert queue["username"] == "admin" and queue["changedBy"] == "QueueApp"
    code, _ = c.error("savePlayQueue", {"id": ids[:1], "current": ids[2]})
    assert code == 0
    c.call("savePlayQueue", {})  # no ids: clears it
    assert "playQueue" not in c.call("getPlayQueue")


def test_playlists(library):
    c = library.client()
    ids = [library.tracks[n]["id"] for n in ("rock1", "rock2", "jazz1")]
    created = c.call("createPlaylist", {"name": "Road Trip", "songId": ids})["playlist"]
    pid = created["id"]
    assert created["name"] == "Road Trip" and created["songCount"] == 3 and created["owner"] == "admin"
    assert [e["id"] for e in created["entry"]] == ids
    assert pid in [p["id"] for p in c.call("getPlaylists")["playlists"]["playlist"]]
    c.call("updatePlaylist", {"playlistId": pid, "name": "Road Trip 2", "songIndexToRemove": [0, 2],
                              "songIdToAdd": library.tracks["pop1"]["id"]})
    got = c.call("getPlaylist", {"id": pid})["playlist"]
    assert got["name"] == "Road Trip 2"
    assert [e["id"] for e in got["entry"]] == [ids[1], library.tracks["pop1"]["id"]]
    # createPlaylist with playlistId replaces the songs
    replaced = c.call("createPlaylist", {"playlistId": pid, "songId": ids[2]})["playlist"]
    assert [e["id"] for e in replaced["entry"]] == [ids[2]]
    # another user sees nothing of it
    code, _ = library.other_client().error("getPlaylist", {"id": pid})
    assert code == 70
    code, _ = library.other_client().error("deletePlaylist", {"id": pid})
    assert code == 70
    code, _ = c.error("updatePlaylist", {"playlistId": pid, "songIndexToRemove": 5})
    assert code == 0
    code, _ = c.error("createPlaylist", {"songId": ids[0]})
    assert code == 10
    c.call("deletePlaylist", {"id": pid})
    assert pid not in [p["id"] for p in c.call("getPlaylists")["playlists"]["playlist"]]
    # and the REST API sees the same playlists
    rest = library.server.get("/api/v1/playlists").json()["items"]
    assert pid not in [p["id"] for p in rest]
