"""Crash safety (kill -9 mid-upload and right after a 201) and graceful
shutdown (SIGTERM during a download)."""

import hashlib
import socket
import threading
import time

import pytest
import requests

from helpers import HTTP_TIMEOUT_S, SLOW, STOP_TIMEOUT_S, sha256, write_big_wav

BIG_BYTES = 20 * 1024 * 1024


@pytest.fixture(scope="session")
def big_wav(tmp_path_factory):
    path = write_big_wav(tmp_path_factory.mktemp("big") / "long take.wav", BIG_BYTES)
    data = path.read_bytes()
    return {"path": path, "size": len(data), "hash": sha256(data)}


def upload_file(server, path, filename):
    with open(path, "rb") as f:
        return server.post("/api/v1/tracks", params={"filename": filename}, data=f,
                           headers={"Content-Type": "application/octet-stream"})


def stream_hash(server, track_id):
    h = hashlib.sha256()
    n = 0
    with server.get("/api/v1/tracks/%s/stream" % track_id, stream=True) as r:
        assert r.status_code == 200
        for chunk in r.iter_content(1 << 20):
            h.update(chunk)
            n += len(chunk)
    return h.hexdigest(), n


def wait_until(predicate, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_kill_9_mid_upload_leaves_nothing(server, big_wav):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    head = ("POST /api/v1/tracks?filename=long%%20take.wav HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n"
            % (server.admin_token, big_wav["size"])).encode()
    sock.sendall(head)
    sent = 0
    with open(big_wav["path"], "rb") as f:
        # a few MiB, slowly, then stop sending: the server is mid-body
        for _ in range(16):
            chunk = f.read(256 * 1024)
            sock.sendall(chunk)
            sent += len(chunk)
            time.sleep(0.01)
    assert wait_until(lambda: any(p.stat().st_size > 0 for p in (server.blobs_dir / "tmp").glob("*")),
                      5 * SLOW), "expected a temporary blob file while the body streams in"
    server.kill()
    sock.close()
    assert server.blob_tmp_files(), "the kill left the partial file (the restart must clean it)"

    server.start()
    assert requests.get(server.url("/healthz"), timeout=HTTP_TIMEOUT_S).status_code == 200
    assert server.tracks_total() == 0, "a half upload must not be in the catalog"
    assert server.blob_tmp_files() == [], "leftover temporary files must be removed at start"
    assert server.blob_files() == [], "no blob may be left from a half upload"

    r = upload_file(server, big_wav["path"], "long take.wav")
    assert r.status_code == 201, r.text
    track = r.json()
    assert track["size_bytes"] == big_wav["size"] and track["content_hash"] == big_wav["hash"]
    assert stream_hash(server, track["id"]) == (big_wav["hash"], big_wav["size"])
    assert server.blob_tmp_files() == []


def test_client_disconnect_mid_upload_leaves_nothing(server, big_wav):
    """The server stays up; the aborted upload's temporary file must go at once."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(("POST /api/v1/tracks?filename=cut.wav HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                  "Content-Length: %d\r\n\r\n" % (server.admin_token, big_wav["size"])).encode())
    with open(big_wav["path"], "rb") as f:
        sock.sendall(f.read(2 * 1024 * 1024))
    assert wait_until(lambda: server.blob_tmp_files() != [], 5 * SLOW)
    sock.close()
    assert wait_until(lambda: server.blob_tmp_files() == [], 5 * SLOW), \
        "temporary file of an aborted upload left in DATA/blobs/tmp: %s" % server.blob_tmp_files()
    assert server.tracks_total() == 0
    assert server.blob_files() == []
    assert requests.get(server.url("/healthz"), timeout=HTTP_TIMEOUT_S).status_code == 200


def test_kill_9_right_after_201_keeps_the_track(server, fixtures, big_wav):
    flac, _ = fixtures.formats["flac"]
    tagged = server.upload_ok(flac.read_bytes(), flac.name)
    r = upload_file(server, big_wav["path"], "long take.wav")
    assert r.status_code == 201, r.text
    big = r.json()
    server.kill()

    server.start()
    for track in (tagged, big):
        got = server.get("/api/v1/tracks/" + track["id"])
        assert got.status_code == 200, "acknowledged upload lost after kill -9"
        assert got.json() == track
    assert stream_hash(server, big["id"]) == (big_wav["hash"], big_wav["size"])
    assert server.get("/api/v1/tracks/%s/stream" % tagged["id"]).content == flac.read_bytes()
    cover = server.get("/api/v1/tracks/%s/cover" % tagged["id"])
    assert cover.status_code == 200 and cover.content[:4] == b"\x89PNG"
    assert server.tracks_total() == 2
    assert server.blob_tmp_files() == []


def test_kill_9_keeps_users_tokens_and_playlists(server):
    user = server.create_user("durable-dora")
    r = server.post("/api/v1/tokens", json={"name": "script"}, token=user["token"])
    assert r.status_code == 201
    api_token = r.json()["token"]
    r = server.post("/api/v1/playlists", json={"name": "keep me"}, token=user["token"])
    assert r.status_code == 201
    server.kill()
    server.start()
    assert server.get("/api/v1/me", token=api_token).json()["username"] == "durable-dora"
    assert server.get("/api/v1/me", token=user["token"]).status_code == 200
    names = [p["name"] for p in server.get("/api/v1/playlists", token=api_token).json()["items"]]
    assert names == ["keep me"]


def open_download(server, track_id, rcvbuf=None):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.settimeout(15 * SLOW)
    sock.connect(("127.0.0.1", server.port))
    sock.sendall(("GET /api/v1/tracks/%s/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n"
                  % (track_id, server.admin_token)).encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        assert chunk, "connection closed before the response headers"
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    return sock, body


def test_sigterm_during_slow_download_exits_0(server, big_wav):
    r = upload_file(server, big_wav["path"], "long take.wav")
    assert r.status_code == 201, r.text
    sock, received = open_download(server, r.json()["id"], rcvbuf=16 * 1024)
    stop_reading = threading.Event()

    def slow_reader():
        # 16 KiB every 50 ms: far slower than the 20 MiB file needs
        while not stop_reading.is_set():
            try:
                if not sock.recv(16 * 1024):
                    return
            except OSError:
                return
            time.sleep(0.05)

    reader = threading.Thread(target=slow_reader, daemon=True)
    reader.start()
    time.sleep(0.2)
    started = time.time()
    try:
        code = server.stop(timeout=STOP_TIMEOUT_S, check=False)
    finally:
        stop_reading.set()
        sock.close()
        reader.join(5)
    assert code == 0, "exit code %s after SIGTERM during a download" % code
    assert time.time() - started < STOP_TIMEOUT_S


def test_sigterm_lets_a_running_download_finish(server, big_wav):
    r = upload_file(server, big_wav["path"], "long take.wav")
    assert r.status_code == 201, r.text
    sock, body = open_download(server, r.json()["id"])
    server.proc.send_signal(15)
    h = hashlib.sha256(body)
    n = len(body)
    try:
        while n < big_wav["size"]:
            chunk = sock.recv(1 << 20)
            if not chunk:
                break
            h.update(chunk)
            n += len(chunk)
    finally:
        sock.close()
    assert n == big_wav["size"], "in-flight download cut short at %d of %d bytes" % (n, big_wav["size"])
    assert h.hexdigest() == big_wav["hash"]
    assert server.proc.wait(timeout=STOP_TIMEOUT_S) == 0
    server.stopped_at = time.time()


def test_sigterm_idle_server_exits_fast(server):
    started = time.time()
    assert server.stop() == 0
    assert time.time() - started < 3 * SLOW, "an idle server should not wait for the whole grace period"
