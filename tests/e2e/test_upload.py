"""Uploads of every format: tags against the gen_library manifest, untagged
defaults, multipart, duplicates, album grouping, compilations, covers."""

import concurrent.futures

import pytest

from helpers import assert_error, is_rfc3339_ms, jpeg_size, multipart_body, sha256, wav_bytes

FORMATS = ["mp3", "flac", "ogg", "opus", "m4a", "wav"]
COVER_FORMATS = ["mp3", "flac", "ogg", "opus", "m4a"]
TRACK_KEYS = {"id", "title", "artist", "artists", "album", "album_artist", "album_id", "artist_id", "compilation",
              "track_number", "track_total", "disc_number", "disc_total", "year", "genre", "duration_ms",
              "bitrate_kbps", "sample_rate", "channels", "codec", "content_type", "size_bytes", "content_hash",
              "has_cover", "replaygain", "has_lyrics", "musicbrainz", "filename", "uploaded_by", "created_at"}


def expected_album_artist(path, m):
    """The album artist the server must derive: the tag, else "Various
    Artists" for a compilation, else the first artist.

    tools/gen_library.py lists album_artist "The Testers" for every tagged
    format, but ffmpeg cannot write an album artist into a WAV (RIFF INFO has
    no such field), so the file itself is the truth: a tag that is not in the
    file's bytes is taken as absent."""
    tag = m["album_artist"]
    if tag and tag.encode("utf-8") not in path.read_bytes():
        tag = ""
    if tag:
        return tag
    if m["compilation"]:
        return "Various Artists"
    return m["artists"][0] if m["artists"] else "Unknown Artist"


def duration_ok(got_ms, expected_ms):
    return abs(got_ms - expected_ms) <= max(150, expected_ms * 0.05)


@pytest.fixture(scope="module")
def uploaded(module_server, fixtures):
    """Every tagged fixture uploaded once (raw body): fmt -> (status, track json)."""
    out = {}
    for fmt in FORMATS:
        path, _ = fixtures.formats[fmt]
        r = module_server.upload(path, path.name)
        out[fmt] = (r.status_code, r.json() if r.headers.get("Content-Type", "").startswith("application/json")
                    else r.text)
    return out


def tagged(uploaded, fmt):
    status, track = uploaded[fmt]
    assert status == 201, "upload of %s: %s %s" % (fmt, status, track)
    return track


@pytest.mark.parametrize("fmt", FORMATS)
def test_upload_tagged_fields_match_manifest(uploaded, fixtures, module_server, fmt):
    track = tagged(uploaded, fmt)
    path, m = fixtures.formats[fmt]
    data = path.read_bytes()
    assert set(track) == TRACK_KEYS, set(track) ^ TRACK_KEYS
    expect = {
        "title": m["title"], "artists": m["artists"], "artist": ", ".join(m["artists"]), "album": m["album"],
        "album_artist": expected_album_artist(path, m), "track_number": m["track_number"], "track_total": m["track_total"],
        "disc_number": m["disc_number"], "disc_total": m["disc_total"], "year": m["year"], "genre": m["genre"],
        "codec": m["codec"], "content_type": m["content_type"], "sample_rate": m["sample_rate"],
        "channels": m["channels"], "compilation": m["compilation"], "size_bytes": len(data),
        "content_hash": sha256(data), "filename": path.name,
    }
    got = {k: track[k] for k in expect}
    assert got == expect
    assert duration_ok(track["duration_ms"], m["duration_ms"]), (track["duration_ms"], m["duration_ms"])
    assert track["bitrate_kbps"] > 0
    assert is_rfc3339_ms(track["created_at"])
    me = module_server.get("/api/v1/me").json()
    assert track["uploaded_by"] == me["id"]
    # the stored record is the same as the upload answer
    again = module_server.get("/api/v1/tracks/" + track["id"])
    assert again.status_code == 200 and again.json() == track


