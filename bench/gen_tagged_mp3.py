#!/usr/bin/python3
"""Generates many small, distinct, tagged MP3 files quickly.

A few template MP3 streams (no tags) are encoded once with ffmpeg; every
output file is one template with an ID3v2.3 tag written here (TIT2, TPE1,
TPE2, TALB, TCON, TRCK, TYER), so each file has distinct bytes (the server
dedupes by content hash) and distinct metadata. Everything derives from
--seed, so runs are comparable.

  gen_tagged_mp3.py OUT_DIR --count N [--seed S] [--templates T]
                    [--big-template FILE]   (use FILE's MPEG frames instead of tiny templates)
                    [--queries FILE]        (write a mixed list of search queries)

Vocabulary: words built from syllables, some accented ("canción", "kö"), so
diacritic-insensitive queries ("cancion") have something to find.
"""
import argparse
import os
import random
import struct
import subprocess
import sys
import tempfile
import unicodedata

SYLLABLES = ["ca", "ción", "be", "yon", "cé", "ma", "ri", "lo", "ve", "da", "ne", "to", "sa", "ra",
             "mi", "ño", "lu", "na", "so", "la", "ré", "kö", "ni", "go", "ta", "el", "ar", "ven",
             "dor", "qui", "té", "ru"]
GENRES = ["Rock", "Pop", "Jazz", "Blues", "Electrónica", "Hip-Hop", "Soul", "Folk", "Metal",
          "Clásica", "Reggae", "Funk"]


def strip_accents(s):
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


class Library:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.words = sorted({self.make_word() for _ in range(3000)})
        self.rng.shuffle(self.words)
        self.artists = [self.cap(self.rng.choice(self.words)) + " " + self.cap(self.rng.choice(self.words))
                        for _ in range(6000)]

    def make_word(self):
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 4)))

    @staticmethod
    def cap(w):
        return w[:1].upper() + w[1:]

    def phrase(self, rng, n):
        return " ".join(self.cap(rng.choice(self.words)) for _ in range(n))

    def track(self, i):
        rng = random.Random(i * 7919 + 17)
        album_no = i // 12
        arng = random.Random(album_no * 104729 + 3)
        album_artist = self.artists[arng.randrange(len(self.artists))]
        artist = album_artist if rng.random() < 0.8 else self.artists[rng.randrange(len(self.artists))]
        return {
            "TIT2": self.phrase(rng, rng.randint(1, 4)) + (" %d" % i if rng.random() < 0.05 else ""),
            "TPE1": artist,
            "TPE2": album_artist,
            "TALB": self.phrase(arng, arng.randint(1, 3)) + " #%d" % album_no,
            "TCON": GENRES[arng.randrange(len(GENRES))],
            "TRCK": "%d/12" % (i % 12 + 1),
            "TYER": str(1960 + arng.randrange(65)),
        }

    def queries(self, n, rng):
        """A mix: whole words, 3-4 letter prefixes, accent-free forms of accented words,
        two-word queries, artist names, and a few misses."""
        accented = [w for w in self.words if strip_accents(w) != w]
        out = []
        for k in range(n):
            kind = k % 6
            w = rng.choice(self.words)
            if kind == 0:
                out.append(("word", w))
            elif kind == 1:
                out.append(("prefix", w[:rng.randint(3, 4)]))
            elif kind == 2:
                out.append(("diacritics", strip_accents(rng.choice(accented))))
            elif kind == 3:
                out.append(("two_words", w + " " + rng.choice(self.words)[:3]))
            elif kind == 4:
                out.append(("artist", rng.choice(self.artists).lower()))
            else:
                out.append(("miss", "zzq" + w))
        return out


def text_frame(fid, text):
    data = b"\x01" + "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")  # UTF-16 with BOM
    return fid.encode() + struct.pack(">I", len(data)) + b"\x00\x00" + data


def id3v23(tags):
    body = b"".join(text_frame(k, v) for k, v in tags.items())
    n = len(body)
    synchsafe = bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])
    return b"ID3\x03\x00\x00" + synchsafe + body


def make_templates(count):
    """Tiny MP3 streams without any tag: 0.1-0.5 s, mono, 32 kbps."""
    out = []
    with tempfile.TemporaryDirectory() as d:
        for t in range(count):
            p = os.path.join(d, "t%d.mp3" % t)
            subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                            "sine=frequency=%d:duration=%.2f" % (220 + 37 * t, 0.1 + 0.05 * (t % 9)),
                            "-ac", "1", "-ar", "22050", "-b:a", "32k", "-id3v2_version", "0",
                            "-write_xing", "0", "-map_metadata", "-1", p], check=True, timeout=60)
            with open(p, "rb") as f:
                out.append(f.read())
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--start", type=int, default=0, help="index of the first track (for disjoint sets)")
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--templates", type=int, default=8)
    ap.add_argument("--big-template", help="an untagged MP3 to use as the audio of every file")
    ap.add_argument("--queries", help="write N=400 search queries here (kind<TAB>query)")
    ap.add_argument("--per-dir", type=int, default=1000, help="files per sub-directory")
    a = ap.parse_args()

    lib = Library(a.seed)
    if a.big_template:
        with open(a.big_template, "rb") as f:
            templates = [f.read()]
    else:
        templates = make_templates(a.templates)
    os.makedirs(a.out_dir, exist_ok=True)
    total = 0
    for i in range(a.start, a.start + a.count):
        sub = os.path.join(a.out_dir, "%03d" % (i // a.per_dir))
        if (i - a.start) % a.per_dir == 0 or i == a.start:
            os.makedirs(sub, exist_ok=True)
        data = id3v23(lib.track(i)) + templates[i % len(templates)]
        with open(os.path.join(sub, "%06d.mp3" % i), "wb") as f:
            f.write(data)
        total += len(data)
    if a.queries:
        with open(a.queries, "w", encoding="utf-8") as f:
            for kind, q in lib.queries(400, random.Random(a.seed + 1)):
                f.write("%s\t%s\n" % (kind, q))
    print("wrote %d files (%.1f MB) to %s" % (a.count, total / 1e6, a.out_dir), file=sys.stderr)


if __name__ == "__main__":
    main()
