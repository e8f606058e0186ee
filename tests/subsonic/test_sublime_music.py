"""The Subsonic client code of a real app: Sublime Music's adapter
(Debian package sublime-music, imported from its install) browses,
searches, plays, scrobbles and edits playlists against a real server, with
salted-token and with plain-password authentication, and against every node
of a 3-node cluster (issue 7's "done when"). Skipped when the package is not
installed (`make deps` installs it; it pulls GTK)."""

import json
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
import requests

adapters = pytest.importorskip("sublime_music.adapters", reason="sublime-music is not installed")
subsonic = pytest.importorskip("sublime_music.adapters.subsonic")

from conftest import SUBSONIC_PASSWORD  # noqa: E402
from subsonic_client import Client  # noqa: E402

AlbumSearchQuery = adapters.AlbumSearchQuery


def adapter_for(base, password, salt_auth=True):
    config = adapters.ConfigurationStore(server_address=base, username="admin", password=["plaintext", password],
                                         verify_cert=False, salt_auth=salt_auth)
    return subsonic.SubsonicAdapter(config, Path(tempfile.mkdtemp()))


def make_adapter(library, salt_auth):
    return adapter_for(library.server.base, SUBSONIC_PASSWORD, salt_auth)


def decoded_codec(data, tmp_path):
    """The codec ffprobe finds in a stream's bytes, and its duration."""
    path = tmp_path / "transcoded"
    path.write_bytes(data)
    out = subprocess.run(["/usr/bin/ffprobe", "-v", "error", "-print_format", "json", "-show_format",
                          "-show_streams", str(path)], capture_output=True, text=True, timeout=30, check=True)
    info = json.loads(out.stdout)
    return info["streams"][0]["codec_name"], float(info["format"]["duration"])


@pytest.mark.parametrize("salt_auth", [True, False])
def test_sublime_music_browses_searches_plays_scrobbles_and_edits_playlists(library, library_files, salt_auth):
    a = make_adapter(library, salt_auth)
    a._set_ping_status()
    # browse by tags
    artists = a.get_artists()
    granite = [x for x in artists if x.name == "Granite"][0]
    artist = a.get_artist(granite.id)
    album = a.get_album(artist.albums[0].id)
    assert [s.title for s in album.songs] == ["Stone Road", "Iron Sky"]
    for kind in AlbumSearchQuery.Type:
        query = AlbumSearchQuery(kind, year_range=(1990, 2030)) if kind == AlbumSearchQuery.Type.YEAR_RANGE \
            else AlbumSearchQuery(kind)
        a.get_albums(query)
    assert "Rock" in {g.name for g in a.get_genres()}
    # browse by folders
    root = a.get_directory("root")
    first = a.get_directory(root.children[0].id)
    assert first.children
    # search
    found = a.search("granite")
    assert any(x.name == "Granite" for x in found.artists)
    # play: the stream URI gives the stored bytes, the cover URI an image
    song = a.get_song_details(album.songs[0].id)
    r = requests.get(a.get_song_stream_uri(song.id), timeout=30)
    assert r.status_code == 200 and r.content == library_files["rock1"].read_bytes()
    covered = library.tracks["covered"]
    r = requests.get(a.get_cover_art_uri(covered["id"], "http", 300), timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("image/")
    # scrobble and the play queue
    check = library.client()
    before = check.call("getSong", {"id": song.id})["song"]["playCount"]
    a.scrobble_song(song)
    assert check.call("getSong", {"id": song.id})["song"]["playCount"] == before + 1
    a.save_play_queue([s.id for s in album.songs], current_song_index=1, position=timedelta(seconds=3))
    queue = a.get_play_queue()
    assert queue.current_index == 1 and queue.position == timedelta(seconds=3)
    # playlists
    playlist = a.create_playlist("Sublime %s" % salt_auth, album.songs)
    playlist = a.update_playlist(playlist.id, name="Sublime renamed", append_song_ids=[song.id])
    assert playlist.name == "Sublime renamed" and len(playlist.songs) == 3
    playlist = a.update_playlist(playlist.id, song_ids=[song.id])
    assert [s.id for s in playlist.songs] == [song.id]
    assert playlist.id in [p.id for p in a.get_playlists()]
    a.delete_playlist(playlist.id)
    assert playlist.id not in [p.id for p in a.get_playlists()]


def test_sublime_music_works_against_every_node_of_a_cluster(cluster, library_files, tmp_path):
    """Pointed at any node: browses, searches, plays raw and transcoded (the
    stream URI the app makes, with the format= and maxBitRate= other apps
    add), scrobbles and edits playlists; each write is seen through the other
    nodes."""
    nodes = cluster.nodes
    for i, name in enumerate(("rock1", "rock2", "jazz1")):
        path = library_files[name]
        r = nodes[i].post("/api/v1/tracks", token=cluster.token, params={"filename": path.name},
                          data=path.read_bytes(), headers={"Content-Type": "application/octet-stream"})
        assert r.status_code == 201, r.text
    password = "sublime-cluster-pw"
    r = nodes[0].req("PUT", "/api/v1/me/subsonic-password", token=cluster.token, json={"password": password})
    assert r.status_code == 200, r.text
    cluster.wait_applied_equal()
    apps = [adapter_for(node.base, password) for node in nodes]
    for n, a in enumerate(apps):
        a._set_ping_status()
        granite = [x for x in a.get_artists() if x.name == "Granite"][0]
        album = a.get_album(a.get_artist(granite.id).albums[0].id)
        assert [s.title for s in album.songs] == ["Stone Road", "Iron Sky"], nodes[n].name
        assert any(x.name == "Quiet Trio" for x in a.search("quiet").artists)
        root = a.get_directory("root")
        assert a.get_directory(root.children[0].id).children
        for song, name in zip(album.songs, ("rock1", "rock2")):
            raw = requests.get(a.get_song_stream_uri(song.id), timeout=30)
            assert raw.status_code == 200 and raw.content == library_files[name].read_bytes(), nodes[n].name
        opus = requests.get(a.get_song_stream_uri(album.songs[1].id) + "&format=opus&maxBitRate=96", timeout=60)
        assert opus.status_code == 200 and opus.headers["Content-Type"] == "audio/ogg", opus.text[:200]
        codec, seconds = decoded_codec(opus.content, tmp_path)
        assert codec == "opus" and abs(seconds - 2.0) < 0.2
    # writes through one node, read through another
    song = apps[0].get_album(apps[0].get_artist(
        [x for x in apps[0].get_artists() if x.name == "Granite"][0].id).albums[0].id).songs[0]
    check = Client(nodes[1].base, username="admin", password=password)
    before = check.call("getSong", {"id": song.id})["song"].get("playCount", 0)
    apps[2].scrobble_song(song)
    assert check.call("getSong", {"id": song.id})["song"]["playCount"] == before + 1
    playlist = apps[1].create_playlist("On the cluster", [song])
    playlist = apps[2].update_playlist(playlist.id, name="Renamed on n3", append_song_ids=[song.id])
    assert len(playlist.songs) == 2
    assert {p.name for p in apps[0].get_playlists()} >= {"Renamed on n3"}
    apps[0].delete_playlist(playlist.id)
    for a in apps:
        assert playlist.id not in [p.id for p in a.get_playlists()]
