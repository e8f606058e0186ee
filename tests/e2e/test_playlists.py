"""Playlists: create, rename, add, insert, remove, move, delete; privacy;
invalid positions."""

import socket
import time

import pytest
import requests

from helpers import assert_error, is_rfc3339_ms, wav_bytes


@pytest.fixture(scope="module")
def env(module_server):
    user = module_server.create_user("pl-owner")
    stranger = module_server.create_user("pl-stranger")
    tracks = [module_server.upload_ok(wav_bytes(seconds=0.05 * (i + 1)), "t%d.wav" % i, token=user["token"])
              for i in range(4)]
    return {"user": user, "stranger": stranger, "ids": [t["id"] for t in tracks], "tracks": tracks}


def call(server, env, method, path, body=None, who="user"):
    return server.req(method, path, token=env[who]["token"], json=body)


def ids_of(playlist):
    return [t["id"] for t in playlist["tracks"]]


def new_playlist(server, env, name="list", track_ids=None):
    body = {"name": name}
    if track_ids is not None:
        body["track_ids"] = track_ids
    r = call(server, env, "POST", "/api/v1/playlists", body)
    assert r.status_code == 201, r.text
    return r.json()


def test_create_with_tracks(module_server, env):
    a, b, c, _ = env["ids"]
    p = new_playlist(module_server, env, "Road trip ñ", [a, b, c, a])
    assert set(p) >= {"id", "owner_id", "name", "track_count", "duration_ms", "created_at", "updated_at", "tracks"}
    assert p["name"] == "Road trip ñ"
    assert p["owner_id"] == env["user"]["id"]
    assert ids_of(p) == [a, b, c, a], "order kept, duplicates allowed"
    assert p["track_count"] == 4
    by_id = {t["id"]: t for t in env["tracks"]}
    assert p["duration_ms"] == sum(by_id[i]["duration_ms"] for i in (a, b, c, a))
    assert p["tracks"][1] == by_id[b]
    assert is_rfc3339_ms(p["created_at"]) and is_rfc3339_ms(p["updated_at"])
    got = call(module_server, env, "GET", "/api/v1/playlists/" + p["id"])
    assert got.status_code == 200 and got.json() == p
    listed = call(module_server, env, "GET", "/api/v1/playlists").json()["items"]
    mine = [x for x in listed if x["id"] == p["id"]]
    assert len(mine) == 1 and mine[0]["track_count"] == 4 and "tracks" not in mine[0]


def test_create_empty(module_server, env):
    p = new_playlist(module_server, env, "empty")
    assert p["tracks"] == [] and p["track_count"] == 0 and p["duration_ms"] == 0


