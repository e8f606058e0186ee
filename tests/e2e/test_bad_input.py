"""Bad input gets a clear 4xx and changes nothing: non-audio files, truncated
audio, path tricks, oversized headers and bodies, bad JSON, wrong methods,
unknown routes, malformed HTTP."""

import json
import os
import random

import pytest
import requests

from helpers import HTTP_TIMEOUT_S, assert_error, parse_raw_response, raw_request, sha256, wav_bytes


def snapshot(server):
    return server.tracks_total(), server.blob_files()


def assert_nothing_stored(server, before):
    assert snapshot(server) == before, "a rejected upload must not change the catalog or the blob store"
    assert server.blob_tmp_files() == [], "no leftover temporary files in DATA/blobs/tmp"


# ---- not audio -----------------------------------------------------------------

def test_text_named_mp3_415(module_server):
    before = snapshot(module_server)
    r = module_server.upload(b"This is not music, just text.\n" * 100, "x.mp3")
    assert_error(r, 415, "unsupported_media")
    assert_nothing_stored(module_server, before)


def test_random_bytes_415(module_server):
    before = snapshot(module_server)
    r = module_server.upload(random.Random(7).randbytes(64 * 1024), "noise.flac")
    assert_error(r, 415, "unsupported_media")
    assert_nothing_stored(module_server, before)


def test_fake_magic_415(module_server):
    """Right magic bytes, garbage after them."""
    before = snapshot(module_server)
    for magic, name in ((b"fLaC", "a.flac"), (b"ID3\x04\x00\x00\x00\x00\x00\x10", "a.mp3"),
                        (b"OggS", "a.ogg"), (b"RIFF\x00\x10\x00\x00WAVE", "a.wav"), (b"\x00\x00\x00\x20ftypM4A ", "a.m4a")):
        r = module_server.upload(magic + random.Random(1).randbytes(4000), name)
        assert_error(r, 415, "unsupported_media")
    assert_nothing_stored(module_server, before)


@pytest.mark.parametrize("fmt", ["flac", "mp3", "m4a"])
def test_truncated_audio_415(module_server, fixtures, fmt):
    before = snapshot(module_server)
    path, _ = fixtures.formats[fmt]
    r = module_server.upload(path.read_bytes()[:300], path.name)
    assert_error(r, 415, "unsupported_media")
    assert_nothing_stored(module_server, before)


def test_empty_body_4xx(module_server):
    before = snapshot(module_server)
    r = module_server.upload(b"", "empty.mp3")
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert_error(r, r.status_code)
    assert_nothing_stored(module_server, before)


@pytest.mark.parametrize("params", [{}, {"filename": ""}, {"name": "a.wav"}])
def test_raw_upload_without_filename_400(module_server, params):
    before = snapshot(module_server)
    r = module_server.post("/api/v1/tracks", params=params, data=wav_bytes(),
                           headers={"Content-Type": "application/octet-stream"})
    assert_error(r, 400, "invalid_argument")
    assert_nothing_stored(module_server, before)


def test_content_decides_not_the_name(module_server):
    """A WAV named .mp3 is accepted as what it is."""
    r = module_server.upload(wav_bytes(), "really-a-wav.mp3")
    assert r.status_code == 201, r.text
    assert r.json()["codec"] == "pcm" and r.json()["content_type"] == "audio/wav"
    assert r.json()["title"] == "really-a-wav"


# ---- path tricks -------------------------------------------------------------------

