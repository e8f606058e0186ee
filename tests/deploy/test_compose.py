"""deploy/compose.yml run for real, as docs/DEPLOY.md tells an operator to,
once with Debian 12's podman-compose and once with its docker-compose
(Compose v1) on Docker Engine (docker.io): 3 containers of the image on the
file's own network, each with its named volume and published port, found by
their service names through the engine's DNS. `make compose-test` builds
the image (and loads it into Docker when dockerd runs); each tool is
skipped when it, its engine or the image is missing. Not part of `make
test` (the first image build compiles the server from scratch).

What it checks: the cluster forms (3 voters, the bootstrap host founds it),
a track uploaded through one node plays with the right bytes from every
node, `exec node1 dispotify cluster status` works, a rolling restart of
every container keeps the catalog writable and the track playing, and a
container re-created from its volume (a new IP) comes back as the same
node.

    make compose-test
    DISPOTIFY_IMAGE=localhost/dispotify:latest /usr/bin/python3 -m pytest -q tests/deploy/test_compose.py -s
"""

import hashlib
import os
import random
import shutil
import string
import subprocess
import time

import pytest
import requests

from helpers import REPO, ffmpeg_audio

IMAGE = os.environ.get("DISPOTIFY_IMAGE", "localhost/dispotify:latest")
COMPOSE_FILE = REPO / "deploy" / "compose.yml"
ENGINE_SH = REPO / "deploy" / "engine.sh"
ADMIN_PASSWORD = "compose-test-admin-password"
SERVICES = ("node1", "node2", "node3")
# Published ports of this test (not the file's defaults, which an operator's
# cluster may hold).
PORTS = {"node1": 5331, "node2": 5332, "node3": 5333}
READY_TIMEOUT_S = 120


