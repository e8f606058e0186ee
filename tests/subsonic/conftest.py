"""Fixtures of the Subsonic suite: real `dispotify serve` processes on
ports 5200-5299, a small tagged library (covers, lyrics, genres, years,
several formats), and clients that follow the Subsonic specification.

    DISPOTIFY_BIN=/path/to/dispotify python3 -m pytest -q tests/subsonic
"""

import itertools
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "cluster"))
sys.path.insert(0, HERE)

import helpers  # noqa: E402
from cluster_helpers import Cluster  # noqa: E402
from helpers import REPO, Server, ffmpeg_audio  # noqa: E402

# Server logs in failure reports, and the binary check.
from report_hooks import pytest_configure, pytest_runtest_makereport, pytest_runtest_setup  # noqa: E402,F401

# This suite's own port range, so that it runs beside the other suites.
PORT_FIRST, PORT_LAST = 5200, 5299
_ports = itertools.cycle(range(PORT_FIRST, PORT_LAST + 1))


def port_in_range():
    for _ in range(PORT_LAST - PORT_FIRST + 1):
        port = next(_ports)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in %d-%d" % (PORT_FIRST, PORT_LAST))


helpers.free_port = port_in_range
import cluster_helpers  # noqa: E402

cluster_helpers.free_port = port_in_range



from subsonic_client import Client  # noqa: E402

SUBSONIC_PASSWORD = "subsonic-app-pw"
GEN_LIBRARY = REPO / "tools" / "gen_library.py"

# name -> (format, tags, seconds, frequency)
LIBRARY = {
    "rock1": ("mp3", {"title": "Stone Road", "artist": "Granite", "album": "Hard Places", "genre": "Rock",
                      "date": "1999", "track": "1"}, 2.0, 440),
    "rock2": ("flac", {"title": "Iron Sky", "artist": "Granite", "album": "Hard Places", "genre": "Rock",
                       "date": "1999", "track": "2"}, 2.0, 494),
    "jazz1": ("ogg", {"title": "Blue Hour", "artist": "Quiet Trio", "album": "Late Sets", "genre": "Jazz",
                      "date": "2015", "track": "1"}, 1.5, 523),
    "pop1": ("mp3", {"title": "Ünïcode Dance", "artist": "Zoë & The Ampersands", "album": "Señales <XML>",
                     "genre": "Pop", "date": "2021", "track": "1"}, 1.0, 587),
}
EXT = {"mp3": "mp3", "flac": "flac", "ogg": "ogg", "wav": "wav"}


@pytest.fixture(scope="session")
def library_files(tmp_path_factory):
    root = tmp_path_factory.mktemp("subsonic_audio")
    files = {}
    for name, (fmt, tags, seconds, freq) in LIBRARY.items():
        files[name] = ffmpeg_audio(root / ("%s.%s" % (name, EXT[fmt])), fmt, seconds, tags, freq)
    # A file with a cover and lyrics from the shared generator.
    out = root / "formats"
    proc = subprocess.run([sys.executable, str(GEN_LIBRARY), str(out), "--preset", "formats", "--quiet"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if entry["format"] == "flac":
            files["covered"] = out / entry["path"]
            files["covered_manifest"] = entry
    return files


class Library:
    """A server with the library uploaded, a second user, and clients."""

    def __init__(self, server, files):
        self.server = server
        self.tracks = {}
        for name, path in files.items():
            if name.endswith("_manifest"):
                continue
            self.tracks[name] = server.upload_ok(path.read_bytes(), path.name)
        self.covered_manifest = files["covered_manifest"]
        r = server.req("PUT", "/api/v1/me/subsonic-password", json={"password": SUBSONIC_PASSWORD})
        assert r.status_code == 200, r.text
        self.other = server.create_user("listener")
        r = server.req("PUT", "/api/v1/me/subsonic-password", token=self.other["token"],
                       json={"password": "listener-app-pw"})
        assert r.status_code == 200, r.text

    def client(self, **kw):
        kw.setdefault("username", "admin")
        kw.setdefault("password", SUBSONIC_PASSWORD)
        return Client(self.server.base, **kw)

    def other_client(self, **kw):
        return Client(self.server.base, username="listener", password="listener-app-pw", **kw)


@pytest.fixture(scope="module")
def library(tmp_path_factory, request, library_files):
    server = Server(tmp_path_factory.mktemp(request.module.__name__.replace(".", "_")), name="subsonic")
    server.start()
    yield Library(server, library_files)
    server.stop()


@pytest.fixture
def client(library):
    return library.client()


@pytest.fixture
def cluster(tmp_path):
    """A 3-node cluster of real processes (tests/cluster/cluster_helpers.py)."""
    c = Cluster(tmp_path / "c", 3)
    c.start()
    yield c
    c.close()