def test_rename(module_server, env):
    p = new_playlist(module_server, env, "old name", env["ids"][:1])
    r = call(module_server, env, "PATCH", "/api/v1/playlists/" + p["id"], {"name": "new name"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "new name" and ids_of(r.json()) == env["ids"][:1]
    assert call(module_server, env, "GET", "/api/v1/playlists/" + p["id"]).json()["name"] == "new name"


def test_add_and_insert(module_server, env):
    a, b, c, d = env["ids"]
    p = new_playlist(module_server, env, "edit", [a])
    path = "/api/v1/playlists/%s/tracks" % p["id"]
    r = call(module_server, env, "POST", path, {"track_ids": [b, c]})
    assert r.status_code == 200, r.text
    assert ids_of(r.json()) == [a, b, c]
    r = call(module_server, env, "POST", path, {"track_ids": [d], "position": 0})
    assert ids_of(r.json()) == [d, a, b, c]
    r = call(module_server, env, "POST", path, {"track_ids": [a, a], "position": 2})
    assert ids_of(r.json()) == [d, a, a, a, b, c]
    r = call(module_server, env, "POST", path, {"track_ids": [b], "position": 6})  # == size: append
    assert ids_of(r.json()) == [d, a, a, a, b, c, b]
    assert r.json()["track_count"] == 7


def test_remove_by_position(module_server, env):
    a, b, c, d = env["ids"]
    p = new_playlist(module_server, env, "remove", [a, b, c, d])
    r = call(module_server, env, "DELETE", "/api/v1/playlists/%s/tracks/1" % p["id"])
    assert r.status_code == 200, r.text
    assert ids_of(r.json()) == [a, c, d]
    r = call(module_server, env, "DELETE", "/api/v1/playlists/%s/tracks/2" % p["id"])
    assert ids_of(r.json()) == [a, c]
    r = call(module_server, env, "DELETE", "/api/v1/playlists/%s/tracks/0" % p["id"])
    assert ids_of(r.json()) == [c]


@pytest.mark.parametrize("frm,to,expected", [(0, 3, "bcda"), (3, 0, "dabc"), (1, 2, "acbd"), (2, 2, "abcd")])
def test_move(module_server, env, frm, to, expected):
    a, b, c, d = env["ids"]
    names = dict(zip("abcd", env["ids"]))
    p = new_playlist(module_server, env, "move", [a, b, c, d])
    r = call(module_server, env, "POST", "/api/v1/playlists/%s/move" % p["id"], {"from": frm, "to": to})
    assert r.status_code == 200, r.text
    assert ids_of(r.json()) == [names[x] for x in expected]


def test_delete_playlist(module_server, env):
    p = new_playlist(module_server, env, "doomed", env["ids"][:2])
    r = call(module_server, env, "DELETE", "/api/v1/playlists/" + p["id"])
    assert r.status_code == 200, r.text
    assert_error(call(module_server, env, "GET", "/api/v1/playlists/" + p["id"]), 404, "not_found")
    assert p["id"] not in [x["id"] for x in call(module_server, env, "GET", "/api/v1/playlists").json()["items"]]
    assert_error(call(module_server, env, "DELETE", "/api/v1/playlists/" + p["id"]), 404, "not_found")
    # the tracks are untouched
    assert module_server.get("/api/v1/tracks/" + env["ids"][0]).status_code == 200


def test_other_users_playlist_is_404(module_server, env):
    a, b = env["ids"][:2]
    p = new_playlist(module_server, env, "private", [a, b])
    pid = p["id"]
    for method, path, body in [("GET", "/api/v1/playlists/" + pid, None),
                               ("PATCH", "/api/v1/playlists/" + pid, {"name": "hijacked"}),
                               ("DELETE", "/api/v1/playlists/" + pid, None),
                               ("POST", "/api/v1/playlists/%s/tracks" % pid, {"track_ids": [a]}),
                               ("DELETE", "/api/v1/playlists/%s/tracks/0" % pid, None),
                               ("POST", "/api/v1/playlists/%s/move" % pid, {"from": 0, "to": 1})]:
        for who in ("stranger",):
            assert_error(call(module_server, env, method, path, body, who=who), 404, "not_found")
        # admins do not see other people's playlists either
        assert_error(module_server.req(method, path, json=body), 404, "not_found")
    assert pid not in [x["id"] for x in call(module_server, env, "GET", "/api/v1/playlists", who="stranger")
                       .json()["items"]]
    after = call(module_server, env, "GET", "/api/v1/playlists/" + pid).json()
    assert after == p, "nothing changed"


@pytest.mark.parametrize("position", ["4", "99", "-1", "abc", "1.5", "0x1", "%20"])
def test_remove_invalid_position_400(module_server, env, position):
    p = new_playlist(module_server, env, "badpos", env["ids"])
    r = call(module_server, env, "DELETE", "/api/v1/playlists/%s/tracks/%s" % (p["id"], position))
    assert_error(r, 400, "invalid_argument")
    assert ids_of(call(module_server, env, "GET", "/api/v1/playlists/" + p["id"]).json()) == env["ids"]


@pytest.mark.parametrize("body", [{"track_ids": ["x"], "position": 5},
                                  {"track_ids": ["x"], "position": -2},
                                  {"track_ids": ["x"], "position": "1"},
                                  {"track_ids": []},
                                  {},
                                  {"track_ids": "abc"}])
def test_add_invalid_400(module_server, env, body):
    p = new_playlist(module_server, env, "badadd", env["ids"][:2])
    body = {k: ([env["ids"][3]] if v == ["x"] else v) for k, v in body.items()}
    r = call(module_server, env, "POST", "/api/v1/playlists/%s/tracks" % p["id"], body)
    assert_error(r, 400, "invalid_argument")
    assert ids_of(call(module_server, env, "GET", "/api/v1/playlists/" + p["id"]).json()) == env["ids"][:2]


@pytest.mark.parametrize("body", [{"from": 0, "to": 2}, {"from": 2, "to": 0}, {"from": -1, "to": 0},
                                  {"from": 0}, {"to": 1}, {"from": "0", "to": 1}, {"from": 0.5, "to": 1},
                                  {"from": 0, "to": 1, "extra": True}])
def test_move_invalid_400(module_server, env, body):
    p = new_playlist(module_server, env, "badmove", env["ids"][:2])
    r = call(module_server, env, "POST", "/api/v1/playlists/%s/move" % p["id"], body)
    assert_error(r, 400, "invalid_argument")
    assert ids_of(call(module_server, env, "GET", "/api/v1/playlists/" + p["id"]).json()) == env["ids"][:2]


def test_unknown_track_in_playlist_refused(module_server, env):
    r = call(module_server, env, "POST", "/api/v1/playlists", {"name": "ghost", "track_ids": ["no-such-track"]})
    assert r.status_code in (400, 404), r.text
    assert_error(r, r.status_code)
    names = [x["name"] for x in call(module_server, env, "GET", "/api/v1/playlists").json()["items"]]
    assert "ghost" not in names, "a refused create must not leave an empty playlist behind"
    p = new_playlist(module_server, env, "ghost2", env["ids"][:1])
    r = call(module_server, env, "POST", "/api/v1/playlists/%s/tracks" % p["id"], {"track_ids": ["no-such-track"]})
    assert r.status_code in (400, 404)
    assert ids_of(call(module_server, env, "GET", "/api/v1/playlists/" + p["id"]).json()) == env["ids"][:1]


@pytest.mark.parametrize("name", ["", "x" * 201])
def test_bad_names_400(module_server, env, name):
    assert_error(call(module_server, env, "POST", "/api/v1/playlists", {"name": name}), 400, "invalid_argument")
    p = new_playlist(module_server, env, "keep")
    assert_error(call(module_server, env, "PATCH", "/api/v1/playlists/" + p["id"], {"name": name}), 400)


def test_playlist_list_is_per_user(module_server, env):
    p = new_playlist(module_server, env, "only mine")
    stranger_lists = call(module_server, env, "GET", "/api/v1/playlists", who="stranger").json()["items"]
    assert all(x["owner_id"] == env["stranger"]["id"] for x in stranger_lists)
    assert p["id"] in [x["id"] for x in call(module_server, env, "GET", "/api/v1/playlists").json()["items"]]


def test_playlist_changes_hold_no_worker(server_factory):
    """On the leader (a single node leads its cluster of one) a playlist
    change is proposed from the I/O thread and answered there once applied:
    with the only worker held by an upload whose body trickles in, renames
    are still answered at once. (Before, each waited for a worker.)"""
    server = server_factory("one-worker", args=["--workers", "1"])
    user = server.create_user("pl-one-worker")
    r = server.req("POST", "/api/v1/playlists", token=user["token"], json={"name": "before"})
    assert r.status_code == 201, r.text
    playlist = r.json()["id"]
    held = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        held.sendall(("POST /api/v1/tracks?filename=slow.wav HTTP/1.1\r\nHost: t\r\n"
                      "Authorization: Bearer %s\r\nContent-Length: 1000000\r\n\r\n" % user["token"]).encode()
                     + b"RIFF")  # the upload handler now waits on a worker for the rest
        time.sleep(0.5)
        for i in range(5):
            started = time.monotonic()
            r = server.req("PATCH", "/api/v1/playlists/" + playlist, token=user["token"],
                           json={"name": "renamed %d" % i}, timeout=5)
            assert r.status_code == 200, r.text
            assert r.json()["name"] == "renamed %d" % i
            assert time.monotonic() - started < 2.0
        # The worker was held all along: a request that needs one waits.
        with pytest.raises(requests.exceptions.ReadTimeout):
            server.req("GET", "/api/v1/playlists", token=user["token"], timeout=1.0)
    finally:
        held.close()
    r = server.req("GET", "/api/v1/playlists/" + playlist, token=user["token"])
    assert r.status_code == 200 and r.json()["name"] == "renamed 4"