def engine_setting(engine, expression):
    """A value computed by deploy/engine.sh for `engine` (the flags this host needs)."""
    r = subprocess.run(["sh", "-c", 'ENGINE=%s; . "%s" && %s' % (engine, ENGINE_SH, expression)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


class Compose:
    """One Compose implementation: "podman-compose" (with the flags this host
    needs, from deploy/engine.sh) or "docker-compose" (Compose v1, Debian's,
    on a running Docker Engine)."""

    def __init__(self, tool, workdir, project):
        self.tool, self.workdir, self.project = tool, workdir, project
        self.engine = ["docker"]
        self.tool_args = []
        if tool == "podman-compose":
            podman_args = engine_setting("podman", 'echo "$PODMAN_FLAGS"')
            # The host's flags for `run`, but the file's network instead of the host's.
            run_flags = engine_setting("podman", "engine_run_flags").split()
            if "--network" in run_flags:
                i = run_flags.index("--network")
                del run_flags[i:i + 2]
            self.engine = ["podman", *podman_args.split()]
            self.tool_args = ["--podman-args", podman_args, "--podman-run-args", " ".join(run_flags)]

    def __call__(self, *args, timeout=300, check=True):
        command = [self.tool, *self.tool_args, "-p", self.project, "-f", str(self.workdir / "compose.yml"), *args]
        r = subprocess.run(command, cwd=self.workdir, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError("%s -> %d\n%s\n%s" % (" ".join(args), r.returncode, r.stdout[-3000:],
                                                        r.stderr[-3000:]))
        return r

    def run_engine(self, *args, check=True):
        r = subprocess.run([*self.engine, *args], capture_output=True, text=True, timeout=120)
        if check and r.returncode != 0:
            raise AssertionError("%s -> %d\n%s" % (" ".join(self.engine + list(args)), r.returncode, r.stderr))
        return r

    def logs(self, service):
        """What the node wrote (to stderr: the engine passes it through there)."""
        r = self.run_engine("logs", self.container(service), check=False)
        return r.stdout + r.stderr

    def container(self, service):
        return "%s_%s_1" % (self.project, service)  # both tools' naming


def tool_ready(tool):
    """None when `tool` can run here, else why not."""
    if not shutil.which(tool):
        return "%s is not installed" % tool
    engine = "podman" if tool == "podman-compose" else "docker"
    if not shutil.which(engine):
        return "%s is not installed" % engine
    if engine == "docker" and subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode != 0:
        return "no Docker Engine is running"
    return None


def base(service):
    return "http://127.0.0.1:%d" % PORTS[service]


def wait(predicate, timeout, what):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except requests.RequestException as e:
            last = e
        time.sleep(0.5)
    raise AssertionError("timed out waiting for %s (last: %r)" % (what, last))


def ready(service):
    """Serving, and caught up with a leader (what a client of it needs; the
    StatefulSet's readiness probe asks the same)."""
    return requests.get(base(service) + "/readyz?caught_up=1", timeout=5).status_code == 200


def login(service):
    r = requests.post(base(service) + "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD},
                      timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def auth(token):
    return {"Authorization": "Bearer " + token}


def cluster_view(service, token):
    r = requests.get(base(service) + "/api/v1/cluster", headers=auth(token), timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def voters(service, token):
    return [m["node_id"] for m in cluster_view(service, token)["members"] if m.get("membership") == "voter"]


def streamed_sha256(service, token, track_id):
    r = requests.get(base(service) + "/api/v1/tracks/%s/stream" % track_id, headers=auth(token), timeout=30)
    assert r.status_code == 200, (service, r.status_code, r.text[:300])
    return hashlib.sha256(r.content).hexdigest()


def create_playlist(service, token, name):
    return requests.post(base(service) + "/api/v1/playlists", headers=auth(token), json={"name": name},
                         timeout=30).status_code


@pytest.fixture(params=["podman-compose", "docker-compose"])
def compose(request, tmp_path):
    why_not = tool_ready(request.param)
    if why_not:
        pytest.skip(why_not)
    run_id = "".join(random.choice(string.ascii_lowercase) for _ in range(6))
    c = Compose(request.param, tmp_path, "dspcompose" + run_id)
    if c.run_engine("image", "inspect", IMAGE, check=False).returncode != 0:
        pytest.skip("no image %s in %s: run make image (for Docker also: podman save %s | docker load)"
                    % (IMAGE, c.engine[0], IMAGE))
    # As the guide says: the file, and a .env beside it with both secrets.
    shutil.copy(COMPOSE_FILE, tmp_path / "compose.yml")
    (tmp_path / ".env").write_text(
        "DISPOTIFY_IMAGE=%s\nDISPOTIFY_JOIN_TOKEN=compose-test-join-%s\nDISPOTIFY_ADMIN_PASSWORD=%s\n"
        "DISPOTIFY_NODE1_PORT=%d\nDISPOTIFY_NODE2_PORT=%d\nDISPOTIFY_NODE3_PORT=%d\n"
        % (IMAGE, run_id, ADMIN_PASSWORD, PORTS["node1"], PORTS["node2"], PORTS["node3"]))
    yield c
    logs = {s: c.logs(s)[-4000:] for s in SERVICES}
    c("down", "-v", check=False)
    for s in SERVICES:  # podman-compose 1.0.3's down -v leaves named volumes of a failed up behind
        c.run_engine("volume", "rm", "-f", "%s_%s-data" % (c.project, s), check=False)
    c.run_engine("network", "rm", "%s_cluster" % c.project, check=False)
    print("\n".join("--- %s ---\n%s" % (s, text) for s, text in logs.items()))


def test_compose_file_runs_a_cluster_that_survives_a_rolling_restart(compose, tmp_path):
    compose("up", "-d")
    for s in SERVICES:
        wait(lambda: ready(s), READY_TIMEOUT_S, "%s ready" % s)
    token = login("node2")
    wait(lambda: len(voters("node1", token)) == 3, READY_TIMEOUT_S, "3 voters")
    members = cluster_view("node1", token)["members"]
    assert sorted(m["peer_address"] for m in members) == ["node1:4534", "node2:4534", "node3:4534"]
    founders = [s for s in SERVICES if "this bootstrap host creates the cluster" in compose.logs(s)]
    assert founders == ["node1"], founders

    audio = ffmpeg_audio(tmp_path / "song.mp3", seconds=3, tags={"title": "Compose Song"})
    r = requests.post(base("node2") + "/api/v1/tracks?filename=song.mp3", headers=auth(token),
                      data=audio.read_bytes(), timeout=60)
    assert r.status_code == 201, r.text
    track_id, expected = r.json()["id"], hashlib.sha256(audio.read_bytes()).hexdigest()
    for s in SERVICES:
        assert wait(lambda: streamed_sha256(s, token, track_id) == expected, 30, "the track from %s" % s)

    status = compose("exec", "-T", "node1", "dispotify", "cluster", "status", "--token", token)
    for node_id in voters("node1", token):
        assert node_id in status.stdout, status.stdout

    # A rolling restart, one container at a time: writes keep working through
    # the two others, and the track keeps playing from every node that is up.
    for s in SERVICES:
        compose("restart", s)
        others = [o for o in SERVICES if o != s]
        assert create_playlist(others[0], token, "while-%s-restarts" % s) == 201
        wait(lambda: ready(s), READY_TIMEOUT_S, "%s ready after its restart" % s)
        for o in SERVICES:
            assert streamed_sha256(o, token, track_id) == expected
    wait(lambda: len(voters("node1", token)) == 3, READY_TIMEOUT_S, "3 voters after the restarts")

    # node3's container re-created from its volume: a new container, likely a
    # new IP, the same node (its id lives in the volume).
    before = sorted(voters("node1", token))
    old_ip = compose.run_engine("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
                            compose.container("node3")).stdout.strip()
    compose("stop", "node3")
    compose.run_engine("rm", "-f", compose.container("node3"))
    compose("up", "-d", "node3")
    wait(lambda: ready("node3"), READY_TIMEOUT_S, "node3 ready after being re-created")
    new_ip = compose.run_engine("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
                            compose.container("node3")).stdout.strip()
    print("node3: %s -> %s" % (old_ip, new_ip))
    wait(lambda: sorted(voters("node1", token)) == before, READY_TIMEOUT_S, "the same 3 voters")
    assert create_playlist("node3", token, "after-re-creation") == 201
    assert streamed_sha256("node3", token, track_id) == expected
