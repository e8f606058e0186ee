import type { Track } from "../api/types";

export function makeTrack(i: number, overrides: Partial<Track> = {}): Track {
  return {
    id: `t${i}`,
    title: `Track ${i}`,
    artist: "Artist",
    artists: ["Artist"],
    album: "Album",
    album_artist: "Artist",
    album_id: "a1",
    artist_id: "r1",
    track_number: i + 1,
    disc_number: 1,
    year: 2020,
    genre: null,
    duration_ms: 180_000,
    codec: "mp3",
    content_type: "audio/mpeg",
    size_bytes: 1000,
    has_cover: false,
    replaygain: { track_gain_db: null, track_peak: null, album_gain_db: null, album_peak: null },
    created_at: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}
