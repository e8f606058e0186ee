"""Envelope and authentication: /rest/NAME and NAME.view, GET and form POST,
XML and JSON, token (md5(password + salt)), plain and enc: passwords, the
apiKey extension, and the error codes (10, 40, 43, 44, 50) with HTTP 200."""

import requests

from helpers import ADMIN_PASSWORD, USER_PASSWORD


def test_ping_in_xml_and_json_with_and_without_view(library):
    for fmt in ("xml", "json"):
        for view in (True, False):
            body = library.client(fmt=fmt).call("ping", view=view, fmt=fmt)
            assert body["status"] == "ok"


def test_form_post_is_accepted(library):
    body = library.client().call("getSong", {"id": library.tracks["rock1"]["id"]}, post=True)
    assert body["song"]["title"] == "Stone Road"


def test_every_auth_scheme(library):
    for auth in ("token", "password", "enc"):
        assert library.client(auth=auth).call("ping")["status"] == "ok"
    # The account password works for p= (argon2), not for the token scheme.
    account = library.client(auth="password", password=ADMIN_PASSWORD)
    assert account.call("ping")["status"] == "ok"
    assert library.client(auth="enc", password=ADMIN_PASSWORD).call("ping")["status"] == "ok"
    code, _ = library.client(auth="token", password=ADMIN_PASSWORD).error("ping")
    assert code == 40


def test_wrong_credentials_are_40_with_http_200(library):
    # Its own user: wrong passwords count against the user (see the next test).
    library.server.create_user("mistyper")
    for auth in ("token", "password", "enc"):
        code, message = library.client(username="mistyper", auth=auth, password="not-the-password").error("ping")
        assert code == 40 and message
    assert library.client(username="mistyper", password="not-the-password").raw("ping").status_code == 200
    code, _ = library.client(username="nobody").error("ping")
    assert code == 40


def test_repeated_wrong_passwords_are_held_up_even_for_the_right_one(library):
    user = library.server.create_user("guessed")
    for _ in range(5):
        code, _ = library.client(username="guessed", auth="password", password="wrong-guess").error("ping")
        assert code == 40
    # The account password would be right, but it is not even checked now.
    code, message = library.client(username="guessed", auth="password", password=USER_PASSWORD).error("ping")
    assert code == 0 and "too many failed logins" in message, message
    assert user["token"]


def test_missing_credentials_and_parameters_are_10(library):
    base = library.server.base
    r = requests.get(base + "/rest/ping.view", params={"v": "1.16.1", "c": "t", "f": "json"}, timeout=10)
    assert r.json()["subsonic-response"]["error"]["code"] == 10
    code, _ = library.client().error("getAlbum")  # no id
    assert code == 10
    code, _ = library.client().error("getSongsByGenre")
    assert code == 10


def test_not_found_is_70(library):
    for method in ("getAlbum", "getArtist", "getSong", "getMusicDirectory", "getPlaylist", "getCoverArt"):
        code, _ = library.client().error(method, {"id": "0000000000000000"})
        assert code == 70, method


def test_api_key_auth_and_its_errors(library):
    r = library.server.post("/api/v1/tokens", json={"name": "subsonic app"})
    assert r.status_code == 201, r.text
    key = r.json()["token"]
    keyed = library.client(auth="apikey", api_key=key)
    assert keyed.call("ping")["status"] == "ok"
    assert keyed.call("getUser", {"username": "admin"})["user"]["username"] == "admin"
    code, _ = keyed.error("ping", {"u": "admin"})
    assert code == 43
    code, _ = library.client(auth="apikey", api_key="dsp_not-a-key").error("ping")
    assert code == 44
    # both a password and a token
    code, _ = library.client().error("ping", {"p": "x"})
    assert code == 43


def test_extensions_answer_without_authentication(library):
    for fmt in ("json", "xml"):
        body = library.client(fmt=fmt).call("getOpenSubsonicExtensions", auth=False, fmt=fmt)
        names = {e["name"] for e in body["openSubsonicExtensions"]}
        assert {"formPost", "transcodeOffset", "apiKeyAuthentication", "songLyrics"} <= names
        for e in body["openSubsonicExtensions"]:
            assert e["versions"] == [1]


def test_not_authorized_is_50(library):
    code, _ = library.other_client().error("getUser", {"username": "admin"})
    assert code == 50
    own = library.other_client().call("getUser", {"username": "listener"})["user"]
    assert own["username"] == "listener" and own["adminRole"] is False and own["streamRole"] is True
    code, _ = library.other_client().error("getUsers")
    assert code == 50


def test_license_and_music_folders(library):
    c = library.client()
    assert c.call("getLicense")["license"]["valid"] is True
    folders = c.call("getMusicFolders")["musicFolders"]["musicFolder"]
    assert folders == [{"id": 1, "name": "Music"}]


def test_jsonp_and_unknown_methods(library):
    r = library.client().raw("ping", {"f": "jsonp", "callback": "cb"})
    assert r.text.startswith("cb(") and r.text.endswith(");")
    code, _ = library.client().error("noSuchMethod")
    assert code == 70


def test_subsonic_password_rest_routes(library):
    s = library.server
    r = s.get("/api/v1/me/subsonic-password")
    assert r.status_code == 200 and r.json()["password"]
    r = s.req("PUT", "/api/v1/me/subsonic-password", json={"password": "short"})
    assert r.status_code == 400
    r = s.get("/api/v1/me/subsonic-password", token=None)
    assert r.status_code == 401
