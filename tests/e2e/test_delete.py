"""Deleting tracks: who may, blob garbage collection, playlists."""

from helpers import assert_error, sha256, wav_bytes


def test_uploader_deletes_own_track_and_blob_goes(server):
    user = server.create_user("owner-olga")
    data = wav_bytes()
    track = server.upload_ok(data, "mine.wav", token=user["token"])
    assert server.has_blob(sha256(data))
    r = server.delete("/api/v1/tracks/" + track["id"], token=user["token"])
    assert r.status_code == 200, r.text
    assert_error(server.get("/api/v1/tracks/" + track["id"]), 404)
    assert server.tracks_total() == 0
    assert not server.has_blob(sha256(data)), "an unreferenced blob must be removed from DATA/blobs"
    assert_error(server.delete("/api/v1/tracks/" + track["id"], token=user["token"]), 404)


def test_other_user_gets_403_admin_may(server):
    owner = server.create_user("owner-otto")
    other = server.create_user("other-oscar")
    data = wav_bytes()
    track = server.upload_ok(data, "otto.wav", token=owner["token"])
    assert_error(server.delete("/api/v1/tracks/" + track["id"], token=other["token"]), 403, "permission_denied")
    assert server.get("/api/v1/tracks/" + track["id"]).status_code == 200
    assert server.has_blob(sha256(data))
    assert server.delete("/api/v1/tracks/" + track["id"]).status_code == 200  # admin
    assert_error(server.get("/api/v1/tracks/" + track["id"]), 404)
    assert not server.has_blob(sha256(data))


def test_delete_removes_from_playlists(server):
    user = server.create_user("pl-paula")
    a = server.upload_ok(wav_bytes(), "a.wav", token=user["token"])
    b = server.upload_ok(wav_bytes(), "b.wav", token=user["token"])
    r = server.post("/api/v1/playlists", json={"name": "mix", "track_ids": [a["id"], b["id"], a["id"]]},
                    token=user["token"])
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    # another user's playlist holding the same track
    other = server.create_user("pl-pedro")
    r = server.post("/api/v1/playlists", json={"name": "theirs", "track_ids": [a["id"]]}, token=other["token"])
    assert r.status_code == 201, r.text
    other_pid = r.json()["id"]

    assert server.delete("/api/v1/tracks/" + a["id"], token=user["token"]).status_code == 200
    pl = server.get("/api/v1/playlists/" + pid, token=user["token"]).json()
    assert [t["id"] for t in pl["tracks"]] == [b["id"]]
    assert pl["track_count"] == 1
    assert pl["duration_ms"] == b["duration_ms"]
    theirs = server.get("/api/v1/playlists/" + other_pid, token=other["token"]).json()
    assert theirs["tracks"] == [] and theirs["track_count"] == 0


def test_shared_cover_survives_deleting_one_track(server, fixtures):
    """mp3 and m4a embed the same JPEG: one cover blob, kept while used."""
    mp3 = server.upload_ok(fixtures.formats["mp3"][0].read_bytes(), "probe.mp3")
    m4a = server.upload_ok(fixtures.formats["m4a"][0].read_bytes(), "probe.m4a")
    cover = server.get("/api/v1/tracks/%s/cover" % m4a["id"])
    assert cover.status_code == 200
    cover_hash = sha256(cover.content)
    assert server.has_blob(cover_hash)
    assert server.delete("/api/v1/tracks/" + mp3["id"]).status_code == 200
    again = server.get("/api/v1/tracks/%s/cover" % m4a["id"])
    assert again.status_code == 200 and again.content == cover.content
    assert server.has_blob(cover_hash)
    assert server.delete("/api/v1/tracks/" + m4a["id"]).status_code == 200
    assert not server.has_blob(cover_hash), "an unused cover blob must be removed too"
    assert server.blob_files() == []


def test_deleted_content_can_be_uploaded_again(server):
    data = wav_bytes()
    first = server.upload_ok(data, "again.wav")
    assert server.delete("/api/v1/tracks/" + first["id"]).status_code == 200
    second = server.upload_ok(data, "again.wav", expect=201)
    assert second["content_hash"] == first["content_hash"]
    assert server.get("/api/v1/tracks/%s/stream" % second["id"]).content == data


def test_delete_updates_album_and_artist(server, media):
    t1 = server.upload_ok(media["grp_d1t1"], "1.flac")
    t2 = server.upload_ok(media["grp_d1t2"], "2.flac")
    assert server.delete("/api/v1/tracks/" + t1["id"]).status_code == 200
    album = server.get("/api/v1/albums/" + t2["album_id"]).json()
    assert [t["id"] for t in album["tracks"]] == [t2["id"]] and album["track_count"] == 1
    assert server.delete("/api/v1/tracks/" + t2["id"]).status_code == 200
    assert_error(server.get("/api/v1/albums/" + t2["album_id"]), 404)
    assert server.get("/api/v1/albums").json()["total"] == 0
    assert server.get("/api/v1/artists").json()["total"] == 0
