"""Login, logout, API tokens, users and roles; 401 on every protected route."""

import datetime
import time

import pytest
import requests

from helpers import ADMIN_PASSWORD, HTTP_TIMEOUT_S, SLOW, USER_PASSWORD, assert_error, is_rfc3339_ms, metric


def login_raw(server, body, **kw):
    return requests.post(server.url("/api/v1/auth/login"), timeout=HTTP_TIMEOUT_S, json=body, **kw)


# ---- login ---------------------------------------------------------------------

def test_login_ok(module_server):
    r = login_raw(module_server, {"username": "admin", "password": ADMIN_PASSWORD})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"token", "expires_at", "user"}
    assert isinstance(body["token"], str) and len(body["token"]) >= 20
    assert is_rfc3339_ms(body["expires_at"]), body["expires_at"]
    expires = datetime.datetime.strptime(body["expires_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    days = (expires - datetime.datetime.utcnow()).total_seconds() / 86400
    assert 29.9 < days < 30.1, "session tokens last 30 days, got %.2f" % days
    user = body["user"]
    assert set(user) == {"id", "username", "role", "created_at"}
    assert user["username"] == "admin" and user["role"] == "admin"
    assert is_rfc3339_ms(user["created_at"])
    me = module_server.get("/api/v1/me", token=body["token"])
    assert me.status_code == 200 and me.json() == user


def test_each_login_gets_a_new_token(module_server):
    a = module_server.login("admin", ADMIN_PASSWORD)
    b = module_server.login("admin", ADMIN_PASSWORD)
    assert a != b


def test_login_wrong_password_and_unknown_user_look_the_same(module_server):
    wrong = login_raw(module_server, {"username": "admin", "password": "not-the-password"})
    unknown = login_raw(module_server, {"username": "nobody-here", "password": "not-the-password"})
    e1 = assert_error(wrong, 401, "unauthenticated")
    e2 = assert_error(unknown, 401, "unauthenticated")
    assert e1["message"] == e2["message"], "must not reveal which usernames exist"
    assert ADMIN_PASSWORD not in wrong.text


@pytest.mark.parametrize("body", [{}, {"username": "admin"}, {"password": ADMIN_PASSWORD},
                                  {"username": 5, "password": ADMIN_PASSWORD},
                                  {"username": "admin", "password": ["x"]}])
def test_login_missing_or_wrong_type_fields_400(module_server, body):
    assert_error(login_raw(module_server, body), 400, "invalid_argument")


@pytest.mark.parametrize("raw", [b"", b"{", b"not json", b'{"username": "admin", "password": }',
                                 b'["admin", "x"]', b'"admin"', b"null", b"\xff\xfe"])
def test_login_bad_json_400(module_server, raw):
    r = requests.post(module_server.url("/api/v1/auth/login"), data=raw,
                      headers={"Content-Type": "application/json"}, timeout=HTTP_TIMEOUT_S)
    assert_error(r, 400, "invalid_argument")


def test_login_unknown_field_400(module_server):
    r = login_raw(module_server, {"username": "admin", "password": ADMIN_PASSWORD, "remember": True})
    err = assert_error(r, 400, "invalid_argument")
    assert "remember" in err["message"]


def test_login_deeply_nested_json_400(module_server):
    deep = '{"username": "admin", "password": "x", "x": ' + "[" * 100 + "]" * 100 + "}"
    r = requests.post(module_server.url("/api/v1/auth/login"), data=deep,
                      headers={"Content-Type": "application/json"}, timeout=HTTP_TIMEOUT_S)
    assert_error(r, 400, "invalid_argument")


def test_json_body_over_1mib_413(module_server):
    big = '{"username": "admin", "password": "' + "x" * (1100 * 1024) + '"}'
    r = requests.post(module_server.url("/api/v1/auth/login"), data=big,
                      headers={"Content-Type": "application/json"}, timeout=HTTP_TIMEOUT_S)
    assert_error(r, 413, "too_large")


# ---- 401 everywhere --------------------------------------------------------------

PROTECTED = [
    ("GET", "/api/v1/me"), ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/tokens"), ("POST", "/api/v1/tokens"), ("DELETE", "/api/v1/tokens/x"),
    ("GET", "/api/v1/users"), ("POST", "/api/v1/users"), ("GET", "/api/v1/users/x"),
    ("PATCH", "/api/v1/users/x"), ("DELETE", "/api/v1/users/x"),
    ("GET", "/api/v1/tracks"), ("POST", "/api/v1/tracks?filename=a.mp3"), ("GET", "/api/v1/tracks/x"),
    ("DELETE", "/api/v1/tracks/x"), ("GET", "/api/v1/tracks/x/stream"), ("HEAD", "/api/v1/tracks/x/stream"),
    ("GET", "/api/v1/tracks/x/cover"),
    ("GET", "/api/v1/albums"), ("GET", "/api/v1/albums/x"), ("GET", "/api/v1/albums/x/cover"),
    ("GET", "/api/v1/artists"), ("GET", "/api/v1/artists/x"), ("GET", "/api/v1/search?q=a"),
    ("GET", "/api/v1/playlists"), ("POST", "/api/v1/playlists"), ("GET", "/api/v1/playlists/x"),
    ("PATCH", "/api/v1/playlists/x"), ("DELETE", "/api/v1/playlists/x"), ("POST", "/api/v1/playlists/x/tracks"),
    ("DELETE", "/api/v1/playlists/x/tracks/0"), ("POST", "/api/v1/playlists/x/move"),
]


def check_401(r, method):
    assert r.status_code == 401, (r.status_code, r.text)
    assert "Bearer" in r.headers.get("WWW-Authenticate", ""), r.headers
    if method != "HEAD":
        assert_error(r, 401, "unauthenticated")
    else:
        assert r.content == b""


@pytest.mark.parametrize("method,path", PROTECTED, ids=["%s %s" % p for p in PROTECTED])
def test_no_token_401(module_server, method, path):
    r = module_server.req(method, path, token=None, data=b"{}")
    check_401(r, method)


@pytest.mark.parametrize("method,path", PROTECTED, ids=["%s %s" % p for p in PROTECTED])
def test_bogus_token_401(module_server, method, path):
    r = module_server.req(method, path, token="dsp_00000000000000000000000000000000000000000000000", data=b"{}")
    check_401(r, method)


@pytest.mark.parametrize("header", ["Basic YWRtaW46eA==", "Bearer", "Bearer ", "bearer", "Token abc"])
def test_malformed_authorization_401(module_server, header):
    r = requests.get(module_server.url("/api/v1/me"), headers={"Authorization": header}, timeout=HTTP_TIMEOUT_S)
    assert_error(r, 401, "unauthenticated")


def test_access_token_query_works_for_get(module_server):
    r = requests.get(module_server.url("/api/v1/me"), params={"access_token": module_server.admin_token},
                     timeout=HTTP_TIMEOUT_S)
    assert r.status_code == 200 and r.json()["username"] == "admin"


def test_access_token_query_not_accepted_for_post(module_server):
    r = requests.post(module_server.url("/api/v1/playlists"), params={"access_token": module_server.admin_token},
                      json={"name": "x"}, timeout=HTTP_TIMEOUT_S)
    assert_error(r, 401, "unauthenticated")


def test_public_routes_need_no_token(module_server):
    for path in ("/healthz", "/readyz", "/metrics", "/api/openapi.json", "/api/v1/version"):
        assert requests.get(module_server.url(path), timeout=HTTP_TIMEOUT_S).status_code == 200, path


# ---- logout and API tokens -------------------------------------------------------------

def test_logout_revokes_only_that_token(module_server):
    token = module_server.login("admin", ADMIN_PASSWORD)
    other = module_server.login("admin", ADMIN_PASSWORD)
    assert module_server.get("/api/v1/me", token=token).status_code == 200
    r = module_server.post("/api/v1/auth/logout", token=token)
    assert r.status_code == 200, r.text
    assert_error(module_server.get("/api/v1/me", token=token), 401)
    assert_error(module_server.post("/api/v1/auth/logout", token=token), 401)
    assert module_server.get("/api/v1/me", token=other).status_code == 200


def test_api_token_lifecycle(module_server):
    r = module_server.post("/api/v1/tokens", json={"name": "backup script"})
    assert r.status_code == 201, r.text
    created = r.json()
    secret = created["token"]
    assert isinstance(secret, str) and len(secret) >= 20
    assert created["name"] == "backup script"
    assert created["expires_at"] is None, "API tokens do not expire"
    token_id = created["id"]

    listed = module_server.get("/api/v1/tokens")
    assert listed.status_code == 200
    items = listed.json()["items"]
    mine = [t for t in items if t["id"] == token_id]
    assert len(mine) == 1 and mine[0]["name"] == "backup script"
    assert all("token" not in t for t in items), "the list must never include secrets"
    assert secret not in listed.text

    me = module_server.get("/api/v1/me", token=secret)
    assert me.status_code == 200 and me.json()["username"] == "admin"

    r = module_server.delete("/api/v1/tokens/" + token_id)
    assert r.status_code == 200, r.text
    assert_error(module_server.get("/api/v1/me", token=secret), 401)
    assert token_id not in [t["id"] for t in module_server.get("/api/v1/tokens").json()["items"]]
    assert_error(module_server.delete("/api/v1/tokens/" + token_id), 404)


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 101}, {"name": 3}, {"name": "ok", "scope": "all"}])
def test_api_token_bad_body_400(module_server, body):
    assert_error(module_server.post("/api/v1/tokens", json=body), 400, "invalid_argument")