@pytest.mark.parametrize("filename,stored", [
    ("../../etc/passwd.mp3", "passwd.mp3"),
    ("..\\..\\x.mp3", "x.mp3"),
    ("/tmp/absolute-e2e.wav", "absolute-e2e.wav"),
    ("sub/dir/../../../../evil-e2e.wav", "evil-e2e.wav"),
])
def test_path_traversal_in_filename(server, filename, stored):
    outside_before = sorted(p for p in server.root.parent.rglob("*") if server.data_dir not in p.parents)
    data = wav_bytes()
    r = server.upload(data, filename)
    assert r.status_code == 201, r.text
    track = r.json()
    assert track["filename"] == stored
    assert track["title"] == os.path.splitext(stored)[0]
    outside_after = sorted(p for p in server.root.parent.rglob("*") if server.data_dir not in p.parents)
    assert outside_after == outside_before, "no file may be created outside the data dir"
    assert not os.path.exists("/etc/passwd.mp3") and not os.path.exists("/tmp/absolute-e2e.wav")
    inside = [p.name for p in server.data_dir.rglob("*")]
    assert stored not in inside and "x.mp3" not in inside, "stored files are named by content, not by the client"
    assert server.has_blob(sha256(data))


def test_path_traversal_in_multipart_filename(server):
    data = wav_bytes()
    r = server.upload(data, "../../../../tmp/multipart-evil-e2e.wav", multipart=True)
    assert r.status_code == 201, r.text
    assert r.json()["filename"] == "multipart-evil-e2e.wav"
    assert not os.path.exists("/tmp/multipart-evil-e2e.wav")


# ---- size limits ------------------------------------------------------------------------

def test_huge_headers_431(module_server):
    request = ("GET /api/v1/tracks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nX-Big: %s\r\n\r\n"
               % (module_server.admin_token, "a" * 20 * 1024)).encode()
    status, headers, body = parse_raw_response(raw_request(module_server.port, request))
    assert status == 431, (status, body[:200])
    assert requests.get(module_server.url("/healthz"), timeout=HTTP_TIMEOUT_S).status_code == 200


def test_huge_headers_431_error_body(module_server):
    """docs/API.md: 431 carries the error JSON with code too_large."""
    request = ("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n" % ("a" * 20 * 1024)).encode()
    status, headers, body = parse_raw_response(raw_request(module_server.port, request))
    assert status == 431
    assert headers.get("content-type", "").startswith("application/json")
    error = json.loads(body)["error"]
    assert set(error) == {"code", "message"}
    assert error["code"] == "too_large", "docs/API.md lists 431 as too_large, got %r" % error


def test_many_headers_431(module_server):
    lines = "".join("X-H%d: %s\r\n" % (i, "v" * 90) for i in range(250))
    request = ("GET /healthz HTTP/1.1\r\nHost: x\r\n%s\r\n" % lines).encode()
    status, _, _ = parse_raw_response(raw_request(module_server.port, request))
    assert status == 431


def test_headers_just_under_limit_ok(module_server):
    r = module_server.get("/api/v1/me", headers={"X-Pad": "a" * (12 * 1024)})
    assert r.status_code == 200, r.status_code


@pytest.fixture
def small_server(server_factory):
    return server_factory("small", args=["--max-upload-size", "100KiB"])


def test_oversized_upload_413(small_server):
    before = snapshot(small_server)
    big = wav_bytes(seconds=3)  # ~260 KB
    r = small_server.upload(big, "big.wav")
    assert_error(r, 413, "too_large")
    assert_nothing_stored(small_server, before)
    assert not small_server.has_blob(sha256(big))


def test_oversized_chunked_upload_413(small_server):
    """No Content-Length: the limit must hold while streaming."""
    before = snapshot(small_server)
    big = wav_bytes(seconds=3)

    def chunks():
        for i in range(0, len(big), 16 * 1024):
            yield big[i:i + 16 * 1024]

    try:
        r = small_server.post("/api/v1/tracks", params={"filename": "big.wav"}, data=chunks())
    except requests.ConnectionError as e:
        pytest.fail("server dropped the connection instead of answering 413: %s" % e)
    assert_error(r, 413, "too_large")
    assert_nothing_stored(small_server, before)


def test_oversized_multipart_upload_413(small_server):
    before = snapshot(small_server)
    r = small_server.upload(wav_bytes(seconds=3), "big.wav", multipart=True)
    assert_error(r, 413, "too_large")
    assert_nothing_stored(small_server, before)


