"""Streaming: exact bytes, HEAD, Range edge cases, ETag/If-None-Match,
If-Range, access_token, deleted tracks."""

import pytest
import requests

from helpers import HTTP_TIMEOUT_S, assert_error, parse_raw_response, raw_request, sha256


@pytest.fixture(scope="module")
def track(module_server, fixtures):
    path, _ = fixtures.formats["flac"]
    data = path.read_bytes()
    t = module_server.upload_ok(data, path.name)
    return {"id": t["id"], "data": data, "size": len(data), "etag": '"%s"' % sha256(data),
            "path": "/api/v1/tracks/%s/stream" % t["id"]}


def stream(server, track, headers=None, method="GET", **kw):
    return server.req(method, track["path"], headers=headers, **kw)


def test_full_get(module_server, track):
    r = stream(module_server, track)
    assert r.status_code == 200
    assert r.content == track["data"]
    assert r.headers["Content-Type"] == "audio/flac"
    assert r.headers["Content-Length"] == str(track["size"])
    assert r.headers["Accept-Ranges"] == "bytes"
    assert r.headers["ETag"] == track["etag"]
    assert r.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert "Content-Range" not in r.headers


@pytest.mark.parametrize("fmt,ctype", [("mp3", "audio/mpeg"), ("ogg", "audio/ogg"), ("opus", "audio/ogg"),
                                       ("m4a", "audio/mp4"), ("wav", "audio/wav")])
def test_content_type_per_format(module_server, fixtures, fmt, ctype):
    path, _ = fixtures.formats[fmt]
    data = path.read_bytes()
    r = module_server.upload(data, path.name)
    assert r.status_code in (200, 201), r.text
    s = module_server.get("/api/v1/tracks/%s/stream" % r.json()["id"])
    assert s.status_code == 200 and s.content == data
    assert s.headers["Content-Type"] == ctype


def test_head(module_server, track):
    get = stream(module_server, track)
    head = stream(module_server, track, method="HEAD")
    assert head.status_code == 200
    assert head.content == b""
    for h in ("Content-Type", "Content-Length", "Accept-Ranges", "ETag", "Cache-Control"):
        assert head.headers.get(h) == get.headers.get(h), h
    assert head.headers["Content-Length"] == str(track["size"])


def test_head_with_range(module_server, track):
    r = stream(module_server, track, method="HEAD", headers={"Range": "bytes=0-9"})
    assert r.status_code == 206 and r.content == b""
    assert r.headers["Content-Range"] == "bytes 0-9/%d" % track["size"]
    assert r.headers["Content-Length"] == "10"


def check_partial(r, track, first, last):
    assert r.status_code == 206, (r.status_code, r.headers)
    assert r.headers["Content-Range"] == "bytes %d-%d/%d" % (first, last, track["size"])
    assert r.headers["Content-Length"] == str(last - first + 1)
    assert r.content == track["data"][first:last + 1]
    assert r.headers["Content-Type"] == "audio/flac"
    assert r.headers["ETag"] == track["etag"]
    assert r.headers["Accept-Ranges"] == "bytes"


def test_range_first_byte(module_server, track):
    r = stream(module_server, track, headers={"Range": "bytes=0-0"})
    check_partial(r, track, 0, 0)
    assert len(r.content) == 1


def test_range_middle(module_server, track):
    check_partial(stream(module_server, track, headers={"Range": "bytes=100-1099"}), track, 100, 1099)


def test_range_last_byte(module_server, track):
    size = track["size"]
    check_partial(stream(module_server, track, headers={"Range": "bytes=%d-%d" % (size - 1, size - 1)}),
                  track, size - 1, size - 1)


def test_range_suffix(module_server, track):
    size = track["size"]
    check_partial(stream(module_server, track, headers={"Range": "bytes=-100"}), track, size - 100, size - 1)


def test_range_suffix_longer_than_file(module_server, track):
    size = track["size"]
    check_partial(stream(module_server, track, headers={"Range": "bytes=-%d" % (size * 10)}), track, 0, size - 1)


def test_range_open_ended(module_server, track):
    size = track["size"]
    check_partial(stream(module_server, track, headers={"Range": "bytes=100-"}), track, 100, size - 1)


def test_range_end_past_the_end_is_clamped(module_server, track):
    size = track["size"]
    check_partial(stream(module_server, track, headers={"Range": "bytes=10-%d" % (size + 5000)}), track, 10, size - 1)
    check_partial(stream(module_server, track, headers={"Range": "bytes=0-99999999999999999999999"}),
                  track, 0, size - 1)


