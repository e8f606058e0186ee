"""Roles (admin / uploader / listener) on every route class of /api/v1 and
/rest, the audit log, and the Subsonic password at rest (issue 9).

The table ROUTE_CLASSES is the contract: for each class of route, one
representative call and the status each role gets. The server's table is
src/api/permissions.h; docs/API.md describes both.
"""

import hashlib
import random
import string
import time

import pytest
import requests

from helpers import HTTP_TIMEOUT_S, USER_PASSWORD, assert_error, wav_bytes

ROLES = ("listener", "uploader", "admin")


@pytest.fixture(scope="module")
def world(module_server):
    s = module_server
    users = {"admin": {"token": s.admin_token, "id": s.get("/api/v1/me").json()["id"], "username": "admin"}}
    for role in ("listener", "uploader"):
        users[role] = s.create_user("role-" + role, role=role)
    users["other"] = s.create_user("role-other-uploader", role="uploader")
    shared = s.upload_ok(wav_bytes(seed=9001), "shared.wav", token=users["other"]["token"])
    return {"server": s, "users": users, "shared": shared}


def fresh_track(world, owner):
    """A track uploaded by `owner` ("admin", "uploader", "other") for a delete."""
    s = world["server"]
    return s.upload_ok(wav_bytes(), "t.wav", token=world["users"][owner]["token"])


def upload(world, token):
    return world["server"].upload(wav_bytes(), "new.wav", token=token)


# (name, call(world, token) -> response, {role: status})
ROUTE_CLASSES = [
    ("browse tracks", lambda w, t: w["server"].get("/api/v1/tracks", token=t), (200, 200, 200)),
    ("browse albums", lambda w, t: w["server"].get("/api/v1/albums", token=t), (200, 200, 200)),
    ("browse artists", lambda w, t: w["server"].get("/api/v1/artists", token=t), (200, 200, 200)),
    ("one track", lambda w, t: w["server"].get("/api/v1/tracks/" + w["shared"]["id"], token=t), (200, 200, 200)),
    ("search", lambda w, t: w["server"].get("/api/v1/search", params={"q": "shared"}, token=t), (200, 200, 200)),
    ("stream", lambda w, t: w["server"].get("/api/v1/tracks/%s/stream" % w["shared"]["id"], token=t),
     (200, 200, 200)),
    ("own playlist", lambda w, t: w["server"].post("/api/v1/playlists", json={"name": "mine"}, token=t),
     (201, 201, 201)),
    ("own tokens", lambda w, t: w["server"].post("/api/v1/tokens", json={"name": "script"}, token=t),
     (201, 201, 201)),
    ("me", lambda w, t: w["server"].get("/api/v1/me", token=t), (200, 200, 200)),
    ("own Subsonic password", lambda w, t: w["server"].req("PUT", "/api/v1/me/subsonic-password", token=t),
     (200, 200, 200)),
    ("cluster nodes", lambda w, t: w["server"].get("/api/v1/cluster/nodes", token=t), (200, 200, 200)),
    ("upload", lambda w, t: upload(w, t), (403, 201, 201)),
    ("delete another's track", lambda w, t: w["server"].delete("/api/v1/tracks/" + fresh_track(w, "other")["id"],
                                                               token=t), (403, 403, 200)),
    ("list users", lambda w, t: w["server"].get("/api/v1/users", token=t), (403, 403, 200)),
    ("create user", lambda w, t: w["server"].post(
        "/api/v1/users", json={"username": "made-" + "".join(random.choices(string.ascii_lowercase, k=8)),
                               "password": USER_PASSWORD}, token=t), (403, 403, 201)),
    ("change a role", lambda w, t: w["server"].patch("/api/v1/users/" + w["users"]["other"]["id"],
                                                     json={"role": "uploader"}, token=t), (403, 403, 200)),
    ("cluster status", lambda w, t: w["server"].get("/api/v1/cluster", token=t), (403, 403, 200)),
    ("cluster remove", lambda w, t: w["server"].post("/api/v1/cluster/remove", json={"node_id": "0" * 16},
                                                     token=t), (403, 403, None)),
    ("cluster join token", lambda w, t: w["server"].post("/api/v1/cluster/join-token", json={}, token=t),
     (403, 403, 200)),
    ("audit log", lambda w, t: w["server"].get("/api/v1/audit", token=t), (403, 403, 200)),
]


