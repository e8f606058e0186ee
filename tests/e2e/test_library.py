"""Browsing: track lists with paging and sorting, albums, artists, 404s."""

import pytest

from helpers import assert_error

LIST_TITLES = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]

LIST_NAMES = ["list_alpha", "list_bravo", "list_charlie", "list_delta", "list_echo"]
YEARS = {"Alpha": 2003, "Bravo": 2001, "Charlie": 2005, "Delta": 2002, "Echo": 2004}


@pytest.fixture(scope="module")
def library(module_server, media):
    """Five tracks, uploaded in an order that is neither by title nor by year."""
    tracks = {}
    for name in ("list_delta", "list_alpha", "list_echo", "list_charlie", "list_bravo"):
        track = module_server.upload_ok(media[name], media[name].name)
        tracks[track["title"]] = track
    assert sorted(tracks) == LIST_TITLES
    return tracks


def titles(page):
    return [t["title"] for t in page["items"]]


def get_page(server, path, **params):
    r = server.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_default_list_sorted_by_title(module_server, library):
    page = get_page(module_server, "/api/v1/tracks")
    assert set(page) == {"items", "total", "offset", "limit"}
    assert page["total"] == 5 and page["offset"] == 0 and page["limit"] == 50
    assert titles(page) == LIST_TITLES
    assert page["items"][0] == library["Alpha"]


def test_sort_title_asc_desc(module_server, library):
    assert titles(get_page(module_server, "/api/v1/tracks", sort="title", order="asc")) == LIST_TITLES
    assert titles(get_page(module_server, "/api/v1/tracks", sort="title", order="desc")) == LIST_TITLES[::-1]


def test_sort_year(module_server, library):
    by_year = sorted(LIST_TITLES, key=lambda t: YEARS[t])
    assert titles(get_page(module_server, "/api/v1/tracks", sort="year")) == by_year
    assert titles(get_page(module_server, "/api/v1/tracks", sort="year", order="desc")) == by_year[::-1]
    assert {t["title"]: t["year"] for t in library.values()} == YEARS


def test_sort_duration(module_server, library):
    expected = [t["title"] for t in sorted(library.values(), key=lambda t: t["duration_ms"])]
    assert expected == ["Delta", "Bravo", "Charlie", "Alpha", "Echo"], "fixture durations"
    assert titles(get_page(module_server, "/api/v1/tracks", sort="duration")) == expected


def test_sort_created_at(module_server, library):
    assert titles(get_page(module_server, "/api/v1/tracks", sort="created_at")) == [
        "Delta", "Alpha", "Echo", "Charlie", "Bravo"]


def test_sort_artist_and_album(module_server, library):
    # artists: Lister One (Alpha, Bravo), Lister Three (Echo), Lister Two (Charlie, Delta)
    assert titles(get_page(module_server, "/api/v1/tracks", sort="artist")) == [
        "Alpha", "Bravo", "Echo", "Charlie", "Delta"]
    # albums: List Album (1 Alpha, 2 Bravo), Second List (1 Charlie, 2 Delta), Third List (Echo)
    assert titles(get_page(module_server, "/api/v1/tracks", sort="album")) == LIST_TITLES


@pytest.mark.parametrize("offset,limit,expected", [
    (0, 2, ["Alpha", "Bravo"]), (1, 2, ["Bravo", "Charlie"]), (4, 2, ["Echo"]), (5, 2, []), (100, 1, []),
    (0, 500, LIST_TITLES), (2, 1, ["Charlie"]),
])
def test_paging(module_server, library, offset, limit, expected):
    page = get_page(module_server, "/api/v1/tracks", offset=offset, limit=limit)
    assert titles(page) == expected
    assert (page["total"], page["offset"], page["limit"]) == (5, offset, limit)


def test_paging_walks_everything_once(module_server, library):
    seen = []
    for offset in range(0, 5, 2):
        seen += [t["id"] for t in get_page(module_server, "/api/v1/tracks", offset=offset, limit=2,
                                           sort="title", order="desc")["items"]]
    assert seen == [library[t]["id"] for t in LIST_TITLES[::-1]]