@pytest.mark.parametrize("fmt", FORMATS)
def test_upload_tagged_extra_tags_match_manifest(uploaded, fixtures, fmt):
    """Cover flag, lyrics, ReplayGain and MusicBrainz ids, where the format carries them."""
    track = tagged(uploaded, fmt)
    _, m = fixtures.formats[fmt]
    assert track["has_cover"] == m["has_cover"]
    assert track["has_lyrics"] == bool(m["lyrics"])
    rg = track["replaygain"]
    for key, mkey in (("track_gain_db", "replaygain_track_gain_db"), ("track_peak", "replaygain_track_peak"),
                      ("album_gain_db", "replaygain_album_gain_db"), ("album_peak", "replaygain_album_peak")):
        if m[mkey] is None:
            assert rg[key] is None, (key, rg)
        else:
            assert rg[key] == pytest.approx(m[mkey], abs=1e-3), (key, rg)
    assert track["musicbrainz"] == {"track_id": m["musicbrainz_track_id"] or None,
                                    "album_id": m["musicbrainz_album_id"] or None,
                                    "artist_id": m["musicbrainz_artist_id"] or None}


@pytest.mark.parametrize("fmt", FORMATS)
def test_upload_untagged_defaults(module_server, fixtures, fmt):
    path, m = fixtures.untagged[fmt]
    data = path.read_bytes()
    r = module_server.upload(data, path.name)
    assert r.status_code == 201, r.text
    track = r.json()
    assert track["title"] == m["default_title"] == path.stem
    assert track["artists"] == ["Unknown Artist"]
    assert track["artist"] == "Unknown Artist"
    assert track["album"] == "Unknown Album"
    assert track["codec"] == m["codec"] and track["content_type"] == m["content_type"]
    assert track["size_bytes"] == len(data) and track["content_hash"] == sha256(data)
    assert track["has_cover"] is False
    assert track["year"] == 0 and track["track_number"] == 0 and track["genre"] == ""
    assert track["filename"] == path.name
    assert duration_ok(track["duration_ms"], m["duration_ms"])


def test_same_content_again_is_200_with_same_id(module_server, uploaded, fixtures):
    first = tagged(uploaded, "mp3")
    total = module_server.tracks_total()
    path, _ = fixtures.formats["mp3"]
    r = module_server.upload(path, "another name.mp3")
    assert r.status_code == 200, r.text
    assert r.json()["id"] == first["id"]
    assert r.json() == module_server.get("/api/v1/tracks/" + first["id"]).json()
    r = module_server.upload(path, "third.mp3", multipart=True)
    assert r.status_code == 200, r.text
    assert r.json()["id"] == first["id"]
    assert module_server.tracks_total() == total


def test_same_content_by_another_user_is_the_same_track(module_server, uploaded, fixtures):
    first = tagged(uploaded, "flac")
    user = module_server.create_user("dup-uploader")
    path, _ = fixtures.formats["flac"]
    r = module_server.upload(path, path.name, token=user["token"])
    assert r.status_code == 200, r.text
    assert r.json()["id"] == first["id"]
    assert r.json()["uploaded_by"] == first["uploaded_by"]


def test_concurrent_uploads_of_the_same_bytes(server):
    data = wav_bytes(seconds=0.5)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: server.upload(data, "same%d.wav" % i), range(8)))
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] * 7 + [201], [(r.status_code, r.text[:200]) for r in results]
    assert len({r.json()["id"] for r in results}) == 1
    assert server.tracks_total() == 1
    assert server.blob_tmp_files() == []
    assert server.blob_files() == [sha256(data)]


def test_concurrent_uploads_of_different_files(server):
    blobs = [wav_bytes() for _ in range(12)]
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda i: server.upload(blobs[i], "t%02d.wav" % i), range(len(blobs))))
    assert [r.status_code for r in results] == [201] * len(blobs), [r.text[:200] for r in results]
    assert server.tracks_total() == len(blobs)
    for data, r in zip(blobs, results):
        assert server.get("/api/v1/tracks/%s/stream" % r.json()["id"]).content == data


