"""The container image (deploy/Containerfile), run for real with podman (or
docker): `make image-test` builds it first. Skipped when no engine or no
image is there; not part of `make test` (the first image build compiles
the server from scratch).

The container shares the host's network (this sandbox has no container
networking), so it listens on the image's default ports 4533 and 4534:
skipped when they are taken.

    make image-test
    DISPOTIFY_IMAGE=localhost/dispotify:latest /usr/bin/python3 -m pytest -q tests/deploy/test_image.py -s
"""

import os
import random
import shutil
import socket
import string
import subprocess
import time

import pytest
import requests

from helpers import REPO, ffmpeg_audio

IMAGE = os.environ.get("DISPOTIFY_IMAGE", "localhost/dispotify:latest")
ENGINE_SH = REPO / "deploy" / "engine.sh"
ADMIN_PASSWORD = "image-test-admin-password"
BASE = "http://127.0.0.1:4533"
READY_TIMEOUT_S = 60
STOP_DEADLINE_S = 10


def _engine_sh(script, *args, timeout=120):
    return subprocess.run(["sh", "-c", '. "%s" && ' % ENGINE_SH + script, "sh", *args], capture_output=True,
                          text=True, timeout=timeout)


def engine(*args, timeout=120, check=True):
    """Runs `engine ARGS` of deploy/engine.sh (podman or docker, with this
    host's flags); the argument "{run_flags}" becomes engine_run_flags."""
    if "{run_flags}" in args:
        flags = _engine_sh("engine_run_flags").stdout.split()
        i = args.index("{run_flags}")
        args = args[:i] + tuple(flags) + args[i + 1:]
    r = _engine_sh('engine "$@"', *args, timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError("engine %s -> %d\n%s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
    return r


def port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


@pytest.fixture(scope="module")
def image():
    if not (shutil.which("podman") or shutil.which("docker")):
        pytest.skip("neither podman nor docker is installed")
    if engine("image", "inspect", IMAGE, check=False).returncode != 0:
        pytest.skip("no image %s: run make image" % IMAGE)
    if not (port_free(4533) and port_free(4534)):
        pytest.skip("ports 4533/4534 are taken (the container uses the host's network)")
    size = int(engine("image", "inspect", "--format", "{{.Size}}", IMAGE).stdout.strip())
    print("\n%s: %d MB" % (IMAGE, size // 1_000_000))
    return IMAGE


@pytest.fixture
def names():
    run_id = "".join(random.choice(string.ascii_lowercase) for _ in range(6))
    made = {"containers": [], "volume": "dispotify-image-test-%s" % run_id, "id": run_id}
    yield made
    for c in made["containers"]:
        engine("rm", "-f", c, check=False)
    engine("volume", "rm", "-f", made["volume"], check=False)


def start(image, names, n):
    name = "dispotify-image-test-%s-%d" % (names["id"], n)
    names["containers"].append(name)
    engine("run", "-d", "--name", name, "{run_flags}", "-v", "%s:/var/lib/dispotify" % names["volume"],
           "-e", "DISPOTIFY_ADMIN_PASSWORD=" + ADMIN_PASSWORD, image)
    deadline = time.time() + READY_TIMEOUT_S
    while time.time() < deadline:
        try:
            r = requests.get(BASE + "/readyz", timeout=1)
            if r.status_code == 200:
                return name, r.json()["node_id"]
        except requests.RequestException:
            pass
        time.sleep(0.2)
    logs = engine("logs", name, check=False)
    raise AssertionError("the container never became ready\n%s%s" % (logs.stdout[-3000:], logs.stderr[-3000:]))


def stop(name):
    """SIGTERM (the engine's stop), then the exit code and the seconds it took."""
    started = time.time()
    engine("stop", "-t", "30", name)
    took = time.time() - started
    code = engine("inspect", "--format", "{{.State.ExitCode}}", name).stdout.strip()
    return int(code), took


def test_the_image_serves_transcodes_checks_its_health_keeps_its_volume_and_stops_on_sigterm(image, names, tmp_path):
    name, node_id = start(image, names, 1)
    assert engine("exec", name, "id", "-u").stdout.strip() == "10001", "not the non-root user"
    assert engine("exec", name, "stat", "-c", "%u", "/var/lib/dispotify").stdout.strip() == "10001"
    # The web app from web/dist.
    page = requests.get(BASE + "/", timeout=10)
    assert page.status_code == 200 and "<!doctype html>" in page.text.lower() and "/assets/" in page.text
    # A transcode runs the image's ffmpeg (and its libraries).
    token = requests.post(BASE + "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD},
                          timeout=10).json()["token"]
    auth = {"Authorization": "Bearer " + token}
    wav = ffmpeg_audio(tmp_path / "a.wav", fmt="wav", seconds=2, tags={"title": "in a container"}).read_bytes()
    r = requests.post(BASE + "/api/v1/tracks", params={"filename": "a.wav"}, data=wav,
                      headers=dict(auth, **{"Content-Type": "application/octet-stream"}), timeout=30)
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "in a container", "tags read in the container"
    mp3 = requests.get(BASE + "/api/v1/tracks/%s/stream" % r.json()["id"], params={"format": "mp3"}, headers=auth,
                       timeout=60)
    assert mp3.status_code == 200 and len(mp3.content) > 1000, mp3.text[:300]
    assert mp3.content[:3] == b"ID3" or mp3.content[0] == 0xFF, "not MP3"
    # The HEALTHCHECK (dispotify probe .../readyz).
    if shutil.which("podman") and os.environ.get("ENGINE", "podman") == "podman":
        assert engine("healthcheck", "run", name, check=False).returncode == 0, "the health check fails"
    # SIGTERM: a clean exit, well within the grace period.
    code, took = stop(name)
    assert code == 0, "exit code %d after SIGTERM" % code
    assert took < STOP_DEADLINE_S, "took %.1f s to stop" % took
    logs = engine("logs", name)
    assert "SIGTERM" in logs.stdout + logs.stderr
    # A new container on the same volume is the same node with the same music.
    engine("rm", name)
    names["containers"].remove(name)
    name2, node_id2 = start(image, names, 2)
    assert node_id2 == node_id, "the node id did not stay with the volume"
    tracks = requests.get(BASE + "/api/v1/tracks", headers=auth, timeout=10).json()
    assert tracks["total"] == 1
    code, _took = stop(name2)
    assert code == 0
