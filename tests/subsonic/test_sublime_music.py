"""The Subsonic client code of a real app: Sublime Music's adapter
(Debian package sublime-music, imported from its install) browses,
searches, plays, scrobbles and edits playlists against a real server, with
salted-token and with plain-password authentication. Skipped when the
package is not installed (it pulls GTK; `make deps` does not install it)."""

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
import requests

adapters = pytest.importorskip("sublime_music.adapters", reason="sublime-music is not installed")
subsonic = pytest.importorskip("sublime_music.adapters.subsonic")

from conftest import SUBSONIC_PASSWORD  # noqa: E402

AlbumSearchQuery = adapters.AlbumSearchQuery


def make_adapter(library, salt_auth):
    config = adapters.ConfigurationStore(server_address=library.server.base, username="admin",
                                         password=["plaintext", SUBSONIC_PASSWORD], verify_cert=False,
                                         salt_auth=salt_auth)
    return subsonic.SubsonicAdapter(config, Path(tempfile.mkdtemp()))


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
