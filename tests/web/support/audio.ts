// Test audio made with ffmpeg: a sine tone with tags, in a format Debian's
// chromium plays (mp3, flac).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Tags {
  title: string;
  artist: string;
  album: string;
  track: number;
  replayGainDb?: number; // REPLAYGAIN_TRACK_GAIN, for FLAC
}

// Every file a test file makes goes here; removed after it (support/cleanup.ts).
const dir = mkdtempSync(join(tmpdir(), "dispotify-web-audio-"));
export const scratchDir = dir;

export function removeScratch(): void {
  rmSync(dir, { recursive: true, force: true });
}

// A JPEG cover: ffmpeg's test pattern in a colour of its own.
export function makeCover(hue: number): string {
  const path = join(dir, `cover-${hue}.jpg`);
  execFileSync(
    "/usr/bin/ffmpeg",
    ["-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=400x400:duration=1",
     "-vf", `hue=h=${hue}`, "-frames:v", "1", path],
    { stdio: "pipe" },
  );
  return path;
}

export function makeAudio(
  tags: Tags,
  seconds: number,
  format: "mp3" | "flac" = "mp3",
  frequency = 440,
  cover: string | null = null,
): string {
  const path = join(dir, `${tags.track.toString().padStart(2, "0")} ${tags.title.replace(/[^\p{L}\p{N} ]/gu, "")}.${format}`);
  const codec = format === "mp3" ? ["-c:a", "libmp3lame", "-b:a", "64k", "-id3v2_version", "3"] : ["-c:a", "flac"];
  const picture = cover ? ["-i", cover, "-map", "0:a", "-map", "1:v", "-c:v", "copy", "-disposition:v", "attached_pic"] : [];
  execFileSync(
    "/usr/bin/ffmpeg",
    [
      "-y", "-loglevel", "error",
      "-f", "lavfi", "-i", `sine=frequency=${frequency}:duration=${seconds}`,
      ...picture,
      "-ac", "1", "-ar", "44100", ...codec,
      "-metadata", `title=${tags.title}`,
      "-metadata", `artist=${tags.artist}`,
      "-metadata", `album_artist=${tags.artist}`,
      "-metadata", `album=${tags.album}`,
      "-metadata", `track=${tags.track}`,
      ...(tags.replayGainDb === undefined
        ? []
        : ["-metadata", `REPLAYGAIN_TRACK_GAIN=${tags.replayGainDb.toFixed(2)} dB`, "-metadata", "REPLAYGAIN_TRACK_PEAK=0.125"]),
      path,
    ],
    { stdio: "pipe" },
  );
  return path;
}

export function bytesOf(path: string): Buffer {
  return readFileSync(path);
}
