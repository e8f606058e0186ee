"""Limits on what a stranger controls (issue 9, item 5): each answers its
status with the JSON error body, and a normal client is served meanwhile.

On loopback every client is 127.0.0.1 unless the socket is bound to another
source address: Linux routes all of 127/8 to lo, so 127.0.0.2 and 127.0.0.3
are two different clients of the same server.
"""

import json
import re
import socket
import time

import pytest
import requests

from helpers import (HTTP_TIMEOUT_S, SLOW, assert_error, parse_raw_response, raw_request, wav_bytes)


def healthy(server, source="127.0.0.1"):
    """A normal client (from `source`) gets /healthz."""
    status, _, _ = parse_raw_response(request_from(source, server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
    return status == 200


def connect_from(source, port, timeout=10 * SLOW):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def read_until_closed(s, limit=1 << 20):
    chunks = []
    while sum(map(len, chunks)) < limit:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def request_from(source, port, data):
    s = connect_from(source, port)
    try:
        s.sendall(data)
        return read_until_closed(s) if b"Connection: close" in data else _read_one_response(s)
    finally:
        s.close()


def _read_one_response(s):
    buf = b""
    while True:
        head, sep, body = buf.partition(b"\r\n\r\n")
        if sep:
            m = re.search(rb"\r\ncontent-length:\s*(\d+)", head, re.I)
            if len(body) >= (int(m.group(1)) if m else 0):
                return buf
        chunk = s.recv(65536)
        if not chunk:
            return buf
        buf += chunk


def error_of(raw, status, code):
    got, headers, body = parse_raw_response(raw)
    assert got == status, (got, body[:300])
    assert headers.get("content-type", "").startswith("application/json"), headers
    error = json.loads(body)["error"]
    assert error["code"] == code and error["message"], error
    return error


# ---- request heads ----------------------------------------------------------------

def test_header_count_431(module_server):
    """Many small fields fit the byte limit but not the count (100 by default)."""
    fields = "".join("X-%d: v\r\n" % i for i in range(150))
    raw = raw_request(module_server.port, ("GET /healthz HTTP/1.1\r\nHost: x\r\n%s\r\n" % fields).encode())
    assert "header fields" in error_of(raw, 431, "too_large")["message"]
    fields = "".join("X-%d: v\r\n" % i for i in range(90))
    status, _, _ = parse_raw_response(
        raw_request(module_server.port, ("GET /healthz HTTP/1.1\r\nHost: x\r\n%s\r\n" % fields).encode()))
    assert status == 200
    assert healthy(module_server)


def test_long_url_414(module_server):
    raw = raw_request(module_server.port, ("GET /healthz?pad=%s HTTP/1.1\r\nHost: x\r\n\r\n" % ("a" * 9000)).encode())
    error_of(raw, 414, "too_large")
    assert healthy(module_server)


def test_too_many_query_parameters_400(module_server):
    query = "&".join("id=%d" % i for i in range(600))
    r = module_server.get("/api/v1/tracks?" + query)
    assert "query parameters" in assert_error(r, 400, "invalid_argument")["message"]
    r = module_server.get("/api/v1/tracks?" + "&".join("id=%d" % i for i in range(100)))
    assert r.status_code == 200, r.text


def test_json_too_deep_400_and_too_big_413(module_server):
    deep = '{"name":' + "[" * 100 + "]" * 100 + "}"
    r = module_server.post("/api/v1/playlists", data=deep, headers={"Content-Type": "application/json"})
    assert "nested deeper" in assert_error(r, 400, "invalid_argument")["message"]
    big = json.dumps({"name": "x" * (2 << 20)})
    r = module_server.post("/api/v1/playlists", data=big, headers={"Content-Type": "application/json"})
    assert_error(r, 413, "too_large")
    assert module_server.get("/api/v1/playlists").status_code == 200


# ---- connections per address ------------------------------------------------------------

def test_connections_per_address_503_while_others_are_served(module_server):
    """300 idle connections from 127.0.0.2: the first 256 are kept, the rest get
    503 and are closed; 127.0.0.3 is served meanwhile, and 127.0.0.2 again once
    its connections are gone."""
    held = []
    try:
        for _ in range(256):
            held.append(connect_from("127.0.0.2", module_server.port))
        # Connections are counted when the server accepts them: give it time
        # to take all 256 before the next ones.
        time.sleep(0.5 * SLOW)
        refused = []
        for _ in range(44):
            s = connect_from("127.0.0.2", module_server.port)
            held.append(s)
            refused.append(s)
        error_of(read_until_closed(refused[0]), 503, "unavailable")
        error_of(read_until_closed(refused[-1]), 503, "unavailable")
        assert healthy(module_server, "127.0.0.3")
        r = requests.get(module_server.url("/readyz"), timeout=HTTP_TIMEOUT_S)
        assert r.status_code == 200
    finally:
        for s in held:
            s.close()
    deadline = time.time() + 5 * SLOW
    while not healthy(module_server, "127.0.0.2"):
        assert time.time() < deadline, "127.0.0.2 still refused after closing its connections"
        time.sleep(0.1)


# ---- slow clients -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def quick_timeouts(server_factory_module):
    return server_factory_module("quick", args=["--header-timeout", "3", "--idle-timeout", "2"])


@pytest.fixture(scope="module")
def server_factory_module(tmp_path_factory, request):
    from conftest import ServerFactory
    factory = ServerFactory(tmp_path_factory.mktemp("limits"))
    yield factory
    factory.close()


def test_slowloris_is_cut_off_by_the_header_timeout_as_a_whole(quick_timeouts):
    """One header byte per second keeps the connection busy, yet the header
    timeout (3 s) counts from the first byte of the request, not per byte."""
    s = connect_from("127.0.0.2", quick_timeouts.port, timeout=1)
    start = time.time()
    closed_after = None
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        for b in b"X-Slow: " + b"a" * 30:
            try:
                s.sendall(bytes([b]))
                data = s.recv(1024)  # times out after 1 s while the server waits
                if data == b"":
                    closed_after = time.time() - start
                    break
            except socket.timeout:
                pass
            except (BrokenPipeError, ConnectionResetError):
                closed_after = time.time() - start
                break
            assert healthy(quick_timeouts, "127.0.0.3")
    finally:
        s.close()
    assert closed_after is not None, "a slowloris held the connection for 30 s"
    assert 2.5 <= closed_after <= 3 + 3 * SLOW, closed_after


def test_trickled_json_body_408_within_its_deadline(module_server):
    """A login body sent one byte every 2 s (each read well inside the 30 s
    body read timeout) is given up after 10 s in all, not after 100 reads."""
    body = b'{"username":"admin","password":"' + b"x" * 60 + b'"}'
    s = connect_from("127.0.0.2", module_server.port, timeout=2)
    start = time.time()
    try:
        s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(body))
        answer = b""
        for b in body:
            try:
                s.sendall(bytes([b]))
                answer += s.recv(65536)
            except socket.timeout:
                pass
            except (BrokenPipeError, ConnectionResetError):
                break
            if answer:
                break
            assert time.time() - start < 10 + 10 * SLOW, "the trickled body is still being read"
        elapsed = time.time() - start
        if b"\r\n\r\n" in answer and not answer.endswith(b"}"):
            answer += read_until_closed(s)
    finally:
        s.close()
    error_of(answer, 408, "timeout")
    assert 9 <= elapsed <= 12 + 5 * SLOW, elapsed
    assert healthy(module_server, "127.0.0.3")


def test_idle_keep_alive_connection_is_closed(quick_timeouts):
    s = connect_from("127.0.0.2", quick_timeouts.port, timeout=10 * SLOW)
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert parse_raw_response(_read_one_response(s))[0] == 200
        start = time.time()
        assert read_until_closed(s) == b""
        assert 1.5 <= time.time() - start <= 2 + 3 * SLOW
    finally:
        s.close()


# ---- uploads per user ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def upload_limited(server_factory_module):
    return server_factory_module("uploads", args=["--max-uploads-per-user", "2",
                                                  "--upload-rate-per-user", "100KiB"])


def start_slow_upload(server, token, length=1 << 20):
    """An upload whose body stops after 1 KiB: it holds its place until closed."""
    s = connect_from("127.0.0.1", server.port, timeout=30 * SLOW)
    s.sendall(("POST /api/v1/tracks?filename=slow.wav HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
               "Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % (token, length)).encode())
    s.sendall(wav_bytes(seconds=1)[:1024])
    return s


def test_uploads_in_flight_per_user_429(upload_limited):
    server = upload_limited
    alice = server.create_user("alice")
    bob = server.create_user("bob")
    slow = [start_slow_upload(server, alice["token"]) for _ in range(2)]
    try:
        time.sleep(0.5 * SLOW)  # both handlers are reading their bodies
        r = server.upload(wav_bytes(), "third.wav", token=alice["token"])
        assert_error(r, 429, "too_many_requests")
        assert r.headers.get("Retry-After") == "1"
        server.upload_ok(wav_bytes(), "bob.wav", token=bob["token"])  # another account is served
    finally:
        for s in slow:
            s.close()
    deadline = time.time() + 10 * SLOW
    while True:
        r = server.upload(wav_bytes(), "later.wav", token=alice["token"])
        if r.status_code == 201:
            break
        assert r.status_code == 429 and time.time() < deadline, (r.status_code, r.text)
        time.sleep(0.2)


def test_upload_rate_per_user(upload_limited):
    """100 KiB/s with one second of burst: 300 KiB take about two seconds."""
    server = upload_limited
    carol = server.create_user("carol")
    data = wav_bytes(seconds=3.5)  # about 300 KiB (16-bit mono at 44.1 kHz)
    size = len(data)
    start = time.time()
    server.upload_ok(data, "rate.wav", token=carol["token"])
    elapsed = time.time() - start
    expected = (size - 100 * 1024) / (100 * 1024)
    assert elapsed >= expected * 0.8, (size, elapsed)


# ---- the settings ----------------------------------------------------------------------------

def test_limit_settings_are_listed_and_checked(tmp_path):
    from helpers import run_cli
    p = run_cli("serve", "--help")
    for flag in ("--max-connections-per-address", "--max-header-size", "--max-header-count", "--max-url-size",
                 "--max-query-params", "--header-timeout", "--idle-timeout", "--max-uploads-per-user",
                 "--upload-rate-per-user"):
        assert flag in p.stdout, flag
    for flag, value in (("--max-header-size", "100"), ("--max-header-count", "0"), ("--header-timeout", "0"),
                        ("--max-url-size", "1"), ("--max-uploads-per-user", "-1")):
        p = run_cli("serve", "--data-dir", str(tmp_path / "d"), "--listen", "127.0.0.1:0",
                    "--peer-listen", "127.0.0.1:0", flag, value)
        assert p.returncode != 0, flag
        assert flag.lstrip("-") in p.stderr, (flag, p.stderr[-500:])
        assert not (tmp_path / "d").exists(), "a refused limit created the data dir"
