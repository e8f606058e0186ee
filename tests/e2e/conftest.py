"""Fixtures of the black-box suite: servers on free ports with fresh data
dirs, and audio fixtures generated once per session.

    DISPOTIFY_BIN=/path/to/dispotify python3 -m pytest -q tests/e2e
"""

import concurrent.futures
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from helpers import REPO, Server, ffmpeg_audio  # noqa: E402

GEN_LIBRARY = REPO / "tools" / "gen_library.py"


# Server logs in failure reports, and the binary check.
from report_hooks import pytest_configure, pytest_runtest_makereport, pytest_runtest_setup  # noqa: E402,F401


# ---- servers -------------------------------------------------------------------

class ServerFactory:
    def __init__(self, root):
        self.root = Path(root)
        self.servers = []

    def __call__(self, name=None, start=True, **kw):
        name = name or "server%d" % len(self.servers)
        server = Server(self.root / name, name=name, **kw)
        self.servers.append(server)
        if start:
            server.start()
        return server

    def close(self):
        """Stops every server still running; each must exit 0 within the grace period."""
        failures = []
        for server in self.servers:
            try:
                server.stop()
            except AssertionError as e:
                failures.append(str(e))
        if failures:
            pytest.fail("graceful shutdown failed:\n" + "\n".join(failures))


@pytest.fixture
def server_factory(tmp_path):
    factory = ServerFactory(tmp_path)
    yield factory
    factory.close()


@pytest.fixture
def server(server_factory):
    """A fresh server for one test."""
    return server_factory("fresh")


@pytest.fixture(scope="module")
def module_server(tmp_path_factory, request):
    """One server shared by the tests of a module."""
    factory = ServerFactory(tmp_path_factory.mktemp(request.module.__name__))
    server = factory("module")
    yield server
    factory.close()


# ---- audio fixtures ------------------------------------------------------------

class Fixtures:
    """Files of tools/gen_library.py: .formats[fmt] and .untagged[fmt] are
    (path, manifest entry)."""

    def __init__(self, root):
        self.root = Path(root)
        self.formats = self._generate("formats")
        self.untagged = self._generate("untagged")

    def _generate(self, preset):
        out = self.root / preset
        proc = subprocess.run([sys.executable, str(GEN_LIBRARY), str(out), "--preset", preset, "--quiet"],
                              capture_output=True, text=True, timeout=300, check=False)
        if proc.returncode != 0:
            raise RuntimeError("gen_library.py --preset %s failed:\n%s" % (preset, proc.stderr))
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return {entry["format"]: (out / entry["path"], entry) for entry in manifest["files"]}

    def cover_path(self, content_type):
        return self.root / "formats" / "covers" / ("probe.jpg" if content_type == "image/jpeg" else "probe.png")


@pytest.fixture(scope="session")
def fixtures(tmp_path_factory):
    return Fixtures(tmp_path_factory.mktemp("gen_library"))


# Files with controlled tags: name -> (format, ffmpeg -metadata tags, seconds, frequency).
CUSTOM_AUDIO = {
    # search
    "cancion": ("mp3", {"title": "Canción del Mar", "artist": "Beyoncé Knowles", "album": "Océano Pacífico"}, 0.4, 440),
    "mar_azul": ("mp3", {"title": "Mar Azul", "artist": "Zoë Ångström", "album": "Colores"}, 0.4, 470),
    "night": ("ogg", {"title": "Night Drive", "artist": "Synth Pilot", "album": "Colores"}, 0.4, 500),
    # album grouping, uploaded out of order
    "grp_d2t1": ("flac", {"title": "Second Disc Opener", "artist": "Group Artist", "album_artist": "Group Artist",
                          "album": "Grouped Album", "track": "1/1", "disc": "2/2", "date": "2010"}, 0.3, 530),
    "grp_d1t2": ("flac", {"title": "First Disc Closer", "artist": "Group Artist", "album_artist": "Group Artist",
                          "album": "Grouped Album", "track": "2/2", "disc": "1/2", "date": "2010"}, 0.3, 560),
    "grp_d1t1": ("flac", {"title": "First Disc Opener", "artist": "Group Artist", "album_artist": "Group Artist",
                          "album": "Grouped Album", "track": "1/2", "disc": "1/2", "date": "2010"}, 0.3, 590),
    # a compilation without an album artist
    "comp1": ("mp3", {"title": "Comp Song One", "artist": "Solo Uno", "album": "Summer Compilation",
                      "compilation": "1"}, 0.3, 620),
    "comp2": ("mp3", {"title": "Comp Song Two", "artist": "Solo Dos", "album": "Summer Compilation",
                      "compilation": "1"}, 0.3, 650),
    # listing and sorting: titles, years and durations in different orders
    "list_alpha": ("flac", {"title": "Alpha", "artist": "Lister One", "album": "List Album", "track": "1",
                            "date": "2003"}, 0.9, 300),
    "list_bravo": ("flac", {"title": "Bravo", "artist": "Lister One", "album": "List Album", "track": "2",
                            "date": "2001"}, 0.5, 320),
    "list_charlie": ("flac", {"title": "Charlie", "artist": "Lister Two", "album": "Second List", "track": "1",
                              "date": "2005"}, 0.7, 340),
    "list_delta": ("flac", {"title": "Delta", "artist": "Lister Two", "album": "Second List", "track": "2",
                            "date": "2002"}, 0.3, 360),
    "list_echo": ("flac", {"title": "Echo", "artist": "Lister Three", "album": "Third List", "track": "1",
                           "date": "2004"}, 1.1, 380),
}
EXT = {"mp3": "mp3", "flac": "flac", "ogg": "ogg", "wav": "wav"}


@pytest.fixture(scope="session")
def media(tmp_path_factory):
    """name -> Path of the CUSTOM_AUDIO files (generated in parallel, once)."""
    root = tmp_path_factory.mktemp("custom_audio")

    def build(item):
        name, (fmt, tags, seconds, freq) = item
        return name, ffmpeg_audio(root / ("%s.%s" % (name, EXT[fmt])), fmt, seconds, tags, freq)

    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 4) as pool:
        return dict(pool.map(build, CUSTOM_AUDIO.items()))