@pytest.mark.parametrize("name,call,expected", ROUTE_CLASSES, ids=[c[0] for c in ROUTE_CLASSES])
@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_every_route_class(world, name, call, expected, role):
    want = expected[ROLES.index(role)]
    r = call(world, world["users"][role]["token"])
    if want is None:  # the role passes; what the route then says is another test's business
        assert r.status_code != 403, r.text
        return
    if want == 403:
        assert_error(r, 403, "permission_denied")
        assert role in r.json()["error"]["message"]
    else:
        assert r.status_code == want, "%s as %s: %d %s" % (name, role, r.status_code, r.text)


@pytest.mark.parametrize("name,call,expected", ROUTE_CLASSES, ids=[c[0] for c in ROUTE_CLASSES])
def test_every_route_class_needs_a_token(world, name, call, expected):
    assert_error(call(world, None), 401, "unauthenticated")


def test_uploader_deletes_own_tracks_only(world):
    s, users = world["server"], world["users"]
    mine = fresh_track(world, "uploader")
    theirs = fresh_track(world, "other")
    assert_error(s.delete("/api/v1/tracks/" + theirs["id"], token=users["uploader"]["token"]), 403,
                 "permission_denied")
    assert s.delete("/api/v1/tracks/" + mine["id"], token=users["uploader"]["token"]).status_code == 200
    assert s.get("/api/v1/tracks/" + theirs["id"]).status_code == 200


def test_role_names(world):
    s = world["server"]
    r = s.post("/api/v1/users", json={"username": "old-style", "password": USER_PASSWORD, "role": "user"})
    assert_error(r, 400, "invalid_argument")
    assert "uploader" in r.json()["error"]["message"]
    assert_error(s.patch("/api/v1/users/" + world["users"]["other"]["id"], json={"role": "user"}), 400,
                 "invalid_argument")
    made = s.post("/api/v1/users", json={"username": "default-role", "password": USER_PASSWORD})
    assert made.status_code == 201 and made.json()["role"] == "listener"
    # A role change applies to the next call of a token issued before it.
    listener = s.create_user("promoted-later", role="listener")
    assert_error(upload(world, listener["token"]), 403, "permission_denied")
    assert s.patch("/api/v1/users/" + listener["id"], json={"role": "uploader"}).status_code == 200
    assert upload(world, listener["token"]).status_code == 201


# ---- Subsonic ------------------------------------------------------------------------------

def subsonic(server, method, auth, **params):
    query = {"v": "1.16.1", "c": "e2e", "f": "json", **auth, **params}
    r = requests.get(server.url("/rest/" + method), params=query, timeout=HTTP_TIMEOUT_S)
    assert r.status_code == 200, r.text
    return r.json()["subsonic-response"]


def by_key(world, role):
    return {"apiKey": world["users"][role]["token"]}


# (method, params, {role: ok?}): false means error 50.
SUBSONIC_CLASSES = [
    ("ping", {}, (True, True, True)),
    ("getArtists", {}, (True, True, True)),
    ("search3", {"query": "shared"}, (True, True, True)),
    ("getPlaylists", {}, (True, True, True)),
    ("getStarred2", {}, (True, True, True)),
    ("getPlayQueue", {}, (True, True, True)),
    ("getUser", {"username": "role-other-uploader"}, (False, False, True)),
    ("getUsers", {}, (False, False, True)),
]


@pytest.mark.parametrize("method,params,expected", SUBSONIC_CLASSES, ids=[c[0] for c in SUBSONIC_CLASSES])
@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_subsonic(world, method, params, expected, role):
    answer = subsonic(world["server"], method, by_key(world, role), **params)
    if expected[ROLES.index(role)]:
        assert answer["status"] == "ok", answer
    else:
        assert answer["status"] == "failed" and answer["error"]["code"] == 50, answer


def test_subsonic_writes_of_ones_own_for_every_role(world):
    track = world["shared"]["id"]
    for role in ROLES:
        auth = by_key(world, role)
        assert subsonic(world["server"], "star", auth, id=track)["status"] == "ok"
        assert subsonic(world["server"], "setRating", auth, id=track, rating=4)["status"] == "ok"
        assert subsonic(world["server"], "scrobble", auth, id=track)["status"] == "ok"
        made = subsonic(world["server"], "createPlaylist", auth, name="sub-" + role, songId=track)
        assert made["status"] == "ok", made
        gone = subsonic(world["server"], "deletePlaylist", auth, id=made["playlist"]["id"])
        assert gone["status"] == "ok", gone


