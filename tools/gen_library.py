#!/usr/bin/env python3
"""Generates synthetic, tagged audio files for tests and the demo.

    gen_library.py OUTDIR --preset demo|formats|untagged [--jobs N] [--quiet]

Presets:
  demo      four albums by several artists in mp3, flac, m4a, ogg and opus, with
            embedded covers, non-ASCII names, a 2-disc album, a "Various Artists"
            compilation and multi-artist tracks.
  formats   one 2 s tagged file per format (mp3 ID3v2.4, flac, ogg vorbis,
            opus, m4a aac, wav), with covers where the format allows.
  untagged  the same six formats without any tag.

Writes OUTDIR/manifest.json and prints the same JSON to stdout (unless
--quiet). The manifest lists, per file, its path relative to OUTDIR and what a
correct prober must read from it; field names are those of
dispotify::media::MediaInfo (src/media/probe.h):

  {"preset": "formats", "files": [{"path": "formats/probe.mp3",
    "format": "mp3", "codec": "mp3", "content_type": "audio/mpeg",
    "extension": "mp3", "duration_ms": 2000, "sample_rate": 44100,
    "channels": 1, "title": "...", "artists": ["...", "..."], "album": "...",
    "album_artist": "...", "compilation": true, "track_number": 3,
    "track_total": 12, "disc_number": 1, "disc_total": 2, "year": 2019,
    "genre": "Jazz", "replaygain_track_gain_db": -6.5 or null, ...,
    "lyrics": "...", "musicbrainz_track_id": "...", "has_cover": true,
    "cover_content_type": "image/jpeg" or "", "default_title": "probe"}]}

Tags a format cannot carry through ffmpeg are empty/0/null in the manifest
(e.g. ReplayGain and MusicBrainz ids in m4a and wav). Multiple artists are
written as separate values (ID3v2.4 NUL-separated TPE1, repeated Vorbis
ARTIST fields) by rewriting the tag that ffmpeg wrote, because ffmpeg's
command line can only set one value per key; formats where that is not done
only get single-artist tracks.

Stdlib only; ffmpeg is run with argument lists, never through a shell.
"""

import argparse
import base64
import concurrent.futures
import json
import os
import struct
import subprocess
import sys
import tempfile

FFMPEG = "/usr/bin/ffmpeg"
FFMPEG_TIMEOUT_S = 60

# Per format: encoder arguments, sample rate, what the prober must report,
# and which optional tags ffmpeg can write into it. Files are mono except
# m4a: MP4 sample entries always say 2 channels (ISO 14496-12 template
# value), which is what TagLib reports, so a mono m4a would not round-trip.
FORMATS = {
    "mp3": dict(args=["-c:a", "libmp3lame", "-b:a", "48k", "-id3v2_version", "4", "-write_xing", "1"],
                rate=44100, codec="mp3", content_type="audio/mpeg", ext="mp3",
                cover="stream", multi_artist=True, extra_tags=True, lyrics=True, full_numbers=True),
    "flac": dict(args=["-c:a", "flac", "-sample_fmt", "s16"],
                 rate=44100, codec="flac", content_type="audio/flac", ext="flac",
                 cover="stream", multi_artist=True, extra_tags=True, lyrics=True, full_numbers=True),
    "ogg": dict(args=["-c:a", "libvorbis", "-q:a", "0"],
                rate=44100, codec="vorbis", content_type="audio/ogg", ext="ogg",
                cover="comment", multi_artist=False, extra_tags=True, lyrics=True, full_numbers=True),
    "opus": dict(args=["-c:a", "libopus", "-b:a", "32k"],
                 rate=48000, codec="opus", content_type="audio/ogg", ext="opus",
                 cover="comment", multi_artist=False, extra_tags=True, lyrics=True, full_numbers=True),
    "m4a": dict(args=["-c:a", "aac", "-b:a", "48k", "-f", "ipod"],
                rate=44100, codec="aac", content_type="audio/mp4", ext="m4a", channels=2,
                cover="stream", multi_artist=False, extra_tags=False, lyrics=True, full_numbers=True),
    "wav": dict(args=["-c:a", "pcm_s16le"],
                rate=44100, codec="pcm", content_type="audio/wav", ext="wav",
                cover=None, multi_artist=False, extra_tags=False, lyrics=False, full_numbers=False),
}