@pytest.mark.parametrize("spec", ["bytes={size}-", "bytes={size}-{bigger}", "bytes=99999999999-", "bytes=-0"])
def test_range_start_past_the_end_416(module_server, track, spec):
    size = track["size"]
    r = stream(module_server, track, headers={"Range": spec.format(size=size, bigger=size + 10)})
    assert_error(r, 416, "range_not_satisfiable")
    assert r.headers["Content-Range"] == "bytes */%d" % size


@pytest.mark.parametrize("spec", ["bytes=0-0,5-9", "bytes=0-10, 20-30", "bytes=-5,0-1"])
def test_multi_range_gives_whole_file(module_server, track, spec):
    r = stream(module_server, track, headers={"Range": spec})
    assert r.status_code == 200
    assert r.content == track["data"]
    assert "Content-Range" not in r.headers


@pytest.mark.parametrize("spec", ["bytes=abc", "bytes=5-1", "items=0-10", "bytes=", "bytes=--5", "0-10", "bytes=1-2-3"])
def test_bad_range_syntax_gives_whole_file(module_server, track, spec):
    r = stream(module_server, track, headers={"Range": spec})
    assert r.status_code == 200, (spec, r.status_code)
    assert r.content == track["data"]


def test_if_none_match_304(module_server, track):
    r = stream(module_server, track, headers={"If-None-Match": track["etag"]})
    assert r.status_code == 304
    assert r.content == b""
    assert r.headers["ETag"] == track["etag"]
    r = stream(module_server, track, headers={"If-None-Match": '"other", %s' % track["etag"]})
    assert r.status_code == 304
    r = stream(module_server, track, headers={"If-None-Match": "*"})
    assert r.status_code == 304


def test_if_none_match_other_etag_200(module_server, track):
    r = stream(module_server, track, headers={"If-None-Match": '"%s"' % ("0" * 64)})
    assert r.status_code == 200 and r.content == track["data"]


def test_if_range(module_server, track):
    same = stream(module_server, track, headers={"Range": "bytes=0-9", "If-Range": track["etag"]})
    check_partial(same, track, 0, 9)
    other = stream(module_server, track, headers={"Range": "bytes=0-9", "If-Range": '"%s"' % ("0" * 64)})
    assert other.status_code == 200 and other.content == track["data"]


def test_access_token_query(module_server, track):
    r = requests.get(module_server.url(track["path"]), params={"access_token": module_server.admin_token},
                     timeout=HTTP_TIMEOUT_S)
    assert r.status_code == 200 and r.content == track["data"]
    r = requests.get(module_server.url(track["path"]), params={"access_token": module_server.admin_token},
                     headers={"Range": "bytes=0-0"}, timeout=HTTP_TIMEOUT_S)
    assert r.status_code == 206 and r.content == track["data"][:1]
    r = requests.head(module_server.url(track["path"]), params={"access_token": module_server.admin_token},
                      timeout=HTTP_TIMEOUT_S)
    assert r.status_code == 200 and r.headers["Content-Length"] == str(track["size"])


def test_bad_access_token_401(module_server, track):
    r = requests.get(module_server.url(track["path"]), params={"access_token": "dsp_nope"}, timeout=HTTP_TIMEOUT_S)
    assert_error(r, 401, "unauthenticated")
    r = requests.get(module_server.url(track["path"]), timeout=HTTP_TIMEOUT_S)
    assert_error(r, 401, "unauthenticated")


def test_other_user_can_stream(module_server, track):
    user = module_server.create_user("listener-lu")
    r = stream(module_server, track, token=user["token"])
    assert r.status_code == 200 and r.content == track["data"]


def test_keep_alive_after_partial(module_server, track):
    """Two ranged requests on one connection: the first leaves no stray bytes."""
    req = ("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nRange: bytes=0-4\r\n\r\n"
           % (track["path"], module_server.admin_token)).encode()
    with requests.Session() as session:
        for first in (0, 5):
            r = session.get(module_server.url(track["path"]), headers={
                "Authorization": "Bearer " + module_server.admin_token, "Range": "bytes=%d-%d" % (first, first + 4)},
                timeout=HTTP_TIMEOUT_S)
            assert r.status_code == 206 and r.content == track["data"][first:first + 5]
    status, headers, body = parse_raw_response(raw_request(module_server.port, req))
    assert status == 206 and body == track["data"][:5]


def test_streaming_deleted_track_404(module_server, fixtures):
    path, _ = fixtures.untagged["flac"]
    t = module_server.upload_ok(path.read_bytes(), path.name)
    p = "/api/v1/tracks/%s/stream" % t["id"]
    assert module_server.get(p).status_code == 200
    assert module_server.delete("/api/v1/tracks/" + t["id"]).status_code == 200
    assert_error(module_server.get(p), 404, "not_found")
    assert_error(module_server.get(p, headers={"Range": "bytes=0-0"}), 404, "not_found")
    assert module_server.head(p).status_code == 404