def test_cannot_revoke_another_users_token(module_server):
    alice = module_server.create_user("tok-alice")
    r = module_server.post("/api/v1/tokens", json={"name": "alice's"}, token=alice["token"])
    assert r.status_code == 201
    alice_token_id = r.json()["id"]
    assert_error(module_server.delete("/api/v1/tokens/" + alice_token_id), 404)
    assert module_server.get("/api/v1/me", token=r.json()["token"]).status_code == 200
    # admin's list does not show it
    assert alice_token_id not in [t["id"] for t in module_server.get("/api/v1/tokens").json()["items"]]


# ---- users ---------------------------------------------------------------------------------

def test_admin_creates_user_who_can_log_in(module_server):
    r = module_server.post("/api/v1/users", json={"username": "bob.smith-1_x", "password": USER_PASSWORD})
    assert r.status_code == 201, r.text
    user = r.json()
    assert set(user) == {"id", "username", "role", "created_at"}
    assert user["username"] == "bob.smith-1_x" and user["role"] == "listener", "the least privilege by default"
    assert "password" not in r.text and USER_PASSWORD not in r.text
    token = module_server.login("bob.smith-1_x", USER_PASSWORD)
    assert module_server.get("/api/v1/me", token=token).json() == user
    got = module_server.get("/api/v1/users/" + user["id"])
    assert got.status_code == 200 and got.json() == user
    listed = module_server.get("/api/v1/users").json()["items"]
    assert user in listed
    assert all("password" not in str(u) for u in listed)


