"""stream and download: raw by default (the exact bytes, with ranges),
transcoded to mp3, opus and aac when asked (checked with ffprobe), seeking
with timeOffset, the transcode cache, the same on the REST stream route,
a quick start, and a clean failure when ffmpeg dies or cannot read."""

import json
import os
import signal
import subprocess
import time

import pytest
import requests

from helpers import SLOW, ffmpeg_audio

FFPROBE = "/usr/bin/ffprobe"


def probe(path):
    out = subprocess.run([FFPROBE, "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
                          str(path)], capture_output=True, text=True, timeout=30, check=True)
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def long_track(library, tmp_path_factory):
    path = ffmpeg_audio(tmp_path_factory.mktemp("long") / "long.flac", "flac", 30.0,
                        {"title": "Long Tone", "artist": "Drone", "album": "Endless"}, 330)
    return library.server.upload_ok(path.read_bytes(), path.name)


@pytest.fixture(scope="module")
def very_long_track(library, tmp_path_factory):
    """Ten minutes: at 320 kb/s ~24 MB of output, far more than the pipe and
    socket buffers hold, so ffmpeg is still at work after the first bytes (a
    short transcode can be over before a test looks)."""
    path = ffmpeg_audio(tmp_path_factory.mktemp("very_long") / "very_long.flac", "flac", 600.0,
                        {"title": "Very Long Tone", "artist": "Drone", "album": "Endless"}, 220)
    return library.server.upload_ok(path.read_bytes(), path.name)


def test_raw_is_the_default_and_download_is_raw(library, client, library_files):
    flac = library.tracks["rock2"]
    data = library_files["rock2"].read_bytes()
    r = client.raw("stream", {"id": flac["id"]})
    assert r.status_code == 200 and r.content == data
    assert r.headers["Content-Type"] == "audio/flac"
    r = client.raw("stream", {"id": flac["id"]}, headers={"Range": "bytes=0-99"})
    assert r.status_code == 206 and r.content == data[:100]
    r = client.raw("stream", {"id": flac["id"], "format": "raw", "maxBitRate": 0})
    assert r.content == data
    r = client.raw("download", {"id": flac["id"]})
    assert r.status_code == 200 and r.content == data and "attachment" in r.headers["Content-Disposition"]
    # mp3 asked of an mp3 with no lower rate: the stored bytes
    mp3 = library.tracks["rock1"]
    r = client.raw("stream", {"id": mp3["id"], "format": "mp3"})
    assert r.content == library_files["rock1"].read_bytes()


@pytest.mark.parametrize("fmt,codec,container,ctype", [("mp3", "mp3", "mp3", "audio/mpeg"),
                                                        ("opus", "opus", "ogg", "audio/ogg"),
                                                        ("aac", "aac", "aac", "audio/aac")])
def test_transcoded_streams_decode(library, client, tmp_path, fmt, codec, container, ctype):
    track = library.tracks["rock2"]
    r = client.raw("stream", {"id": track["id"], "format": fmt, "maxBitRate": 96})
    assert r.status_code == 200 and r.headers["Content-Type"] == ctype, r.text[:300]
    path = tmp_path / ("out." + fmt)
    path.write_bytes(r.content)
    info = probe(path)
    assert info["format"]["format_name"].split(",")[0] == container
    assert info["streams"][0]["codec_name"] == codec
    assert abs(float(info["format"]["duration"]) - 2.0) < 0.3


def test_max_bitrate_alone_transcodes_to_mp3(library, client, tmp_path):
    track = library.tracks["rock2"]  # flac, far above 64 kbps
    r = client.raw("stream", {"id": track["id"], "maxBitRate": 64})
    assert r.headers["Content-Type"] == "audio/mpeg"
    path = tmp_path / "low.mp3"
    path.write_bytes(r.content)
    assert probe(path)["streams"][0]["codec_name"] == "mp3"


def test_time_offset_seeks(library, client, long_track, tmp_path):
    r = client.raw("stream", {"id": long_track["id"], "format": "mp3", "timeOffset": 20})
    path = tmp_path / "seek.mp3"
    path.write_bytes(r.content)
    assert abs(float(probe(path)["format"]["duration"]) - 10.0) < 1.0


def test_finished_transcodes_are_cached_and_reused(library, client):
    track = library.tracks["jazz1"]
    params = {"id": track["id"], "format": "mp3", "maxBitRate": 128}
    first = client.raw("stream", params)
    assert first.headers.get("Transfer-Encoding") == "chunked"
    cache = library.server.data_dir / "cache" / "transcodes"
    deadline = time.time() + 5 * SLOW
    while time.time() < deadline and not any(p.is_file() for p in cache.iterdir()):
        time.sleep(0.05)
    second = client.raw("stream", params)
    assert second.content == first.content
    assert second.headers["Accept-Ranges"] == "bytes" and "Content-Length" in second.headers
    ranged = client.raw("stream", params, headers={"Range": "bytes=10-19"})
    assert ranged.status_code == 206 and ranged.content == first.content[10:20]
    assert not list((cache / "tmp").iterdir())


def test_rest_stream_route_transcodes_too(library, tmp_path):
    track = library.tracks["rock2"]
    r = library.server.get("/api/v1/tracks/%s/stream" % track["id"], params={"format": "opus", "max_bitrate": 64})
    assert r.status_code == 200 and r.headers["Content-Type"] == "audio/ogg"
    path = tmp_path / "rest.opus"
    path.write_bytes(r.content)
    assert probe(path)["streams"][0]["codec_name"] == "opus"
    r = library.server.get("/api/v1/tracks/%s/stream" % track["id"], params={"format": "wma"})
    assert r.status_code == 400


def ffmpeg_children(server_pid):
    out = subprocess.run(["pgrep", "-P", str(server_pid), "ffmpeg"], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


def test_ffmpeg_death_is_a_clean_error(library, client, very_long_track):
    """Also shows that a transcode streams while ffmpeg works: the first bytes
    come before it has finished. (How soon, against the 300 ms goal, is
    measured by bench/transcode_bench.sh.)"""
    params = {"id": very_long_track["id"], "format": "mp3", "maxBitRate": 320}
    with client.raw("stream", params, stream=True) as r:
        assert r.status_code == 200
        chunks = r.iter_content(4096)
        next(chunks)
        pids = ffmpeg_children(library.server.proc.pid)
        assert pids, "no ffmpeg running"
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            for _ in chunks:
                pass
    # nothing half-done was cached, and the server goes on
    cache = library.server.data_dir / "cache" / "transcodes"
    assert not list((cache / "tmp").iterdir())
    assert client.call("ping")["status"] == "ok"


def test_unreadable_audio_is_an_error_before_streaming(library, client, tmp_path):
    path = ffmpeg_audio(tmp_path / "doomed.mp3", "mp3", 0.5, {"title": "Doomed"}, 777)
    track = library.server.upload_ok(path.read_bytes(), path.name)
    blob = [p for p in library.server.blobs_dir.rglob("*") if p.is_file() and track["content_hash"] in p.name][0]
    os.chmod(blob, 0o644)
    blob.write_bytes(b"\0" * blob.stat().st_size)
    code, message = client.error("stream", {"id": track["id"], "format": "aac"})
    assert code == 0 and "transcode" in message
    r = library.server.get("/api/v1/tracks/%s/stream" % track["id"], params={"format": "opus"})
    assert r.status_code == 415
