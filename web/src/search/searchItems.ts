// The search results flattened into one list in display order, so arrow
// keys move through tracks, albums and artists as they are shown.
import type { Album, Artist, SearchResults, Track } from "../api/types";

export type SearchItem =
  | { kind: "track"; id: string; track: Track; index: number }
  | { kind: "album"; id: string; album: Album }
  | { kind: "artist"; id: string; artist: Artist };

export function flattenResults(results: SearchResults | null): SearchItem[] {
  if (!results) return [];
  return [
    ...results.tracks.map((track, index) => ({ kind: "track" as const, id: track.id, track, index })),
    ...results.albums.map((album) => ({ kind: "album" as const, id: album.id, album })),
    ...results.artists.map((artist) => ({ kind: "artist" as const, id: artist.id, artist })),
  ];
}

export function moveActive(active: number, count: number, step: 1 | -1): number {
  if (count === 0) return -1;
  if (active < 0) return step === 1 ? 0 : count - 1;
  return (active + step + count) % count;
}