def test_normal_user_gets_403_on_users(module_server):
    user = module_server.create_user("plain-carol")
    for method, path, body in [("GET", "/api/v1/users", None),
                               ("POST", "/api/v1/users", {"username": "x1", "password": USER_PASSWORD}),
                               ("GET", "/api/v1/users/" + user["id"], None),
                               ("PATCH", "/api/v1/users/" + user["id"], {"role": "admin"}),
                               ("DELETE", "/api/v1/users/" + user["id"], None)]:
        r = module_server.req(method, path, token=user["token"], json=body)
        assert_error(r, 403, "permission_denied")
    assert module_server.get("/api/v1/me", token=user["token"]).json()["role"] == "uploader"


@pytest.mark.parametrize("body", [
    {"username": "bad name", "password": USER_PASSWORD},
    {"username": "", "password": USER_PASSWORD},
    {"username": "x" * 65, "password": USER_PASSWORD},
    {"username": "ümlaut", "password": USER_PASSWORD},
    {"username": "../etc", "password": USER_PASSWORD},
    {"username": "shortpw", "password": "1234567"},
    {"username": "longpw", "password": "x" * 1025},
    {"username": "badrole", "password": USER_PASSWORD, "role": "root"},
    {"username": "oldrole", "password": USER_PASSWORD, "role": "user"},
    {"username": "nopw"},
    {"password": USER_PASSWORD},
    {"username": "extra", "password": USER_PASSWORD, "email": "a@b"},
])
def test_user_validation_400(module_server, body):
    assert_error(module_server.post("/api/v1/users", json=body), 400, "invalid_argument")
    if body.get("username"):
        names = [u["username"] for u in module_server.get("/api/v1/users").json()["items"]]
        assert body["username"] not in names


def test_user_limits_accepted(module_server):
    r = module_server.post("/api/v1/users", json={"username": "y" * 64, "password": "12345678"})
    assert r.status_code == 201, r.text


