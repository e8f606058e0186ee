"""Search: prefixes, case and diacritics folding, AND of words, hostile
query syntax, limits."""

import pytest

from helpers import assert_error


@pytest.fixture(scope="module")
def library(module_server, media):
    return {name: module_server.upload_ok(media[name], media[name].name) for name in ("cancion", "mar_azul", "night")}


def search(server, q, **params):
    r = server.get("/api/v1/search", params=dict(q=q, **params))
    assert r.status_code == 200, "q=%r: %d %s" % (q, r.status_code, r.text)
    body = r.json()
    assert set(body) == {"tracks", "albums", "artists"}, body
    return body


def track_titles(body):
    return sorted(t["title"] for t in body["tracks"])


@pytest.mark.parametrize("q", ["cancion", "Cancion", "CANCIÓN", "canción", "canc", "CaNcIóN"])
def test_track_title_without_accents_case(module_server, library, q):
    assert track_titles(search(module_server, q)) == ["Canción del Mar"]


@pytest.mark.parametrize("q", ["beyo", "BEYONCE", "beyoncé", "knowles", "Beyo Know"])
def test_artist_prefix_and_diacritics(module_server, library, q):
    body = search(module_server, q)
    assert [a["name"] for a in body["artists"]] == ["Beyoncé Knowles"]
    assert track_titles(body) == ["Canción del Mar"]


def test_other_diacritics(module_server, library):
    assert [a["name"] for a in search(module_server, "zoe angstrom")["artists"]] == ["Zoë Ångström"]
    assert [a["title"] for a in search(module_server, "oceano pacifico")["albums"]] == ["Océano Pacífico"]


def test_words_are_anded(module_server, library):
    assert track_titles(search(module_server, "mar")) == ["Canción del Mar", "Mar Azul"]
    assert track_titles(search(module_server, "cancion mar")) == ["Canción del Mar"]
    assert track_titles(search(module_server, "mar cancion")) == ["Canción del Mar"]
    assert track_titles(search(module_server, "azul cancion")) == []
    assert track_titles(search(module_server, "mar beyo")) == ["Canción del Mar"], "words match across fields"


def test_album_search(module_server, library):
    body = search(module_server, "colores")
    # no album artist tag: each track's album is under its own artist
    assert sorted((a["title"], a["album_artist"]) for a in body["albums"]) == [
        ("Colores", "Synth Pilot"), ("Colores", "Zoë Ångström")]
    assert [(a["title"], a["album_artist"]) for a in search(module_server, "colores synth")["albums"]] == [
        ("Colores", "Synth Pilot")]
    assert track_titles(body) == ["Mar Azul", "Night Drive"]


def test_results_are_full_records(module_server, library):
    body = search(module_server, "night")
    assert body["tracks"] == [library["night"]]
    assert body["artists"] == []
    assert search(module_server, "synth")["artists"][0]["id"] == library["night"]["artist_id"]


def test_no_match(module_server, library):
    assert search(module_server, "zzzzqqq") == {"tracks": [], "albums": [], "artists": []}


@pytest.mark.parametrize("q", ['"', '""', "*", "(", ")", "NEAR", "NEAR(mar azul)", "-", "-mar", "mar -azul",
                               "mar*", '"mar', "mar OR azul", "AND", "OR", "NOT", "mar NOT azul", "^mar",
                               "title:mar", "{title}: mar", "'", "\\", "%", "_", "mar;", "🎵", "\x01",
                               "a" * 256, "é" * 128])
def test_query_syntax_is_not_an_error(module_server, library, q):
    body = search(module_server, q)
    for kind in ("tracks", "albums", "artists"):
        assert isinstance(body[kind], list)


def test_syntax_chars_around_words_still_match(module_server, library):
    assert track_titles(search(module_server, '"cancion"')) == ["Canción del Mar"]
    assert track_titles(search(module_server, "(cancion)")) == ["Canción del Mar"]
    assert track_titles(search(module_server, "cancion*")) == ["Canción del Mar"]


def test_empty_q_empty_results(module_server, library):
    assert search(module_server, "") == {"tracks": [], "albums": [], "artists": []}
    assert search(module_server, "   ") == {"tracks": [], "albums": [], "artists": []}


def test_missing_q_400(module_server, library):
    assert_error(module_server.get("/api/v1/search"), 400, "invalid_argument")


def test_q_too_long_400(module_server, library):
    assert_error(module_server.get("/api/v1/search", params={"q": "a" * 257}), 400, "invalid_argument")


@pytest.mark.parametrize("limit", ["0", "101", "-1", "x"])
def test_bad_limit_400(module_server, library, limit):
    assert_error(module_server.get("/api/v1/search", params={"q": "mar", "limit": limit}), 400, "invalid_argument")


def test_limit_per_kind(module_server, library):
    body = search(module_server, "mar", limit=1)
    assert len(body["tracks"]) == 1
    assert len(search(module_server, "mar", limit=100)["tracks"]) == 2


def test_deleted_track_not_found_by_search(module_server, library, media):
    extra = module_server.upload_ok(media["comp1"], media["comp1"].name)
    assert track_titles(search(module_server, "comp song")) == ["Comp Song One"]
    assert module_server.delete("/api/v1/tracks/" + extra["id"]).status_code == 200
    assert track_titles(search(module_server, "comp song")) == []