@pytest.mark.parametrize("params", [
    {"sort": "bogus"}, {"sort": "TITLE"}, {"sort": "title; DROP TABLE tracks"}, {"order": "up"},
    {"limit": "0"}, {"limit": "501"}, {"limit": "-1"}, {"limit": "abc"}, {"limit": "1.5"},
    {"offset": "-1"}, {"offset": "x"}, {"offset": "99999999999999999999999"},
])
def test_bad_list_params_400(module_server, library, params):
    assert_error(module_server.get("/api/v1/tracks", params=params), 400, "invalid_argument")


@pytest.mark.parametrize("params", [{"sort": "bogus"}, {"limit": "0"}, {"limit": "501"}, {"order": "sideways"}])
def test_bad_album_list_params_400(module_server, library, params):
    assert_error(module_server.get("/api/v1/albums", params=params), 400, "invalid_argument")


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "501"}, {"offset": "-3"}])
def test_bad_artist_list_params_400(module_server, library, params):
    assert_error(module_server.get("/api/v1/artists", params=params), 400, "invalid_argument")


def test_albums_list_and_detail(module_server, library):
    page = get_page(module_server, "/api/v1/albums")
    assert page["total"] == 3
    assert [a["title"] for a in page["items"]] == ["List Album", "Second List", "Third List"]
    assert [a["title"] for a in get_page(module_server, "/api/v1/albums", order="desc")["items"]] == [
        "Third List", "Second List", "List Album"]
    for sort in ("artist", "year", "created_at"):
        assert len(get_page(module_server, "/api/v1/albums", sort=sort)["items"]) == 3
    first = page["items"][0]
    assert first["album_artist"] == "Lister One" and first["track_count"] == 2
    assert first["id"] == library["Alpha"]["album_id"] == library["Bravo"]["album_id"]
    detail = module_server.get("/api/v1/albums/" + first["id"])
    assert detail.status_code == 200
    body = detail.json()
    assert [t["title"] for t in body["tracks"]] == ["Alpha", "Bravo"]
    assert body["tracks"][0] == library["Alpha"]
    assert body["duration_ms"] == library["Alpha"]["duration_ms"] + library["Bravo"]["duration_ms"]
    limited = get_page(module_server, "/api/v1/albums", limit=1, offset=1)
    assert [a["title"] for a in limited["items"]] == ["Second List"] and limited["total"] == 3


def test_artists_list_and_detail(module_server, library):
    page = get_page(module_server, "/api/v1/artists")
    names = [a["name"] for a in page["items"]]
    assert names == ["Lister One", "Lister Three", "Lister Two"]
    assert page["total"] == 3
    one = page["items"][0]
    assert one["id"] == library["Alpha"]["artist_id"]
    assert one["track_count"] == 2 and one["album_count"] == 1
    detail = module_server.get("/api/v1/artists/" + one["id"])
    assert detail.status_code == 200
    body = detail.json()
    assert body["name"] == "Lister One"
    assert [a["title"] for a in body["albums"]] == ["List Album"]
    assert body["tracks"] == [], "tracks lists appearances on other artists' albums only"
    assert [a["name"] for a in get_page(module_server, "/api/v1/artists", offset=1, limit=1)["items"]] == [
        "Lister Three"]


@pytest.mark.parametrize("path", ["/api/v1/tracks/nope", "/api/v1/albums/nope", "/api/v1/artists/nope",
                                  "/api/v1/playlists/nope", "/api/v1/users/nope", "/api/v1/tracks/nope/stream",
                                  "/api/v1/tracks/%2e%2e"])
def test_unknown_ids_404(module_server, library, path):
    assert_error(module_server.get(path), 404, "not_found")


def test_delete_unknown_track_404(module_server, library):
    assert_error(module_server.delete("/api/v1/tracks/nope"), 404, "not_found")
    assert module_server.tracks_total() == 5


def test_normal_user_can_browse(module_server, library):
    user = module_server.create_user("browser-bea")
    assert titles(get_page_as(module_server, user["token"], "/api/v1/tracks")) == LIST_TITLES
    assert module_server.get("/api/v1/albums", token=user["token"]).json()["total"] == 3


def get_page_as(server, token, path):
    r = server.get(path, token=token)
    assert r.status_code == 200
    return r.json()
