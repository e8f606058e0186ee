import { Fragment, useState } from "react";
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
  groupByDisc = false,
  onReorder,
}: {
  tracks: Track[];
  columns: TrackColumns;
  numbers?: (track: Track, index: number) => number;
  label: string;
  menuExtra?: (track: Track, index: number) => MenuItem[];
  // A heading row before each disc of a multi-disc album.
  groupByDisc?: boolean;
  // Rows can be dragged to a new place (a playlist).
  onReorder?: (from: number, to: number) => void;
}) {
  const store = usePlayerStore();
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const currentId = Q.current(usePlayer().queue)?.track.id;
  // #, title, time and actions, and the optional ones.
  const columnCount = 4 + Number(columns.artist !== false) + Number(columns.album !== false) + Number(!!columns.year);
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
          <Fragment key={`${track.id}-${i}`}>
            {groupByDisc && (i === 0 || tracks[i - 1]?.disc_number !== track.disc_number) && (
              <tr className="disc-row">
                <th colSpan={columnCount} scope="colgroup">
                  Disc {track.disc_number ?? 1}
                </th>
              </tr>
            )}
            <TrackRow
              track={track}
              number={numbers ? numbers(track, i) : i + 1}
              current={track.id === currentId}
              columns={columns}
              onPlay={() => store.playTracks(tracks, i)}
              menuExtra={menuExtra?.(track, i)}
              drag={
                onReorder && {
                  onStart: () => setDragFrom(i),
                  onDrop: () => {
                    if (dragFrom !== null && dragFrom !== i) onReorder(dragFrom, i);
                    setDragFrom(null);
                  },
                }
              }
            />
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}