def test_upload_under_limit_ok(small_server):
    data = wav_bytes(seconds=0.5)  # ~44 KB
    r = small_server.upload(data, "small.wav")
    assert r.status_code == 201, r.text
    assert small_server.get("/api/v1/tracks/%s/stream" % r.json()["id"]).content == data


def test_low_disk_507(server_factory):
    server = server_factory("full", args=["--min-free-disk", "1000000TB"])
    before = snapshot(server)
    r = server.upload(wav_bytes(), "a.wav")
    assert_error(r, 507, "insufficient_storage")
    assert_nothing_stored(server, before)


# ---- JSON bodies ----------------------------------------------------------------------------

JSON_ROUTES = [("POST", "/api/v1/playlists"), ("POST", "/api/v1/users"), ("POST", "/api/v1/tokens"),
               ("POST", "/api/v1/auth/login")]


@pytest.mark.parametrize("method,path", JSON_ROUTES)
@pytest.mark.parametrize("raw", [b"{", b'{"name": "x",}', b"[]", b'[{"name": "x"}]', b"42", b'"x"', b"{'name': 'x'}",
                                 b'{"name": "x"} trailing'])
def test_malformed_or_non_object_json_400(module_server, method, path, raw):
    r = module_server.req(method, path, data=raw, headers={"Content-Type": "application/json"})
    assert_error(r, 400, "invalid_argument")


@pytest.mark.parametrize("body", [{"name": 5}, {"name": None}, {"name": "x", "track_ids": "abc"},
                                  {"name": "x", "track_ids": [1, 2]}, {"name": "x", "owner_id": "y"}])
def test_wrong_types_and_unknown_fields_400(module_server, body):
    before = module_server.get("/api/v1/playlists").json()["items"]
    assert_error(module_server.post("/api/v1/playlists", json=body), 400, "invalid_argument")
    assert module_server.get("/api/v1/playlists").json()["items"] == before


# ---- methods and routes -------------------------------------------------------------------------

@pytest.mark.parametrize("method,path,allowed", [
    ("PUT", "/api/v1/tracks", {"GET", "POST"}),
    ("DELETE", "/api/v1/me", {"GET"}),
    ("POST", "/healthz", {"GET"}),
    ("PUT", "/api/v1/tracks/abc", {"GET", "DELETE"}),
    ("GET", "/api/v1/auth/login", {"POST"}),
    ("POST", "/api/v1/tracks/abc/stream", {"GET"}),
])
def test_wrong_method_405_with_allow(module_server, method, path, allowed):
    r = module_server.req(method, path, data=b"{}")
    assert_error(r, 405, "invalid_argument")
    got = {m.strip() for m in r.headers.get("Allow", "").split(",") if m.strip()}
    assert allowed <= got, "Allow: %r" % r.headers.get("Allow")
    assert got <= allowed | {"HEAD", "OPTIONS"}, "Allow: %r" % r.headers.get("Allow")


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v2/tracks", "/api/v1/tracks/a/b/c", "/api/v1",
                                  "/rest-nope/ping"])
def test_unknown_route_404_json(module_server, path):
    assert_error(module_server.get(path), 404, "not_found")


# ---- malformed HTTP ----------------------------------------------------------------------------------

@pytest.mark.parametrize("request_bytes", [
    b"NOT HTTP AT ALL\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n",
    b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
])
def test_malformed_http_400(module_server, request_bytes):
    buf = raw_request(module_server.port, request_bytes)
    assert buf, "the server closed the connection without any answer"
    status, headers, body = parse_raw_response(buf)
    assert status == 400, buf[:300]
    assert json.loads(body)["error"]["code"] == "invalid_argument", body
    assert requests.get(module_server.url("/healthz"), timeout=HTTP_TIMEOUT_S).status_code == 200


def test_nothing_leaked_after_bad_inputs(module_server):
    """Runs last in this module: every rejected upload left blobs/tmp empty."""
    assert module_server.blob_tmp_files() == []
