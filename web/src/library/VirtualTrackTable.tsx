import { useEffect, useRef } from "react";
import type { SortOrder, TrackSort } from "../api/endpoints";
import type { Track } from "../api/types";
import * as Q from "../player/queue";
import { usePlayer, usePlayerStore } from "../player/usePlayer";
import type { PagedList } from "./usePagedList";
import { TrackRow } from "./TrackRow";
import { useVirtualRows } from "./useVirtualRows";

export const kTrackRowHeight = 44;

const kColumns: Array<{ label: string; sort: TrackSort | null; className?: string }> = [
  { label: "#", sort: null, className: "col-number" },
  { label: "Title", sort: "title" },
  { label: "Artist", sort: "artist" },
  { label: "Album", sort: "album" },
  { label: "Year", sort: "year", className: "col-year" },
  { label: "Time", sort: "duration", className: "col-duration" },
];

// The whole library as one table: only the rows on screen are in the DOM,
// and rows are fetched a page at a time as they scroll into view, so it
// stays smooth at 100,000 tracks.
export function VirtualTrackTable({
  list,
  sort,
  order,
  onSort,
}: {
  list: PagedList<Track>;
  sort: TrackSort;
  order: SortOrder;
  onSort: (sort: TrackSort) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const store = usePlayerStore();
  const currentId = Q.current(usePlayer().queue)?.track.id;
  const count = list.total ?? 0;
  const { first, last } = useVirtualRows(scroller, count, kTrackRowHeight);
  const { ensureRange } = list;
  useEffect(() => ensureRange(first, last), [ensureRange, first, last]);

  const play = (index: number) => {
    const rows = list.loadedRows();
    if (index < rows.length) store.playTracks(rows, index);
    else {
      const track = list.rowAt(index);
      if (track) store.playTracks([track], 0);
    }
  };

  const rows = [];
  for (let i = first; i <= last && i < count; i++) {
    const track = list.rowAt(i);
    rows.push(
      track ? (
        <TrackRow
          key={i}
          track={track}
          number={i + 1}
          rowIndex={i + 2}
          current={track.id === currentId}
          columns={{ year: true }}
          onPlay={() => play(i)}
          style={{ height: kTrackRowHeight }}
        />
      ) : (
        <tr key={i} className="track-row loading" aria-rowindex={i + 2} style={{ height: kTrackRowHeight }}>
          <td colSpan={7}>
            <span className="skeleton" />
          </td>
        </tr>
      ),
    );
  }

  return (
    <div className="virtual-scroller" ref={scroller}>
      <table className="tracks" aria-label="Tracks" aria-rowcount={count + 1}>
        <thead>
          <tr aria-rowindex={1}>
            {kColumns.map((column) => (
              <th
                key={column.label}
                className={column.className}
                aria-sort={column.sort === sort ? (order === "asc" ? "ascending" : "descending") : undefined}
              >
                {column.sort ? (
                  <button type="button" className="sort-button" onClick={() => onSort(column.sort as TrackSort)}>
                    {column.label}
                    {column.sort === sort && <span aria-hidden="true">{order === "asc" ? " ▲" : " ▼"}</span>}
                  </button>
                ) : (
                  column.label
                )}
              </th>
            ))}
            <th className="col-actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {first > 0 && (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={7} style={{ height: first * kTrackRowHeight }} />
            </tr>
          )}
          {rows}
          {last + 1 < count && (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={7} style={{ height: (count - last - 1) * kTrackRowHeight }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