def test_multipart_upload(server, fixtures):
    path, m = fixtures.formats["flac"]
    data = path.read_bytes()
    body, content_type = multipart_body([("comment", None, "a form field first"),
                                         ("file", "Mi canción.flac", data)])
    r = server.post("/api/v1/tracks", data=body, headers={"Content-Type": content_type})
    assert r.status_code == 201, r.text
    track = r.json()
    assert track["filename"] == "Mi canción.flac"
    assert track["title"] == m["title"] and track["artists"] == m["artists"] and track["album"] == m["album"]
    assert track["size_bytes"] == len(data) and track["content_hash"] == sha256(data)
    assert track["codec"] == "flac"
    stream = server.get("/api/v1/tracks/%s/stream" % track["id"])
    assert stream.status_code == 200 and stream.content == data
    # the same bytes as a raw body are a duplicate
    r = server.upload(data, "x.flac")
    assert r.status_code == 200 and r.json()["id"] == track["id"]


def test_multipart_untagged_title_from_part_filename(server, fixtures):
    path, _ = fixtures.untagged["ogg"]
    r = server.upload(path, "Nombre del archivo.ogg", multipart=True)
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "Nombre del archivo"
    assert r.json()["filename"] == "Nombre del archivo.ogg"


def test_multipart_without_file_part_400(server):
    body, content_type = multipart_body([("comment", None, "no file here")])
    r = server.post("/api/v1/tracks", data=body, headers={"Content-Type": content_type})
    assert_error(r, 400, "invalid_argument")
    assert server.tracks_total() == 0


def test_multipart_not_audio_415(server):
    r = server.upload(b"hello, this is text\n" * 50, "song.mp3", multipart=True)
    assert_error(r, 415, "unsupported_media")
    assert server.tracks_total() == 0
    assert server.blob_tmp_files() == []


# ---- grouping ---------------------------------------------------------------------------

def test_formats_share_one_album(uploaded, module_server, fixtures):
    keys = {fmt: (expected_album_artist(*fixtures.formats[fmt]), fixtures.formats[fmt][1]["album"])
            for fmt in FORMATS}
    for a in FORMATS:
        for b in FORMATS:
            same = tagged(uploaded, a)["album_id"] == tagged(uploaded, b)["album_id"]
            assert same == (keys[a] == keys[b]), "album grouping is by (album artist, album title): %s %s" % (a, b)
    tracks = [tagged(uploaded, fmt) for fmt in FORMATS if keys[fmt] == ("The Testers", "Formats Album")]
    assert len(tracks) >= 5
    album_ids = {t["album_id"] for t in tracks}
    assert len(album_ids) == 1, "same album artist + album title must be one album"
    album = module_server.get("/api/v1/albums/" + album_ids.pop())
    assert album.status_code == 200
    body = album.json()
    assert body["title"] == "Formats Album" and body["album_artist"] == "The Testers"
    assert sorted(t["id"] for t in body["tracks"]) == sorted(t["id"] for t in tracks)
    assert body["track_count"] == len(tracks)


def test_album_lists_tracks_in_disc_track_order(server, media):
    ids = {}
    for name in ("grp_d2t1", "grp_d1t2", "grp_d1t1"):  # upload order differs from album order
        ids[name] = server.upload_ok(media[name], media[name].name)
    album_ids = {t["album_id"] for t in ids.values()}
    assert len(album_ids) == 1, "discs of one album are one album"
    album = server.get("/api/v1/albums/" + album_ids.pop()).json()
    assert [t["id"] for t in album["tracks"]] == [ids["grp_d1t1"]["id"], ids["grp_d1t2"]["id"],
                                                  ids["grp_d2t1"]["id"]]
    assert [(t["disc_number"], t["track_number"]) for t in album["tracks"]] == [(1, 1), (1, 2), (2, 1)]
    assert album["title"] == "Grouped Album" and album["album_artist"] == "Group Artist"
    assert album["track_count"] == 3
    assert album["disc_count"] == 2
    assert album["year"] == 2010
    assert album["duration_ms"] == sum(t["duration_ms"] for t in album["tracks"])