def run_ffmpeg(args):
    cmd = [FFMPEG, "-hide_banner", "-nostdin", "-v", "error", "-y"] + args
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=FFMPEG_TIMEOUT_S, check=False)
    if proc.returncode != 0:
        raise RuntimeError("ffmpeg failed (%d): %s\n%s" % (proc.returncode, " ".join(cmd),
                                                           proc.stderr.decode("utf-8", "replace")))


def make_cover(path, source, size=500):
    """Renders a size x size image from a lavfi source (jpg or png by suffix)."""
    sep = ":" if "=" in source else "="
    run_ffmpeg(["-f", "lavfi", "-i", "%s%ss=%dx%d" % (source, sep, size, size), "-frames:v", "1",
                "-update", "1", path])


def tone_expr(freqs, tremolo_hz):
    """A chord of sines with a slow tremolo, so each track sounds different."""
    amp = 0.6 / len(freqs)
    parts = ["%.3f*sin(2*PI*%g*t)" % (amp, f) for f in freqs]
    return "(%s)*(0.7+0.3*sin(2*PI*%g*t))" % ("+".join(parts), tremolo_hz)


# ---- writing several values into one tag key ------------------------------

def _syncsafe(n):
    return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])


def _unsyncsafe(b):
    return (b[0] << 21) | (b[1] << 14) | (b[2] << 7) | b[3]


def _id3_frame(fid, content, flags=b"\x00\x00"):
    return fid + _syncsafe(len(content)) + flags + content


def id3v24_fix(path, artists):
    """Rewrites the ID3v2.4 tag ffmpeg wrote the way real taggers do.

    ffmpeg 5.1 stores "compilation" and "lyrics" as TXXX:TCMP and TXXX:USLT
    and can set only one artist; this writes TCMP and USLT frames and a
    TPE1 with NUL-separated UTF-8 values (ID3v2.4 4.2).
    """
    with open(path, "rb") as f:
        data = f.read()
    if data[:3] != b"ID3" or data[3] != 4 or data[5] & 0xD0:
        raise RuntimeError("%s: expected a plain ID3v2.4 tag from ffmpeg" % path)
    tag_size = _unsyncsafe(data[6:10])
    body, audio = data[10:10 + tag_size], data[10 + tag_size:]
    out, pos = b"", 0
    while pos + 10 <= len(body) and body[pos] != 0:
        fid, size = body[pos:pos + 4], _unsyncsafe(body[pos + 4:pos + 8])
        flags, content = body[pos + 8:pos + 10], body[pos + 10:pos + 10 + size]
        pos += 10 + size
        if fid == b"TPE1" and len(artists) > 1:
            content = b"\x03" + b"\x00".join(v.encode("utf-8") for v in artists)
        elif fid == b"TXXX" and content[:1] in (b"\x00", b"\x03"):
            codec = "utf-8" if content[:1] == b"\x03" else "latin-1"
            desc, value = content[1:].split(b"\x00", 1)
            value = value.decode(codec).encode("utf-8")
            if desc == b"TCMP":
                fid, content = b"TCMP", b"\x03" + value
            elif desc == b"USLT":
                fid, content = b"USLT", b"\x03eng\x00" + value
        out += _id3_frame(fid, content, flags)
    out += b"\x00" * 256  # padding, as taggers leave
    with open(path, "wb") as f:
        f.write(b"ID3\x04\x00\x00" + _syncsafe(len(out)) + out + audio)


