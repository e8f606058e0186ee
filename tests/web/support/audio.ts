// Test audio made with ffmpeg: a sine tone with tags, in a format Debian's
// chromium plays (mp3, flac).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Tags {
  title: string;
  artist: string;
  album: string;
  track: number;
}

const dir = mkdtempSync(join(tmpdir(), "dispotify-web-audio-"));

export function makeAudio(tags: Tags, seconds: number, format: "mp3" | "flac" = "mp3", frequency = 440): string {
  const path = join(dir, `${tags.track.toString().padStart(2, "0")} ${tags.title.replace(/[^\p{L}\p{N} ]/gu, "")}.${format}`);
  const codec = format === "mp3" ? ["-c:a", "libmp3lame", "-b:a", "64k"] : ["-c:a", "flac"];
  execFileSync(
    "/usr/bin/ffmpeg",
    [
      "-y", "-loglevel", "error",
      "-f", "lavfi", "-i", `sine=frequency=${frequency}:duration=${seconds}`,
      "-ac", "1", "-ar", "44100", ...codec,
      "-metadata", `title=${tags.title}`,
      "-metadata", `artist=${tags.artist}`,
      "-metadata", `album_artist=${tags.artist}`,
      "-metadata", `album=${tags.album}`,
      "-metadata", `track=${tags.track}`,
      path,
    ],
    { stdio: "pipe" },
  );
  return path;
}

export function bytesOf(path: string): Buffer {
  return readFileSync(path);
}
