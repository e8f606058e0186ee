import { useCallback, useState } from "react";
import { listTracks, type SortOrder, type TrackSort } from "../api/endpoints";
import type { Track } from "../api/types";
import { usePlayerStore } from "../player/usePlayer";
import { usePagedList } from "./usePagedList";
import { VirtualTrackTable } from "./VirtualTrackTable";
import { plural } from "../lib/format";

const kPageSize = 200;
// "Play all" queues the first tracks in the table's order.
const kPlayAllPages = 4;
const kPlayAllPageSize = 500;

export function TracksPage() {
  const [sort, setSort] = useState<TrackSort>("title");
  const [order, setOrder] = useState<SortOrder>("asc");
  const store = usePlayerStore();
  const fetchPage = useCallback(
    (offset: number, limit: number, signal: AbortSignal) => listTracks(offset, limit, sort, order, signal),
    [sort, order],
  );
  const list = usePagedList(fetchPage, kPageSize, `${sort}:${order}`);

  const playAll = async () => {
    const tracks: Track[] = [];
    for (let page = 0; page < kPlayAllPages; page++) {
      const answer = await listTracks(page * kPlayAllPageSize, kPlayAllPageSize, sort, order);
      tracks.push(...answer.items);
      if (tracks.length >= answer.total) break;
    }
    store.playTracks(tracks, 0);
  };

  const onSort = (column: TrackSort) => {
    if (column === sort) setOrder(order === "asc" ? "desc" : "asc");
    else {
      setSort(column);
      setOrder("asc");
    }
  };

  return (
    <section className="page fill" aria-labelledby="tracks-title">
      <header className="page-header">
        <h1 id="tracks-title">Tracks</h1>
        <span className="muted">{list.total === null ? "" : plural(list.total, "track")}</span>
        <button
          type="button"
          className="primary"
          disabled={!list.total}
          onClick={() => void playAll()}
        >
          Play all
        </button>
      </header>
      {list.error && <p role="alert">Could not load tracks: {list.error.message}</p>}
      {list.total === 0 && <p className="muted">No tracks yet. Upload some music.</p>}
      <VirtualTrackTable list={list} sort={sort} order={order} onSort={onSort} />
    </section>
  );
}