def test_duplicate_username_409(module_server):
    module_server.create_user("dupe-dan")
    assert_error(module_server.post("/api/v1/users", json={"username": "dupe-dan", "password": USER_PASSWORD}),
                 409, "conflict")
    assert_error(module_server.post("/api/v1/users", json={"username": "admin", "password": USER_PASSWORD}),
                 409, "conflict")


def test_patch_user_password_and_role(module_server):
    user = module_server.create_user("eve-patch")
    r = module_server.patch("/api/v1/users/" + user["id"], json={"password": "new-password-9", "role": "admin"})
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "admin"
    assert_error(login_raw(module_server, {"username": "eve-patch", "password": USER_PASSWORD}), 401)
    token = module_server.login("eve-patch", "new-password-9")
    assert module_server.get("/api/v1/users", token=token).status_code == 200


def rename(server, user_id, username):
    """PATCH username: feature level 2, which a new node commits within a few
    seconds of its start (503 until then, DEPLOY.md "Upgrades")."""
    deadline = time.time() + 15 * SLOW
    while True:
        r = server.patch("/api/v1/users/" + user_id, json={"username": username})
        if r.status_code != 503 or time.time() > deadline:
            return r
        assert "needs cluster level 2" in r.text, r.text
        time.sleep(0.2)


def test_patch_username_renames_the_login_and_is_audited(module_server):
    user = module_server.create_user("ren-before")
    module_server.create_user("ren-taken")
    r = rename(module_server, user["id"], "Ren-After")
    assert r.status_code == 200, r.text
    assert r.json()["username"] == "Ren-After"
    assert module_server.login("ren-after", USER_PASSWORD)  # names compare ignoring case
    assert_error(login_raw(module_server, {"username": "ren-before", "password": USER_PASSWORD}), 401)
    assert_error(rename(module_server, user["id"], "REN-TAKEN"), 409, "conflict")
    assert_error(rename(module_server, user["id"], "bad name!"), 400)
    assert_error(rename(module_server, "no-such-user", "someone"), 404)
    events = module_server.get("/api/v1/audit", params={"action": "user.renamed"}).json()["items"]
    assert any(e["target"] == "Ren-After" and e["detail"]["from"] == "ren-before" for e in events), events


def test_admin_cannot_demote_or_delete_self(module_server):
    me = module_server.get("/api/v1/me").json()
    assert_error(module_server.patch("/api/v1/users/" + me["id"], json={"role": "uploader"}), 409, "conflict")
    assert_error(module_server.delete("/api/v1/users/" + me["id"]), 409, "conflict")
    assert module_server.get("/api/v1/me").json()["role"] == "admin"


def test_delete_user_revokes_their_tokens(module_server):
    user = module_server.create_user("frank-gone")
    r = module_server.post("/api/v1/playlists", json={"name": "frank's"}, token=user["token"])
    assert r.status_code == 201
    playlists_before = metric(module_server.metrics(), "dispotify_catalog_playlists")
    assert module_server.delete("/api/v1/users/" + user["id"]).status_code == 200
    assert metric(module_server.metrics(), "dispotify_catalog_playlists") == playlists_before - 1, \
        "deleting a user deletes their playlists"
    assert_error(module_server.get("/api/v1/me", token=user["token"]), 401)
    assert_error(module_server.get("/api/v1/users/" + user["id"]), 404)
    assert_error(login_raw(module_server, {"username": "frank-gone", "password": USER_PASSWORD}), 401)


def test_unknown_user_404(module_server):
    assert_error(module_server.get("/api/v1/users/no-such-user"), 404, "not_found")
    assert_error(module_server.patch("/api/v1/users/no-such-user", json={"role": "listener"}), 404, "not_found")


def test_repeated_wrong_passwords_are_slowed_down_with_429(server):
    token = server.admin_token
    r = server.post("/api/v1/users", token=token, json={"username": "guessme", "password": "right-password", "role": "listener"})
    assert r.status_code == 201, r.text
    for _ in range(5):
        r = server.post("/api/v1/auth/login", json={"username": "guessme", "password": "wrong-guess"})
        assert r.status_code == 401, r.text
    r = server.post("/api/v1/auth/login", json={"username": "guessme", "password": "right-password"})
    assert r.status_code == 429, "held up: not even the right password is checked"
    assert r.json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(r.headers["Retry-After"]) <= 15
    # Other users log in as usual.
    r = server.post("/api/v1/auth/login", json={"username": "admin", "password": server.admin_password})
    assert r.status_code == 200, r.text