def test_compilation_without_album_artist_is_various_artists(server, media):
    one = server.upload_ok(media["comp1"], media["comp1"].name)
    two = server.upload_ok(media["comp2"], media["comp2"].name)
    for t in (one, two):
        assert t["compilation"] is True
        assert t["album_artist"] == "Various Artists"
    assert one["artists"] == ["Solo Uno"] and two["artists"] == ["Solo Dos"]
    assert one["album_id"] == two["album_id"]
    assert one["artist_id"] != two["artist_id"]
    album = server.get("/api/v1/albums/" + one["album_id"]).json()
    assert album["album_artist"] == "Various Artists" and album["compilation"] is True
    assert len(album["tracks"]) == 2


# ---- covers -----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", COVER_FORMATS)
def test_cover_bytes(uploaded, fixtures, module_server, fmt):
    track = tagged(uploaded, fmt)
    _, m = fixtures.formats[fmt]
    assert m["has_cover"] and track["has_cover"] is True
    r = module_server.get("/api/v1/tracks/%s/cover" % track["id"])
    assert r.status_code == 200, r.text
    magic = b"\xff\xd8" if m["cover_content_type"] == "image/jpeg" else b"\x89PNG"
    assert r.content.startswith(magic)
    assert r.headers["Content-Type"] == m["cover_content_type"]
    assert r.content == fixtures.cover_path(m["cover_content_type"]).read_bytes(), "cover bytes must be kept as stored"


@pytest.mark.parametrize("fmt,size", [("mp3", 64), ("flac", 64), ("opus", 16), ("m4a", 300)])
def test_cover_thumbnail(uploaded, module_server, fmt, size):
    track = tagged(uploaded, fmt)
    for _ in range(2):  # computed, then from the cache
        r = module_server.get("/api/v1/tracks/%s/cover" % track["id"], params={"size": size})
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"] == "image/jpeg"
        w, h = jpeg_size(r.content)
        assert (w, h) == (size, size), "a 500x500 cover must fit %dx%d exactly, got %dx%d" % (size, size, w, h)


def test_album_cover(uploaded, module_server):
    track = tagged(uploaded, "mp3")
    r = module_server.get("/api/v1/albums/%s/cover" % track["album_id"])
    assert r.status_code == 200
    assert r.content[:2] == b"\xff\xd8" or r.content[:4] == b"\x89PNG"
    r = module_server.get("/api/v1/albums/%s/cover" % track["album_id"], params={"size": 32})
    assert r.status_code == 200 and jpeg_size(r.content) == (32, 32)


def test_track_without_cover_404(uploaded, module_server):
    track = tagged(uploaded, "wav")
    assert track["has_cover"] is False
    assert_error(module_server.get("/api/v1/tracks/%s/cover" % track["id"]), 404, "not_found")
    assert_error(module_server.get("/api/v1/tracks/%s/cover" % track["id"], params={"size": 64}), 404, "not_found")


@pytest.mark.parametrize("size", ["5", "15", "2049", "0", "-1", "abc", "64px"])
def test_cover_bad_size_400(uploaded, module_server, size):
    track = tagged(uploaded, "mp3")
    assert_error(module_server.get("/api/v1/tracks/%s/cover" % track["id"], params={"size": size}), 400,
                 "invalid_argument")


def test_cover_unknown_track_404(module_server):
    assert_error(module_server.get("/api/v1/tracks/nope/cover"), 404, "not_found")
    assert_error(module_server.get("/api/v1/albums/nope/cover"), 404, "not_found")
