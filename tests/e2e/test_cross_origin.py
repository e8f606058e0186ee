"""The player's failover: GET /api/v1/cluster/nodes (every node's public
URL, for any user) on two real nodes, and CORS on the routes a page of
another node reads (the stream and the node list) and on no other."""

import time

import pytest
import requests

from helpers import HTTP_TIMEOUT_S, SLOW, Server

JOIN_TOKEN = "cross-origin-join-token"
OTHER_ORIGIN = "http://127.0.0.1:1"  # a page served by another node


class PeerServer(Server):
    """A Server that remembers its peer port, so that another node can join it."""

    def command(self, port, peer_port):
        self.peer_port = peer_port
        return super().command(port, peer_port) + ["--join-token", JOIN_TOKEN]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    root = tmp_path_factory.mktemp("cross_origin")
    founder = PeerServer(root / "n1", name="n1").start()
    joiner = PeerServer(root / "n2", name="n2", args=["--join", "127.0.0.1:%d" % founder.peer_port]).start()
    yield founder, joiner
    for server in (joiner, founder):
        server.stop()


@pytest.fixture(scope="module")
def user(cluster):
    return cluster[0].create_user("listener")


@pytest.fixture(scope="module")
def track(cluster, fixtures):
    path, _ = fixtures.formats["mp3"]
    data = path.read_bytes()
    t = cluster[0].upload_ok(data, path.name)
    return {"id": t["id"], "data": data, "path": "/api/v1/tracks/%s/stream" % t["id"]}


def nodes_of(server, token):
    r = server.get("/api/v1/cluster/nodes", token=token)
    assert r.status_code == 200, r.text
    return r.json()


def test_nodes_lists_every_member_for_any_user(cluster, user):
    founder, joiner = cluster
    expected = {founder.base, joiner.base}
    deadline = time.time() + 10 * SLOW
    while {n["url"] for n in nodes_of(joiner, user["token"])["nodes"]} != expected and time.time() < deadline:
        time.sleep(0.1)  # the joiner applies its own membership a moment after it is ready
    for server in (founder, joiner):
        answer = nodes_of(server, user["token"])
        assert {n["url"] for n in answer["nodes"]} == expected
        ids = [n["node_id"] for n in answer["nodes"]]
        assert ids == sorted(ids) and len(set(ids)) == 2
        # The answering node says which entry it is.
        assert answer["node_id"] == server.get("/api/v1/version").json()["node_id"]
        assert answer["node_id"] in ids


def test_nodes_needs_a_token_and_takes_it_in_the_query(cluster, user):
    founder, _ = cluster
    assert founder.get("/api/v1/cluster/nodes", token=None).status_code == 401
    r = requests.get(founder.url("/api/v1/cluster/nodes"), params={"access_token": user["token"]},
                     headers={"Origin": OTHER_ORIGIN}, timeout=HTTP_TIMEOUT_S)
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_a_stream_is_readable_from_another_origin(cluster, user, track):
    # Read through the node that joined (the page's node may be the other one).
    _, joiner = cluster
    url = joiner.url(track["path"])
    params = {"access_token": user["token"]}
    r = requests.get(url, params=params, headers={"Origin": OTHER_ORIGIN}, timeout=HTTP_TIMEOUT_S)
    assert r.status_code == 200 and r.content == track["data"]
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers
    exposed = {h.strip().lower() for h in r.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"content-range", "content-length", "accept-ranges", "etag"} <= exposed

    r = requests.get(url, params=params, headers={"Origin": OTHER_ORIGIN, "Range": "bytes=100-199"},
                     timeout=HTTP_TIMEOUT_S)
    assert r.status_code == 206 and r.content == track["data"][100:200]
    assert r.headers["Access-Control-Allow-Origin"] == "*"

    r = requests.head(url, params=params, headers={"Origin": OTHER_ORIGIN}, timeout=HTTP_TIMEOUT_S)
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "*"

    # Refusals too, so that the page can tell a bad token from a node gone.
    r = requests.get(url, params={"access_token": "wrong"}, headers={"Origin": OTHER_ORIGIN}, timeout=HTTP_TIMEOUT_S)
    assert r.status_code == 401 and r.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["/api/v1/tracks/{id}/stream", "/api/v1/cluster/nodes"])
def test_a_preflight_allows_get_and_head_with_range_and_needs_no_token(cluster, track, path):
    founder, _ = cluster
    r = requests.options(founder.url(path.format(id=track["id"])), timeout=HTTP_TIMEOUT_S,
                         headers={"Origin": OTHER_ORIGIN, "Access-Control-Request-Method": "GET",
                                  "Access-Control-Request-Headers": "range"})
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert {m.strip() for m in r.headers["Access-Control-Allow-Methods"].split(",")} == {"GET", "HEAD"}
    assert r.headers["Access-Control-Allow-Headers"].lower() == "range"
    assert int(r.headers["Access-Control-Max-Age"]) > 0
    assert "Access-Control-Allow-Credentials" not in r.headers


def test_other_routes_are_not_readable_from_another_origin(cluster, user, fixtures):
    founder, _ = cluster
    origin = {"Origin": OTHER_ORIGIN}
    assert "Access-Control-Allow-Origin" not in founder.get("/api/v1/tracks", token=user["token"], headers=origin).headers
    path, _ = fixtures.formats["flac"]
    r = founder.post("/api/v1/tracks", token=user["token"], params={"filename": path.name}, data=path.read_bytes(),
                     headers={**origin, "Content-Type": "application/octet-stream"})
    assert r.status_code == 201 and "Access-Control-Allow-Origin" not in r.headers
    r = founder.post("/api/v1/playlists", token=user["token"], json={"name": "x"}, headers=origin)
    assert r.status_code == 201 and "Access-Control-Allow-Origin" not in r.headers
    # No preflight is answered for a write route: a page elsewhere cannot send one.
    r = requests.options(founder.url("/api/v1/playlists"), timeout=HTTP_TIMEOUT_S,
                         headers={**origin, "Access-Control-Request-Method": "POST"})
    assert r.status_code == 405 and "Access-Control-Allow-Origin" not in r.headers
