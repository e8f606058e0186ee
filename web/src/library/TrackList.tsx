import type { Track } from "../api/types";
import * as Q from "../player/queue";
import { usePlayer, usePlayerStore } from "../player/usePlayer";
import type { MenuItem } from "../ui/Menu";
import { TrackRow, type TrackColumns } from "./TrackRow";

// A short list of tracks (an album, a playlist, an artist's appearances):
// rendered whole. Playing a row queues the whole list from that row.
export function TrackList({
  tracks,
  columns,
  numbers,
  label,
  menuExtra,
}: {
  tracks: Track[];
  columns: TrackColumns;
  numbers?: (track: Track, index: number) => number;
  label: string;
  menuExtra?: (track: Track, index: number) => MenuItem[];
}) {
  const store = usePlayerStore();
  const currentId = Q.current(usePlayer().queue)?.track.id;
  return (
    <table className="tracks" aria-label={label}>
      <thead>
        <tr>
          <th className="col-number">#</th>
          <th>Title</th>
          {columns.artist !== false && <th>Artist</th>}
          {columns.album !== false && <th>Album</th>}
          {columns.year && <th>Year</th>}
          <th className="col-duration">Time</th>
          <th className="col-actions">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {tracks.map((track, i) => (
          <TrackRow
            key={`${track.id}-${i}`}
            track={track}
            number={numbers ? numbers(track, i) : i + 1}
            current={track.id === currentId}
            columns={columns}
            onPlay={() => store.playTracks(tracks, i)}
            menuExtra={menuExtra?.(track, i)}
          />
        ))}
      </tbody>
    </table>
  );
}