def flac_set_multi(path, key, values):
    """Replaces KEY in the FLAC VORBIS_COMMENT block with one field per value."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"fLaC":
        raise RuntimeError("%s: not a FLAC file" % path)
    pos, out = 4, b"fLaC"
    while True:
        header = data[pos]
        last, kind = header & 0x80, header & 0x7F
        length = int.from_bytes(data[pos + 1:pos + 4], "big")
        block = data[pos + 4:pos + 4 + length]
        pos += 4 + length
        if kind == 4:
            vlen = struct.unpack_from("<I", block, 0)[0]
            vendor = block[4:4 + vlen]
            count = struct.unpack_from("<I", block, 4 + vlen)[0]
            p, fields = 8 + vlen, []
            for _ in range(count):
                flen = struct.unpack_from("<I", block, p)[0]
                field = block[p + 4:p + 4 + flen]
                p += 4 + flen
                if field.split(b"=", 1)[0].upper() != key.upper().encode():
                    fields.append(field)
            fields += [("%s=%s" % (key, v)).encode("utf-8") for v in values]
            block = struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", len(fields))
            block += b"".join(struct.pack("<I", len(x)) + x for x in fields)
        out += bytes([last | kind]) + len(block).to_bytes(3, "big") + block
        if last:
            break
    with open(path, "wb") as f:
        f.write(out + data[pos:])


def metadata_block_picture(image_path, mime):
    """Base64 FLAC picture block (type 3, front cover) for a Vorbis comment."""
    with open(image_path, "rb") as f:
        img = f.read()
    desc = b"Cover"
    raw = struct.pack(">II", 3, len(mime)) + mime.encode() + struct.pack(">I", len(desc)) + desc
    raw += struct.pack(">IIIII", 500, 500, 24, 0, len(img)) + img
    return base64.b64encode(raw).decode("ascii")


# ---- one track ------------------------------------------------------------

def empty_expectation(fmt, duration_s):
    spec = FORMATS[fmt]
    return {
        "format": fmt, "codec": spec["codec"], "content_type": spec["content_type"],
        "extension": spec["ext"], "duration_ms": int(duration_s * 1000), "sample_rate": spec["rate"],
        "channels": spec.get("channels", 1), "title": "", "artists": [], "album": "", "album_artist": "", "compilation": False,
        "track_number": 0, "track_total": 0, "disc_number": 0, "disc_total": 0, "year": 0, "genre": "",
        "replaygain_track_gain_db": None, "replaygain_track_peak": None,
        "replaygain_album_gain_db": None, "replaygain_album_peak": None, "lyrics": "",
        "musicbrainz_track_id": "", "musicbrainz_album_id": "", "musicbrainz_artist_id": "",
        "has_cover": False, "cover_content_type": "",
    }


def build_track(outdir, rel_path, fmt, tags, audio, cover):
    """Encodes one file; returns its manifest entry. `tags` may be None (untagged)."""
    spec = FORMATS[fmt]
    path = os.path.join(outdir, rel_path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    expect = empty_expectation(fmt, audio["duration"])
    expect["path"] = rel_path
    expect["default_title"] = os.path.splitext(os.path.basename(rel_path))[0]

    args = ["-f", "lavfi", "-i", "aevalsrc=exprs='%s':s=%d:d=%g" % (
        tone_expr(audio["freqs"], audio["tremolo"]), spec["rate"], audio["duration"])]
    use_cover_stream = tags is not None and cover is not None and spec["cover"] == "stream"
    if use_cover_stream:
        args += ["-i", cover["path"], "-map", "0:a", "-map", "1:v", "-c:v", "copy",
                 "-disposition:v", "attached_pic", "-metadata:s:v", "comment=Cover (front)"]
    args += ["-ac", str(expect["channels"]), "-fflags", "+bitexact", "-map_metadata", "-1"] + spec["args"]
    if tags is not None:
        args += tag_args(fmt, tags, expect)
        if cover is not None and spec["cover"] == "comment":
            args += ["-metadata", "METADATA_BLOCK_PICTURE=" + metadata_block_picture(cover["path"], cover["mime"])]
        if cover is not None and spec["cover"] is not None:
            expect["has_cover"], expect["cover_content_type"] = True, cover["mime"]
    run_ffmpeg(args + [path])

    artists = tags.get("artists", []) if tags else []
    if tags is not None and fmt == "mp3":
        id3v24_fix(path, artists)
    elif len(artists) > 1 and fmt == "flac":
        flac_set_multi(path, "ARTIST", artists)
    return expect


def tag_args(fmt, tags, expect):
    """ffmpeg -metadata arguments for `tags`; records what must be read back in `expect`."""
    spec = FORMATS[fmt]
    meta = []

    def put(key, value):
        meta.extend(["-metadata", "%s=%s" % (key, value)])

    for key in ("title", "album", "album_artist", "genre"):
        if key in tags:
            put(key, tags[key])
            expect[key] = tags[key]
    artists = tags.get("artists", [])
    if artists:
        if len(artists) > 1 and not spec["multi_artist"]:
            raise RuntimeError("%s cannot hold several artists here" % fmt)
        put("artist", artists[0])
        expect["artists"] = list(artists)
    if "year" in tags:
        put("date", tags.get("date", str(tags["year"])))
        expect["year"] = tags["year"]
    if "track" in tags:
        n, total = tags["track"]
        put("track", "%d/%d" % (n, total) if spec["full_numbers"] else str(n))
        expect["track_number"] = n
        expect["track_total"] = total if spec["full_numbers"] else 0
    if "disc" in tags and spec["full_numbers"]:
        n, total = tags["disc"]
        put("disc", "%d/%d" % (n, total))
        expect["disc_number"], expect["disc_total"] = n, total
    if tags.get("compilation") and fmt != "wav":
        put("compilation", "1")
        expect["compilation"] = True
    if "lyrics" in tags and spec["lyrics"]:
        put("lyrics", tags["lyrics"])
        expect["lyrics"] = tags["lyrics"]
    if spec["extra_tags"]:
        for key in ("replaygain_track_gain", "replaygain_album_gain"):
            if key in tags:
                put(key.upper(), "%.2f dB" % tags[key])
                expect[key + "_db"] = tags[key]
        for key in ("replaygain_track_peak", "replaygain_album_peak"):
            if key in tags:
                put(key.upper(), "%.6f" % tags[key])
                expect[key] = tags[key]
        # ID3 uses Picard's TXXX descriptions for album and artist ids;
        # Vorbis comments use the plain keys.
        mb_keys = {"musicbrainz_track_id": "MUSICBRAINZ_TRACKID",
                   "musicbrainz_album_id": "MusicBrainz Album Id" if fmt == "mp3" else "MUSICBRAINZ_ALBUMID",
                   "musicbrainz_artist_id": "MusicBrainz Artist Id" if fmt == "mp3" else "MUSICBRAINZ_ARTISTID"}
        for key, tag_key in mb_keys.items():
            if key in tags:
                put(tag_key, tags[key])
                expect[key] = tags[key]
    return meta


# ---- presets ----------------------------------------------------------------

PROBE_TAGS = {
    "title": "Probe Ünïcode Title", "album": "Formats Album", "album_artist": "The Testers",
    "genre": "Jazz", "year": 2019, "date": "2019-05-01", "track": (3, 12), "disc": (1, 2),
    "compilation": True, "lyrics": "First line\nSecond line",
    "replaygain_track_gain": -6.5, "replaygain_track_peak": 0.988547,
    "replaygain_album_gain": -7.25, "replaygain_album_peak": 1.0,
    "musicbrainz_track_id": "0b4a6b36-4a3b-4bd1-9c3a-0f1e2d3c4b5a",
    "musicbrainz_album_id": "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5",
    "musicbrainz_artist_id": "2d3e4f5a-6b7c-4d8e-9fa0-b1c2d3e4f5a6",
}
PROBE_COVER = {"mp3": "jpg", "flac": "png", "ogg": "png", "opus": "jpg", "m4a": "jpg"}


def preset_formats(outdir, tagged):
    covers = {}
    if tagged:
        covers = {"jpg": {"path": os.path.join(outdir, "covers", "probe.jpg"), "mime": "image/jpeg"},
                  "png": {"path": os.path.join(outdir, "covers", "probe.png"), "mime": "image/png"}}
        os.makedirs(os.path.join(outdir, "covers"), exist_ok=True)
        make_cover(covers["jpg"]["path"], "color=c=0x3366cc")
        make_cover(covers["png"]["path"], "color=c=0xcc6633")
    jobs = []
    for i, fmt in enumerate(FORMATS):
        audio = {"freqs": [330 + 55 * i], "tremolo": 2, "duration": 2}
        if tagged:
            tags = dict(PROBE_TAGS)
            tags["artists"] = ["Ada Lovelace", "Grace Hopper"] if FORMATS[fmt]["multi_artist"] else ["Ada Lovelace"]
            cover = covers.get(PROBE_COVER.get(fmt, ""))
            rel = "formats/probe.%s" % FORMATS[fmt]["ext"]
        else:
            tags, cover = None, None
            rel = "untagged/Señal sin etiquetas %s.%s" % (fmt, FORMATS[fmt]["ext"])
        jobs.append((rel, fmt, tags, audio, cover))
    return jobs


# Fictional artists and albums. Each album uses one format; the compilation
# mixes ogg and opus.
DEMO_ALBUMS = [
    {"artist": "Sigur Rós Ensemble", "album": "Norðurljós", "year": 2004, "genre": "Post-Rock",
     "format": "flac", "cover": ("mandelbrot", "png"), "base": 220,
     "tracks": [("Hafið", None), ("Jökull", None), ("Vetur kemur", ["Sigur Rós Ensemble", "Jóhann Echo"]),
                ("Ljós í myrkri", None)]},
    {"artist": "Café Tacvba Trio", "album": "Canción del Mar", "year": 1999, "genre": "Latin",
     "format": "mp3", "cover": ("testsrc2", "jpg"), "base": 262,
     "tracks": [("Olas de Papel", None), ("La Niña del Faro", ["Café Tacvba Trio", "Mötley Crüe Covers"]),
                ("Marea Baja", None), ("Sirenas", None), ("Puerto Viejo", None)]},
    {"artist": "Mötley Crüe Covers", "album": "Dr. Feelgood's Garage", "year": 1989, "genre": "Hard Rock",
     "format": "m4a", "cover": ("color=c=0xaa2222", "jpg"), "base": 196, "discs": 2,
     "tracks": [("Kickstart Engine", None), ("Home Sweet Garage", None),
                ("Girls on Tape", None), ("Wild Side Street", None)]},
    {"artist": "Various Artists", "album": "Nordic Nights Sampler", "year": 2021, "genre": "Electronic",
     "format": ("ogg", "opus"), "cover": ("color=c=0x226644", "jpg"), "base": 294, "compilation": True,
     "tracks": [("Aurora Pulse", ["Ørsted Quartet"]), ("Midnattssol", ["Jóhann Echo"]),
                ("Fjord Drift", ["Sigur Rós Ensemble"]), ("Polar Static", ["Åsa Nightingale"])]},
]


def preset_demo(outdir):
    jobs = []
    os.makedirs(os.path.join(outdir, "covers"), exist_ok=True)
    for a_index, album in enumerate(DEMO_ALBUMS):
        source, suffix = album["cover"]
        cover_path = os.path.join(outdir, "covers", "album%d.%s" % (a_index + 1, suffix))
        make_cover(cover_path, source)
        cover = {"path": cover_path, "mime": "image/png" if suffix == "png" else "image/jpeg"}
        tracks = album["tracks"]
        discs = album.get("discs", 1)
        per_disc = (len(tracks) + discs - 1) // discs
        for t_index, (title, artists) in enumerate(tracks):
            fmt = album["format"]
            if isinstance(fmt, tuple):
                fmt = fmt[t_index % len(fmt)]
            disc, n = t_index // per_disc + 1, t_index % per_disc + 1
            total = min(per_disc, len(tracks) - (disc - 1) * per_disc)
            tags = {"title": title, "artists": artists or [album["artist"]], "album": album["album"],
                    "album_artist": album["artist"], "genre": album["genre"], "year": album["year"],
                    "track": (n, total), "compilation": album.get("compilation", False)}
            if discs > 1:
                tags["disc"] = (disc, discs)
            if a_index == 1 and t_index == 0:
                tags["lyrics"] = "Olas de papel\nque el viento se llevó"
                tags["replaygain_track_gain"], tags["replaygain_track_peak"] = -4.2, 0.912345
            base = album["base"] * (1 + t_index * 0.125)
            audio = {"freqs": [base, base * 1.25, base * 1.5] if t_index % 2 == 0 else [base, base * 1.2],
                     "tremolo": 1 + t_index, "duration": 4 + (t_index * 3 + a_index) % 5}
            safe = lambda s: s.replace("/", "_").replace("\\", "_")
            dir_name = "%s/%s" % (safe(album["artist"]), safe(album["album"]))
            prefix = "%d-%02d" % (disc, n) if discs > 1 else "%02d" % n
            rel = "%s/%s %s.%s" % (dir_name, prefix, safe(title), FORMATS[fmt]["ext"])
            jobs.append((rel, fmt, tags, audio, cover))
    return jobs


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("outdir")
    parser.add_argument("--preset", choices=["demo", "formats", "untagged"], required=True)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--quiet", action="store_true", help="do not print the manifest")
    opts = parser.parse_args(argv)

    outdir = os.path.abspath(opts.outdir)
    os.makedirs(outdir, exist_ok=True)
    if opts.preset == "demo":
        jobs = preset_demo(outdir)
    else:
        jobs = preset_formats(outdir, tagged=(opts.preset == "formats"))

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        files = list(pool.map(lambda job: build_track(outdir, *job), jobs))

    manifest = {"preset": opts.preset, "files": files}
    text = json.dumps(manifest, ensure_ascii=False, indent=2)
    fd, tmp = tempfile.mkstemp(dir=outdir, prefix=".manifest.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.replace(tmp, os.path.join(outdir, "manifest.json"))
    if not opts.quiet:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        sys.stderr.write("gen_library.py: %s\n" % exc)
        sys.exit(1)
