"""Operations: /healthz, /readyz, /metrics, /api/openapi.json, /api/v1/version."""

import json
import time

import pytest
import requests

from helpers import HTTP_TIMEOUT_S, metric, parse_metrics, wav_bytes


def get(server, path):
    return requests.get(server.url(path), timeout=HTTP_TIMEOUT_S)


def test_healthz(module_server):
    r = get(module_server, "/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_readyz(module_server):
    r = get(module_server, "/readyz")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")


def test_readyz_caught_up_on_a_single_node(module_server):
    """A cluster of one is its own leader: caught up at once."""
    r = get(module_server, "/readyz?caught_up=1")
    assert r.status_code == 200
    assert r.json()["status"] == "ready"


def test_openapi(module_server):
    r = get(module_server, "/api/openapi.json")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    doc = json.loads(r.text)
    assert isinstance(doc, dict) and "openapi" in doc
    assert str(doc["openapi"]).startswith("3.")



def test_openapi_describes_the_api(module_server):
    doc = get(module_server, "/api/openapi.json").json()
    assert "paths" in doc
    for path in ("/api/v1/tracks", "/api/v1/auth/login", "/api/v1/search", "/api/v1/playlists"):
        assert path in doc["paths"], path


def test_version(module_server):
    r = get(module_server, "/api/v1/version")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"name", "version", "node_id"}
    assert body["node_id"] == (module_server.data_dir / "node_id").read_text().strip()


def wait_for(predicate, timeout=5.0):
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value or time.time() > deadline:
            return value
        time.sleep(0.05)


def test_metrics(server):
    text = server.metrics()
    parsed = parse_metrics(text)  # every line parses
    assert parsed
    assert metric(text, "dispotify_catalog_tracks") == 0
    assert metric(text, "dispotify_catalog_users") == 1
    assert "# TYPE dispotify_http_requests_total counter" in text

    a_bytes = wav_bytes()
    a = server.upload_ok(a_bytes, "a.wav")
    server.upload_ok(wav_bytes(), "b.wav")
    assert server.upload(a_bytes, "a.wav").status_code == 200
    assert server.upload(b"junk" * 100, "junk.mp3").status_code == 415
    text = server.metrics()
    assert metric(text, "dispotify_catalog_tracks") == 2
    assert metric(text, "dispotify_catalog_track_bytes") == 2 * len(wav_bytes())
    assert metric(text, "dispotify_uploads_total", result="created") == 2
    assert metric(text, "dispotify_uploads_total", result="duplicate") == 1
    assert metric(text, "dispotify_uploads_total", result="rejected") == 1

    before = metric(text, "dispotify_stream_bytes_total")
    assert before == 0
    s = server.get("/api/v1/tracks/%s/stream" % a["id"])
    assert s.status_code == 200
    after = wait_for(lambda: metric(server.metrics(), "dispotify_stream_bytes_total") - before == a["size_bytes"])
    assert after, "dispotify_stream_bytes_total must grow by the %d bytes streamed; now %s" % (
        a["size_bytes"], metric(server.metrics(), "dispotify_stream_bytes_total"))
    server.get("/api/v1/tracks/%s/stream" % a["id"], headers={"Range": "bytes=0-99"})
    assert wait_for(lambda: metric(server.metrics(), "dispotify_stream_bytes_total") == a["size_bytes"] + 100)

    text = server.metrics()
    requests_total = {labels: v for (name, labels), v in parse_metrics(text).items()
                      if name == "dispotify_http_requests_total"}
    stream_200 = [v for labels, v in requests_total.items()
                  if dict(labels).get("status") == "200" and "/stream" in dict(labels).get("route", "")]
    assert stream_200 == [1], requests_total
    stream_206 = [v for labels, v in requests_total.items()
                  if dict(labels).get("status") == "206" and "/stream" in dict(labels).get("route", "")]
    assert stream_206 == [1], requests_total
    # routes are labelled by pattern, not by the raw path (bounded cardinality)
    assert not any(a["id"] in dict(labels).get("route", "") for labels in requests_total)
    assert "dispotify_http_request_duration_seconds_bucket" in text


def test_metrics_count_errors(server):
    server.get("/api/v1/nope")
    server.get("/api/v1/me", token="dsp_bad")
    text = server.metrics()
    statuses = {dict(labels).get("status") for (name, labels), _ in parse_metrics(text).items()
                if name == "dispotify_http_requests_total"}
    assert {"404", "401"} <= statuses, statuses


def test_serve_raises_its_open_files_limit(server_factory):
    """Started with a soft limit of 1,024 open files (a common default, too
    few for 4,096 connections and a SQLite connection per thread), serve
    raises it to the hard limit and says so."""
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard <= 1024:
        pytest.skip("the hard limit leaves nothing to raise")
    server = server_factory("nofile", preexec_fn=lambda: resource.setrlimit(
        resource.RLIMIT_NOFILE, (1024, hard)))
    limits = open("/proc/%d/limits" % server.proc.pid).read()
    line = next(x for x in limits.splitlines() if x.startswith("Max open files"))
    expected = "unlimited" if hard == resource.RLIM_INFINITY else str(hard)
    assert line.split()[3:5] == [expected, expected], line
    assert "open files limit raised" in server.stderr_text() + server.stdout_text()
