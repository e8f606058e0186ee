"""Browsing and lists with the real library: every endpoint answers in XML
and JSON with the same content, ids are the catalog's ids, and the fields
carry the tags we uploaded."""

import pytest

METHODS = [
    ("getArtists", {}),
    ("getIndexes", {}),
    ("getGenres", {}),
    ("getAlbumList2", {"type": "alphabeticalByName", "size": 50}),
    ("getAlbumList", {"type": "alphabeticalByArtist", "size": 50}),
    ("search3", {"query": "granite"}),
    ("search3", {"query": "", "songCount": 2, "songOffset": 1}),
    ("search2", {"query": "blue"}),
    ("getSongsByGenre", {"genre": "Rock", "count": 10}),
    ("getStarred2", {}),
    ("getPlaylists", {}),
    ("getMusicFolders", {}),
    ("getScanStatus", {}),
]


def normalized(value):
    """Scalars as strings, so XML attributes and JSON values compare."""
    if isinstance(value, dict):  # an empty list is an absent element in XML
        return {k: normalized(v) for k, v in value.items() if v != []}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def payload(body):
    return {k: v for k, v in body.items() if k not in ("status", "version", "type", "serverVersion",
                                                        "openSubsonic")}


def differences(a, b, path=""):
    """Where two normalized payloads differ, one line each (for the report)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            out += differences(a.get(key, "<absent>"), b.get(key, "<absent>"), "%s.%s" % (path, key))
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return ["%s: %d items in XML, %d in JSON" % (path, len(a), len(b))]
        return [line for i, (x, y) in enumerate(zip(a, b)) for line in differences(x, y, "%s[%d]" % (path, i))]
    return [] if a == b else ["%s: XML %r, JSON %r" % (path, a, b)]


@pytest.mark.parametrize("method,params", METHODS)
def test_xml_and_json_say_the_same(library, method, params):
    as_json = library.client(fmt="json").call(method, params)
    as_xml = library.client(fmt="xml").call(method, params, fmt="xml")
    diff = differences(normalized(payload(as_xml)), normalized(payload(as_json)))
    assert not diff, "%s: %s" % (method, "; ".join(diff[:20]))


def test_album_and_artist_by_id(library, client):
    rock = library.tracks["rock1"]
    album = client.call("getAlbum", {"id": rock["album_id"]})["album"]
    assert album["id"] == rock["album_id"] and album["name"] == "Hard Places"
    assert album["artist"] == "Granite" and album["artistId"] == rock["artist_id"]
    assert album["songCount"] == 2 and album["year"] == 1999 and album["genre"] == "Rock"
    assert [s["title"] for s in album["song"]] == ["Stone Road", "Iron Sky"]
    song = album["song"][0]
    assert song["id"] == rock["id"] and song["parent"] == rock["album_id"] and song["isDir"] is False
    assert song["albumId"] == rock["album_id"] and song["artistId"] == rock["artist_id"]
    assert song["suffix"] == "mp3" and song["contentType"] == "audio/mpeg"
    assert song["size"] == rock["size_bytes"] and song["duration"] == 2 and song["track"] == 1
    assert song["type"] == "music" and song["mediaType"] == "song"
    assert song["genres"] == [{"name": "Rock"}] and song["artists"][0]["name"] == "Granite"
    artist = client.call("getArtist", {"id": rock["artist_id"]})["artist"]
    assert artist["name"] == "Granite" and artist["albumCount"] == 1
    assert [a["id"] for a in artist["album"]] == [rock["album_id"]]
    info = client.call("getArtistInfo2", {"id": rock["artist_id"]})["artistInfo2"]
    assert "similarArtist" in info


def test_song_and_escaping(library):
    pop = library.tracks["pop1"]
    for fmt in ("json", "xml"):
        song = library.client(fmt=fmt).call("getSong", {"id": pop["id"]}, fmt=fmt)["song"]
        assert song["title"] == "Ünïcode Dance"
        assert song["album"] == "Señales <XML>"
        assert song["artist"] == "Zoë & The Ampersands"


def test_indexes_and_directories(library, client):
    index = client.call("getIndexes")["indexes"]["index"]
    letters = [i["name"] for i in index]
    assert letters == sorted(letters)
    granite = [a for i in index for a in i["artist"] if a["name"] == "Granite"][0]
    directory = client.call("getMusicDirectory", {"id": granite["id"]})["directory"]
    assert directory["name"] == "Granite"
    album_dir = directory["child"][0]
    assert album_dir["isDir"] is True and album_dir["title"] == "Hard Places"
    songs = client.call("getMusicDirectory", {"id": album_dir["id"]})["directory"]
    assert songs["parent"] == granite["id"]
    assert [c["title"] for c in songs["child"]] == ["Stone Road", "Iron Sky"]
    artists = client.call("getArtists")["artists"]["index"]
    assert {a["name"] for i in artists for a in i["artist"]} >= {"Granite", "Quiet Trio"}


def test_genres_and_songs_by_genre(client):
    genres = {g["value"]: g for g in client.call("getGenres")["genres"]["genre"]}
    assert genres["Rock"]["songCount"] == 2 and genres["Rock"]["albumCount"] == 1
    assert genres["Pop"]["songCount"] == 1 and genres["Jazz"]["songCount"] >= 1
    rock = client.call("getSongsByGenre", {"genre": "Rock", "count": 10})["songsByGenre"]["song"]
    assert {s["title"] for s in rock} == {"Stone Road", "Iron Sky"}
    page = client.call("getSongsByGenre", {"genre": "Rock", "count": 1, "offset": 1})["songsByGenre"]["song"]
    assert len(page) == 1 and page[0]["title"] == rock[1]["title"]


@pytest.mark.parametrize("kind", ["random", "newest", "alphabeticalByName", "alphabeticalByArtist"])
def test_album_lists(library, client, kind):
    albums = client.call("getAlbumList2", {"type": kind, "size": 50})["albumList2"]["album"]
    assert len(albums) == len({t["album_id"] for t in library.tracks.values()})
    if kind == "alphabeticalByName":
        names = [a["name"].lower() for a in albums]
        assert names == sorted(names)


def test_album_lists_by_year_and_genre(client):
    by_year = client.call("getAlbumList2", {"type": "byYear", "fromYear": 2030, "toYear": 1990})
    years = [a["year"] for a in by_year["albumList2"]["album"]]
    assert years == sorted(years, reverse=True) and 1999 in years and 2015 in years
    jazz = client.call("getAlbumList2", {"type": "byGenre", "genre": "Jazz"})["albumList2"]["album"]
    assert "Late Sets" in [a["name"] for a in jazz] and "Hard Places" not in [a["name"] for a in jazz]
    code, _ = client.error("getAlbumList2", {"type": "byYear"})
    assert code == 10
    code, _ = client.error("getAlbumList2", {"type": "bogus"})
    assert code == 0


def test_random_songs(library, client):
    songs = client.call("getRandomSongs", {"size": 50})["randomSongs"]["song"]
    assert {s["id"] for s in songs} == {t["id"] for t in library.tracks.values()}
    jazz = client.call("getRandomSongs", {"size": 5, "genre": "Jazz"})["randomSongs"]["song"]
    assert "Blue Hour" in [s["title"] for s in jazz] and all(s["genre"] == "Jazz" for s in jazz)
    old = client.call("getRandomSongs", {"size": 5, "fromYear": 1990, "toYear": 2000})["randomSongs"]["song"]
    assert {s["title"] for s in old} == {"Stone Road", "Iron Sky"}


def test_search3_finds_and_pages_everything(library, client):
    found = client.call("search3", {"query": "ston"})["searchResult3"]
    assert [s["title"] for s in found["song"]] == ["Stone Road"]
    found = client.call("search3", {"query": "granite"})["searchResult3"]
    assert [a["name"] for a in found["artist"]] == ["Granite"]
    # An empty query lists everything, paged: what offline-sync clients do.
    seen = []
    offset = 0
    while True:
        page = client.call("search3", {"query": "", "songCount": 2, "songOffset": offset, "artistCount": 0,
                                       "albumCount": 0})["searchResult3"]
        assert page["artist"] == [] and page["album"] == []
        if not page["song"]:
            break
        seen += [s["id"] for s in page["song"]]
        offset += 2
    assert sorted(seen) == sorted(t["id"] for t in library.tracks.values())
    everything = client.call("search3", {"query": '""'})["searchResult3"]
    assert len(everything["album"]) == len({t["album_id"] for t in library.tracks.values()})


def test_cover_art_and_lyrics(library, client):
    covered = library.tracks["covered"]
    manifest = library.covered_manifest
    assert covered["has_cover"]
    r = client.raw("getCoverArt", {"id": covered["id"]})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("image/")
    r = client.raw("getCoverArt", {"id": covered["album_id"], "size": 64})
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/jpeg"
    from helpers import jpeg_size
    assert max(jpeg_size(r.content)) <= 64
    code, _ = client.error("getCoverArt", {"id": library.tracks["rock1"]["id"]})
    assert code == 70
    assert manifest["lyrics"], "the fixture has lyrics"
    lyrics = client.call("getLyricsBySongId", {"id": covered["id"]})["lyricsList"]["structuredLyrics"]
    assert len(lyrics) == 1 and lyrics[0]["synced"] is False
    assert [line["value"] for line in lyrics[0]["line"]] == manifest["lyrics"].splitlines()
    by_name = client.call("getLyrics", {"artist": covered["artist"], "title": covered["title"]})["lyrics"]
    assert by_name["title"] == covered["title"] and by_name["value"].splitlines() == manifest["lyrics"].splitlines()
    assert client.call("getLyrics", {"artist": "Nobody", "title": "Nothing"})["lyrics"] == {}
    none = client.call("getLyricsBySongId", {"id": library.tracks["rock1"]["id"]})["lyricsList"]
    assert none["structuredLyrics"] == []


def test_synced_lyrics_from_lrc_tags(library, client, tmp_path):
    from helpers import ffmpeg_audio
    lrc = "[ar:Someone]\n[00:01.00]first line\n[00:02.50]second line"
    path = ffmpeg_audio(tmp_path / "lrc.flac", "flac", 1.0, {"title": "Timed", "artist": "Clock", "lyrics": lrc}, 900)
    track = library.server.upload_ok(path.read_bytes(), path.name)
    for fmt in ("json", "xml"):
        found = library.client(fmt=fmt).call("getLyricsBySongId", {"id": track["id"]}, fmt=fmt)
        lyrics = found["lyricsList"]["structuredLyrics"][0]
        assert lyrics["synced"] is True and lyrics["displayTitle"] == "Timed"
        assert [(line["start"], line["value"]) for line in lyrics["line"]] == [(1000, "first line"),
                                                                              (2500, "second line")]