@pytest.mark.parametrize("role,admin,upload_role", [("listener", False, False), ("uploader", False, True),
                                                    ("admin", True, True)])
def test_subsonic_get_user_reports_the_role(world, role, admin, upload_role):
    user = world["users"][role]
    me = subsonic(world["server"], "getUser", by_key(world, role), username=user["username"])["user"]
    assert me["adminRole"] is admin and me["uploadRole"] is upload_role
    assert me["streamRole"] is True and me["playlistRole"] is True and me["settingsRole"] is True


# ---- audit log -------------------------------------------------------------------------------

def events(server, **params):
    r = server.get("/api/v1/audit", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_audit_log_records_logins_accounts_uploads_and_deletions(server):
    s = server
    bad = requests.post(s.url("/api/v1/auth/login"), json={"username": "nosuch", "password": "wrong-password"},
                        headers={"User-Agent": "audit-e2e/1.0"}, timeout=HTTP_TIMEOUT_S)
    assert bad.status_code == 401
    user = s.create_user("audited", role="listener")
    assert s.patch("/api/v1/users/" + user["id"], json={"role": "uploader", "password": "another-pass-1"}) \
        .status_code == 200
    track = s.upload_ok(wav_bytes(), "audited.wav", token=s.login("audited", "another-pass-1"))
    playlist = s.post("/api/v1/playlists", json={"name": "gone soon"}, token=user["token"])
    assert s.delete("/api/v1/playlists/" + playlist.json()["id"], token=user["token"]).status_code == 200
    assert s.delete("/api/v1/tracks/" + track["id"]).status_code == 200
    assert s.delete("/api/v1/users/" + user["id"]).status_code == 200

    page = events(s, limit=100)
    assert page["offset"] == 0 and page["limit"] == 100 and page["total"] == len(page["items"])
    assert [e["id"] for e in page["items"]] == sorted((e["id"] for e in page["items"]), reverse=True)
    for e in page["items"]:
        assert set(e) == {"id", "time", "actor", "action", "target", "detail", "address"}
    actions = [e["action"] for e in page["items"]]
    for wanted in ("login", "login.failed", "user.created", "user.role_changed", "user.password_reset",
                   "track.uploaded", "playlist.deleted", "track.deleted", "user.deleted", "member.added"):
        assert wanted in actions, (wanted, actions)

    failed = events(s, action="login.failed")["items"]
    assert len(failed) == 1
    assert failed[0]["target"] == "nosuch" and failed[0]["actor"] is None
    assert failed[0]["address"] == "127.0.0.1"
    assert failed[0]["detail"]["user_agent"] == "audit-e2e/1.0"
    role = events(s, action="user.role_changed")["items"][0]
    assert role["target"] == "audited" and role["actor"]["username"] == "admin"
    assert role["detail"]["from"] == "listener" and role["detail"]["to"] == "uploader"
    uploaded = events(s, action="track.uploaded")["items"][0]
    assert uploaded["target"] == track["id"] and uploaded["actor"]["username"] == "audited"
    deleted = events(s, action="user.deleted")["items"][0]
    assert deleted["target"] == "audited"
    logins = events(s, action="login")["items"]
    assert any(e["actor"] and e["actor"]["username"] == "audited" for e in logins)
    # Paged like every list.
    first, second = events(s, limit=2, offset=0), events(s, limit=2, offset=2)
    assert len(first["items"]) == 2 and first["total"] == page["total"]
    assert first["items"][1]["id"] > second["items"][0]["id"]
    assert_error(s.get("/api/v1/audit", params={"limit": 0}), 400, "invalid_argument")
    assert_error(s.get("/api/v1/audit", params={"limit": 501}), 400, "invalid_argument")


def test_hostile_text_in_failed_logins_is_cleaned_and_the_log_goes_on(server):
    """Usernames and user agents are the client's bytes; a command with
    invalid UTF-8 would not decode and would stop every node's apply."""
    long_name = "ñ" * 40  # 80 bytes: cut at 64 on a character boundary
    r = requests.post(server.url("/api/v1/auth/login"), json={"username": long_name, "password": "wrong-pass"},
                      headers={"User-Agent": ("é" * 150).encode()}, timeout=HTTP_TIMEOUT_S)
    assert r.status_code == 401
    r = requests.get(server.url("/rest/ping") + "?u=%FF%FEx&p=wrong&v=1.16.1&c=e2e&f=json", timeout=HTTP_TIMEOUT_S)
    assert r.json()["subsonic-response"]["error"]["code"] == 40
    failed = events(server, action="login.failed")["items"]
    assert len(failed) == 2
    assert failed[1]["target"] == "ñ" * 32
    assert failed[1]["detail"]["user_agent"] == "é" * 100  # 200 bytes, on a character boundary
    assert failed[0]["target"] == "\ufffd\ufffdx"
    # Later writes still apply.
    assert server.post("/api/v1/playlists", json={"name": "after"}).status_code == 201


def test_audit_log_survives_a_restart(server):
    requests.post(server.url("/api/v1/auth/login"), json={"username": "admin", "password": "nope-nope"},
                  timeout=HTTP_TIMEOUT_S)
    before = events(server, action="login.failed")["total"]
    assert before == 1
    server.stop()
    server.start()
    server._admin_token = None
    assert events(server, action="login.failed")["total"] == before


# ---- the Subsonic password at rest -------------------------------------------------------------

SECRET = "Zq7-unmistakable-app-secret-4711"


def token_auth(username, password):
    salt = "".join(random.choices(string.ascii_lowercase + string.digits, k=12))
    return {"u": username, "t": hashlib.md5((password + salt).encode()).hexdigest(), "s": salt}


def files_holding(root, needle):
    found = []
    for path in root.rglob("*"):
        if path.is_file() and needle in path.read_bytes():
            found.append(str(path))
    return found


def test_subsonic_password_is_not_stored_in_clear(server):
    r = server.req("PUT", "/api/v1/me/subsonic-password", json={"password": SECRET})
    assert r.status_code == 200 and r.json()["password"] == SECRET
    assert server.get("/api/v1/me/subsonic-password").json()["password"] == SECRET, "its owner reads it back"
    assert subsonic(server, "ping", token_auth("admin", SECRET))["status"] == "ok"
    assert subsonic(server, "ping", {"u": "admin", "p": SECRET})["status"] == "ok"
    # Everything the node wrote: the catalog (and its WAL), the Raft log,
    # snapshots. None holds the secret, in clear or hex-encoded.
    server.stop()
    key = server.data_dir / "cluster" / "secret.key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert key.parent.stat().st_mode & 0o777 == 0o700
    assert len(key.read_bytes()) == 32
    for needle in (SECRET.encode(), SECRET.encode().hex().encode()):
        assert files_holding(server.data_dir, needle) == []
    # The key survives a restart: the sealed password still opens.
    server.start()
    server._admin_token = None
    assert subsonic(server, "ping", token_auth("admin", SECRET))["status"] == "ok"


def test_another_key_fails_subsonic_login_with_40_not_a_crash(server):
    assert server.req("PUT", "/api/v1/me/subsonic-password", json={"password": SECRET}).status_code == 200
    server.stop()
    key = server.data_dir / "cluster" / "secret.key"
    key.write_bytes(bytes(32))
    key.chmod(0o600)
    server.start()
    server._admin_token = None
    answer = subsonic(server, "ping", token_auth("admin", SECRET))
    assert answer["status"] == "failed" and answer["error"]["code"] == 40, answer
    assert server.get("/api/v1/me/subsonic-password").json() == {"password": None}
    # The account password still works with p=, and the node is fine.
    from helpers import ADMIN_PASSWORD
    assert subsonic(server, "ping", {"u": "admin", "p": ADMIN_PASSWORD})["status"] == "ok"
    assert server.get("/readyz", token=None).status_code == 200
    time.sleep(0.2)
    assert "does not open" in server.stderr_text() + server.stdout_text()
    # Setting it again seals it with the key the node has now.
    assert server.req("PUT", "/api/v1/me/subsonic-password", json={"password": SECRET}).status_code == 200
    assert subsonic(server, "ping", token_auth("admin", SECRET))["status"] == "ok"


def test_open_key_file_is_refused_at_start(server):
    server.stop()
    key = server.data_dir / "cluster" / "secret.key"
    key.chmod(0o644)
    with pytest.raises(AssertionError):
        server.start()
    assert "chmod 600" in server.stderr_text()
    key.chmod(0o600)
    server.start()
